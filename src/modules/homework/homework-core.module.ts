import { Module } from '@nestjs/common';
import { Clock } from '../progress/clock';
import { HomeworkMaterializer } from './homework-materializer';
import { HomeworkReminders } from './homework-reminders';
import { HomeworkScheduler } from './homework-scheduler';
import { HomeworkRepository } from './homework.repository';

/**
 * Homework's data and scheduling without routes: what the API's HomeworkModule builds on and
 * what the worker's materialize job needs. REMINDER_OUTBOX comes from the (global) reminder engine.
 */
@Module({
  providers: [Clock, HomeworkRepository, HomeworkReminders, HomeworkScheduler, HomeworkMaterializer],
  exports: [Clock, HomeworkRepository, HomeworkReminders, HomeworkScheduler, HomeworkMaterializer],
})
export class HomeworkCoreModule {}
