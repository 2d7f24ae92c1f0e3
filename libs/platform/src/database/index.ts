export * from './database.options';
export * from './postgres.readiness';
export * from './typeorm-sql';
export * from './sql-conditions';
