import { Module } from '@nestjs/common';
import { ProgressModule } from '../progress/progress.module';
import { PlanGoalsController } from './plan-goals.controller';
import { PlanGoalsRepository } from './plan-goals.repository';
import { PlanGoalsService } from './plan-goals.service';

@Module({
  imports: [ProgressModule],
  controllers: [PlanGoalsController],
  providers: [PlanGoalsService, PlanGoalsRepository],
})
export class PlanGoalsModule {}
