import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';
import { ClinicalAccess } from '../../common/access/clinical-access.service';
import { portalClientId } from '../../common/access/portal';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../../common/errors/domain-error';
import { RequestValidationException } from '../../common/errors/validation';
import { decodeCursor, Page, toPage } from '../../common/pagination/cursor';
import { FieldEncryption } from '../../common/security/field-encryption';
import { PracticeId, Principal } from '../../common/tenancy/request-context';
import { FrameworkService } from '../framework/framework.service';
import { ConjointWorkPause } from '../safety-flags/conjoint-pause.service';
import {
  ClosePlanDto,
  CreateTreatmentPlanDto,
  ForgivenessReadinessDto,
  ListTreatmentPlansQueryDto,
  MyPlansDto,
  PlanEventDto,
  PlanHistoryQueryDto,
  PlanStepDto,
  StepChangeDto,
  TreatmentPlanResponseDto,
  TreatmentPlanSummaryDto,
  UpdateTreatmentPlanDto,
} from './dto/treatment-plan.dto';
import { decidePlanChange, decideStepChange, FORGIVENESS_STEP, PlanAction, readinessMet, StepAction, STEP_TRANSITIONS } from './plan-rules';
import { PlanRow, PlanSubject, ReadinessRow, StepRow, TreatmentPlansRepository } from './treatment-plans.repository';
import { concernsAad, summaryAad } from './plan-sealing';

const ONE_OPEN_PLAN_INDEXES = new Set(['treatment_plans_one_open_per_couple', 'treatment_plans_one_open_per_client']);

/** Associated data binds each envelope to its plan and field, so ciphertexts cannot be swapped. */

const planNotFound = () => new NotFoundError('Treatment plan');

function uniqueViolationOf(err: unknown): string | null {
  const driver = (err as { driverError?: { code?: string; constraint?: string } })?.driverError;
  return err instanceof QueryFailedError && driver?.code === '23505' ? (driver.constraint ?? '') : null;
}

/**
 * Treatment plans: the framework's steps on one couple's or one client's case, gated by the
 * rules in plan-rules.ts.
 *
 * Who: reading is clinical content (ClinicalAccess: the care team, or every clinician when the
 * practice widens it; an admin only on a case whose care team they are on). Changing a plan or
 * a step is a clinician's act and only a clinician OF THE PLAN — its owner, or a clinician
 * directly on the care team of the plan's subject (the couple for a couple plan, the client for
 * an individual plan). Admins never change plans, even when on the care team: the route refuses
 * them (403) like it refuses client portal accounts.
 *
 * While a couple's conjoint work is paused by a safety flag (rule 4), steps do not change and the
 * plan is not activated or resumed; pausing and closing stay open, and so does editing the
 * presenting concerns or the owner (record keeping, not advancing the work).
 *
 * How: every change runs in one transaction that first row-locks the plan (SELECT … FOR UPDATE),
 * then reads the step states, the safety pause and the readiness answers, asks the pure rules,
 * and writes plan_steps/treatment_plans and the plan_events row together.
 */
