import { Global, Module } from '@nestjs/common';
import { NotificationOutbox } from './notification-outbox';
import { OutboxRepository } from './outbox.repository';
import { REMINDER_OUTBOX } from './reminder.contracts';

/**
 * The reminder engine's write side, for the API and the worker alike (global: features inject
 * REMINDER_OUTBOX and call it inside their transactions). The sweep and the deliver processor
 * are worker-only: see REMINDER_WORKER_PROVIDERS in reminders.worker.ts.
 */
@Global()
@Module({
  providers: [OutboxRepository, NotificationOutbox, { provide: REMINDER_OUTBOX, useExisting: NotificationOutbox }],
  exports: [REMINDER_OUTBOX, NotificationOutbox],
})
export class RemindersModule {}
