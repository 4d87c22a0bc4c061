import { Module } from '@nestjs/common';
import { Clock } from '../progress/clock';
import { RemindersModule } from '../reminders/reminders.module';
import { CheckInSchedulePlanner } from './check-in-schedule-planner';
import { CheckInSchedulesRepository } from './check-in-schedules.repository';

/** Planning check-in reminders, without routes or access checks: what the API and the worker's job share. */
@Module({
  imports: [RemindersModule],
  providers: [CheckInSchedulePlanner, CheckInSchedulesRepository, Clock],
  exports: [CheckInSchedulePlanner, CheckInSchedulesRepository, Clock],
})
export class CheckInSchedulesCoreModule {}
