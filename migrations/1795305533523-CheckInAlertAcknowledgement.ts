import { MigrationInterface, QueryRunner } from "typeorm";

export class CheckInAlertAcknowledgement1795305533523 implements MigrationInterface {
    name = 'CheckInAlertAcknowledgement1795305533523'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "check_ins"
            ADD "alert_acknowledged_at" TIMESTAMP(3) WITH TIME ZONE
        `);
        await queryRunner.query(`
            ALTER TABLE "check_ins"
            ADD "alert_acknowledged_by" uuid
        `);
        await queryRunner.query(`
            CREATE INDEX "check_ins_open_alerts_idx" ON "check_ins" ("practice_id", "submitted_at")
            WHERE feels_unsafe
                AND alert_acknowledged_at IS NULL
        `);
        await queryRunner.query(`
            ALTER TABLE "check_ins"
            ADD CONSTRAINT "check_ins_alert_acknowledgement" CHECK (
                    (alert_acknowledged_at IS NULL) = (alert_acknowledged_by IS NULL)
                    AND (
                        feels_unsafe
                        OR alert_acknowledged_at IS NULL
                    )
                )
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "check_ins" DROP CONSTRAINT "check_ins_alert_acknowledgement"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."check_ins_open_alerts_idx"
        `);
        await queryRunner.query(`
            ALTER TABLE "check_ins" DROP COLUMN "alert_acknowledged_by"
        `);
        await queryRunner.query(`
            ALTER TABLE "check_ins" DROP COLUMN "alert_acknowledged_at"
        `);
    }

}
