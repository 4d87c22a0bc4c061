import { MigrationInterface, QueryRunner } from "typeorm";

export class NotificationsToEnqueueIndex1795310121893 implements MigrationInterface {
    name = 'NotificationsToEnqueueIndex1795310121893'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE INDEX "notifications_to_enqueue_idx" ON "notifications" ("scheduled_for")
            WHERE state = 'pending'
                AND enqueued_at IS NULL
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."notifications_to_enqueue_idx"
        `);
    }

}
