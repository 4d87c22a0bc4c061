import { MigrationInterface, QueryRunner } from "typeorm";

export class PracticeCheckInMeasures1795310254286 implements MigrationInterface {
    name = 'PracticeCheckInMeasures1795310254286'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "practice_check_in_measures" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "practice_id" uuid NOT NULL,
                "key" character varying(40) NOT NULL,
                "label" character varying(200) NOT NULL,
                "kind" "public"."check_in_measure_kind" NOT NULL,
                "options" text array,
                "active" boolean NOT NULL DEFAULT true,
                "position" smallint NOT NULL DEFAULT '0',
                CONSTRAINT "practice_check_in_measures_options" CHECK ((kind = 'choice') = (options IS NOT NULL)),
                CONSTRAINT "PK_81ea8f687acef67b77a8643570b" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "practice_check_in_measures_key" ON "practice_check_in_measures" ("practice_id", "key")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."practice_check_in_measures_key"
        `);
        await queryRunner.query(`
            DROP TABLE "practice_check_in_measures"
        `);
    }

}
