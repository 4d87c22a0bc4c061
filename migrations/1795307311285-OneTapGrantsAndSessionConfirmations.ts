import { MigrationInterface, QueryRunner } from "typeorm";

export class OneTapGrantsAndSessionConfirmations1795307311285 implements MigrationInterface {
    name = 'OneTapGrantsAndSessionConfirmations1795307311285'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "one_tap_tokens"
            ADD "grant_used_at" TIMESTAMP(3) WITH TIME ZONE
        `);
        await queryRunner.query(`
            ALTER TABLE "clinical_sessions"
            ADD "status_changed_by_client_id" uuid
        `);
        await queryRunner.query(`
            ALTER TABLE "session_participants"
            ADD "confirmed_at" TIMESTAMP(3) WITH TIME ZONE
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "session_participants" DROP COLUMN "confirmed_at"
        `);
        await queryRunner.query(`
            ALTER TABLE "clinical_sessions" DROP COLUMN "status_changed_by_client_id"
        `);
        await queryRunner.query(`
            ALTER TABLE "one_tap_tokens" DROP COLUMN "grant_used_at"
        `);
    }

}
