import { MigrationInterface, QueryRunner } from "typeorm";

export class SessionStatusReason1795304217573 implements MigrationInterface {
    name = 'SessionStatusReason1795304217573'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "clinical_sessions"
            ADD "status_reason" character varying(500)
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "clinical_sessions" DROP COLUMN "status_reason"
        `);
    }

}
