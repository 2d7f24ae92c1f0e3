// For the TypeORM CLI (`typeorm migration:generate -d migrations/dist/data-sources/risk.datasource.js`).
import { schemaDataSource } from './schema-data-source';

export default schemaDataSource('risk', process.env.DATABASE_URL ?? '');
