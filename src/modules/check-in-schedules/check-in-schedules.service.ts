import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClinicalAccess } from '../../common/access/clinical-access.service';
import { portalClientId } from '../../common/access/portal';
import { ConflictError, NotFoundError } from '../../common/errors/domain-error';
import { PracticeId, Principal } from '../../common/tenancy/request-context';
import { Clock } from '../../common/time/clock';
import { REMINDER_OUTBOX, ReminderOutbox } from '../reminders/reminder.contracts';
import { horizonEnd, normalizeRrule } from './check-in-occurrences';
import { CheckInSchedulePlanner, scheduleOccurrences } from './check-in-schedule-planner';
import { CheckInSchedulesRepository, ScheduleRow } from './check-in-schedules.repository';
import { CheckInScheduleResponseDto, MyCheckInScheduleDto, PutCheckInScheduleDto } from './dto/check-in-schedule.dto';

/** How many upcoming occurrences a response shows. */
const SHOWN_OCCURRENCES = 5;

/**
 * Check-in schedules: one per client, set by the care team (clinical level). Saving plans the
 * reminders of the next 14 days in the same transaction (the outbox); the planning queue's
 * materialize-check-ins job keeps the window rolling (CheckInSchedulePlanner). Editing re-plans, deactivating or deleting
 * cancels what is pending.
 *
 * A check-in is individual work: an active high-severity IPV flag pauses conjoint work, not
 * this, so a partner's check-in reminders continue while couple work is paused (being asked how
 * safe one feels is exactly what should go on).
 */
@Injectable()
export class CheckInSchedulesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schedules: CheckInSchedulesRepository,
    private readonly access: ClinicalAccess,
    private readonly clock: Clock,
    private readonly planner: CheckInSchedulePlanner,
    @Inject(REMINDER_OUTBOX) private readonly outbox: ReminderOutbox,
  ) {}

  async get(p: Principal, clientId: string): Promise<CheckInScheduleResponseDto> {
    await this.access.assertClientClinical(p, clientId);
    const row = await this.schedules.findByClient(p.practiceId, clientId);
    if (!row) throw new NotFoundError('Check-in schedule');
    return this.toResponse(row, this.clock.now());
  }

  /** Creates or replaces the client's schedule and re-plans its reminders; `created` says which. */
  async put(p: Principal, clientId: string, dto: PutCheckInScheduleDto): Promise<{ created: boolean; schedule: CheckInScheduleResponseDto }> {
    await this.access.assertClientClinical(p, clientId);
    const fields = { rrule: normalizeRrule(dto.rrule), localTime: dto.localTime, active: dto.active ?? true };
    const now = this.clock.now();
    const { created, row } = await this.dataSource.transaction(async (m) => {
      let existing = await this.schedules.findByClient(p.practiceId, clientId, m, true);
      if (existing?.clientStatus === 'archived' || (!existing && (await this.clientArchived(p.practiceId, clientId)))) {
        throw new ConflictError('client_archived', 'The client is archived; unarchive them to schedule check-ins');
      }
      let created = false;
      if (!existing) {
        if (dto.version !== undefined) throw staleVersion();
        created = (await this.schedules.insertIfAbsent(m, p.practiceId, clientId, fields, p.userId)) !== null;
        // Lost a race with another PUT: theirs exists now, and ours replaces it like any edit.
        existing = await this.schedules.findByClient(p.practiceId, clientId, m, true);
        if (!existing) throw new NotFoundError('Client');
      }
      if (!created) {
        if (dto.version !== undefined && dto.version !== existing.version) throw staleVersion();
        await this.schedules.update(m, p.practiceId, existing.id, fields);
      }
      const row = (await this.schedules.findById(p.practiceId, existing.id, m))!;
      await this.planner.replan(m, row, now);
      return { created, row: (await this.schedules.findById(p.practiceId, existing.id, m))! };
    });
    return { created, schedule: this.toResponse(row, now) };
  }

  /** Deletes the schedule and cancels its pending reminders. */
  async remove(p: Principal, clientId: string): Promise<void> {
    await this.access.assertClientClinical(p, clientId);
    await this.dataSource.transaction(async (m) => {
      const row = await this.schedules.findByClient(p.practiceId, clientId, m, true);
      if (!row) throw new NotFoundError('Check-in schedule');
      await this.outbox.cancelFor(m, row.practiceId, 'check_in_schedule', [row.id], 'schedule_deleted');
      await this.schedules.delete(m, p.practiceId, row.id);
    });
  }

  /** Portal: your own schedule (whose comes from the token). */
  async mine(p: Principal): Promise<MyCheckInScheduleDto> {
    const clientId = await portalClientId(this.dataSource, p);
    const row = await this.schedules.findByClient(p.practiceId, clientId);
    if (!row) throw new NotFoundError('Check-in schedule');
    const { rrule, localTime, timezone, active, nextOccurrences } = this.toResponse(row, this.clock.now());
    return { rrule, localTime, timezone, active, nextOccurrences };
  }

  private async clientArchived(practiceId: PracticeId, clientId: string): Promise<boolean> {
    const rows: Array<{ status: string }> = await this.dataSource.query(`SELECT status FROM clients WHERE practice_id = $1 AND id = $2`, [practiceId, clientId]);
    return rows[0]?.status === 'archived';
  }

  private toResponse(row: ScheduleRow, now: Date): CheckInScheduleResponseDto {
    const next = row.active ? scheduleOccurrences(row, now, horizonEnd(now, 62)).slice(0, SHOWN_OCCURRENCES) : [];
    return {
      id: row.id,
      clientId: row.clientId,
      rrule: row.rrule,
      localTime: row.localTime,
      timezone: row.timezone,
      active: row.active,
      nextOccurrences: next.map((o) => ({ localDate: o.localDate, at: o.at.toISOString() })),
      materializedUntil: row.materializedUntil?.toISOString() ?? null,
      createdBy: row.createdBy,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      version: row.version,
    };
  }
}

function staleVersion(): ConflictError {
  return new ConflictError('version_conflict', 'version: the schedule changed since you read it; reload and try again');
}
