import { MigrationInterface, QueryRunner } from "typeorm";

export class FrameworkAndPlans1795305325251 implements MigrationInterface {
    name = 'FrameworkAndPlans1795305325251'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TYPE "public"."agreement_kind" AS ENUM('boundary', 'transparency')
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."agreement_status" AS ENUM('active', 'ended')
        `);
        await queryRunner.query(`
            CREATE TABLE "agreements" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "practice_id" uuid NOT NULL,
                "couple_id" uuid NOT NULL,
                "plan_id" uuid,
                "step_key" character varying(40) NOT NULL,
                "kind" "public"."agreement_kind" NOT NULL,
                "status" "public"."agreement_status" NOT NULL DEFAULT 'active',
                "review_on" date,
                "current_revision" integer NOT NULL DEFAULT '1',
                "ended_at" TIMESTAMP(3) WITH TIME ZONE,
                "created_by" uuid NOT NULL,
                "version" integer NOT NULL,
                CONSTRAINT "PK_01532f6c999d44c776e3d1fa4c8" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "agreements_couple_idx" ON "agreements" ("practice_id", "couple_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "agreement_revisions" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "practice_id" uuid NOT NULL,
                "agreement_id" uuid NOT NULL,
                "revision" integer NOT NULL,
                "body_ciphertext" text NOT NULL,
                "change_note" character varying(500),
                "created_by" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_3c6593b515c256146c7d13438a8" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "agreement_revisions_key" ON "agreement_revisions" ("agreement_id", "revision")
        `);
        await queryRunner.query(`
            CREATE TABLE "agreement_acknowledgements" (
                "agreement_id" uuid NOT NULL,
                "revision" integer NOT NULL,
                "client_id" uuid NOT NULL,
                "practice_id" uuid NOT NULL,
                "acknowledged_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_5dbf4e224f8860696f2237a1c8a" PRIMARY KEY ("agreement_id", "revision", "client_id")
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."agreements_kept_answer" AS ENUM('yes', 'partly', 'no')
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."forgiveness_readiness" AS ENUM('ready', 'not_yet')
        `);
        await queryRunner.query(`
            CREATE TABLE "check_ins" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "practice_id" uuid NOT NULL,
                "client_id" uuid NOT NULL,
                "couple_id" uuid,
                "submitted_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "local_date" date NOT NULL,
                "trust" smallint NOT NULL,
                "safety" smallint NOT NULL,
                "connection" smallint NOT NULL,
                "mood" smallint NOT NULL,
                "agreements_kept" "public"."agreements_kept_answer",
                "forgiveness_readiness" "public"."forgiveness_readiness",
                "feels_unsafe" boolean NOT NULL DEFAULT false,
                "free_text_ciphertext" text,
                "extra_answers" jsonb NOT NULL DEFAULT '{}',
                CONSTRAINT "check_ins_scales" CHECK (
                    trust BETWEEN 0 AND 10
                    AND safety BETWEEN 0 AND 10
                    AND connection BETWEEN 0 AND 10
                    AND mood BETWEEN 1 AND 5
                ),
                CONSTRAINT "PK_fac7f27bc829a454ad477c13f62" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "check_ins_couple_time_idx" ON "check_ins" ("practice_id", "couple_id", "submitted_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "check_ins_client_time_idx" ON "check_ins" ("practice_id", "client_id", "submitted_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "framework_versions" (
                "version" integer NOT NULL,
                "title" character varying(200) NOT NULL,
                "is_current" boolean NOT NULL DEFAULT false,
                "published_on" date NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_88f2b87d4779257c2b50d19c491" PRIMARY KEY ("version")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "framework_versions_one_current" ON "framework_versions" ("is_current")
            WHERE is_current
        `);
        await queryRunner.query(`
            CREATE TABLE "framework_steps" (
                "version" integer NOT NULL,
                "key" character varying(40) NOT NULL,
                "position" smallint NOT NULL,
                "title" character varying(120) NOT NULL,
                "purpose" text NOT NULL,
                "injured_focus" text NOT NULL,
                "involved_focus" text NOT NULL,
                "relationship_focus" text NOT NULL,
                "signs_of_completion" text array NOT NULL,
                CONSTRAINT "PK_8b9f9af8141064e7047495feb44" PRIMARY KEY ("version", "key")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "framework_steps_version_position_key" ON "framework_steps" ("version", "position")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."check_in_measure_kind" AS ENUM(
                'scale_0_10',
                'scale_1_5',
                'choice',
                'boolean',
                'text'
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "framework_check_in_measures" (
                "version" integer NOT NULL,
                "key" character varying(40) NOT NULL,
                "position" smallint NOT NULL,
                "label" character varying(200) NOT NULL,
                "kind" "public"."check_in_measure_kind" NOT NULL,
                "options" text array,
                "asked_from_step" character varying(40),
                "alerts" boolean NOT NULL DEFAULT false,
                CONSTRAINT "PK_854676e8f4aceebd0574d0d3b9e" PRIMARY KEY ("version", "key")
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."homework_kind" AS ENUM(
                'journal',
                'letter',
                'worksheet',
                'exercise',
                'conversation',
                'reading'
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."homework_audience" AS ENUM('injured', 'involved', 'both', 'each')
        `);
        await queryRunner.query(`
            CREATE TABLE "homework_templates" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "practice_id" uuid,
                "framework_version" integer NOT NULL,
                "library_key" character varying(60),
                "step_key" character varying(40) NOT NULL,
                "title" character varying(200) NOT NULL,
                "instructions" text NOT NULL,
                "kind" "public"."homework_kind" NOT NULL,
                "audience" "public"."homework_audience" NOT NULL,
                "default_cadence" character varying(200) NOT NULL,
                "questions" jsonb NOT NULL,
                "active" boolean NOT NULL DEFAULT true,
                "created_by" uuid,
                CONSTRAINT "homework_templates_library_or_practice" CHECK (
                    (practice_id IS NULL) = (library_key IS NOT NULL)
                ),
                CONSTRAINT "PK_61b8432f7a657bc376f80f4dd5d" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "homework_templates_practice_idx" ON "homework_templates" ("practice_id", "step_key")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "homework_templates_library_key" ON "homework_templates" ("framework_version", "library_key")
            WHERE library_key IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."plan_status" AS ENUM('draft', 'active', 'paused', 'closed')
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."plan_outcome" AS ENUM(
                'reconciled',
                'separated',
                'discontinued',
                'referred_out'
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "treatment_plans" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "practice_id" uuid NOT NULL,
                "couple_id" uuid,
                "client_id" uuid,
                "owner_id" uuid NOT NULL,
                "status" "public"."plan_status" NOT NULL DEFAULT 'draft',
                "framework_version" integer NOT NULL,
                "presenting_concerns_ciphertext" text,
                "outcome" "public"."plan_outcome",
                "closing_summary_ciphertext" text,
                "activated_at" TIMESTAMP(3) WITH TIME ZONE,
                "closed_at" TIMESTAMP(3) WITH TIME ZONE,
                "closed_by" uuid,
                "created_by" uuid NOT NULL,
                "version" integer NOT NULL,
                CONSTRAINT "treatment_plans_closed_has_outcome" CHECK ((status = 'closed') = (outcome IS NOT NULL)),
                CONSTRAINT "treatment_plans_one_subject" CHECK ((couple_id IS NULL) <> (client_id IS NULL)),
                CONSTRAINT "PK_6372779b339933b56aa985167f0" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "treatment_plans_practice_created_idx" ON "treatment_plans" ("practice_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "treatment_plans_one_open_per_client" ON "treatment_plans" ("client_id")
            WHERE client_id IS NOT NULL
                AND status <> 'closed'
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "treatment_plans_one_open_per_couple" ON "treatment_plans" ("couple_id")
            WHERE couple_id IS NOT NULL
                AND status <> 'closed'
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."plan_step_state" AS ENUM('not_started', 'active', 'completed', 'waived')
        `);
        await queryRunner.query(`
            CREATE TABLE "plan_steps" (
                "plan_id" uuid NOT NULL,
                "step_key" character varying(40) NOT NULL,
                "practice_id" uuid NOT NULL,
                "position" smallint NOT NULL,
                "state" "public"."plan_step_state" NOT NULL DEFAULT 'not_started',
                "waived_reason" character varying(500),
                "changed_by" uuid,
                "changed_at" TIMESTAMP(3) WITH TIME ZONE,
                CONSTRAINT "PK_070886872c8315c34d187ef4dcc" PRIMARY KEY ("plan_id", "step_key")
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."plan_event_kind" AS ENUM(
                'plan_created',
                'plan_updated',
                'plan_activated',
                'plan_paused',
                'plan_resumed',
                'plan_closed',
                'step_activated',
                'step_completed',
                'step_waived',
                'step_reopened',
                'goal_added',
                'goal_updated'
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "plan_events" (
                "id" BIGSERIAL NOT NULL,
                "practice_id" uuid NOT NULL,
                "plan_id" uuid NOT NULL,
                "kind" "public"."plan_event_kind" NOT NULL,
                "step_key" character varying(40),
                "from_state" character varying(20),
                "to_state" character varying(20),
                "reason" character varying(500),
                "actor_id" uuid NOT NULL,
                "occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_9b27c2a10aa99740f8bd7ed91dd" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "plan_events_plan_idx" ON "plan_events" ("plan_id", "occurred_at", "id")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."plan_goal_status" AS ENUM('open', 'met', 'dropped')
        `);
        await queryRunner.query(`
            CREATE TABLE "plan_goals" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "practice_id" uuid NOT NULL,
                "plan_id" uuid NOT NULL,
                "title" character varying(300) NOT NULL,
                "step_key" character varying(40),
                "position" smallint NOT NULL,
                "status" "public"."plan_goal_status" NOT NULL DEFAULT 'open',
                CONSTRAINT "PK_3c94e7ff165c29164dcf51676ac" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "plan_goals_plan_idx" ON "plan_goals" ("plan_id", "position")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."objective_metric" AS ENUM(
                'checkin_days',
                'measure_average',
                'agreement_kept'
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "plan_objectives" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "practice_id" uuid NOT NULL,
                "goal_id" uuid NOT NULL,
                "description" character varying(300) NOT NULL,
                "metric" "public"."objective_metric" NOT NULL,
                "params" jsonb NOT NULL,
                CONSTRAINT "PK_e2e59367db56396d0a41750a041" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "plan_objectives_goal_idx" ON "plan_objectives" ("goal_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "agreements"
            ADD CONSTRAINT "FK_1efa94c8a84d9cb46fd8446d4a9" FOREIGN KEY ("couple_id") REFERENCES "couples"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "agreement_revisions"
            ADD CONSTRAINT "FK_648807e4fd39a0d1d3cc8b97a05" FOREIGN KEY ("agreement_id") REFERENCES "agreements"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "agreement_acknowledgements"
            ADD CONSTRAINT "FK_d8414823497a6490739432bf15d" FOREIGN KEY ("agreement_id") REFERENCES "agreements"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "agreement_acknowledgements"
            ADD CONSTRAINT "FK_a3d2b6c23ee05202a2336b7deb2" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "check_ins"
            ADD CONSTRAINT "FK_b09f0bb1df1f75d89791165cd6b" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "framework_steps"
            ADD CONSTRAINT "FK_1415725b9a3bc7633d412250921" FOREIGN KEY ("version") REFERENCES "framework_versions"("version") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "framework_check_in_measures"
            ADD CONSTRAINT "FK_1ed4aa46caef1df5d198611d570" FOREIGN KEY ("version") REFERENCES "framework_versions"("version") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "treatment_plans"
            ADD CONSTRAINT "FK_b4f878dcabba51e0a9129d86927" FOREIGN KEY ("couple_id") REFERENCES "couples"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "treatment_plans"
            ADD CONSTRAINT "FK_be7552db051fbfaf3b7c4b6588e" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "treatment_plans"
            ADD CONSTRAINT "FK_8b9b487e21f611b016ea7475096" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "treatment_plans"
            ADD CONSTRAINT "FK_8f037100e2e5719b9549b057a45" FOREIGN KEY ("framework_version") REFERENCES "framework_versions"("version") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "plan_steps"
            ADD CONSTRAINT "FK_937967a265719b84b5f84b3448e" FOREIGN KEY ("plan_id") REFERENCES "treatment_plans"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "plan_events"
            ADD CONSTRAINT "FK_bbb234ff16db615f96f0019f8e1" FOREIGN KEY ("plan_id") REFERENCES "treatment_plans"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "plan_goals"
            ADD CONSTRAINT "FK_64182bf2fa7c642eb9267e7053a" FOREIGN KEY ("plan_id") REFERENCES "treatment_plans"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "plan_objectives"
            ADD CONSTRAINT "FK_5196994094de2635eb54540dcd2" FOREIGN KEY ("goal_id") REFERENCES "plan_goals"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        // A plan's history is a record: it is appended to, never rewritten.
        await queryRunner.query(`
            CREATE FUNCTION plan_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'plan_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
            END
            $$
        `);
        await queryRunner.query(`
            CREATE TRIGGER plan_events_append_only BEFORE UPDATE OR DELETE ON "plan_events"
            FOR EACH ROW EXECUTE FUNCTION plan_events_refuse_change()
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER plan_events_append_only ON "plan_events"`);
        await queryRunner.query(`DROP FUNCTION plan_events_refuse_change()`);
        await queryRunner.query(`
            ALTER TABLE "plan_objectives" DROP CONSTRAINT "FK_5196994094de2635eb54540dcd2"
        `);
        await queryRunner.query(`
            ALTER TABLE "plan_goals" DROP CONSTRAINT "FK_64182bf2fa7c642eb9267e7053a"
        `);
        await queryRunner.query(`
            ALTER TABLE "plan_events" DROP CONSTRAINT "FK_bbb234ff16db615f96f0019f8e1"
        `);
        await queryRunner.query(`
            ALTER TABLE "plan_steps" DROP CONSTRAINT "FK_937967a265719b84b5f84b3448e"
        `);
        await queryRunner.query(`
            ALTER TABLE "treatment_plans" DROP CONSTRAINT "FK_8f037100e2e5719b9549b057a45"
        `);
        await queryRunner.query(`
            ALTER TABLE "treatment_plans" DROP CONSTRAINT "FK_8b9b487e21f611b016ea7475096"
        `);
        await queryRunner.query(`
            ALTER TABLE "treatment_plans" DROP CONSTRAINT "FK_be7552db051fbfaf3b7c4b6588e"
        `);
        await queryRunner.query(`
            ALTER TABLE "treatment_plans" DROP CONSTRAINT "FK_b4f878dcabba51e0a9129d86927"
        `);
        await queryRunner.query(`
            ALTER TABLE "framework_check_in_measures" DROP CONSTRAINT "FK_1ed4aa46caef1df5d198611d570"
        `);
        await queryRunner.query(`
            ALTER TABLE "framework_steps" DROP CONSTRAINT "FK_1415725b9a3bc7633d412250921"
        `);
        await queryRunner.query(`
            ALTER TABLE "check_ins" DROP CONSTRAINT "FK_b09f0bb1df1f75d89791165cd6b"
        `);
        await queryRunner.query(`
            ALTER TABLE "agreement_acknowledgements" DROP CONSTRAINT "FK_a3d2b6c23ee05202a2336b7deb2"
        `);
        await queryRunner.query(`
            ALTER TABLE "agreement_acknowledgements" DROP CONSTRAINT "FK_d8414823497a6490739432bf15d"
        `);
        await queryRunner.query(`
            ALTER TABLE "agreement_revisions" DROP CONSTRAINT "FK_648807e4fd39a0d1d3cc8b97a05"
        `);
        await queryRunner.query(`
            ALTER TABLE "agreements" DROP CONSTRAINT "FK_1efa94c8a84d9cb46fd8446d4a9"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."plan_objectives_goal_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "plan_objectives"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."objective_metric"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."plan_goals_plan_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "plan_goals"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."plan_goal_status"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."plan_events_plan_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "plan_events"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."plan_event_kind"
        `);
        await queryRunner.query(`
            DROP TABLE "plan_steps"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."plan_step_state"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."treatment_plans_one_open_per_couple"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."treatment_plans_one_open_per_client"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."treatment_plans_practice_created_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "treatment_plans"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."plan_outcome"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."plan_status"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."homework_templates_library_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."homework_templates_practice_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "homework_templates"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."homework_audience"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."homework_kind"
        `);
        await queryRunner.query(`
            DROP TABLE "framework_check_in_measures"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."check_in_measure_kind"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."framework_steps_version_position_key"
        `);
        await queryRunner.query(`
            DROP TABLE "framework_steps"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."framework_versions_one_current"
        `);
        await queryRunner.query(`
            DROP TABLE "framework_versions"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."check_ins_client_time_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."check_ins_couple_time_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "check_ins"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."forgiveness_readiness"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."agreements_kept_answer"
        `);
        await queryRunner.query(`
            DROP TABLE "agreement_acknowledgements"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."agreement_revisions_key"
        `);
        await queryRunner.query(`
            DROP TABLE "agreement_revisions"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."agreements_couple_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "agreements"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."agreement_status"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."agreement_kind"
        `);
    }

}
