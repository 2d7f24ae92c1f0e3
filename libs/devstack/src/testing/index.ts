export * from './test-database';
export * from './read-topic';
export * from './json-api';
