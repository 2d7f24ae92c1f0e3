export * from './env.decorators';
export * from './load-env';
export * from './platform-env';
