import { MigrationInterface, QueryRunner } from "typeorm";

export class NotificationIndexes1795308804771 implements MigrationInterface {
    name = 'NotificationIndexes1795308804771'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."notifications_inbox_idx"
        `);
        await queryRunner.query(`
            CREATE INDEX "notifications_delivery_log_idx" ON "notifications" ("practice_id", "scheduled_for", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "notifications_user_inbox_idx" ON "notifications" ("recipient_user_id", "sent_at", "id")
            WHERE channel = 'in_app'
                AND state = 'sent'
        `);
        await queryRunner.query(`
            CREATE INDEX "notifications_client_inbox_idx" ON "notifications" ("recipient_client_id", "sent_at", "id")
            WHERE channel = 'in_app'
                AND state = 'sent'
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."notifications_client_inbox_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."notifications_user_inbox_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."notifications_delivery_log_idx"
        `);
        await queryRunner.query(`
            CREATE INDEX "notifications_inbox_idx" ON "notifications" ("recipient_user_id", "created_at")
            WHERE (
                    (channel = 'in_app'::notification_channel)
                    AND (state = 'sent'::notification_state)
                )
        `);
    }

}
