export * from './topics';
export * from './transactions';
