import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { ClinicalAccess } from '../../common/access/clinical-access.service';
import { ConflictError, ForbiddenError, NotFoundError, RuleViolationError } from '../../common/errors/domain-error';
import { FieldProblem, RequestValidationException } from '../../common/errors/validation';
import { decodeCursor, Page, toPage } from '../../common/pagination/cursor';
import { FieldEncryption } from '../../common/security/field-encryption';
import { PracticeId, Principal } from '../../common/tenancy/request-context';
import { ONCE } from '../framework/cadence';
import type { HomeworkAudience, HomeworkKind, HomeworkQuestion } from '../framework/homework-template.entity';
import { Clock } from '../../common/time/clock';
import { TreatmentPlansRepository } from '../treatment-plans/treatment-plans.repository';
import { audienceRefusal, decideVisibility, defaultAssignees, Person, Refusal } from './assignment-rules';
import { parseQuestions } from './content/questions';
import {
  AssignmentLifecycleDto,
  CreateHomeworkDto,
  ExcuseInstanceDto,
  HomeworkDetailDto,
  HomeworkResponseDto,
  InstanceDetailDto,
  InstanceDto,
  ListHomeworkQueryDto,
  ReminderPolicyInputDto,
  ReviewSubmissionDto,
  SubmissionDto,
  UpdateHomeworkDto,
} from './dto/homework.dto';
import { HomeworkTemplatesRepository } from './homework-templates.repository';
import { HomeworkReminders } from './homework-reminders';
import { HomeworkScheduler, ScheduledPerson, scheduleOf } from './homework-scheduler';
import { instructionsAad, openAnswers, reviewAad } from './homework-sealing';
import type { ReminderPolicy } from './homework.entity';
import { AssigneeRow, AssignmentRow, HomeworkRepository, InstanceRow, InstanceWithSubmission, PlanFacts, SubmissionRow } from './homework.repository';
import { rruleProblem, firstOccurrenceAfter } from './schedule/recurrence';

/** What a new assignment asks when it does not say. */
export const DEFAULT_DUE_SOON_MINUTES = 120;

const notFound = () => new NotFoundError('Homework');
const instanceNotFound = () => new NotFoundError('Homework instance');
const stale = () => new ConflictError('version_conflict', 'version: the homework changed since you read it; reload and try again', { field: 'version' });
const invalid = (problems: FieldProblem[]) => new RequestValidationException(problems);
const field = (f: string, reason: string): FieldProblem => ({ field: f, reasons: [reason] });
const refuse = (r: Refusal) => new RuleViolationError(r.code, r.message);

interface Subject {
  coupleId: string | null;
  clientId: string | null;
  ownerId: string;
}

/**
 * Homework under a plan step, for the care team: assign (a template or ad hoc, to the plan's
 * client or partners, one-off or recurring in each assignee's own timezone), read with its
 * instances and answers, edit (re-planning future instances and their reminders), pause, resume,
 * cancel; excuse or reopen one instance; review a submission.
 *
 * Who: reading is clinical content (the care team; an admin only on it). Changing is a clinician
 * of the plan — its owner or a clinician directly on its subject's care team — like the plan
 * itself (rule 2). Everything else answers 404 (not visible) or 403 (visible, not yours to read
 * or change).
 *
 * How: every change is one transaction that locks in one order — plan (FOR SHARE: its status
 * and steps cannot change under us), then the assignment, then instances — and writes the
 * instances and their reminders (REMINDER_OUTBOX) together, so a refusal leaves nothing behind.
 */
