import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** Raw SQL with positional parameters, answered as rows (core-ml's registry port has this shape). */
export interface SqlRows {
  query<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

/** A transaction's session that also hands out its EntityManager, so other writes (an audit record) join it. */
export interface TypeormSqlSession extends SqlRows {
  readonly manager: EntityManager;
}

export interface TypeormSqlDatabase extends SqlRows {
  transaction<T>(work: (tx: TypeormSqlSession) => Promise<T>): Promise<T>;
}

/**
 * Raw SQL over a service's TypeORM DataSource (its pool, its retry settings), for ports written
 * against plain SQL such as the model registry. Structured results, so every statement answers
 * rows whatever its kind.
 */
export function typeormSqlDatabase(dataSource: DataSource): TypeormSqlDatabase {
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

/** What preparedQuery needs of the pg pool behind a TypeORM DataSource (its driver's `master`). */
interface PgPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * Runs `text` on the DataSource's pg pool as the named prepared statement `name`: each pooled
 * connection parses and plans it once, where TypeORM's query() sends an unnamed statement that
 * Postgres parses and plans on every call (~2 ms for a large CTE). For hot statements only; a name
 * must always go with the same text.
 */
export async function preparedQuery<R>(dataSource: DataSource, name: string, text: string, values: readonly unknown[]): Promise<R[]> {
  const pool = (dataSource.driver as unknown as { master: PgPool }).master;
  return (await pool.query({ name, text, values: [...values] })).rows as R[];
}
