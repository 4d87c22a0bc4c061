import { Module } from '@nestjs/common';
import { RemindersModule } from '../reminders/reminders.module';
import { CheckInSchedulePlanner } from './check-in-schedule-planner';
import { CheckInSchedulesRepository } from './check-in-schedules.repository';

/**
 * Planning check-in reminders, without routes or access checks: what the API and the worker's
 * job share. REMINDER_OUTBOX and the house Clock come from the global RemindersModule (one Clock,
 * so a test that stands the clock still stands it still for everyone).
 */
@Module({
  imports: [RemindersModule],
  providers: [CheckInSchedulePlanner, CheckInSchedulesRepository],
  exports: [CheckInSchedulePlanner, CheckInSchedulesRepository],
})
export class CheckInSchedulesCoreModule {}
