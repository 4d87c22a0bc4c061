import { MigrationInterface, QueryRunner } from "typeorm";

export class ClinicalRecords1795303981647 implements MigrationInterface {
    name = 'ClinicalRecords1795303981647'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // uuid equality inside the overlap exclusion constraint needs btree_gist.
        await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
        await queryRunner.query(`
            CREATE TYPE "public"."client_status" AS ENUM('active', 'archived')
        `);
        await queryRunner.query(`
            CREATE TABLE "clients" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "practice_id" uuid NOT NULL,
                "full_name" character varying(200) NOT NULL,
                "preferred_name" character varying(100),
                "pronouns" character varying(50),
                "date_of_birth" date,
                "email" character varying(254),
                "phone" character varying(20),
                "timezone" character varying(64) NOT NULL,
                "reminder_preferences" jsonb NOT NULL,
                "status" "public"."client_status" NOT NULL DEFAULT 'active',
                "archived_at" TIMESTAMP(3) WITH TIME ZONE,
                "search_name" character varying(310) NOT NULL,
                "portal_user_id" uuid,
                "created_by" uuid NOT NULL,
                "version" integer NOT NULL,
                CONSTRAINT "PK_f1ab7cf3a5714dbc6bb4e1c28a4" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "clients_portal_user_key" ON "clients" ("portal_user_id")
            WHERE portal_user_id IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "clients_practice_search_idx" ON "clients" ("practice_id", "search_name")
        `);
        await queryRunner.query(`
            CREATE INDEX "clients_practice_created_idx" ON "clients" ("practice_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."couple_status" AS ENUM('active', 'dissolved')
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."couple_privacy_policy" AS ENUM('no_secrets', 'limited_secrets')
        `);
        await queryRunner.query(`
            CREATE TABLE "couples" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "practice_id" uuid NOT NULL,
                "status" "public"."couple_status" NOT NULL DEFAULT 'active',
                "privacy_policy" "public"."couple_privacy_policy" NOT NULL,
                "privacy_consented_on" date,
                "dissolved_at" TIMESTAMP(3) WITH TIME ZONE,
                "created_by" uuid NOT NULL,
                "version" integer NOT NULL,
                CONSTRAINT "PK_bd7364cfee909d0cb1912bb25f0" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "couples_practice_created_idx" ON "couples" ("practice_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."recovery_role" AS ENUM('injured', 'involved', 'mutual')
        `);
        await queryRunner.query(`
            CREATE TABLE "couple_members" (
                "couple_id" uuid NOT NULL,
                "client_id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "recovery_role" "public"."recovery_role" NOT NULL,
                "active" boolean NOT NULL DEFAULT true,
                CONSTRAINT "PK_1b26b52ee1e7820caa8fb044a6f" PRIMARY KEY ("couple_id", "client_id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "couple_members_one_active_couple" ON "couple_members" ("client_id")
            WHERE active
        `);
        await queryRunner.query(`
            CREATE TABLE "care_team_members" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "practice_id" uuid NOT NULL,
                "clinician_id" uuid NOT NULL,
                "client_id" uuid,
                "couple_id" uuid,
                "added_by" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "care_team_members_one_subject" CHECK ((client_id IS NULL) <> (couple_id IS NULL)),
                CONSTRAINT "PK_6d6f911432968bf466dd99be19f" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "care_team_members_clinician_idx" ON "care_team_members" ("practice_id", "clinician_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "care_team_members_couple_key" ON "care_team_members" ("couple_id", "clinician_id")
            WHERE couple_id IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "care_team_members_client_key" ON "care_team_members" ("client_id", "clinician_id")
            WHERE client_id IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."session_kind" AS ENUM('individual', 'couple', 'intake', 'assessment')
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."session_status" AS ENUM(
                'scheduled',
                'completed',
                'cancelled',
                'late_cancelled',
                'no_show'
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "clinical_sessions" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "practice_id" uuid NOT NULL,
                "kind" "public"."session_kind" NOT NULL,
                "clinician_id" uuid NOT NULL,
                "couple_id" uuid,
                "starts_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "ends_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "timezone" character varying(64) NOT NULL,
                "location" character varying(300),
                "telehealth_url" character varying(500),
                "status" "public"."session_status" NOT NULL DEFAULT 'scheduled',
                "status_changed_by" uuid,
                "status_changed_at" TIMESTAMP(3) WITH TIME ZONE,
                "created_by" uuid NOT NULL,
                "version" integer NOT NULL,
                CONSTRAINT "clinical_sessions_ends_after_start" CHECK ("ends_at" > "starts_at"),
                CONSTRAINT "clinical_sessions_no_overlap" EXCLUDE USING gist (
                    "clinician_id" WITH =,
                    tstzrange("starts_at", "ends_at", '[)') WITH &&
                )
                WHERE ("status" NOT IN ('cancelled', 'late_cancelled')),
                    CONSTRAINT "PK_5269e6d69e094b3fe72de7a6deb" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "clinical_sessions_couple_time_idx" ON "clinical_sessions" ("practice_id", "couple_id", "starts_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "clinical_sessions_clinician_time_idx" ON "clinical_sessions" ("practice_id", "clinician_id", "starts_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "session_participants" (
                "session_id" uuid NOT NULL,
                "client_id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                CONSTRAINT "PK_ef711874a08053f8de770e21974" PRIMARY KEY ("session_id", "client_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "session_participants_client_idx" ON "session_participants" ("client_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "calendar_feeds" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "practice_id" uuid NOT NULL,
                "clinician_id" uuid NOT NULL,
                "token_hash" character(64) NOT NULL,
                "include_client_names" boolean NOT NULL DEFAULT false,
                CONSTRAINT "PK_045067d8bb57f971f3c5426ea71" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "calendar_feeds_clinician_key" ON "calendar_feeds" ("clinician_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "calendar_feeds_token_key" ON "calendar_feeds" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."note_form" AS ENUM('soap', 'dap')
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."note_status" AS ENUM('draft', 'signed')
        `);
        await queryRunner.query(`
            CREATE TABLE "clinical_notes" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "practice_id" uuid NOT NULL,
                "session_id" uuid NOT NULL,
                "author_id" uuid NOT NULL,
                "form" "public"."note_form" NOT NULL,
                "body_ciphertext" text NOT NULL,
                "steps_addressed" text array NOT NULL DEFAULT '{}',
                "status" "public"."note_status" NOT NULL DEFAULT 'draft',
                "signed_by" uuid,
                "signed_at" TIMESTAMP(3) WITH TIME ZONE,
                "version" integer NOT NULL,
                CONSTRAINT "REL_1e1e6ae287edd611b4308c1395" UNIQUE ("session_id"),
                CONSTRAINT "PK_590ad4cecf429ecc12e8202cbb4" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "clinical_notes_session_key" ON "clinical_notes" ("session_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "clinical_note_addenda" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "practice_id" uuid NOT NULL,
                "note_id" uuid NOT NULL,
                "author_id" uuid NOT NULL,
                "body_ciphertext" text NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_0436ccb794886f4574009f7a3b3" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "clinical_note_addenda_note_idx" ON "clinical_note_addenda" ("note_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."safety_flag_kind" AS ENUM(
                'intimate_partner_violence',
                'self_harm_risk',
                'ongoing_affair',
                'substance_use',
                'other'
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."safety_severity" AS ENUM('low', 'moderate', 'high')
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."safety_flag_status" AS ENUM('active', 'resolved')
        `);
        await queryRunner.query(`
            CREATE TABLE "safety_flags" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "practice_id" uuid NOT NULL,
                "client_id" uuid NOT NULL,
                "kind" "public"."safety_flag_kind" NOT NULL,
                "severity" "public"."safety_severity" NOT NULL,
                "status" "public"."safety_flag_status" NOT NULL DEFAULT 'active',
                "note_ciphertext" text,
                "raised_by" uuid NOT NULL,
                "raised_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "resolved_by" uuid,
                "resolved_at" TIMESTAMP(3) WITH TIME ZONE,
                "resolution_note_ciphertext" text,
                CONSTRAINT "PK_2d0fdfc45618e30dd3c6878bc69" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "safety_flags_client_idx" ON "safety_flags" ("practice_id", "client_id", "status")
        `);
        await queryRunner.query(`
            ALTER TABLE "clients"
            ADD CONSTRAINT "FK_208e53e37e86cbdc72006a250a8" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "clients"
            ADD CONSTRAINT "FK_ef727ec81f5f9ad785738ca1d2e" FOREIGN KEY ("portal_user_id") REFERENCES "users"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "couple_members"
            ADD CONSTRAINT "FK_e5095027433c26408fe068c59eb" FOREIGN KEY ("couple_id") REFERENCES "couples"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "couple_members"
            ADD CONSTRAINT "FK_5df73126c78b2022ab43b32db74" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "care_team_members"
            ADD CONSTRAINT "FK_1d4a6ca26b9f1593fb6b4fd8f25" FOREIGN KEY ("clinician_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "care_team_members"
            ADD CONSTRAINT "FK_a41f668fa80aa7950b00edded2e" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "care_team_members"
            ADD CONSTRAINT "FK_e16f213ff39e1a9e56e868a9a15" FOREIGN KEY ("couple_id") REFERENCES "couples"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "clinical_sessions"
            ADD CONSTRAINT "FK_761b7554e71358d0e1769883443" FOREIGN KEY ("clinician_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "clinical_sessions"
            ADD CONSTRAINT "FK_1710403deaa6035d2495151b3db" FOREIGN KEY ("couple_id") REFERENCES "couples"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "session_participants"
            ADD CONSTRAINT "FK_0f44aaaaf807cef66c6fa9494a8" FOREIGN KEY ("session_id") REFERENCES "clinical_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "session_participants"
            ADD CONSTRAINT "FK_ed2b21a2e8b94dddfeffcfc6a4b" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "calendar_feeds"
            ADD CONSTRAINT "FK_36a3509a800c8667be568b8a02f" FOREIGN KEY ("clinician_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "clinical_notes"
            ADD CONSTRAINT "FK_1e1e6ae287edd611b4308c13950" FOREIGN KEY ("session_id") REFERENCES "clinical_sessions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "clinical_note_addenda"
            ADD CONSTRAINT "FK_e787894bdfdf7401c64e8379b2e" FOREIGN KEY ("note_id") REFERENCES "clinical_notes"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "safety_flags"
            ADD CONSTRAINT "FK_a0cbe6cbdd27e17a350f1f00b90" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        // A signed note never changes; corrections are addenda, which are append-only too.
        await queryRunner.query(`
            CREATE FUNCTION clinical_notes_refuse_signed_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    IF OLD.status = 'signed' THEN
                        RAISE EXCEPTION 'a signed note cannot be deleted' USING ERRCODE = 'insufficient_privilege';
                    END IF;
                    RETURN OLD;
                END IF;
                IF OLD.status = 'signed' THEN
                    RAISE EXCEPTION 'a signed note cannot be changed' USING ERRCODE = 'insufficient_privilege';
                END IF;
                RETURN NEW;
            END
            $$
        `);
        await queryRunner.query(`
            CREATE TRIGGER clinical_notes_signed_immutable BEFORE UPDATE OR DELETE ON "clinical_notes"
            FOR EACH ROW EXECUTE FUNCTION clinical_notes_refuse_signed_change()
        `);
        await queryRunner.query(`
            CREATE FUNCTION clinical_note_addenda_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'note addenda are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
            END
            $$
        `);
        await queryRunner.query(`
            CREATE TRIGGER clinical_note_addenda_append_only BEFORE UPDATE OR DELETE ON "clinical_note_addenda"
            FOR EACH ROW EXECUTE FUNCTION clinical_note_addenda_refuse_change()
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER clinical_note_addenda_append_only ON "clinical_note_addenda"`);
        await queryRunner.query(`DROP FUNCTION clinical_note_addenda_refuse_change()`);
        await queryRunner.query(`DROP TRIGGER clinical_notes_signed_immutable ON "clinical_notes"`);
        await queryRunner.query(`DROP FUNCTION clinical_notes_refuse_signed_change()`);
        await queryRunner.query(`
            ALTER TABLE "safety_flags" DROP CONSTRAINT "FK_a0cbe6cbdd27e17a350f1f00b90"
        `);
        await queryRunner.query(`
            ALTER TABLE "clinical_note_addenda" DROP CONSTRAINT "FK_e787894bdfdf7401c64e8379b2e"
        `);
        await queryRunner.query(`
            ALTER TABLE "clinical_notes" DROP CONSTRAINT "FK_1e1e6ae287edd611b4308c13950"
        `);
        await queryRunner.query(`
            ALTER TABLE "calendar_feeds" DROP CONSTRAINT "FK_36a3509a800c8667be568b8a02f"
        `);
        await queryRunner.query(`
            ALTER TABLE "session_participants" DROP CONSTRAINT "FK_ed2b21a2e8b94dddfeffcfc6a4b"
        `);
        await queryRunner.query(`
            ALTER TABLE "session_participants" DROP CONSTRAINT "FK_0f44aaaaf807cef66c6fa9494a8"
        `);
        await queryRunner.query(`
            ALTER TABLE "clinical_sessions" DROP CONSTRAINT "FK_1710403deaa6035d2495151b3db"
        `);
        await queryRunner.query(`
            ALTER TABLE "clinical_sessions" DROP CONSTRAINT "FK_761b7554e71358d0e1769883443"
        `);
        await queryRunner.query(`
            ALTER TABLE "care_team_members" DROP CONSTRAINT "FK_e16f213ff39e1a9e56e868a9a15"
        `);
        await queryRunner.query(`
            ALTER TABLE "care_team_members" DROP CONSTRAINT "FK_a41f668fa80aa7950b00edded2e"
        `);
        await queryRunner.query(`
            ALTER TABLE "care_team_members" DROP CONSTRAINT "FK_1d4a6ca26b9f1593fb6b4fd8f25"
        `);
        await queryRunner.query(`
            ALTER TABLE "couple_members" DROP CONSTRAINT "FK_5df73126c78b2022ab43b32db74"
        `);
        await queryRunner.query(`
            ALTER TABLE "couple_members" DROP CONSTRAINT "FK_e5095027433c26408fe068c59eb"
        `);
        await queryRunner.query(`
            ALTER TABLE "clients" DROP CONSTRAINT "FK_ef727ec81f5f9ad785738ca1d2e"
        `);
        await queryRunner.query(`
            ALTER TABLE "clients" DROP CONSTRAINT "FK_208e53e37e86cbdc72006a250a8"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."safety_flags_client_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "safety_flags"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."safety_flag_status"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."safety_severity"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."safety_flag_kind"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."clinical_note_addenda_note_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "clinical_note_addenda"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."clinical_notes_session_key"
        `);
        await queryRunner.query(`
            DROP TABLE "clinical_notes"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."note_status"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."note_form"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."calendar_feeds_token_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."calendar_feeds_clinician_key"
        `);
        await queryRunner.query(`
            DROP TABLE "calendar_feeds"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."session_participants_client_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "session_participants"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."clinical_sessions_clinician_time_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."clinical_sessions_couple_time_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "clinical_sessions"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."session_status"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."session_kind"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."care_team_members_client_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."care_team_members_couple_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."care_team_members_clinician_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "care_team_members"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."couple_members_one_active_couple"
        `);
        await queryRunner.query(`
            DROP TABLE "couple_members"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."recovery_role"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."couples_practice_created_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "couples"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."couple_privacy_policy"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."couple_status"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."clients_practice_created_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."clients_practice_search_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."clients_portal_user_key"
        `);
        await queryRunner.query(`
            DROP TABLE "clients"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."client_status"
        `);
    }

}
