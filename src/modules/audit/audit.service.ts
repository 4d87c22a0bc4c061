import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EnvSchema } from '../../config/env.schema';
import { RequestContextStore } from '../../common/tenancy/request-context';
import { AuditRecord } from './audit.types';

const COLUMNS = [
  'practice_id',
  'actor_user_id',
  'actor_role',
  'action',
  'resource_type',
  'resource_id',
  'outcome',
  'reason',
  'occurred_at',
  'ip',
  'request_id',
] as const;

/**
 * Buffers audit events and writes them in one multi-row INSERT per interval, so auditing adds
 * no round trip to a request. Buffered events are flushed on shutdown, before the audit log is
 * read, and whenever the batch is full.
 */
@Injectable()
export class AuditService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AuditService.name);
  private buffer: AuditRecord[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: EnvSchema,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.config.AUDIT_FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  /** Records an event, taking the request id and IP from the request context when not given. */
  record(event: AuditRecord): void {
    const ctx = RequestContextStore.current();
    // Clip to the column sizes so one odd value can never make a whole batch fail.
    this.buffer.push({
      ...event,
      action: event.action.slice(0, 80),
      resourceType: event.resourceType.slice(0, 60),
      resourceId: event.resourceId?.slice(0, 64) ?? null,
      actorRole: event.actorRole?.slice(0, 20) ?? null,
      reason: event.reason?.slice(0, 80) ?? null,
      occurredAt: event.occurredAt ?? new Date(),
      ip: (event.ip ?? ctx?.ip ?? null)?.slice(0, 64) ?? null,
      requestId: (event.requestId ?? ctx?.requestId ?? null)?.slice(0, 64) ?? null,
    });
    if (this.buffer.length >= this.config.AUDIT_BATCH_SIZE) void this.flush();
  }

  /** Writes everything buffered so far; concurrent callers wait for the same write. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeBuffered());
    return this.flushing;
  }

  private async writeBuffered(): Promise<void> {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    const params: unknown[] = [];
    const rows = batch.map((e) => {
      const values = [
        e.practiceId,
        e.actorUserId,
        e.actorRole,
        e.action,
        e.resourceType,
        e.resourceId,
        e.outcome,
        e.reason ?? null,
        e.occurredAt,
        e.ip ?? null,
        e.requestId ?? null,
      ];
      const placeholders = values.map((v) => {
        params.push(v);
        return `$${params.length}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    try {
      await this.dataSource.query(
        `INSERT INTO audit_events (${COLUMNS.join(', ')}) VALUES ${rows.join(', ')}`,
        params,
      );
    } catch (err) {
      // Keep the events for the next attempt rather than lose the trail.
      this.buffer = batch.concat(this.buffer);
      this.logger.error({ err: (err as Error).message, pending: this.buffer.length }, 'audit flush failed');
    }
  }
}
