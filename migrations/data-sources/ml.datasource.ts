// For the TypeORM CLI (`typeorm migration:generate -d migrations/dist/data-sources/ml.datasource.js`).
import { schemaDataSource } from './schema-data-source';

export default schemaDataSource('ml', process.env.DATABASE_URL ?? '');
