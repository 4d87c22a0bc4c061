import { Module } from '@nestjs/common';
import { CheckInsModule } from '../check-ins/check-ins.module';
import { FrameworkModule } from '../framework/framework.module';
import { CheckInMeasuresCoreModule } from './check-in-measures-core.module';
import { CheckInMeasuresController } from './check-in-measures.controller';
import { CheckInMeasuresService } from './check-in-measures.service';
import { MeCheckInFormController } from './me-check-in-form.controller';

@Module({
  imports: [CheckInMeasuresCoreModule, CheckInsModule, FrameworkModule],
  controllers: [CheckInMeasuresController, MeCheckInFormController],
  providers: [CheckInMeasuresService],
})
export class CheckInMeasuresModule {}
