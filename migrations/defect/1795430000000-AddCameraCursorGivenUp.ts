import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The seqs a camera's reorder window gave up on (gaps) that it still remembers, below the camera's
 * resume seq, stored with its cursor: a stream rebuilt from the cursor tells a frame below its resume
 * seq that arrives again as late (its seq was a gap) or a duplicate (it was released), as the live
 * window did, instead of skipping it uncounted.
 */
export class AddCameraCursorGivenUp1795430000000 implements MigrationInterface {
  name = 'AddCameraCursorGivenUp1795430000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "defect"."camera_cursor" ADD COLUMN "given_up" bigint[] NOT NULL DEFAULT '{}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "defect"."camera_cursor" DROP COLUMN "given_up"`);
  }
}