@Injectable()
export class HomeworkService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: HomeworkRepository,
    private readonly templates: HomeworkTemplatesRepository,
    private readonly scheduler: HomeworkScheduler,
    private readonly reminders: HomeworkReminders,
    private readonly access: ClinicalAccess,
    private readonly plans: TreatmentPlansRepository,
    private readonly crypto: FieldEncryption,
    private readonly clock: Clock,
  ) {}

  // ── Access ───────────────────────────────────────────────────────────────────────────────

  private assertClinical(p: Principal, s: Subject, notFoundError: () => NotFoundError): Promise<void> {
    return this.access.assertSubjectClinical(p, s, notFoundError, 'Only the care team reads homework');
  }

  /** A clinician of the plan: its owner, or a clinician directly on its subject's care team. */
  private async assertClinicianOfPlan(p: Principal, s: Subject): Promise<void> {
    const ok =
      p.role === 'clinician' &&
      (s.ownerId === p.userId || (await this.plans.isClinicianOnCareTeam(p.practiceId, { coupleId: s.coupleId, clientId: s.clientId }, p.userId)));
    if (!ok) throw new ForbiddenError('Only a clinician of this plan (its owner or on its care team) gives and changes its homework', 'not_clinician_of_plan');
  }

  private async readable(p: Principal, id: string): Promise<AssignmentRow> {
    const a = await this.repo.find(p.practiceId, id);
    if (!a) throw notFound();
    await this.assertClinical(p, subjectOf(a), notFound);
    return a;
  }

  private async changeable(p: Principal, id: string): Promise<AssignmentRow> {
    const a = await this.readable(p, id);
    await this.assertClinicianOfPlan(p, subjectOf(a));
    return a;
  }

  private async changeableInstance(p: Principal, id: string): Promise<InstanceRow & { assignment: AssignmentRow }> {
    const inst = await this.repo.instance(p.practiceId, id);
    if (!inst) throw instanceNotFound();
    await this.assertClinical(p, subjectOf(inst.assignment), instanceNotFound);
    await this.assertClinicianOfPlan(p, subjectOf(inst.assignment));
    return inst;
  }

  // ── Reads ────────────────────────────────────────────────────────────────────────────────

  async list(p: Principal, q: ListHomeworkQueryDto): Promise<Page<HomeworkResponseDto>> {
    const limit = q.limit ?? 25;
    const before = decodeCursor(q.cursor);
    const params: unknown[] = [];
    const sql = await this.access.clinicalSubjectCondition(p, { practiceId: 'tp.practice_id', clientId: 'tp.client_id', coupleId: 'tp.couple_id' }, params);
    const rows = await this.repo.list(p.practiceId, { sql, params }, { planId: q.planId, clientId: q.clientId, status: q.status, stepKey: q.stepKey, before, limit });
    const ids = rows.slice(0, limit).map((r) => r.id);
    const [assignees, counts] = await Promise.all([this.repo.assignees(p.practiceId, ids), this.repo.counts(p.practiceId, ids)]);
    return toPage(rows, limit, (r) => ({ at: r.createdAt.toISOString(), id: r.id }), (r) => this.toResponse(r, assignees, counts));
  }

  async get(p: Principal, id: string): Promise<HomeworkDetailDto> {
    await this.readable(p, id);
    return this.detail(p.practiceId, id);
  }

  async getInstance(p: Principal, id: string): Promise<InstanceDetailDto> {
    const inst = await this.repo.instance(p.practiceId, id);
    if (!inst) throw instanceNotFound();
    await this.assertClinical(p, subjectOf(inst.assignment), instanceNotFound);
    const submissions = await this.repo.submissionsOf(p.practiceId, id);
    const current = submissions.find((s) => s.supersededAt === null) ?? null;
    return {
      ...this.toInstance({ ...inst, submission: current }),
      earlierSubmissions: submissions.filter((s) => s.supersededAt !== null).map((s) => this.toSubmission(s)),
    };
  }

  private async detail(practiceId: PracticeId, id: string): Promise<HomeworkDetailDto> {
    const a = await this.repo.find(practiceId, id);
    if (!a) throw notFound();
    const [assignees, counts, instances] = await Promise.all([
      this.repo.assignees(practiceId, [id]),
      this.repo.counts(practiceId, [id]),
      this.repo.instancesOf(practiceId, id),
    ]);
    return { ...this.toResponse(a, assignees, counts), instances: instances.map((i) => this.toInstance(i)) };
  }

  // ── Assign ───────────────────────────────────────────────────────────────────────────────

  async create(p: Principal, dto: CreateHomeworkDto): Promise<HomeworkDetailDto> {
    const now = this.clock.now();
    checkContentShape(dto);
    checkScheduleShape(dto);

    const plan = await this.repo.plan(p.practiceId, dto.planId);
    if (!plan) throw new NotFoundError('Treatment plan');
    const subject = { coupleId: plan.coupleId, clientId: plan.clientId, ownerId: plan.ownerId };
    await this.assertClinical(p, subject, () => new NotFoundError('Treatment plan'));
    await this.assertClinicianOfPlan(p, subject);

    // The content: a template's (copied, so later edits of the template change nothing given) or ad hoc.
    let content: { templateId: string | null; title: string; instructions: string | null; kind: HomeworkKind; questions: HomeworkQuestion[]; audience: HomeworkAudience };
    let defaultRrule: string | null = null;
    if (dto.templateId) {
      const t = await this.templates.find(p.practiceId, dto.templateId);
      if (!t) throw new NotFoundError('Homework template');
      if (!t.active) throw new ConflictError('template_archived', 'templateId: this template is archived; choose another', { field: 'templateId' });
      content = { templateId: t.id, title: t.title, instructions: t.instructions, kind: t.kind, questions: t.questions, audience: t.audience };
      defaultRrule = t.defaultCadence === ONCE ? null : t.defaultCadence;
    } else {
      const parsed = parseQuestions(dto.questions);
      if (parsed.problems.length) throw invalid(parsed.problems);
      content = { templateId: null, title: dto.title!, instructions: dto.instructions ?? null, kind: dto.kind!, questions: parsed.questions, audience: dto.audience ?? 'each' };
    }

    const schedule = resolveSchedule(dto, defaultRrule, now);
    const policy = resolvePolicy(dto.reminderPolicy, undefined, schedule.dueTime);
    const id = randomUUID();

    await this.dataSource.transaction(async (m) => {
      const locked = await this.repo.plan(p.practiceId, dto.planId, m, true);
      if (!locked) throw new NotFoundError('Treatment plan');
      this.assertPlanTakesHomework(locked);
      const step = await this.repo.stepState(m, p.practiceId, locked.id, dto.stepKey);
      if (step === null) throw invalid([field('stepKey', 'is not a step of this plan')]);
      if (step !== 'active') {
        throw new RuleViolationError('step_not_active', `stepKey: homework is given under an active step; ${dto.stepKey} is ${step.replace('_', ' ')}`);
      }

      const people = await this.repo.people(p.practiceId, locked, m);
      const assignees = pickAssignees(dto.clientIds, content.audience, people);
      const overriding = dto.roleOverride === true;
      const mismatch = audienceRefusal(content.audience, assignees, { kind: locked.coupleId ? 'couple' : 'individual', partners: people.length });
      if (mismatch && !overriding) throw refuse(mismatch);
      const visibility = decideVisibility(dto.visibility, { kind: locked.coupleId ? 'couple' : 'individual', privacyPolicy: locked.privacyPolicy }, content.audience);
      if ('code' in visibility) throw refuse(visibility);

      const scheduled: ScheduledPerson[] = assignees.map((a) => ({ clientId: a.clientId, timezone: a.timezone }));
      const recurring = schedule.rrule ? { rrule: schedule.rrule, dueTime: schedule.dueTime!, startsOn: schedule.startsOn!, endsOn: schedule.endsOn } : null;
      if (recurring && scheduled.every((s) => firstOccurrenceAfter(recurring, s.timezone, now) === null)) {
        throw invalid([field('rrule', 'has no occurrence after now between startsOn and endsOn')]);
      }

      await this.repo.insertAssignment(m, p.practiceId, {
        id,
        planId: locked.id,
        stepKey: dto.stepKey,
        templateId: content.templateId,
        title: content.title,
        instructionsCiphertext: content.instructions ? this.crypto.encrypt(content.instructions, instructionsAad(id)) : null,
        kind: content.kind,
        questions: content.questions,
        roleOverride: overriding && mismatch !== null,
        dueAt: schedule.dueAt,
        rrule: schedule.rrule,
        dueTime: schedule.dueTime,
        startsOn: schedule.startsOn,
        endsOn: schedule.endsOn,
        reminderPolicy: policy,
        visibility: visibility.visibility,
        createdBy: p.userId,
      });
      await this.repo.insertAssignees(m, p.practiceId, id, assignees.map((a) => a.clientId));
      const row = (await this.repo.find(p.practiceId, id, m))!;
      await this.scheduler.materialize(m, row, scheduled, now, { announce: true, from: now });
    });
    return this.detail(p.practiceId, id);
  }

  /** A paused or closed plan takes no new homework, nor does a couple plan while conjoint work is paused (rule 4). */
  private assertPlanTakesHomework(plan: PlanFacts): void {
    if (plan.status !== 'active') {
      throw new RuleViolationError('plan_not_active', `planId: homework is given under an active plan; this plan is ${plan.status}`);
    }
    if (plan.conjointWorkPaused) {
      throw new RuleViolationError('conjoint_work_paused', 'planId: conjoint work of this couple is paused by a safety flag; couple homework waits until a clinician resolves it');
    }
  }

  // ── Edit ─────────────────────────────────────────────────────────────────────────────────

  async update(p: Principal, id: string, dto: UpdateHomeworkDto): Promise<HomeworkDetailDto> {
    await this.changeable(p, id);
    const now = this.clock.now();
    const scheduleFields = (['dueAt', 'rrule', 'dueTime', 'startsOn', 'endsOn'] as const).filter((k) => dto[k] !== undefined);
    const changesSomething =
      scheduleFields.length > 0 || [dto.title, dto.instructions, dto.reminderPolicy, dto.visibility].some((v) => v !== undefined);
    if (!changesSomething) throw invalid([field('version', 'send at least one field to change with the version you read')]);

    await this.dataSource.transaction(async (m) => {
      const a = await this.lockForChange(m, p.practiceId, id, dto.version);
      const recurring = a.rrule !== null;
      const wrongKind = scheduleFields.filter((k) => (recurring ? k === 'dueAt' : k !== 'dueAt'));
      if (wrongKind.length) {
        throw invalid(wrongKind.map((k) => field(k, recurring ? 'this homework is recurring: change rrule, dueTime, startsOn or endsOn' : 'this homework is one-off: change dueAt')));
      }
      const next = {
        dueAt: dto.dueAt !== undefined ? new Date(dto.dueAt) : a.dueAt,
        rrule: dto.rrule ?? a.rrule,
        dueTime: dto.dueTime ?? a.dueTime,
        startsOn: dto.startsOn ?? a.startsOn,
        endsOn: dto.endsOn !== undefined ? dto.endsOn : a.endsOn,
      };
      const problems: FieldProblem[] = [];
      if (dto.dueAt !== undefined && next.dueAt!.getTime() <= now.getTime()) problems.push(field('dueAt', 'must be in the future'));
      if (dto.rrule !== undefined) {
        const why = rruleProblem(dto.rrule);
        if (why) problems.push(field('rrule', why));
      }
      if (recurring && next.endsOn && next.endsOn < next.startsOn!) problems.push(field('endsOn', 'must be on or after startsOn'));
      if (problems.length) throw invalid(problems);
      const policy = resolvePolicy(dto.reminderPolicy, a.reminderPolicy, next.dueTime);

      if (dto.visibility !== undefined && dto.visibility !== a.visibility) {
        const plan = (await this.repo.plan(p.practiceId, a.planId, m))!;
        const decided = decideVisibility(dto.visibility, { kind: plan.coupleId ? 'couple' : 'individual', privacyPolicy: plan.privacyPolicy }, 'each');
        if ('code' in decided) throw refuse(decided);
        if (dto.visibility === 'shared' && (await this.hasSubmissions(m, p.practiceId, id))) {
          throw new ConflictError(
            'visibility_locked',
            'visibility: answers were already given as private; they are never shared after the fact (assign new homework to share)',
            { field: 'visibility' },
          );
        }
      }

      const scheduleChanged = scheduleFields.length > 0;
      const ok = await this.repo.update(m, p.practiceId, id, dto.version, {
        title: dto.title,
        instructionsCiphertext: dto.instructions === undefined ? undefined : dto.instructions === null ? null : this.crypto.encrypt(dto.instructions, instructionsAad(id)),
        dueAt: dto.dueAt !== undefined ? next.dueAt! : undefined,
        rrule: dto.rrule,
        dueTime: dto.dueTime,
        startsOn: dto.startsOn,
        endsOn: dto.endsOn,
        reminderPolicy: dto.reminderPolicy !== undefined ? policy : undefined,
        visibility: dto.visibility,
        status: scheduleChanged && a.status === 'ended' ? 'active' : undefined,
      });
      if (!ok) throw stale();
      if ((scheduleChanged || dto.reminderPolicy !== undefined) && a.status !== 'paused') {
        const updated = (await this.repo.find(p.practiceId, id, m))!;
        if (updated.rrule && scheduleChanged) {
          const people = await this.scheduledPeople(m, p.practiceId, id);
          const s = scheduleOf(updated)!;
          if (people.every((x) => firstOccurrenceAfter(s, x.timezone, now) === null)) {
            throw invalid([field('rrule', 'has no occurrence after now between startsOn and endsOn')]);
          }
        }
        await this.replan(m, updated, now);
      }
    });
    return this.detail(p.practiceId, id);
  }

  /**
   * After an edit of the schedule or the reminder policy: each pending instance still in the
   * schedule keeps its id (and any earlier answer) and gets its new due time and reminders
   * (replaceFor); one no longer in it is removed (excused if it already had an answer once), its
   * reminders cancelled; missing occurrences up to the horizon are created. Past-due pending
   * instances of recurring homework stay as they are: they were due under the old schedule.
   */
  private async replan(m: EntityManager, a: AssignmentRow, now: Date): Promise<void> {
    const people = await this.scheduledPeople(m, a.practiceId, a.id);
    const pending = await this.repo.pending(m, a.practiceId, a.id, a.rrule ? now : undefined);
    const desired = new Map(this.scheduler.desired(a, people, now, now).map((d) => [`${d.clientId}|${d.occurrenceKey}`, d]));
    const gone: string[] = [];
    for (const inst of pending) {
      const want = desired.get(`${inst.clientId}|${inst.occurrenceKey}`);
      if (!want) {
        gone.push(inst.id);
        continue;
      }
      if (want.dueAt.getTime() !== inst.dueAt.getTime()) await this.repo.setInstanceDue(m, a.practiceId, inst.id, want.dueAt);
      await this.reminders.replace(m, a.practiceId, inst.id, this.scheduler.remindersOf(a, people, [{ ...inst, dueAt: want.dueAt }], now));
    }
    await this.removePending(m, a.practiceId, gone, 'rescheduled', null);
    await this.scheduler.materialize(m, a, people, now, { from: now });
  }

  /** Cancels the reminders of these pending instances; removes those never answered, excuses the rest. */
  private async removePending(m: EntityManager, practiceId: PracticeId, ids: string[], reason: string, by: string | null): Promise<void> {
    if (ids.length === 0) return;
    await this.reminders.cancel(m, practiceId, ids, `homework_${reason}`);
    const deleted = new Set(await this.repo.deleteUnanswered(m, practiceId, ids));
    await this.repo.setInstanceState(m, practiceId, ids.filter((i) => !deleted.has(i)), 'excused', by, `Homework ${reason}`);
  }

  private async hasSubmissions(m: EntityManager, practiceId: PracticeId, assignmentId: string): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `SELECT 1 FROM homework_submissions s JOIN homework_instances i ON i.id = s.instance_id AND i.practice_id = s.practice_id
        WHERE s.practice_id = $1 AND i.assignment_id = $2 LIMIT 1`,
      [practiceId, assignmentId],
    );
    return rows.length > 0;
  }

  private async scheduledPeople(m: EntityManager, practiceId: PracticeId, id: string): Promise<ScheduledPerson[]> {
    return (await this.repo.assignees(practiceId, [id], m)).map((x) => ({ clientId: x.clientId, timezone: x.timezone }));
  }

  /** Plan (FOR SHARE) then assignment (FOR UPDATE); a stale version is 409, cancelled homework never changes. */
  private async lockForChange(m: EntityManager, practiceId: PracticeId, id: string, version: number | undefined): Promise<AssignmentRow> {
    const peek = await this.repo.find(practiceId, id, m);
    if (!peek) throw notFound();
    await this.repo.plan(practiceId, peek.planId, m, true);
    const a = await this.repo.lock(m, practiceId, id);
    if (!a) throw notFound();
    if (version !== undefined && a.version !== version) throw stale();
    if (a.status === 'cancelled') throw new ConflictError('assignment_cancelled', 'This homework was cancelled; it no longer changes');
    return a;
  }

  // ── Lifecycle ────────────────────────────────────────────────────────────────────────────

  /**
   * Active → paused: no more occurrences, no more reminders. Future occurrences never answered
   * are removed (they come back on resume); overdue ones stay as they are, hidden from the client
   * until resumed.
   */
  async pause(p: Principal, id: string, dto: AssignmentLifecycleDto): Promise<HomeworkDetailDto> {
    await this.changeable(p, id);
    const now = this.clock.now();
    await this.dataSource.transaction(async (m) => {
      const a = await this.lockForChange(m, p.practiceId, id, dto.version);
      if (a.status !== 'active') throw new ConflictError('assignment_not_active', `Only active homework is paused; this homework is ${a.status}`);
      const pending = await this.repo.pending(m, p.practiceId, id);
      await this.reminders.cancel(m, p.practiceId, pending.map((i) => i.id), 'homework_paused');
      await this.removePending(m, p.practiceId, pending.filter((i) => i.dueAt.getTime() > now.getTime()).map((i) => i.id), 'paused', p.userId);
      if (!(await this.repo.update(m, p.practiceId, id, a.version, { status: 'paused', materializedUntil: null }))) throw stale();
    });
    return this.detail(p.practiceId, id);
  }

  /** Paused → active, under an active plan: occurrences and reminders start again from now. */
  async resume(p: Principal, id: string, dto: AssignmentLifecycleDto): Promise<HomeworkDetailDto> {
    const current = await this.changeable(p, id);
    const now = this.clock.now();
    await this.dataSource.transaction(async (m) => {
      const plan = await this.repo.plan(p.practiceId, current.planId, m, true);
      if (!plan) throw notFound();
      this.assertPlanTakesHomework(plan);
      const a = await this.lockForChange(m, p.practiceId, id, dto.version);
      if (a.status !== 'paused') throw new ConflictError('assignment_not_paused', `Only paused homework is resumed; this homework is ${a.status}`);
      if (a.dueAt && a.dueAt.getTime() <= now.getTime()) {
        throw new ConflictError('due_at_passed', 'dueAt: the due time passed while this homework was paused; set a new dueAt (PATCH), then resume', { field: 'dueAt' });
      }
      if (!(await this.repo.update(m, p.practiceId, id, a.version, { status: 'active' }))) throw stale();
      const updated = (await this.repo.find(p.practiceId, id, m))!;
      await this.scheduler.materialize(m, updated, await this.scheduledPeople(m, p.practiceId, id), now, { from: now });
    });
    return this.detail(p.practiceId, id);
  }

  /** Cancelled for good: future occurrences never answered go, the other pending ones are excused; every pending reminder is cancelled. */
  async cancel(p: Principal, id: string, dto: AssignmentLifecycleDto): Promise<HomeworkDetailDto> {
    await this.changeable(p, id);
    await this.dataSource.transaction(async (m) => {
      const a = await this.lockForChange(m, p.practiceId, id, dto.version);
      const now = this.clock.now();
      const pending = await this.repo.pending(m, p.practiceId, id);
      const future = pending.filter((i) => i.dueAt.getTime() > now.getTime()).map((i) => i.id);
      await this.removePending(m, p.practiceId, future, 'cancelled', p.userId);
      const past = pending.filter((i) => i.dueAt.getTime() <= now.getTime()).map((i) => i.id);
      await this.reminders.cancel(m, p.practiceId, past, 'homework_cancelled');
      await this.repo.setInstanceState(m, p.practiceId, past, 'excused', p.userId, 'Homework cancelled');
      if (!(await this.repo.update(m, p.practiceId, id, a.version, { status: 'cancelled' }))) throw stale();
    });
    return this.detail(p.practiceId, id);
  }

  // ── Instances and submissions ────────────────────────────────────────────────────────────

  /** Pending or missed → excused, with a reason; its reminders are cancelled. */
  async excuse(p: Principal, instanceId: string, dto: ExcuseInstanceDto): Promise<InstanceDetailDto> {
    const inst = await this.changeableInstance(p, instanceId);
    await this.dataSource.transaction(async (m) => {
      const locked = await this.lockInstance(m, p.practiceId, inst.assignmentId, instanceId);
      if (locked.state === 'submitted') throw new ConflictError('instance_submitted', 'This instance was submitted; reopen it first if it should be excused');
      if (locked.state === 'excused') throw new ConflictError('instance_excused', 'This instance is already excused');
      await this.reminders.cancel(m, p.practiceId, [instanceId], 'homework_excused');
      await this.repo.setInstanceState(m, p.practiceId, [instanceId], 'excused', p.userId, dto.reason);
    });
    return this.getInstance(p, instanceId);
  }

  /**
   * Submitted, missed or excused → pending again: the current submission is superseded (kept,
   * shown as an earlier answer) so the client can answer again; its reminders are planned again
   * if the due time is still ahead.
   */
  async reopen(p: Principal, instanceId: string): Promise<InstanceDetailDto> {
    const inst = await this.changeableInstance(p, instanceId);
    const now = this.clock.now();
    await this.dataSource.transaction(async (m) => {
      const locked = await this.lockInstance(m, p.practiceId, inst.assignmentId, instanceId);
      if (locked.state === 'pending') throw new ConflictError('instance_pending', 'This instance is open already');
      if (locked.assignment.status === 'cancelled') throw new ConflictError('assignment_cancelled', 'This homework was cancelled; it no longer changes');
      await this.repo.supersedeCurrent(m, p.practiceId, instanceId);
      await this.repo.setInstanceState(m, p.practiceId, [instanceId], 'pending', p.userId, null);
      const people = await this.scheduledPeople(m, p.practiceId, locked.assignmentId);
      await this.reminders.replace(m, p.practiceId, instanceId, this.scheduler.remindersOf(locked.assignment, people, [locked], now));
    });
    return this.getInstance(p, instanceId);
  }

  /** The clinician's comment to the client on a submission (encrypted); a new review replaces the last. */
  async review(p: Principal, submissionId: string, dto: ReviewSubmissionDto): Promise<SubmissionDto> {
    const s = await this.repo.submission(p.practiceId, submissionId);
    if (!s) throw new NotFoundError('Submission');
    const inst = await this.repo.instance(p.practiceId, s.instanceId);
    if (!inst) throw new NotFoundError('Submission');
    await this.assertClinical(p, subjectOf(inst.assignment), () => new NotFoundError('Submission'));
    await this.assertClinicianOfPlan(p, subjectOf(inst.assignment));
    await this.dataSource.transaction(async (m) => {
      await this.repo.submission(p.practiceId, submissionId, m, true);
      await this.repo.review(m, p.practiceId, submissionId, this.crypto.encrypt(dto.comment, reviewAad(submissionId)), p.userId);
    });
    return this.toSubmission((await this.repo.submission(p.practiceId, submissionId))!);
  }

  /** Assignment (FOR SHARE, after nothing else) then the instance (FOR UPDATE). */
  private async lockInstance(m: EntityManager, practiceId: PracticeId, assignmentId: string, instanceId: string): Promise<InstanceRow & { assignment: AssignmentRow }> {
    await m.query(`SELECT 1 FROM homework_assignments WHERE practice_id = $1 AND id = $2 FOR SHARE`, [practiceId, assignmentId]);
    const locked = await this.repo.instance(practiceId, instanceId, m, true);
    if (!locked) throw instanceNotFound();
    return locked;
  }

  // ── Mapping ──────────────────────────────────────────────────────────────────────────────

  private toResponse(a: AssignmentRow, assignees: AssigneeRow[], counts: Array<{ assignmentId: string; state: string; n: number }>): HomeworkResponseDto {
    const mine = counts.filter((c) => c.assignmentId === a.id);
    const count = (state: string) => mine.find((c) => c.state === state)?.n ?? 0;
    return {
      id: a.id,
      planId: a.planId,
      stepKey: a.stepKey,
      templateId: a.templateId,
      title: a.title,
      instructions: a.instructionsCiphertext ? this.crypto.decrypt(a.instructionsCiphertext, instructionsAad(a.id)) : null,
      kind: a.kind,
      questions: a.questions,
      roleOverride: a.roleOverride,
      schedule: a.rrule ? 'recurring' : 'once',
      dueAt: a.dueAt?.toISOString() ?? null,
      rrule: a.rrule,
      dueTime: a.dueTime,
      startsOn: a.startsOn,
      endsOn: a.endsOn,
      reminderPolicy: { promptAt: a.reminderPolicy.promptAt ?? null, dueSoonMinutes: a.reminderPolicy.dueSoonMinutes ?? null },
      visibility: a.visibility,
      status: a.status,
      materializedUntil: a.materializedUntil?.toISOString() ?? null,
      assignees: assignees
        .filter((x) => x.assignmentId === a.id)
        .map((x) => ({ clientId: x.clientId, name: x.name, recoveryRole: x.role, timezone: x.timezone })),
      progress: { pending: count('pending'), submitted: count('submitted'), missed: count('missed'), excused: count('excused') },
      createdBy: a.createdBy,
      createdAt: a.createdAt.toISOString(),
      updatedAt: a.updatedAt.toISOString(),
      version: a.version,
    };
  }

  private toInstance(i: InstanceWithSubmission): InstanceDto {
    return {
      id: i.id,
      assignmentId: i.assignmentId,
      clientId: i.clientId,
      occurrenceKey: i.occurrenceKey,
      dueAt: i.dueAt.toISOString(),
      state: i.state,
      stateChangedAt: i.stateChangedAt?.toISOString() ?? null,
      excuseReason: i.excuseReason,
      submission: i.submission ? this.toSubmission(i.submission) : null,
    };
  }

  private toSubmission(s: SubmissionRow): SubmissionDto {
    return {
      id: s.id,
      submittedAt: s.submittedAt.toISOString(),
      late: s.late,
      answers: openAnswers(this.crypto, s.id, s.answersCiphertext),
      review:
        s.reviewCiphertext && s.reviewedBy && s.reviewedAt
          ? { comment: this.crypto.decrypt(s.reviewCiphertext, reviewAad(s.id)), reviewedBy: s.reviewedBy, reviewedAt: s.reviewedAt.toISOString() }
          : null,
      supersededAt: s.supersededAt?.toISOString() ?? null,
    };
  }
}

