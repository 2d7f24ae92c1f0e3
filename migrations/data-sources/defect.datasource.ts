// For the TypeORM CLI (`typeorm migration:generate -d migrations/dist/data-sources/defect.datasource.js`).
import { schemaDataSource } from './schema-data-source';

export default schemaDataSource('defect', process.env.DATABASE_URL ?? '');
