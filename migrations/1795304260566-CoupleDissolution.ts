import { MigrationInterface, QueryRunner } from "typeorm";

export class CoupleDissolution1795304260566 implements MigrationInterface {
    name = 'CoupleDissolution1795304260566'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "couples"
            ADD "dissolved_by" uuid
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."couple_dissolution_reason" AS ENUM(
                'separated',
                'conjoint_work_ended',
                'created_in_error',
                'other'
            )
        `);
        await queryRunner.query(`
            ALTER TABLE "couples"
            ADD "dissolution_reason" "public"."couple_dissolution_reason"
        `);
        await queryRunner.query(`
            ALTER TABLE "couples"
            ADD CONSTRAINT "couples_dissolved_at_matches_status" CHECK (
                    (status = 'dissolved') = (dissolved_at IS NOT NULL)
                )
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "couples" DROP CONSTRAINT "couples_dissolved_at_matches_status"
        `);
        await queryRunner.query(`
            ALTER TABLE "couples" DROP COLUMN "dissolution_reason"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."couple_dissolution_reason"
        `);
        await queryRunner.query(`
            ALTER TABLE "couples" DROP COLUMN "dissolved_by"
        `);
    }

}
