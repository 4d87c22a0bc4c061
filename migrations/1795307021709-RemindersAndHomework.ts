import { MigrationInterface, QueryRunner } from "typeorm";

export class RemindersAndHomework1795307021709 implements MigrationInterface {
    name = 'RemindersAndHomework1795307021709'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "check_in_schedules" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "practice_id" uuid NOT NULL,
                "client_id" uuid NOT NULL,
                "rrule" character varying(300) NOT NULL,
                "local_time" character varying(5) NOT NULL,
                "active" boolean NOT NULL DEFAULT true,
                "materialized_until" TIMESTAMP(3) WITH TIME ZONE,
                "created_by" uuid NOT NULL,
                "version" integer NOT NULL,
                CONSTRAINT "PK_9b436ae1dc077d74928531e1449" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "check_in_schedules_client_key" ON "check_in_schedules" ("client_id")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."answer_visibility" AS ENUM('private', 'shared')
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."assignment_status" AS ENUM('active', 'paused', 'cancelled', 'ended')
        `);
        await queryRunner.query(`
            CREATE TABLE "homework_assignments" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "practice_id" uuid NOT NULL,
                "plan_id" uuid NOT NULL,
                "step_key" character varying(40) NOT NULL,
                "template_id" uuid,
                "title" character varying(200) NOT NULL,
                "instructions_ciphertext" text,
                "kind" "public"."homework_kind" NOT NULL,
                "questions" jsonb NOT NULL,
                "role_override" boolean NOT NULL DEFAULT false,
                "due_at" TIMESTAMP(3) WITH TIME ZONE,
                "rrule" character varying(300),
                "due_time" character varying(5),
                "starts_on" date,
                "ends_on" date,
                "reminder_policy" jsonb NOT NULL,
                "visibility" "public"."answer_visibility" NOT NULL DEFAULT 'private',
                "status" "public"."assignment_status" NOT NULL DEFAULT 'active',
                "materialized_until" TIMESTAMP(3) WITH TIME ZONE,
                "created_by" uuid NOT NULL,
                "version" integer NOT NULL,
                CONSTRAINT "homework_assignments_due_or_rule" CHECK ((due_at IS NULL) <> (rrule IS NULL)),
                CONSTRAINT "PK_6e96c9e0467aa788a4ce9c81ac5" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "homework_assignments_plan_idx" ON "homework_assignments" ("practice_id", "plan_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "homework_assignees" (
                "assignment_id" uuid NOT NULL,
                "client_id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                CONSTRAINT "PK_d26474f4d5efeace0fa61918ecd" PRIMARY KEY ("assignment_id", "client_id")
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."homework_instance_state" AS ENUM('pending', 'submitted', 'missed', 'excused')
        `);
        await queryRunner.query(`
            CREATE TABLE "homework_instances" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "practice_id" uuid NOT NULL,
                "assignment_id" uuid NOT NULL,
                "client_id" uuid NOT NULL,
                "occurrence_key" character varying(40) NOT NULL,
                "due_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "state" "public"."homework_instance_state" NOT NULL DEFAULT 'pending',
                "state_changed_at" TIMESTAMP(3) WITH TIME ZONE,
                "state_changed_by" uuid,
                "excuse_reason" character varying(300),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_d1eb9b04daba23168184d7592af" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "homework_instances_pending_due_idx" ON "homework_instances" ("due_at")
            WHERE state = 'pending'
        `);
        await queryRunner.query(`
            CREATE INDEX "homework_instances_client_due_idx" ON "homework_instances" ("practice_id", "client_id", "due_at")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "homework_instances_occurrence_key" ON "homework_instances" ("assignment_id", "client_id", "occurrence_key")
        `);
        await queryRunner.query(`
            CREATE TABLE "homework_submissions" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "practice_id" uuid NOT NULL,
                "instance_id" uuid NOT NULL,
                "client_id" uuid NOT NULL,
                "answers_ciphertext" text NOT NULL,
                "submitted_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "late" boolean NOT NULL DEFAULT false,
                "superseded_at" TIMESTAMP(3) WITH TIME ZONE,
                "review_ciphertext" text,
                "reviewed_by" uuid,
                "reviewed_at" TIMESTAMP(3) WITH TIME ZONE,
                CONSTRAINT "PK_4c570ffb4ce1a34b63afa9d1b26" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "homework_submissions_one_current" ON "homework_submissions" ("instance_id")
            WHERE superseded_at IS NULL
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."notification_channel" AS ENUM('email', 'in_app', 'webhook')
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."notification_reason" AS ENUM(
                'homework_prompt',
                'homework_due_soon',
                'check_in',
                'session_reminder',
                'clinician_alert'
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."notification_subject" AS ENUM(
                'homework_instance',
                'check_in_schedule',
                'session',
                'check_in'
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."notification_state" AS ENUM(
                'pending',
                'sent',
                'cancelled',
                'skipped',
                'failed'
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "notifications" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "practice_id" uuid NOT NULL,
                "recipient_client_id" uuid,
                "recipient_user_id" uuid,
                "channel" "public"."notification_channel" NOT NULL,
                "reason" "public"."notification_reason" NOT NULL,
                "subject_type" "public"."notification_subject" NOT NULL,
                "subject_id" uuid NOT NULL,
                "occurrence_key" character varying(80) NOT NULL,
                "dedupe_key" character varying(300) NOT NULL,
                "scheduled_for" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "planned_for" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "state" "public"."notification_state" NOT NULL DEFAULT 'pending',
                "state_reason" character varying(80),
                "attempts" integer NOT NULL DEFAULT '0',
                "last_error" character varying(300),
                "enqueued_at" TIMESTAMP(3) WITH TIME ZONE,
                "sent_at" TIMESTAMP(3) WITH TIME ZONE,
                "provider_id" character varying(200),
                "read_at" TIMESTAMP(3) WITH TIME ZONE,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "notifications_one_recipient" CHECK (
                    (recipient_client_id IS NULL) <> (recipient_user_id IS NULL)
                ),
                CONSTRAINT "PK_6a72c3c0f683f6462415e653c3a" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "notifications_inbox_idx" ON "notifications" ("recipient_user_id", "created_at")
            WHERE channel = 'in_app'
                AND state = 'sent'
        `);
        await queryRunner.query(`
            CREATE INDEX "notifications_practice_created_idx" ON "notifications" ("practice_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "notifications_subject_idx" ON "notifications" ("practice_id", "subject_type", "subject_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "notifications_due_idx" ON "notifications" ("scheduled_for")
            WHERE state = 'pending'
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "notifications_dedupe_key" ON "notifications" ("dedupe_key")
        `);
        // notification_deliveries reuses the notification_channel type created above.
        await queryRunner.query(`
            CREATE TABLE "notification_deliveries" (
                "notification_id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "channel" "public"."notification_channel" NOT NULL,
                "claimed_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "claimed_by" character varying(100) NOT NULL,
                "delivered_at" TIMESTAMP(3) WITH TIME ZONE,
                "provider_id" character varying(200),
                CONSTRAINT "PK_435486b970fffc3e33a7450ee97" PRIMARY KEY ("notification_id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "webhook_endpoints" (
                "practice_id" uuid NOT NULL,
                "url" character varying(500) NOT NULL,
                "secret_ciphertext" text NOT NULL,
                "active" boolean NOT NULL DEFAULT true,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_6bc9b325fc6a0198d3d0307536b" PRIMARY KEY ("practice_id")
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."one_tap_purpose" AS ENUM(
                'open_homework',
                'open_check_in',
                'confirm_session',
                'cancel_session'
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "one_tap_tokens" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "practice_id" uuid NOT NULL,
                "client_id" uuid NOT NULL,
                "purpose" "public"."one_tap_purpose" NOT NULL,
                "subject_id" uuid NOT NULL,
                "token_hash" character(64) NOT NULL,
                "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "used_at" TIMESTAMP(3) WITH TIME ZONE,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_671484a1ecd67a24129979d7368" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "one_tap_tokens_hash_key" ON "one_tap_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "one_tap_tokens_subject_idx" ON "one_tap_tokens" ("practice_id", "subject_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "check_in_schedules"
            ADD CONSTRAINT "FK_38b575766a4aa6964c94323c63d" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "homework_assignments"
            ADD CONSTRAINT "FK_4a22142008a1690835a3684fdf2" FOREIGN KEY ("plan_id") REFERENCES "treatment_plans"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "homework_assignees"
            ADD CONSTRAINT "FK_2b4d6cccaa5f837593e6606aff9" FOREIGN KEY ("assignment_id") REFERENCES "homework_assignments"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "homework_assignees"
            ADD CONSTRAINT "FK_6a8d811e4a7c098ef2dc2ba7a94" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "homework_instances"
            ADD CONSTRAINT "FK_97231cdc41c64cb64e2e2410826" FOREIGN KEY ("assignment_id") REFERENCES "homework_assignments"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "homework_submissions"
            ADD CONSTRAINT "FK_b6983b588409662b0b55ea82818" FOREIGN KEY ("instance_id") REFERENCES "homework_instances"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "homework_submissions" DROP CONSTRAINT "FK_b6983b588409662b0b55ea82818"
        `);
        await queryRunner.query(`
            ALTER TABLE "homework_instances" DROP CONSTRAINT "FK_97231cdc41c64cb64e2e2410826"
        `);
        await queryRunner.query(`
            ALTER TABLE "homework_assignees" DROP CONSTRAINT "FK_6a8d811e4a7c098ef2dc2ba7a94"
        `);
        await queryRunner.query(`
            ALTER TABLE "homework_assignees" DROP CONSTRAINT "FK_2b4d6cccaa5f837593e6606aff9"
        `);
        await queryRunner.query(`
            ALTER TABLE "homework_assignments" DROP CONSTRAINT "FK_4a22142008a1690835a3684fdf2"
        `);
        await queryRunner.query(`
            ALTER TABLE "check_in_schedules" DROP CONSTRAINT "FK_38b575766a4aa6964c94323c63d"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."one_tap_tokens_subject_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."one_tap_tokens_hash_key"
        `);
        await queryRunner.query(`
            DROP TABLE "one_tap_tokens"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."one_tap_purpose"
        `);
        await queryRunner.query(`
            DROP TABLE "webhook_endpoints"
        `);
        await queryRunner.query(`
            DROP TABLE "notification_deliveries"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."notifications_dedupe_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."notifications_due_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."notifications_subject_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."notifications_practice_created_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."notifications_inbox_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "notifications"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."notification_state"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."notification_subject"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."notification_reason"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."notification_channel"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."homework_submissions_one_current"
        `);
        await queryRunner.query(`
            DROP TABLE "homework_submissions"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."homework_instances_occurrence_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."homework_instances_client_due_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."homework_instances_pending_due_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "homework_instances"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."homework_instance_state"
        `);
        await queryRunner.query(`
            DROP TABLE "homework_assignees"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."homework_assignments_plan_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "homework_assignments"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."assignment_status"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."answer_visibility"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."check_in_schedules_client_key"
        `);
        await queryRunner.query(`
            DROP TABLE "check_in_schedules"
        `);
    }

}
