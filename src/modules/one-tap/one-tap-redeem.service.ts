import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, NotFoundError, TooManyRequestsError } from '../../common/errors/domain-error';
import { sha256Hex } from '../../common/security/tokens';
import { PracticeId } from '../../common/tenancy/request-context';
import { AttemptLimiter, LimitExceeded } from '../../common/throttling/attempt-limiter';
import { AuditService } from '../audit/audit.service';
import { CheckInsRepository } from '../check-ins/check-ins.repository';
import { CheckInsService } from '../check-ins/check-ins.service';
import { MyCheckInDto, SubmitCheckInDto } from '../check-ins/dto/check-in.dto';
import { toLocalIso } from '../sessions/session-time';
import { SessionsRepository } from '../sessions/sessions.repository';
import { ClientSessionOutcome, SessionsService } from '../sessions/sessions.service';
import { OneTapCheckInFormDto, OneTapPreviewResponseDto, OneTapRedeemResponseDto, OneTapSessionDto } from './dto/one-tap.dto';
import { OneTapGrant, OneTapGrants } from './one-tap-grants';
import { ONE_TAP_HOMEWORK, OneTapHomeworkPort } from './one-tap-homework.port';
import { OneTapRow, OneTapTokensRepository } from './one-tap-tokens.repository';
import { LATE_CANCELLATION_HOURS, ONE_TAP_REDEEM_PER_IP } from './one-tap.policy';

/** A link that was real but is spent or past its time: 410, the same answer for both. */
export class LinkGoneError extends DomainError {
  readonly status = 410;
  constructor() {
    super('link_expired_or_used', 'This link has expired or has already been used; open the latest one from your email or sign in');
  }
}

/** A grant that already made its one submission. */
export class GrantSpentError extends DomainError {
  readonly status = 410;
  constructor() {
    super('already_submitted', 'This link has already been used to submit; thank you');
  }
}

const notFound = () => new NotFoundError('Link');

/**
 * Redeeming one-tap links, and the little a redeemed link allows. The token is looked up by its
 * hash before any tenant is known; from there the practice and client come from the token row,
 * never from input. Single use: the row is locked and spent in the transaction that acts on it.
 */
