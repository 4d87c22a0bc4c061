import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { ClinicalAccess } from '../../common/access/clinical-access.service';
import { portalClientId } from '../../common/access/portal';
import { ConflictError, DomainError, NotFoundError, RuleViolationError } from '../../common/errors/domain-error';
import { FieldProblem, RequestValidationException } from '../../common/errors/validation';
import { decodeCursor, Page, toPage } from '../../common/pagination/cursor';
import { PracticeId, Principal } from '../../common/tenancy/request-context';
import { sessionReminderOffsets } from '../practices/practice.entity';
import { REMINDER_OUTBOX, ReminderOutbox } from '../reminders/reminder.contracts';
import type { SessionKind, SessionStatus } from './clinical-session.entity';
import {
  BookSessionDto,
  ChangeSessionStatusDto,
  ListSessionsQueryDto,
  MySessionResponseDto,
  MySessionsQueryDto,
  RescheduleSessionDto,
  SessionResponseDto,
} from './dto/session.dto';
import { planSessionReminders } from './session-reminders';
import { checkTransition } from './session-status';
import { checkSpan, hasOffset, resolveDateTime, resolveSessionTimes, toLocalIso } from './session-time';
import { PortalSessionRow, SessionRow, SessionsRepository } from './sessions.repository';

/** SQLSTATE of an exclusion-constraint violation: the clinician already holds that time. */
const EXCLUSION_VIOLATION = '23P01';

export function sessionOverlap(): ConflictError {
  return new ConflictError('session_overlap', 'The clinician already has a session that overlaps this time');
}

function isExclusionViolation(err: unknown): boolean {
  return err instanceof QueryFailedError && (err as { code?: string }).code === EXCLUSION_VIOLATION;
}

function invalid(problems: FieldProblem[]): never {
  throw new RequestValidationException(problems);
}

export function toSessionResponse(s: SessionRow): SessionResponseDto {
  return {
    id: s.id,
    kind: s.kind,
    clinicianId: s.clinicianId,
    coupleId: s.coupleId,
    participantClientIds: s.participantClientIds,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    timezone: s.timezone,
    localStartsAt: toLocalIso(s.startsAt, s.timezone),
    localEndsAt: toLocalIso(s.endsAt, s.timezone),
    location: s.location,
    telehealthUrl: s.telehealthUrl,
    status: s.status,
    statusReason: s.statusReason,
    statusChangedBy: s.statusChangedBy,
    statusChangedByClientId: s.statusChangedByClientId,
    statusChangedAt: s.statusChangedAt?.toISOString() ?? null,
    confirmations: s.confirmations.map((c) => ({ clientId: c.clientId, confirmedAt: new Date(c.confirmedAt).toISOString() })),
    createdBy: s.createdBy,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    version: s.version,
  };
}

function toMySession(s: PortalSessionRow): MySessionResponseDto {
  return {
    id: s.id,
    kind: s.kind,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    timezone: s.timezone,
    localStartsAt: toLocalIso(s.startsAt, s.timezone),
    localEndsAt: toLocalIso(s.endsAt, s.timezone),
    location: s.location,
    telehealthUrl: s.telehealthUrl,
    status: s.status,
    clinicianName: s.clinicianName,
  };
}

