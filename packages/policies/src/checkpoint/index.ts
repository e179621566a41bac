export * from './safetensors.js';
export * from './float-convert.js';
export * from './atomic-write.js';
