import { Module } from '@nestjs/common';
import { HomeworkMaterializer } from './homework-materializer';
import { HomeworkReminders } from './homework-reminders';
import { HomeworkScheduler } from './homework-scheduler';
import { HomeworkRepository } from './homework.repository';

/**
 * Homework's data and scheduling without routes: what the API's HomeworkModule builds on and
 * what the worker's materialize job needs. REMINDER_OUTBOX and the house Clock come from the global
 * RemindersModule (one clock for homework and its reminders).
 */
@Module({
  providers: [HomeworkRepository, HomeworkReminders, HomeworkScheduler, HomeworkMaterializer],
  exports: [HomeworkRepository, HomeworkReminders, HomeworkScheduler, HomeworkMaterializer],
})
export class HomeworkCoreModule {}
