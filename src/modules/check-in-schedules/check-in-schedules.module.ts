import { Module } from '@nestjs/common';
import { CheckInSchedulesCoreModule } from './check-in-schedules-core.module';
import { CheckInSchedulesController } from './check-in-schedules.controller';
import { CheckInSchedulesService } from './check-in-schedules.service';
import { MeCheckInScheduleController } from './me-check-in-schedule.controller';

/** The routes: GET|PUT|DELETE /v1/clients/:id/check-in-schedule and GET /v1/me/check-in-schedule. */
@Module({
  imports: [CheckInSchedulesCoreModule],
  controllers: [CheckInSchedulesController, MeCheckInScheduleController],
  providers: [CheckInSchedulesService],
})
export class CheckInSchedulesModule {}
