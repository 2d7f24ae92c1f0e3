import { MigrationInterface, QueryRunner } from 'typeorm';

import { createAppUserV1, dropAppUserV1 } from '../shared/v1-app-user';

/** defect-inspector's users: viewers, engineers and admins, who log in for a bearer token. */
export class CreateDefectAppUser1795357200000 implements MigrationInterface {
  name = 'CreateDefectAppUser1795357200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of createAppUserV1('defect', ['viewer', 'engineer', 'admin'])) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of dropAppUserV1('defect')) await queryRunner.query(sql);
  }
}
