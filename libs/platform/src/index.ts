export * from './app';
export * from './auth';
export * from './config';
export * from './database';
export * from './health';
export * from './kafka';
export * from './logging';
export * from './metrics';
