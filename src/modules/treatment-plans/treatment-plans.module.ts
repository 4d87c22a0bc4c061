import { Module } from '@nestjs/common';
import { AgreementsModule } from '../agreements/agreements.module';
import { FrameworkModule } from '../framework/framework.module';
import { ConjointPauseModule } from '../safety-flags/conjoint-pause.module';
import { MyPlanController, TreatmentPlansController } from './treatment-plans.controller';
import { TreatmentPlansRepository } from './treatment-plans.repository';
import { TreatmentPlansService } from './treatment-plans.service';

@Module({
  imports: [ConjointPauseModule, FrameworkModule, AgreementsModule],
  controllers: [TreatmentPlansController, MyPlanController],
  providers: [TreatmentPlansService, TreatmentPlansRepository],
  exports: [TreatmentPlansRepository],
})
export class TreatmentPlansModule {}
