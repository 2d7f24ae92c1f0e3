export * from './bootstrap';
export * from './heap-growth';
export * from './platform.module';
