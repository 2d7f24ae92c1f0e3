export * from './route-walker';
