import { createRequire } from 'node:module';
import { selectBackend, configureWasmPaths } from '../packages/policies/src/backend/select-backend.ts';
const req = createRequire(new URL('../packages/policies/package.json', import.meta.url));
const tf = req('@tensorflow/tfjs-core');
await selectBackend({ backend: 'tensorflow' });
configureWasmPaths();
await tf.setBackend('wasm'); await tf.setBackend('tensorflow');
const a = performance.now();
for (let i = 0; i < 100; i++) { await tf.setBackend('wasm'); await tf.setBackend('tensorflow'); }
console.log('switch pair', ((performance.now() - a) / 100).toFixed(3), 'ms');