@Injectable()
export class TreatmentPlansService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly plans: TreatmentPlansRepository,
    private readonly access: ClinicalAccess,
    private readonly pause: ConjointWorkPause,
    private readonly framework: FrameworkService,
    private readonly crypto: FieldEncryption,
  ) {}

  // Access.

  private assertSubjectClinical(p: Principal, s: PlanSubject, notFound: () => NotFoundError): Promise<void> {
    return this.access.assertSubjectClinical(p, s, notFound, 'Only the care team reads treatment plans');
  }

  private async readablePlan(p: Principal, id: string): Promise<PlanSubject & { ownerId: string }> {
    const s = await this.plans.findSubject(p.practiceId, id);
    if (!s) throw planNotFound();
    await this.assertSubjectClinical(p, s, planNotFound);
    return s;
  }

  /** Rule 2: only a clinician of the plan — its owner or a clinician on its subject's care team. */
  private async changeablePlan(p: Principal, id: string): Promise<PlanSubject & { ownerId: string }> {
    const s = await this.readablePlan(p, id);
    if (p.role !== 'clinician' || (s.ownerId !== p.userId && !(await this.plans.isClinicianOnCareTeam(p.practiceId, s, p.userId)))) {
      throw new ForbiddenError('Only a clinician of this plan (its owner or on its care team) changes it', 'not_clinician_of_plan');
    }
    return s;
  }

  private async assertOwnerEligible(practiceId: PracticeId, s: PlanSubject, ownerId: string): Promise<void> {
    if (!(await this.plans.isClinicianOnCareTeam(practiceId, s, ownerId))) {
      throw new BadRequestError('invalid_owner', 'ownerId: must be an active clinician on the care team of the plan’s couple or client', {
        field: 'ownerId',
      });
    }
  }

  // Reads.

  async list(p: Principal, q: ListTreatmentPlansQueryDto): Promise<Page<TreatmentPlanSummaryDto>> {
    const limit = q.limit ?? 25;
    const params: unknown[] = [];
    const sql = await this.access.clinicalSubjectCondition(p, { practiceId: 'tp.practice_id', clientId: 'tp.client_id', coupleId: 'tp.couple_id' }, params);
    const rows = await this.plans.listVisible(p.practiceId, { sql, params }, {
      status: q.status,
      coupleId: q.coupleId,
      clientId: q.clientId,
      ownerId: q.ownerId,
      before: decodeCursor(q.cursor),
      limit,
    });
    const steps = groupBy(await this.plans.stepsOf(p.practiceId, rows.slice(0, limit).map((r) => r.id)), (s) => s.planId);
    return toPage(rows, limit, (r) => ({ at: r.createdAt.toISOString(), id: r.id }), (r) => toSummary(r, steps.get(r.id) ?? []));
  }

  async get(p: Principal, id: string): Promise<TreatmentPlanResponseDto> {
    await this.readablePlan(p, id);
    return this.detail(p.practiceId, id);
  }

  async history(p: Principal, id: string, q: PlanHistoryQueryDto): Promise<Page<PlanEventDto>> {
    await this.readablePlan(p, id);
    const limit = q.limit ?? 50;
    const rows = await this.plans.history(p.practiceId, id, { order: q.order ?? 'asc', after: decodeCursor(q.cursor, 'bigint'), limit });
    return toPage(
      rows,
      limit,
      (r) => ({ at: r.occurredAt.toISOString(), id: r.id }),
      (r) => ({
        id: r.id,
        kind: r.kind,
        stepKey: r.stepKey,
        fromState: r.fromState,
        toState: r.toState,
        reason: r.reason,
        actor: { id: r.actorId, fullName: r.actorName },
        occurredAt: r.occurredAt.toISOString(),
      }),
    );
  }

  private async detail(practiceId: PracticeId, id: string): Promise<TreatmentPlanResponseDto> {
    const row = await this.plans.findPlan(practiceId, id);
    if (!row) throw planNotFound();
    const [steps, readiness] = await Promise.all([this.plans.stepsOf(practiceId, [id], undefined, true), this.plans.readiness(practiceId, row)]);
    return {
      ...toSummary(row, steps),
      presentingConcerns: row.presentingConcernsCiphertext ? this.crypto.decrypt(row.presentingConcernsCiphertext, concernsAad(row.id)) : null,
      closingSummary: row.closingSummaryCiphertext ? this.crypto.decrypt(row.closingSummaryCiphertext, summaryAad(row.id)) : null,
      closedBy: row.closedBy ? { id: row.closedBy, fullName: row.closedByName } : null,
      createdBy: row.createdBy,
      steps: steps.map(toStepDto),
      forgivenessReadiness: toReadinessDto(readiness, row.coupleId ? 2 : 1),
    };
  }

  // Writes.

  async create(p: Principal, dto: CreateTreatmentPlanDto): Promise<TreatmentPlanResponseDto> {
    if (Boolean(dto.coupleId) === Boolean(dto.clientId)) {
      throw new RequestValidationException([{ field: 'coupleId', reasons: ['exactly one of coupleId and clientId must be given'] }]);
    }
    const subject: PlanSubject = { coupleId: dto.coupleId ?? null, clientId: dto.clientId ?? null };
    await this.assertSubjectClinical(p, subject, () => new NotFoundError(subject.coupleId ? 'Couple' : 'Client'));
    if (p.role !== 'clinician' || !(await this.plans.isClinicianOnCareTeam(p.practiceId, subject, p.userId))) {
      throw new ForbiddenError('Only a clinician on the care team starts a treatment plan', 'not_on_care_team');
    }
    if (subject.coupleId && (await this.plans.coupleStatus(p.practiceId, subject.coupleId)) !== 'active') {
      throw new ConflictError('couple_dissolved', 'coupleId: this couple is dissolved; a plan is for a couple in treatment', { field: 'coupleId' });
    }
    if (subject.clientId && (await this.plans.clientStatus(p.practiceId, subject.clientId)) !== 'active') {
      throw new ConflictError('client_archived', 'clientId: this client is archived', { field: 'clientId' });
    }
    const ownerId = dto.ownerId ?? p.userId;
    if (ownerId !== p.userId) await this.assertOwnerEligible(p.practiceId, subject, ownerId);

    const id = randomUUID();
    try {
      await this.dataSource.transaction(async (m) => {
        const version = await this.framework.currentVersion(m);
        await this.plans.insertPlan(m, p.practiceId, {
          id,
          coupleId: subject.coupleId,
          clientId: subject.clientId,
          ownerId,
          frameworkVersion: version,
          presentingConcernsCiphertext: dto.presentingConcerns ? this.crypto.encrypt(dto.presentingConcerns, concernsAad(id)) : null,
          createdBy: p.userId,
        });
        if ((await this.plans.insertSteps(m, p.practiceId, id, version)) === 0) {
          throw new Error(`framework version ${version} has no steps`);
        }
        await this.plans.appendEvent(m, p.practiceId, { planId: id, kind: 'plan_created', toState: 'draft', actorId: p.userId });
      });
    } catch (err) {
      const constraint = uniqueViolationOf(err);
      if (constraint !== null && ONE_OPEN_PLAN_INDEXES.has(constraint)) {
        const field = subject.coupleId ? 'coupleId' : 'clientId';
        throw new ConflictError('plan_already_open', `${field}: there is already an open treatment plan for this ${subject.coupleId ? 'couple' : 'client'}; close it first`, {
          field,
        });
      }
      throw err;
    }
    return this.detail(p.practiceId, id);
  }

  async update(p: Principal, id: string, dto: UpdateTreatmentPlanDto): Promise<TreatmentPlanResponseDto> {
    const s = await this.changeablePlan(p, id);
    if (dto.presentingConcerns === undefined && dto.ownerId === undefined) {
      throw new RequestValidationException([{ field: 'presentingConcerns', reasons: ['send presentingConcerns or ownerId to change'] }]);
    }
    if (dto.ownerId !== undefined && dto.ownerId !== s.ownerId) await this.assertOwnerEligible(p.practiceId, s, dto.ownerId);
    await this.dataSource.transaction(async (m) => {
      const plan = await this.plans.lockForChange(m, p.practiceId, id);
      if (!plan) throw planNotFound();
      if (plan.status === 'closed') throw new ConflictError('plan_closed', 'This plan is closed; it never changes again');
      if (plan.version !== dto.version) {
        throw new ConflictError('version_conflict', 'version: the plan changed since you read it; reload and try again', { field: 'version' });
      }
      const changed: string[] = [];
      if (dto.presentingConcerns !== undefined) changed.push('presenting concerns');
      if (dto.ownerId !== undefined && dto.ownerId !== plan.ownerId) changed.push('owner');
      await this.plans.update(m, p.practiceId, id, {
        presentingConcernsCiphertext:
          dto.presentingConcerns === undefined ? undefined : dto.presentingConcerns === null ? null : this.crypto.encrypt(dto.presentingConcerns, concernsAad(id)),
        ownerId: dto.ownerId,
      });
      // The history names what changed, never the clinical text itself.
      await this.plans.appendEvent(m, p.practiceId, {
        planId: id,
        kind: 'plan_updated',
        reason: changed.length ? `changed: ${changed.join(', ')}` : 'no change',
        actorId: p.userId,
      });
    });
    return this.detail(p.practiceId, id);
  }

  /** activate (draft→active), pause (active→paused), resume (paused→active), close (→closed with outcome). */
  async transition(p: Principal, id: string, action: PlanAction, opts: { reason?: string } & ClosePlanDto = {}): Promise<TreatmentPlanResponseDto> {
    await this.changeablePlan(p, id);
    await this.dataSource.transaction(async (m) => {
      const plan = await this.plans.lockForChange(m, p.practiceId, id);
      if (!plan) throw planNotFound();
      const paused = plan.coupleId ? await this.pause.isConjointWorkPaused(p.practiceId, plan.coupleId, m) : false;
      const change = decidePlanChange({
        status: plan.status,
        conjointWorkPaused: paused,
        action,
        outcome: opts.outcome ?? null,
        summary: opts.summary ?? null,
      });
      const close =
        action === 'close' ? { outcome: opts.outcome!, summaryCiphertext: this.crypto.encrypt(opts.summary!, summaryAad(id)), by: p.userId } : undefined;
      await this.plans.setStatus(m, p.practiceId, id, change.to, close);
      await this.plans.appendEvent(m, p.practiceId, {
        planId: id,
        kind: change.kind,
        fromState: change.from,
        toState: change.to,
        // The outcome is history; the summary is clinical text and stays encrypted on the plan.
        reason: action === 'close' ? (opts.outcome ?? null) : (opts.reason ?? null),
        actorId: p.userId,
      });
    });
    return this.detail(p.practiceId, id);
  }

  async changeStep(p: Principal, id: string, stepKey: string, action: StepAction, dto: StepChangeDto): Promise<TreatmentPlanResponseDto> {
    await this.changeablePlan(p, id);
    await this.dataSource.transaction(async (m) => {
      const plan = await this.plans.lockForChange(m, p.practiceId, id);
      if (!plan) throw planNotFound();
      const states = await this.plans.stepStates(m, p.practiceId, id);
      if (!states.has(stepKey)) throw new NotFoundError('Step');

      const paused = plan.coupleId && plan.status === 'active' ? await this.pause.isConjointWorkPaused(p.practiceId, plan.coupleId, m) : false;
      const gatesForgiveness = stepKey === FORGIVENESS_STEP && STEP_TRANSITIONS[action].to === 'active';
      const readiness = gatesForgiveness ? await this.plans.readiness(p.practiceId, plan, m) : [];
      const reason = dto.reason ?? null;
      const change = decideStepChange({
        planStatus: plan.status,
        conjointWorkPaused: paused,
        states,
        stepKey,
        action,
        reason,
        readiness,
        readinessRequired: plan.coupleId ? 2 : 1,
        confirmReadiness: dto.confirmReadiness === true,
      });
      await this.plans.setStepState(m, p.practiceId, id, stepKey, change.to, change.to === 'waived' ? reason : null, p.userId);
      await this.plans.appendEvent(m, p.practiceId, {
        planId: id,
        kind: change.kind,
        stepKey,
        fromState: change.from,
        toState: change.to,
        reason:
          reason ??
          (gatesForgiveness
            ? plan.coupleId
              ? 'Both partners said in their check-ins that they feel ready; the clinician confirmed'
              : 'The client said in their check-ins that they feel ready; the clinician confirmed'
            : null),
        actorId: p.userId,
      });
    });
    return this.detail(p.practiceId, id);
  }

  // Client portal.

  /**
   * The plans in progress of the client's active couple and the client's own individual plan:
   * status and steps only — no presenting concerns, no summary, no reasons, no readiness of the
   * partner, and no sign of a safety pause (that could tell one partner what the other disclosed).
   */
  async myPlans(p: Principal): Promise<Omit<MyPlansDto, 'agreements'>> {
    const clientId = await portalClientId(this.dataSource, p);
    const coupleId = await this.plans.activeCoupleOf(p.practiceId, clientId);
    const rows = await this.plans.plansForPortal(p.practiceId, coupleId, clientId);
    const steps = groupBy(await this.plans.stepsOf(p.practiceId, rows.map((r) => r.id)), (s) => s.planId);
    return {
      data: rows.map((r) => ({
        id: r.id,
        kind: r.coupleId ? 'couple' : 'individual',
        status: r.status,
        frameworkVersion: r.frameworkVersion,
        startedAt: r.activatedAt?.toISOString() ?? null,
        steps: (steps.get(r.id) ?? []).map((s) => ({
          key: s.key,
          title: s.title,
          position: s.position,
          state: s.state,
          since: s.changedAt?.toISOString() ?? null,
        })),
      })),
    };
  }
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

