export * from './progress';
export * from './seeded-rng';
export * from './command-line';