@Injectable()
export class SessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionsRepository,
    private readonly access: ClinicalAccess,
    @Inject(REMINDER_OUTBOX) private readonly outbox: ReminderOutbox,
  ) {}

  /**
   * Replaces the session's pending reminders by one per participant at each of the practice's
   * offsets before its start (24 h and 1 h unless the practice says otherwise), inside the
   * caller's transaction. Reminders whose moment has passed are not planned.
   */
  private async planReminders(m: EntityManager, practiceId: PracticeId, sessionId: string): Promise<void> {
    const session = await this.sessions.findInPractice(practiceId, sessionId, m);
    if (!session || session.status !== 'scheduled') return;
    const offsets = sessionReminderOffsets(await this.sessions.practiceSettings(practiceId, m));
    await this.outbox.replaceFor(m, practiceId, 'session', sessionId, planSessionReminders(session, offsets, new Date()));
  }

  private async cancelReminders(m: EntityManager, practiceId: PracticeId, sessionId: string, status: SessionStatus): Promise<void> {
    await this.outbox.cancelFor(m, practiceId, 'session', [sessionId], `session_${status}`);
  }

  async book(p: Principal, dto: BookSessionDto): Promise<SessionResponseDto> {
    const timezone = dto.timezone ?? (hasOffset(dto.startsAt) && hasOffset(dto.endsAt) ? await this.sessions.practiceTimezone(p.practiceId) : undefined);
    const resolved = resolveSessionTimes(dto, timezone);
    if (!resolved.ok) {
      // A local time without a zone is a missing timezone, said on the field that is missing.
      if (!timezone) invalid([{ field: 'timezone', reasons: ['is required when startsAt or endsAt has no UTC offset'] }]);
      invalid(resolved.problems);
    }
    const clinicianId = dto.clinicianId ?? (p.role === 'clinician' ? p.userId : undefined);
    if (!clinicianId) invalid([{ field: 'clinicianId', reasons: ['is required when an admin books a session'] }]);

    const { coupleId, participantClientIds } = await this.resolveParticipants(p, dto.kind, dto.coupleId, dto.participantClientIds);
    await this.assertBookableClinician(p, clinicianId, participantClientIds);

    const id = await this.dataSource
      .transaction(async (manager) => {
        const id = await this.sessions.insert(manager, {
          practiceId: p.practiceId,
          kind: dto.kind,
          clinicianId,
          coupleId,
          participantClientIds,
          startsAt: resolved.times.startsAt,
          endsAt: resolved.times.endsAt,
          timezone: timezone!,
          location: dto.location ?? null,
          telehealthUrl: dto.telehealthUrl ?? null,
          createdBy: p.userId,
        });
        await this.planReminders(manager, p.practiceId, id);
        return id;
      })
      .catch((err: unknown) => {
        throw isExclusionViolation(err) ? sessionOverlap() : err;
      });
    return toSessionResponse((await this.sessions.findInPractice(p.practiceId, id))!);
  }

  /**
   * Works out a session's couple and participants and checks the caller may see them all.
   * Anything the caller cannot see answers 404, exactly like what does not exist.
   */
  private async resolveParticipants(
    p: Principal,
    kind: SessionKind,
    coupleIdIn: string | undefined,
    participantsIn: string[] | undefined,
  ): Promise<{ coupleId: string | null; participantClientIds: string[] }> {
    if (kind === 'individual') {
      if (coupleIdIn) invalid([{ field: 'coupleId', reasons: ['must not be set for an individual session'] }]);
      if (!participantsIn || participantsIn.length !== 1) {
        invalid([{ field: 'participantClientIds', reasons: ['must hold exactly one client for an individual session'] }]);
      }
    }
    if (kind !== 'couple' && !coupleIdIn && !participantsIn) {
      invalid([{ field: 'participantClientIds', reasons: ['is required unless coupleId is given'] }]);
    }
    if (kind === 'couple' && !coupleIdIn && participantsIn?.length !== 2) {
      invalid([{ field: 'coupleId', reasons: ['is required for a couple session unless participantClientIds are the two partners of an active couple'] }]);
    }

    let coupleId = coupleIdIn ?? null;
    let participants = participantsIn ? [...participantsIn].sort() : [];

    if (participants.length > 0) {
      const visible = await this.access.visibleClientIds(p, participants);
      if (participants.some((id) => !visible.has(id))) throw new NotFoundError('Client');
    }
    if (kind === 'couple' && !coupleId) {
      coupleId = await this.sessions.findActiveCoupleOf(p.practiceId, participants);
      if (!coupleId) invalid([{ field: 'participantClientIds', reasons: ['are not the two partners of an active couple; give coupleId'] }]);
    }
    if (coupleId) {
      if (!(await this.access.visibleCoupleIds(p, [coupleId])).has(coupleId)) throw new NotFoundError('Couple');
      const couple = await this.sessions.findCouple(p.practiceId, coupleId);
      if (!couple) throw new NotFoundError('Couple');
      if (couple.status !== 'active') throw new ConflictError('couple_dissolved', 'coupleId: the couple is dissolved; book its partners individually');
      if (participants.length === 0) participants = couple.partnerIds;
      else if (participants.length !== couple.partnerIds.length || participants.some((id, i) => id !== couple.partnerIds[i])) {
        invalid([{ field: 'participantClientIds', reasons: ['must be exactly the couple’s active partners'] }]);
      }
      if (participants.length === 0) throw new ConflictError('couple_without_partners', 'coupleId: the couple has no active partners');
    }

    const statuses = await this.sessions.clientStatuses(p.practiceId, participants);
    if (participants.some((id) => !statuses.has(id))) throw new NotFoundError('Client');
    if (participants.some((id) => statuses.get(id) !== 'active')) {
      throw new ConflictError('client_archived', 'participantClientIds: an archived client cannot be booked; unarchive them first');
    }
    return { coupleId, participantClientIds: participants };
  }

  /** The clinician is an active clinician of the practice who may see every participant. */
  private async assertBookableClinician(p: Principal, clinicianId: string, participantClientIds: string[]): Promise<void> {
    const staff = await this.sessions.findStaff(p.practiceId, clinicianId);
    if (!staff || staff.role !== 'clinician') throw new NotFoundError('Clinician');
    if (staff.status !== 'active') throw new ConflictError('clinician_inactive', 'clinicianId: the clinician’s account is not active');
    if (clinicianId === p.userId) return;
    const asClinician: Principal = { ...p, userId: clinicianId, role: 'clinician' };
    const visible = await this.access.visibleClientIds(asClinician, participantClientIds);
    if (participantClientIds.some((id) => !visible.has(id))) {
      throw new RuleViolationError('clinician_not_on_care_team', 'clinicianId: the clinician is not on the care team of every participant');
    }
  }

  async list(p: Principal, q: ListSessionsQueryDto): Promise<Page<SessionResponseDto>> {
    const from = q.from ? new Date(q.from) : undefined;
    const to = q.to ? new Date(q.to) : undefined;
    if (from && to && to <= from) invalid([{ field: 'to', reasons: ['must be after from'] }]);
    const limit = q.limit ?? 25;
    const rows = await this.sessions.listVisible(p, {
      clinicianId: q.clinicianId,
      clientId: q.clientId,
      coupleId: q.coupleId,
      from,
      to,
      status: q.status,
      kind: q.kind,
      after: decodeCursor(q.cursor),
      limit,
    });
    return toPage(rows, limit, (s) => ({ at: s.startsAt.toISOString(), id: s.id }), toSessionResponse);
  }

  async get(p: Principal, id: string): Promise<SessionResponseDto> {
    const s = await this.sessions.findVisible(p, id);
    if (!s) throw new NotFoundError('Session');
    return toSessionResponse(s);
  }

  async reschedule(p: Principal, id: string, dto: RescheduleSessionDto): Promise<SessionResponseDto> {
    const s = await this.sessions.findVisible(p, id);
    if (!s) throw new NotFoundError('Session');
    this.assertScheduled(s, 'rescheduled');
    if (s.version !== dto.version) throw staleVersion();

    const timezone = dto.timezone ?? s.timezone;
    let startsAt = s.startsAt;
    let endsAt = s.endsAt;
    const problems: FieldProblem[] = [];
    if (dto.startsAt !== undefined) {
      const r = resolveDateTime(dto.startsAt, timezone);
      if (r.ok) startsAt = r.instant;
      else problems.push({ field: 'startsAt', reasons: [r.reason] });
    }
    if (dto.endsAt !== undefined) {
      const r = resolveDateTime(dto.endsAt, timezone);
      if (r.ok) endsAt = r.instant;
      else problems.push({ field: 'endsAt', reasons: [r.reason] });
    } else if (dto.startsAt !== undefined) {
      // Moving a session keeps its length.
      endsAt = new Date(startsAt.getTime() + (s.endsAt.getTime() - s.startsAt.getTime()));
    }
    if (problems.length) invalid(problems);
    const span = checkSpan({ startsAt, endsAt });
    if (!span.ok) invalid(span.problems);

    const changed = await this.dataSource
      .transaction(async (manager) => {
        const ok = await this.sessions.reschedule(
          p.practiceId,
          id,
          dto.version,
          {
            startsAt,
            endsAt,
            timezone,
            location: dto.location === undefined ? s.location : dto.location,
            telehealthUrl: dto.telehealthUrl === undefined ? s.telehealthUrl : dto.telehealthUrl,
          },
          manager,
        );
        if (ok) await this.planReminders(manager, p.practiceId, id);
        return ok;
      })
      .catch((err: unknown) => {
        throw isExclusionViolation(err) ? sessionOverlap() : err;
      });
    if (!changed) {
      // Someone else got there between our read and our write.
      const now = await this.sessions.findInPractice(p.practiceId, id);
      if (now) this.assertScheduled(now, 'rescheduled');
      throw staleVersion();
    }
    return toSessionResponse((await this.sessions.findInPractice(p.practiceId, id))!);
  }

  async changeStatus(p: Principal, id: string, dto: ChangeSessionStatusDto): Promise<SessionResponseDto> {
    if (!(await this.sessions.findVisible(p, id))) throw new NotFoundError('Session');
    await this.dataSource.transaction(async (manager) => {
      const locked = await this.sessions.lockInPractice(manager, p.practiceId, id);
      if (!locked) throw new NotFoundError('Session');
      if (dto.version !== undefined && dto.version !== locked.version) throw staleVersion();
      const now = new Date();
      const check = checkTransition(locked.status, dto.status, locked.startsAt, now);
      if (!check.ok) throw new RuleViolationError(check.code, check.message, { from: locked.status, to: dto.status });
      await this.sessions.setStatus(manager, p.practiceId, id, dto.status, dto.reason ?? null, p.userId, now);
      await this.cancelReminders(manager, p.practiceId, id, dto.status);
    });
    return toSessionResponse((await this.sessions.findInPractice(p.practiceId, id))!);
  }

  /**
   * A participant confirms they will attend (from a reminder's one-tap link, inside the link's
   * transaction). Confirming twice is harmless; a session that is no longer scheduled, or has
   * started, cannot be confirmed.
   */
  async confirmByClient(m: EntityManager, practiceId: PracticeId, id: string, clientId: string, now: Date): Promise<ClientSessionOutcome> {
    const locked = await this.sessions.lockInPractice(m, practiceId, id);
    const confirmedAt = locked ? await this.sessions.participantConfirmation(m, practiceId, id, clientId) : undefined;
    if (!locked || confirmedAt === undefined) throw new NotFoundError('Session');
    if (locked.status !== 'scheduled') throw new RuleViolationError('session_not_scheduled', `This session is ${locked.status}; there is nothing to confirm`);
    if (locked.startsAt <= now) throw new RuleViolationError('session_started', 'This session has already started');
    if (confirmedAt) return { outcome: 'already_confirmed', status: locked.status };
    await this.sessions.confirmParticipant(m, practiceId, id, clientId, now);
    return { outcome: 'confirmed', status: locked.status };
  }

  /**
   * A participant cancels (from a reminder's one-tap link, inside the link's transaction): the
   * practice's rule makes it a late cancellation inside LATE_CANCELLATION_HOURS of the start.
   * The whole appointment is cancelled (a couple session too), and its pending reminders with it.
   */
  async cancelByClient(
    m: EntityManager,
    practiceId: PracticeId,
    id: string,
    clientId: string,
    now: Date,
    lateWithinHours: number,
  ): Promise<ClientSessionOutcome> {
    const locked = await this.sessions.lockInPractice(m, practiceId, id);
    if (!locked || (await this.sessions.participantConfirmation(m, practiceId, id, clientId)) === undefined) throw new NotFoundError('Session');
    if (locked.status === 'cancelled' || locked.status === 'late_cancelled') return { outcome: 'already_cancelled', status: locked.status };
    if (locked.status !== 'scheduled') throw new RuleViolationError('session_not_scheduled', `This session is ${locked.status}; it can no longer be cancelled`);
    if (locked.startsAt <= now) throw new RuleViolationError('session_started', 'This session has already started; please contact the practice');
    const status: SessionStatus = locked.startsAt.getTime() - now.getTime() < lateWithinHours * 3_600_000 ? 'late_cancelled' : 'cancelled';
    await this.sessions.setStatusByClient(m, practiceId, id, status, clientId, now);
    await this.cancelReminders(m, practiceId, id, status);
    return { outcome: status, status };
  }

  async mySessions(p: Principal, q: MySessionsQueryDto): Promise<Page<MySessionResponseDto>> {
    const clientId = await portalClientId(this.dataSource, p);
    const limit = q.limit ?? 25;
    const rows = await this.sessions.listUpcomingForClient(p.practiceId, clientId, new Date(), decodeCursor(q.cursor), limit);
    return toPage(rows, limit, (s) => ({ at: s.startsAt.toISOString(), id: s.id }), toMySession);
  }

  private assertScheduled(s: { status: string }, what: string): void {
    if (s.status !== 'scheduled') {
      throw new RuleViolationError('session_not_scheduled', `Only a scheduled session can be ${what}; this one is ${s.status}`);
    }
  }
}

export interface ClientSessionOutcome {
  outcome: 'confirmed' | 'already_confirmed' | 'cancelled' | 'late_cancelled' | 'already_cancelled';
  status: SessionStatus;
}

export function staleVersion(): DomainError {
  return new ConflictError('version_conflict', 'version: the record changed since you read it; reload and try again');
}
