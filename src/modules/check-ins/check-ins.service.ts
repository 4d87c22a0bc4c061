import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { ClinicalAccess } from '../../common/access/clinical-access.service';
import { portalClientId } from '../../common/access/portal';
import { ConflictError, ForbiddenError, NotFoundError, RuleViolationError } from '../../common/errors/domain-error';
import { RequestValidationException } from '../../common/errors/validation';
import { decodeCursor, Page, toPage } from '../../common/pagination/cursor';
import { FieldEncryption } from '../../common/security/field-encryption';
import { PracticeId, Principal } from '../../common/tenancy/request-context';
import { AuditService } from '../audit/audit.service';
import { ExtraAnswers } from '../check-in-measures/extra-answers';
import { CheckInSchedulePlanner } from '../check-in-schedules/check-in-schedule-planner';
import { REMINDER_OUTBOX, ReminderOutbox } from '../reminders/reminder.contracts';
import { CheckInRow, CheckInsRepository } from './check-ins.repository';
import {
  CheckInResponseDto,
  ListAlertsQueryDto,
  ListCheckInsQueryDto,
  ListMyCheckInsQueryDto,
  MyCheckInDto,
  SubmitCheckInDto,
} from './dto/check-in.dto';

/** Associated data binds the free-text envelope to its check-in, so ciphertexts cannot be swapped. */
const freeTextAad = (id: string) => `check_in:${id}:free_text`;

const cursorKey = (r: CheckInRow) => ({ at: r.submittedAt.toISOString(), id: r.id });

/**
 * Check-ins. A client writes and reads only their own through the portal (the client id comes
 * from the token); the care team reads them per partner with the free text decrypted. A partner
 * never reaches the other partner's check-ins: no portal route takes a client or couple id.
 */