function subjectOf(a: AssignmentRow): Subject {
  return { coupleId: a.planCoupleId, clientId: a.planClientId, ownerId: a.planOwnerId };
}

/** A template, or ad-hoc content: never both, and ad hoc needs a title, a kind and questions. */
function checkContentShape(dto: CreateHomeworkDto): void {
  const adHoc = (['title', 'instructions', 'kind', 'questions', 'audience'] as const).filter((k) => dto[k] !== undefined);
  if (dto.templateId && adHoc.length) {
    throw invalid(adHoc.map((k) => field(k, 'is for ad-hoc homework; with templateId the template’s content is used')));
  }
  if (!dto.templateId) {
    const missing = (['title', 'kind', 'questions'] as const).filter((k) => dto[k] === undefined);
    if (missing.length) throw invalid(missing.map((k) => field(k, 'is required for ad-hoc homework (or give templateId)')));
  }
}

/** dueAt (one-off) or a recurrence (rrule, dueTime, startsOn, endsOn), never both. */
function checkScheduleShape(dto: CreateHomeworkDto): void {
  const recurring = (['rrule', 'dueTime', 'startsOn', 'endsOn'] as const).filter((k) => dto[k] !== undefined);
  if (dto.dueAt !== undefined && recurring.length) {
    throw invalid(recurring.map((k) => field(k, 'is for recurring homework; a one-off has only dueAt')));
  }
  if (dto.dueAt === undefined && recurring.length === 0) {
    throw invalid([field('dueAt', 'give dueAt (one-off) or dueTime and startsOn with an rrule (recurring)')]);
  }
}

