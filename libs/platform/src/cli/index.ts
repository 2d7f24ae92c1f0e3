export * from './progress';
export * from './seeded-rng';
