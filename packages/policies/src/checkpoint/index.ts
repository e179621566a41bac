export * from './safetensors';
export * from './float-convert';
export * from './atomic-write';
