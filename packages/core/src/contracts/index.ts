export * from './chat';
export * from './policy';
export * from './reward-model';
export * from './task';
export * from './environment';
export * from './logger';
export * from './checkpoint-store';
export * from './trainer';
