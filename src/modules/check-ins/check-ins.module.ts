import { Module } from '@nestjs/common';
import { CheckInMeasuresCoreModule } from '../check-in-measures/check-in-measures-core.module';
import { CheckInSchedulesCoreModule } from '../check-in-schedules/check-in-schedules-core.module';
import { RemindersModule } from '../reminders/reminders.module';
import { CheckInsController } from './check-ins.controller';
import { CheckInsRepository } from './check-ins.repository';
import { CheckInsService } from './check-ins.service';
import { MeCheckInsController } from './me-check-ins.controller';

@Module({
  imports: [RemindersModule, CheckInSchedulesCoreModule, CheckInMeasuresCoreModule],
  controllers: [CheckInsController, MeCheckInsController],
  providers: [CheckInsService, CheckInsRepository],
  exports: [CheckInsRepository, CheckInsService],
})
export class CheckInsModule {}