@Injectable()
export class OneTapRedeemService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: OneTapTokensRepository,
    private readonly grants: OneTapGrants,
    private readonly limiter: AttemptLimiter,
    private readonly audit: AuditService,
    private readonly sessionsService: SessionsService,
    private readonly sessions: SessionsRepository,
    private readonly checkIns: CheckInsService,
    private readonly checkInRows: CheckInsRepository,
    @Optional() @Inject(ONE_TAP_HOMEWORK) private readonly homework?: OneTapHomeworkPort,
  ) {}

  /** Failed attempts count against the IP; a success gives its attempt back. */
  private async throttled<T>(ip: string, action: string, work: () => Promise<T>): Promise<T> {
    const reserved = await this.limiter.reserve([[ONE_TAP_REDEEM_PER_IP, ip]]);
    if (reserved instanceof LimitExceeded) {
      this.audit.record({ practiceId: null, actorUserId: null, actorRole: null, action, resourceType: 'one_tap_token', resourceId: null, outcome: 'denied', reason: 'throttled', ip });
      throw new TooManyRequestsError(reserved.retryAfterSeconds);
    }
    try {
      const result = await work();
      await this.limiter.release(reserved);
      return result;
    } catch (err) {
      if (err instanceof DomainError && (err.status === 404 || err.status === 410)) {
        this.audit.record({ practiceId: null, actorUserId: null, actorRole: null, action, resourceType: 'one_tap_token', resourceId: null, outcome: 'denied', reason: err.code, ip });
      } else {
        // Not the link's fault (the session moved on, bad input): not a guess either.
        await this.limiter.release(reserved);
      }
      throw err;
    }
  }

  /** What a link is for, without spending it (the page asks "cancel your session on …?" first). */
  async preview(raw: string, ip: string): Promise<OneTapPreviewResponseDto> {
    return this.throttled(ip, 'one_tap.preview', async () => {
      const row = await this.usable(raw);
      const out: OneTapPreviewResponseDto = { purpose: row.purpose, expiresAt: row.expiresAt.toISOString() };
      if (row.purpose === 'confirm_session' || row.purpose === 'cancel_session') out.session = await this.sessionView(row.practiceId, row.subjectId);
      return out;
    });
  }

  /** Spends the link and does what it is for: a grant for open_*, the action for sessions. */
  async redeem(raw: string, ip: string): Promise<OneTapRedeemResponseDto> {
    return this.throttled(ip, 'one_tap.redeem', async () => {
      const now = new Date();
      const { row, out } = await this.dataSource.transaction(async (m) => {
        const row = await this.usable(raw, m);
        if (!(await this.tokens.markUsed(m, row.practiceId, row.id))) throw new LinkGoneError();
        return { row, out: await this.act(m, row, now) };
      });
      this.audit.record({
        practiceId: row.practiceId,
        actorUserId: null,
        actorRole: 'client',
        action: `one_tap.${row.purpose}`,
        resourceType: row.purpose === 'open_homework' ? 'homework_instance' : row.purpose === 'open_check_in' ? 'check_in' : 'session',
        resourceId: row.subjectId,
        outcome: 'allowed',
        reason: out.outcome,
        ip,
      });
      return out;
    });
  }

  /** The token behind a raw link, unspent and unexpired (locked when inside a transaction). */
  private async usable(raw: string, m?: EntityManager): Promise<OneTapRow> {
    const row = await this.tokens.findByHash(sha256Hex(raw), m, m !== undefined);
    if (!row) throw notFound();
    if (row.usedAt || row.expiresAt.getTime() <= Date.now()) throw new LinkGoneError();
    return row;
  }

  private async act(m: EntityManager, row: OneTapRow, now: Date): Promise<OneTapRedeemResponseDto> {
    switch (row.purpose) {
      case 'open_check_in': {
        const grant = await this.grants.sign({ tokenId: row.id, practiceId: row.practiceId, clientId: row.clientId, scope: 'check_in', subjectId: row.subjectId });
        return { purpose: row.purpose, outcome: 'opened', grant: { token: grant.token, scope: 'check_in', expiresAt: grant.expiresAt.toISOString() } };
      }
      case 'open_homework': {
        if (!(await this.tokens.openInstanceOf(row.practiceId, row.subjectId, row.clientId))) throw new LinkGoneError();
        const grant = await this.grants.sign({ tokenId: row.id, practiceId: row.practiceId, clientId: row.clientId, scope: 'homework', subjectId: row.subjectId });
        return {
          purpose: row.purpose,
          outcome: 'opened',
          grant: { token: grant.token, scope: 'homework', expiresAt: grant.expiresAt.toISOString() },
          homeworkInstanceId: row.subjectId,
        };
      }
      case 'confirm_session':
      case 'cancel_session': {
        const result: ClientSessionOutcome =
          row.purpose === 'confirm_session'
            ? await this.sessionsService.confirmByClient(m, row.practiceId, row.subjectId, row.clientId, now)
            : await this.sessionsService.cancelByClient(m, row.practiceId, row.subjectId, row.clientId, now, LATE_CANCELLATION_HOURS);
        return { purpose: row.purpose, outcome: result.outcome, session: await this.sessionView(row.practiceId, row.subjectId, m) };
      }
    }
  }

  private async sessionView(practiceId: PracticeId, id: string, m?: EntityManager): Promise<OneTapSessionDto> {
    const s = await this.sessions.findInPractice(practiceId, id, m);
    if (!s) throw new LinkGoneError();
    return { id: s.id, kind: s.kind, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString(), timezone: s.timezone, localStartsAt: toLocalIso(s.startsAt, s.timezone), status: s.status };
  }

  // ---- what a grant allows ----

  async checkInForm(g: OneTapGrant & { spent: boolean }): Promise<OneTapCheckInFormDto> {
    if (g.spent) throw new GrantSpentError();
    const context = await this.checkInRows.submissionContext(this.dataSource.manager, g.practiceId, g.clientId);
    if (!context) throw notFound();
    return { readinessAsked: await this.checkInRows.readinessAsked(this.dataSource.manager, g.practiceId, g.clientId, context.coupleId) };
  }

  /** One check-in, once: the grant is spent in the check-in's own transaction. */
  async submitCheckIn(g: OneTapGrant & { spent: boolean }, dto: SubmitCheckInDto): Promise<MyCheckInDto> {
    if (g.spent) throw new GrantSpentError();
    const out = await this.checkIns.submitFor(g.practiceId, g.clientId, dto, { userId: null, role: 'client' }, async (m) => {
      if (!(await this.tokens.markGrantUsed(m, g.practiceId, g.tokenId))) throw new GrantSpentError();
    });
    this.audit.record({ practiceId: g.practiceId, actorUserId: null, actorRole: 'client', action: 'one_tap.check_in.submit', resourceType: 'check_in', resourceId: out.id, outcome: 'allowed' });
    return out;
  }

  async homeworkView(g: OneTapGrant & { spent: boolean }): Promise<object> {
    const view = this.homework ? await this.homework.view(g.practiceId, g.clientId, g.subjectId) : null;
    if (!view) throw new NotFoundError('Homework');
    // Instructions are clinical text: every read is in the trail.
    this.audit.record({ practiceId: g.practiceId, actorUserId: null, actorRole: 'client', action: 'one_tap.homework.read', resourceType: 'homework_instance', resourceId: g.subjectId, outcome: 'allowed' });
    return view;
  }

  /** One submission of that one instance, once. */
  async submitHomework(g: OneTapGrant & { spent: boolean }, body: unknown): Promise<object> {
    if (g.spent) throw new GrantSpentError();
    if (!this.homework) throw new NotFoundError('Homework');
    const out = await this.homework.submit(g.practiceId, g.clientId, g.subjectId, body, async (m) => {
      if (!(await this.tokens.markGrantUsed(m, g.practiceId, g.tokenId))) throw new GrantSpentError();
    });
    this.audit.record({ practiceId: g.practiceId, actorUserId: null, actorRole: 'client', action: 'one_tap.homework.submit', resourceType: 'homework_instance', resourceId: g.subjectId, outcome: 'allowed' });
    return out;
  }
}