interface ResolvedSchedule {
  dueAt: Date | null;
  rrule: string | null;
  dueTime: string | null;
  startsOn: string | null;
  endsOn: string | null;
}

function resolveSchedule(dto: CreateHomeworkDto, defaultRrule: string | null, now: Date): ResolvedSchedule {
  if (dto.dueAt !== undefined) {
    const dueAt = new Date(dto.dueAt);
    if (dueAt.getTime() <= now.getTime()) throw invalid([field('dueAt', 'must be in the future')]);
    return { dueAt, rrule: null, dueTime: null, startsOn: null, endsOn: null };
  }
  const problems: FieldProblem[] = [];
  const rrule = dto.rrule ?? defaultRrule;
  if (!rrule) problems.push(field('rrule', dto.templateId ? 'is required: this template’s default cadence is once (or give dueAt)' : 'is required for recurring homework'));
  else {
    const why = rruleProblem(rrule);
    if (why) problems.push(field('rrule', why));
  }
  if (!dto.dueTime) problems.push(field('dueTime', 'is required for recurring homework'));
  if (!dto.startsOn) problems.push(field('startsOn', 'is required for recurring homework'));
  if (dto.startsOn && dto.endsOn && dto.endsOn < dto.startsOn) problems.push(field('endsOn', 'must be on or after startsOn'));
  if (problems.length) throw invalid(problems);
  return { dueAt: null, rrule, dueTime: dto.dueTime!, startsOn: dto.startsOn!, endsOn: dto.endsOn ?? null };
}

