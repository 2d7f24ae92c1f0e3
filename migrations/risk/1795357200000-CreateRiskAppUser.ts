import { MigrationInterface, QueryRunner } from 'typeorm';

import { createAppUserV1, dropAppUserV1 } from '../shared/v1-app-user';

/** risk-api's users: viewers, analysts and admins, who log in for a bearer token. */
export class CreateRiskAppUser1795357200000 implements MigrationInterface {
  name = 'CreateRiskAppUser1795357200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of createAppUserV1('risk', ['viewer', 'analyst', 'admin'])) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of dropAppUserV1('risk')) await queryRunner.query(sql);
  }
}
