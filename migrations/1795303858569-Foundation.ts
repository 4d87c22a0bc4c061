import { MigrationInterface, QueryRunner } from "typeorm";

export class Foundation1795303858569 implements MigrationInterface {
    name = 'Foundation1795303858569'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TYPE "public"."audit_outcome" AS ENUM('allowed', 'denied')
        `);
        await queryRunner.query(`
            CREATE TABLE "audit_events" (
                "id" BIGSERIAL NOT NULL,
                "practice_id" uuid,
                "actor_user_id" uuid,
                "actor_role" character varying(20),
                "action" character varying(80) NOT NULL,
                "resource_type" character varying(60) NOT NULL,
                "resource_id" character varying(64),
                "outcome" "public"."audit_outcome" NOT NULL,
                "reason" character varying(80),
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "ip" character varying(64),
                "request_id" character varying(64),
                CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "audit_events_practice_resource_idx" ON "audit_events" (
                "practice_id",
                "resource_type",
                "resource_id",
                "occurred_at"
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "audit_events_practice_actor_idx" ON "audit_events" ("practice_id", "actor_user_id", "occurred_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "audit_events_practice_time_idx" ON "audit_events" ("practice_id", "occurred_at", "id")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."practice_status" AS ENUM('active', 'suspended')
        `);
        await queryRunner.query(`
            CREATE TABLE "practices" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "name" character varying(200) NOT NULL,
                "timezone" character varying(64) NOT NULL,
                "settings" jsonb NOT NULL,
                "status" "public"."practice_status" NOT NULL DEFAULT 'active',
                "version" integer NOT NULL,
                CONSTRAINT "PK_0934829c5859a843625e6ff1c34" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."user_role" AS ENUM('admin', 'clinician', 'client')
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."user_status" AS ENUM('invited', 'active', 'deactivated')
        `);
        await queryRunner.query(`
            CREATE TABLE "users" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "practice_id" uuid NOT NULL,
                "email" character varying(254) NOT NULL,
                "full_name" character varying(200),
                "password_hash" character varying(255),
                "role" "public"."user_role" NOT NULL,
                "status" "public"."user_status" NOT NULL,
                "totp_secret" text,
                "totp_enabled_at" TIMESTAMP WITH TIME ZONE,
                "totp_last_step" bigint,
                "password_changed_at" TIMESTAMP WITH TIME ZONE,
                "last_login_at" TIMESTAMP WITH TIME ZONE,
                "deactivated_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "users_email_key" ON "users" ("email")
        `);
        await queryRunner.query(`
            CREATE INDEX "users_practice_created_idx" ON "users" ("practice_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "auth_sessions" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "practice_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "revoked_reason" character varying(40),
                "totp_enrolment_only" boolean NOT NULL DEFAULT false,
                "ip" character varying(64),
                CONSTRAINT "PK_641507381f32580e8479efc36cd" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "auth_sessions_user_idx" ON "auth_sessions" ("user_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "totp_recovery_codes" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "user_id" uuid NOT NULL,
                "code_hash" character(64) NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "used_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_d7156f4a16f70eb55911ad41901" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "totp_recovery_codes_hash_key" ON "totp_recovery_codes" ("code_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "totp_recovery_codes_user_idx" ON "totp_recovery_codes" ("user_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "refresh_tokens" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "session_id" uuid NOT NULL,
                "token_hash" character(64) NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "used_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "refresh_tokens_hash_key" ON "refresh_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "refresh_tokens_session_idx" ON "refresh_tokens" ("session_id")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."user_token_purpose" AS ENUM('invitation', 'password_reset')
        `);
        await queryRunner.query(`
            CREATE TABLE "user_tokens" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "practice_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "purpose" "public"."user_token_purpose" NOT NULL,
                "token_hash" character(64) NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "used_at" TIMESTAMP WITH TIME ZONE,
                "created_by" uuid,
                CONSTRAINT "PK_63764db9d9aaa4af33e07b2f4bf" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "user_tokens_hash_key" ON "user_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "user_tokens_user_purpose_idx" ON "user_tokens" ("user_id", "purpose")
        `);
        await queryRunner.query(`
            ALTER TABLE "users"
            ADD CONSTRAINT "FK_e082ab9948605efc8c73627fc21" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "auth_sessions"
            ADD CONSTRAINT "FK_50ccaa6440288a06f0ba693ccc6" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "totp_recovery_codes"
            ADD CONSTRAINT "FK_7b5306af9f656dd4651b0f814b8" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "refresh_tokens"
            ADD CONSTRAINT "FK_3bf308fa93da3966f9e76fcfba4" FOREIGN KEY ("session_id") REFERENCES "auth_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "user_tokens"
            ADD CONSTRAINT "FK_9e144a67be49e5bba91195ef5de" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        // The audit trail is append-only, enforced where the application cannot bypass it.
        await queryRunner.query(`
            CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$
        `);
        await queryRunner.query(`
            CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON "audit_events"
            FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()
        `);
        await queryRunner.query(`
            CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON "audit_events"
            FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER audit_events_no_truncate ON "audit_events"`);
        await queryRunner.query(`DROP TRIGGER audit_events_no_update_delete ON "audit_events"`);
        await queryRunner.query(`DROP FUNCTION audit_events_refuse_change()`);
        await queryRunner.query(`
            ALTER TABLE "user_tokens" DROP CONSTRAINT "FK_9e144a67be49e5bba91195ef5de"
        `);
        await queryRunner.query(`
            ALTER TABLE "refresh_tokens" DROP CONSTRAINT "FK_3bf308fa93da3966f9e76fcfba4"
        `);
        await queryRunner.query(`
            ALTER TABLE "totp_recovery_codes" DROP CONSTRAINT "FK_7b5306af9f656dd4651b0f814b8"
        `);
        await queryRunner.query(`
            ALTER TABLE "auth_sessions" DROP CONSTRAINT "FK_50ccaa6440288a06f0ba693ccc6"
        `);
        await queryRunner.query(`
            ALTER TABLE "users" DROP CONSTRAINT "FK_e082ab9948605efc8c73627fc21"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."user_tokens_user_purpose_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."user_tokens_hash_key"
        `);
        await queryRunner.query(`
            DROP TABLE "user_tokens"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."user_token_purpose"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."refresh_tokens_session_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."refresh_tokens_hash_key"
        `);
        await queryRunner.query(`
            DROP TABLE "refresh_tokens"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."totp_recovery_codes_user_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."totp_recovery_codes_hash_key"
        `);
        await queryRunner.query(`
            DROP TABLE "totp_recovery_codes"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."auth_sessions_user_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "auth_sessions"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."users_practice_created_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."users_email_key"
        `);
        await queryRunner.query(`
            DROP TABLE "users"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."user_status"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."user_role"
        `);
        await queryRunner.query(`
            DROP TABLE "practices"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."practice_status"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."audit_events_practice_time_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."audit_events_practice_actor_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."audit_events_practice_resource_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "audit_events"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."audit_outcome"
        `);
    }

}
