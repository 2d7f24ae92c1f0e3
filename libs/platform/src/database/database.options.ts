import { DataSourceOptions } from 'typeorm';

import { PlatformEnv } from '../config';

/**
 * How a service reaches Postgres. Schema changes happen only through migrations, run by their own
 * one-shot step (`npm run migrate`), never by booting a service.
 */
export function databaseOptions(env: PlatformEnv, entities: DataSourceOptions['entities'], applicationName: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: env.DATABASE_URL,
    entities,
    synchronize: false,
    migrationsRun: false,
    applicationName,
    extra: { max: env.DATABASE_POOL_SIZE, connectionTimeoutMillis: 5_000 },
  };
}
