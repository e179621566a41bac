export * from './safetensors';
export * from './float-convert';
export * from './atomic-write';
export * from './hf-config';
export * from './hf-tensor-names';
export * from './hf-checkpoint';
export * from './tensor-state';