function toSummary(r: PlanRow, steps: StepRow[]): TreatmentPlanSummaryDto {
  return {
    id: r.id,
    kind: r.coupleId ? 'couple' : 'individual',
    coupleId: r.coupleId,
    clientId: r.clientId,
    owner: { id: r.ownerId, fullName: r.ownerName },
    status: r.status,
    frameworkVersion: r.frameworkVersion,
    outcome: r.outcome,
    conjointWorkPaused: r.conjointWorkPaused,
    activeSteps: steps.filter((s) => s.state === 'active').map((s) => s.key),
    stepsDone: steps.filter((s) => s.state === 'completed' || s.state === 'waived').length,
    stepsTotal: steps.length,
    activatedAt: r.activatedAt?.toISOString() ?? null,
    closedAt: r.closedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    version: r.version,
  };
}

function toStepDto(s: StepRow): PlanStepDto {
  return {
    key: s.key,
    title: s.title,
    position: s.position,
    state: s.state,
    waivedReason: s.waivedReason,
    changedBy: s.changedBy ? { id: s.changedBy, fullName: s.changedByName } : null,
    changedAt: s.changedAt?.toISOString() ?? null,
    reason: s.lastReason,
  };
}

function toReadinessDto(rows: ReadinessRow[], required: number): ForgivenessReadinessDto {
  return {
    partners: rows.map((r) => ({
      clientId: r.clientId,
      fullName: r.fullName,
      preferredName: r.preferredName,
      role: r.role,
      answer: r.answer,
      answeredAt: r.answeredAt?.toISOString() ?? null,
      withdrawn: r.answer === 'not_yet' && r.lastReadyAt !== null,
      lastReadyAt: r.lastReadyAt?.toISOString() ?? null,
    })),
    allReady: readinessMet(rows, required),
  };
}
