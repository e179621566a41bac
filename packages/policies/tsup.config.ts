import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.base';

// The gradient worker is its own entry: worker threads load it by file (parallel/gradient-pool.ts).
export default defineConfig(packageConfig({ entry: ['src/index.ts', 'src/parallel/gradient-worker.ts'] }));