@Injectable()
export class CheckInsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly checkIns: CheckInsRepository,
    private readonly access: ClinicalAccess,
    private readonly crypto: FieldEncryption,
    private readonly audit: AuditService,
    @Inject(REMINDER_OUTBOX) private readonly outbox: ReminderOutbox,
    private readonly schedules: CheckInSchedulePlanner,
    private readonly extra: ExtraAnswers,
  ) {}

  async submit(p: Principal, dto: SubmitCheckInDto): Promise<MyCheckInDto> {
    const clientId = await portalClientId(this.dataSource, p);
    return this.submitFor(p.practiceId, clientId, dto, { userId: p.userId, role: p.role });
  }

  /**
   * Records a check-in of a client, however they reached the form (the portal, or a one-tap
   * link: `within` then spends the link's grant in the same transaction). "I feel unsafe" plans
   * an urgent clinician_alert to every member of the care team in that same transaction: it is
   * committed with the check-in or not at all, and quiet hours do not hold it back.
   */
  async submitFor(
    practiceId: PracticeId,
    clientId: string,
    dto: SubmitCheckInDto,
    actor: { userId: string | null; role: string },
    within?: (m: EntityManager) => Promise<void>,
  ): Promise<MyCheckInDto> {
    const id = randomUUID();
    const row = await this.dataSource.transaction(async (m) => {
      const context = await this.checkIns.submissionContext(m, practiceId, clientId);
      if (!context) throw new NotFoundError('Client');
      if (dto.forgivenessReadiness && !(await this.checkIns.readinessAsked(m, practiceId, clientId, context.coupleId))) {
        throw new RuleViolationError(
          'readiness_not_asked_yet',
          'forgivenessReadiness: readiness for forgiveness is asked only once the intimacy step is active on your plan',
        );
      }
      // Against the practice's active measures: unknown keys and wrong answers are 400, naming extraAnswers.<key>.
      const extraAnswers = await this.extra.prepare(m, practiceId, id, dto.extraAnswers);
      if (within) await within(m);
      await this.checkIns.insert(m, practiceId, {
        id,
        clientId,
        coupleId: context.coupleId,
        timezone: context.timezone,
        trust: dto.trust,
        safety: dto.safety,
        connection: dto.connection,
        mood: dto.mood,
        agreementsKept: dto.agreementsKept ?? null,
        forgivenessReadiness: dto.forgivenessReadiness ?? null,
        feelsUnsafe: dto.feelsUnsafe ?? false,
        freeTextCiphertext: dto.freeText ? this.crypto.encrypt(dto.freeText, freeTextAad(id)) : null,
        extraAnswers,
      });
      if (dto.feelsUnsafe) await this.planUnsafeAlert(m, practiceId, clientId, id);
      const inserted = (await this.checkIns.findInPractice(practiceId, id, m))!;
      // Checked in today: today's check-in reminder, if still to come, is not sent.
      await this.schedules.checkedIn(m, practiceId, clientId, inserted.localDate, new Date());
      return inserted;
    });
    if (row.feelsUnsafe) {
      // The alert rows were committed with the check-in; this is the trail.
      this.audit.record({
        practiceId,
        actorUserId: actor.userId,
        actorRole: actor.role,
        action: 'check_in.unsafe_reported',
        resourceType: 'check_in',
        resourceId: row.id,
        outcome: 'allowed',
      });
    }
    return this.toMine(row);
  }

  /** One urgent alert per care-team member, in-app and by email, due now whatever the quiet hours. */
  private async planUnsafeAlert(m: EntityManager, practiceId: PracticeId, clientId: string, checkInId: string): Promise<void> {
    const recipients = await this.checkIns.alertRecipients(m, practiceId, clientId);
    const at = new Date();
    await this.outbox.plan(
      m,
      recipients.map((userId) => ({
        practiceId,
        recipient: { kind: 'user', userId },
        reason: 'clinician_alert',
        subjectType: 'check_in',
        subjectId: checkInId,
        occurrenceKey: 'unsafe',
        at,
        urgent: true,
        channels: ['in_app', 'email'],
      })),
    );
  }

  async listMine(p: Principal, q: ListMyCheckInsQueryDto): Promise<Page<MyCheckInDto>> {
    const clientId = await portalClientId(this.dataSource, p);
    const limit = q.limit ?? 25;
    const rows = await this.checkIns.list(p.practiceId, { clientId }, { before: decodeCursor(q.cursor), limit });
    return toPage(rows, limit, cursorKey, (r) => this.toMine(r));
  }

  /** One client's check-ins, or both partners' within one couple: the care team only. */
  async list(p: Principal, q: ListCheckInsQueryDto): Promise<Page<CheckInResponseDto>> {
    if (Boolean(q.clientId) === Boolean(q.coupleId)) {
      throw new RequestValidationException([{ field: q.clientId ? 'coupleId' : 'clientId', reasons: ['give exactly one of clientId, coupleId'] }]);
    }
    if (q.from && q.to && q.to < q.from) {
      throw new RequestValidationException([{ field: 'to', reasons: ['must not be before from'] }]);
    }
    const before = decodeCursor(q.cursor);
    if (q.clientId) await this.access.assertClientClinical(p, q.clientId);
    else await this.access.assertCoupleClinical(p, q.coupleId!);
    const limit = q.limit ?? 25;
    const subject = q.clientId ? { clientId: q.clientId } : { coupleId: q.coupleId! };
    const rows = await this.checkIns.list(p.practiceId, subject, { from: q.from, to: q.to, before, limit });
    return toPage(rows, limit, cursorKey, (r) => this.toStaff(r));
  }

  /** Unsafe reports not yet acknowledged, of the clients whose clinical content the caller reads. */
  async openAlerts(p: Principal, q: ListAlertsQueryDto): Promise<Page<CheckInResponseDto>> {
    const before = decodeCursor(q.cursor);
    if (q.clientId) await this.access.assertClientClinical(p, q.clientId);
    if (q.coupleId) await this.access.assertCoupleClinical(p, q.coupleId);
    const params: unknown[] = [];
    const sql = await this.access.clientListCondition(p, 'cl', params, 'clinical');
    const limit = q.limit ?? 25;
    const rows = await this.checkIns.listOpenAlerts(p.practiceId, { sql, params }, { clientId: q.clientId, coupleId: q.coupleId, before, limit });
    return toPage(rows, limit, cursorKey, (r) => this.toStaff(r));
  }

  async acknowledgeAlert(p: Principal, id: string): Promise<CheckInResponseDto> {
    const row = await this.checkIns.findInPractice(p.practiceId, id);
    // Not visible answers exactly like not there: the same 404, naming the check-in, not its client.
    if (!row || !(await this.access.visibleClientIds(p, [row.clientId])).has(row.clientId)) throw new NotFoundError('Check-in');
    if (!(await this.access.clinicalClientIds(p, [row.clientId])).has(row.clientId)) {
      throw new ForbiddenError('Only the care team reads clinical content', 'not_on_care_team');
    }
    if (!row.feelsUnsafe) throw new ConflictError('no_alert', 'This check-in did not report feeling unsafe; there is no alert to acknowledge');
    if (!(await this.checkIns.acknowledgeAlert(p.practiceId, id, p.userId))) {
      throw new ConflictError('alert_already_acknowledged', 'This alert has already been acknowledged');
    }
    return this.toStaff((await this.checkIns.findInPractice(p.practiceId, id))!);
  }

  private toMine(r: CheckInRow): MyCheckInDto {
    return {
      id: r.id,
      submittedAt: r.submittedAt.toISOString(),
      localDate: r.localDate,
      trust: r.trust,
      safety: r.safety,
      connection: r.connection,
      mood: r.mood,
      agreementsKept: r.agreementsKept,
      forgivenessReadiness: r.forgivenessReadiness,
      feelsUnsafe: r.feelsUnsafe,
      freeText: r.freeTextCiphertext ? this.crypto.decrypt(r.freeTextCiphertext, freeTextAad(r.id)) : null,
      extraAnswers: this.extra.reveal(r.id, r.extraAnswers),
    };
  }

  private toStaff(r: CheckInRow): CheckInResponseDto {
    return {
      ...this.toMine(r),
      clientId: r.clientId,
      clientName: r.clientName,
      coupleId: r.coupleId,
      recoveryRole: r.recoveryRole,
      alert: r.feelsUnsafe
        ? {
            acknowledged: r.alertAcknowledgedAt !== null,
            acknowledgedAt: r.alertAcknowledgedAt?.toISOString() ?? null,
            acknowledgedBy: r.alertAcknowledgedBy ? { id: r.alertAcknowledgedBy, fullName: r.alertAcknowledgedByName } : null,
          }
        : null,
    };
  }
}
