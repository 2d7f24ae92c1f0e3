import { MigrationInterface, QueryRunner } from 'typeorm';

import { createAuditLogV1, dropAuditLogV1 } from '../shared/v1-audit-log';

/** The defect schema and its append-only audit log of every analyst and admin action. */
export class CreateDefectSchema1795353600000 implements MigrationInterface {
  name = 'CreateDefectSchema1795353600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE SCHEMA "defect"');
    for (const sql of createAuditLogV1('defect')) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of dropAuditLogV1('defect')) await queryRunner.query(sql);
    await queryRunner.query('DROP SCHEMA "defect" RESTRICT');
  }
}
