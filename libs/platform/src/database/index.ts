export * from './database.options';
export * from './postgres.readiness';