/** The reminder policy: given fields over the current (or default) ones; a recurring prompt comes before the due time. */
function resolvePolicy(given: ReminderPolicyInputDto | undefined, current: ReminderPolicy | undefined, dueTime: string | null): ReminderPolicy {
  const base: ReminderPolicy = current ?? { promptAt: null, dueSoonMinutes: DEFAULT_DUE_SOON_MINUTES };
  const policy: ReminderPolicy = {
    promptAt: given?.promptAt !== undefined ? given.promptAt : base.promptAt,
    dueSoonMinutes: given?.dueSoonMinutes !== undefined ? given.dueSoonMinutes : base.dueSoonMinutes,
  };
  if (dueTime && policy.promptAt && policy.promptAt >= dueTime) {
    throw invalid([field('reminderPolicy.promptAt', `must be before dueTime (${dueTime}) on the day of each occurrence`)]);
  }
  return policy;
}

/** The assignees named (or the audience's default), each a person of the plan. */
function pickAssignees(clientIds: string[] | undefined, audience: HomeworkAudience, people: Array<Person & { timezone: string; status: string }>) {
  const byId = new Map(people.map((x) => [x.clientId, x]));
  const ids = clientIds ?? defaultAssignees(audience, people);
  if (ids.length === 0) {
    throw new RuleViolationError('audience_mismatch', `clientIds: nobody in this plan is the ${audience} partner; name clientIds and send roleOverride: true to assign it anyway`);
  }
  const strangers = ids.filter((id) => !byId.has(id));
  if (strangers.length) throw invalid([field('clientIds', 'must be the plan’s client or partners of the plan’s couple')]);
  const chosen = ids.map((id) => byId.get(id)!);
  if (chosen.some((c) => c.status !== 'active')) throw new ConflictError('client_archived', 'clientIds: an archived client receives no homework', { field: 'clientIds' });
  return chosen;
}
