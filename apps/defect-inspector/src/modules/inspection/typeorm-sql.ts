import type { SqlDatabase, SqlSession } from '@vigil/core-ml';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** A registry transaction that also hands out its EntityManager. */
export interface TypeormSqlSession extends SqlSession {
  readonly manager: EntityManager;
}

/**
 * The registry's SQL port over the service's TypeORM DataSource (its pool, its retry settings).
 * Structured results, so every statement answers rows whatever its kind.
 */
export function typeormSqlDatabase(dataSource: DataSource): SqlDatabase<TypeormSqlSession> {
  const rows = async <R>(runner: QueryRunner, sql: string, params: readonly unknown[]) => (await runner.query(sql, [...params], true)).records as R[];
  return {
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      const runner = dataSource.createQueryRunner();
      try {
        return await rows<R>(runner, sql, params);
      } finally {
        await runner.release();
      }
    },
    transaction<T>(work: (tx: TypeormSqlSession) => Promise<T>): Promise<T> {
      return dataSource.transaction((manager) =>
        work({ manager, query: <R>(sql: string, params: readonly unknown[] = []) => rows<R>(manager.queryRunner as QueryRunner, sql, params) }),
      );
    },
  };
}
