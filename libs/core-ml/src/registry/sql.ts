/**
 * The registry's port to Postgres (STYLE R2): raw, schema-qualified SQL with positional
 * parameters, and transactions. Services adapt the TypeORM DataSource they already have (so a
 * promotion can be audited inside the same transaction); the CLI uses `pgDatabase` over a pool.
 */
import type { Pool, PoolClient } from 'pg';

export interface SqlSession {
  /** The rows of a statement (those of `RETURNING` for writes). */
  query<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface SqlDatabase<Tx extends SqlSession = SqlSession> extends SqlSession {
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it rejects. */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
}

export function pgDatabase(pool: Pool): SqlDatabase {
  const session = (client: Pool | PoolClient): SqlSession => ({
    query: async <R>(sql: string, params: readonly unknown[] = []) => (await client.query(sql, [...params])).rows as R[],
  });
  return {
    ...session(pool),
    async transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(session(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}
