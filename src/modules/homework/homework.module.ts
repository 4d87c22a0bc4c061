import { Module } from '@nestjs/common';
import { FrameworkModule } from '../framework/framework.module';
import { TreatmentPlansModule } from '../treatment-plans/treatment-plans.module';
import { HomeworkCoreModule } from './homework-core.module';
import { HomeworkTemplatesController } from './homework-templates.controller';
import { HomeworkTemplatesRepository } from './homework-templates.repository';
import { HomeworkTemplatesService } from './homework-templates.service';
import { HomeworkController } from './homework.controller';
import { HomeworkService } from './homework.service';
import { MeHomeworkController } from './me-homework.controller';
import { MyHomeworkService } from './my-homework.service';
import { ONE_TAP_HOMEWORK } from '../one-tap/one-tap-homework.port';
import { OneTapHomework } from './one-tap-homework';

/**
 * Homework templates, assignments, instances and submissions (the API). The worker's side — the
 * materialize job that keeps the rolling horizon rolling and marks missed instances — is
 * HomeworkMaterializeProcessor over HomeworkCoreModule. It also lends one-tap links their way
 * into one instance (ONE_TAP_HOMEWORK).
 */
@Module({
  imports: [HomeworkCoreModule, FrameworkModule, TreatmentPlansModule],
  controllers: [HomeworkTemplatesController, HomeworkController, MeHomeworkController],
  providers: [
    HomeworkTemplatesRepository,
    HomeworkTemplatesService,
    HomeworkService,
    MyHomeworkService,
    // The one-tap links' way into one instance (OneTapRedeemModule imports this module).
    { provide: ONE_TAP_HOMEWORK, useClass: OneTapHomework },
  ],
  exports: [MyHomeworkService, ONE_TAP_HOMEWORK],
})
export class HomeworkModule {}
