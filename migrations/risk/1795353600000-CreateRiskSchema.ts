import { MigrationInterface, QueryRunner } from 'typeorm';

import { createAuditLogV1, dropAuditLogV1 } from '../shared/v1-audit-log';

/** The risk schema and its append-only audit log of every analyst and admin action. */
export class CreateRiskSchema1795353600000 implements MigrationInterface {
  name = 'CreateRiskSchema1795353600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE SCHEMA "risk"');
    for (const sql of createAuditLogV1('risk')) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of dropAuditLogV1('risk')) await queryRunner.query(sql);
    await queryRunner.query('DROP SCHEMA "risk" RESTRICT');
  }
}
