export * from './topics';
export * from './transactions';
export * from './frames';
export * from './inspections';
