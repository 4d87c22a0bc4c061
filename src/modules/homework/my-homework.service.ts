import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { portalClientId } from '../../common/access/portal';
import { ConflictError, NotFoundError } from '../../common/errors/domain-error';
import { RequestValidationException } from '../../common/errors/validation';
import { decodeCursor } from '../../common/pagination/cursor';
import { encodeCursor } from '../../common/pagination/cursor';
import { FieldEncryption } from '../../common/security/field-encryption';
import { PracticeId, Principal } from '../../common/tenancy/request-context';
import { Clock } from '../../common/time/clock';
import { validateAnswers } from './content/questions';
import { ListMyHomeworkQueryDto, MyHomeworkDetailDto, MyHomeworkDto, MyHomeworkItemDto, MySubmissionDto, PartnerAnswerDto } from './dto/homework.dto';
import { HomeworkReminders } from './homework-reminders';
import { instructionsAad, openAnswers, reviewAad, sealAnswers } from './homework-sealing';
import { AssignmentRow, HomeworkRepository, InstanceRow, InstanceWithSubmission, SubmissionRow } from './homework.repository';

const notFound = () => new NotFoundError('Homework');
/** How many of the partner's latest shared answers the overview carries. */
const PARTNER_SHARED_LIMIT = 20;

/**
 * Homework in the client portal — and through a one-tap link, which answers for exactly one
 * instance of one client. Whose it is comes from the token (or the link), never from input; an
 * instance of anyone else is 404.
 *
 * Partner privacy (rule 6): a client sees their own instances and answers; of the partner, only
 * current answers to homework whose visibility is `shared`, under the couple both are active
 * partners of. A private answer of the partner is never read here, not even its existence.
 */
@Injectable()
export class MyHomeworkService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: HomeworkRepository,
    private readonly reminders: HomeworkReminders,
    private readonly crypto: FieldEncryption,
    private readonly clock: Clock,
  ) {}

  async overview(p: Principal, q: ListMyHomeworkQueryDto): Promise<MyHomeworkDto> {
    const clientId = await portalClientId(this.dataSource, p);
    const limit = q.limit ?? 25;
    const now = this.clock.now().getTime();
    const [{ open, closed }, partner] = await Promise.all([
      this.repo.mine(p.practiceId, clientId, { before: decodeCursor(q.cursor), limit }),
      this.repo.partnerShared(p.practiceId, clientId, { limit: PARTNER_SHARED_LIMIT }),
    ]);
    const page = closed.slice(0, limit);
    const last = page[page.length - 1];
    return {
      due: open.filter((i) => i.dueAt.getTime() >= now).map((i) => this.toItem(i, now)),
      overdue: open.filter((i) => i.dueAt.getTime() < now).map((i) => this.toItem(i, now)),
      done: page.map((i) => this.toItem(i, now)),
      nextCursor: closed.length > limit && last ? encodeCursor({ at: last.dueAt.toISOString(), id: last.id }) : null,
      sharedByPartner: partner.map((s) => this.toPartnerAnswer(s)),
    };
  }

  async detail(p: Principal, instanceId: string): Promise<MyHomeworkDetailDto> {
    const clientId = await portalClientId(this.dataSource, p);
    const view = await this.view(p.practiceId, clientId, instanceId);
    if (!view) throw notFound();
    return view;
  }

  async submit(p: Principal, instanceId: string, answers: unknown): Promise<MyHomeworkDetailDto> {
    const clientId = await portalClientId(this.dataSource, p);
    return this.submitAs(p.practiceId, clientId, p.userId, instanceId, answers);
  }

  /** The instance as its assignee sees it, or null when it is not theirs. */
  async view(practiceId: PracticeId, clientId: string, instanceId: string): Promise<MyHomeworkDetailDto | null> {
    const inst = await this.repo.instance(practiceId, instanceId);
    if (!inst || inst.clientId !== clientId) return null;
    const submissions = await this.repo.submissionsOf(practiceId, instanceId);
    const current = submissions.find((s) => s.supersededAt === null) ?? null;
    const partner =
      inst.assignment.visibility === 'shared'
        ? (await this.repo.partnerShared(practiceId, clientId, { assignmentId: inst.assignmentId, occurrenceKey: inst.occurrenceKey, limit: 1 }))[0]
        : undefined;
    const a = inst.assignment;
    return {
      ...this.toItem({ ...inst, submission: current, assignment: a }, this.clock.now().getTime()),
      instructions: a.instructionsCiphertext ? this.crypto.decrypt(a.instructionsCiphertext, instructionsAad(a.id)) : null,
      questions: a.questions,
      excuseReason: inst.excuseReason,
      partner: partner ? this.toPartnerAnswer(partner) : null,
    };
  }

  /**
   * Records the client's answers to one of their instances: validated against its questions
   * (400 naming "answers.<key>"), late when after the due time, one per instance (409 unless the
   * clinician reopened it), and its pending reminders cancelled — all in one transaction, in
   * which `within` also runs (a one-tap link spends itself there).
   */
  async submitAs(
    practiceId: PracticeId,
    clientId: string,
    actorUserId: string | null,
    instanceId: string,
    input: unknown,
    within?: (m: EntityManager) => Promise<void>,
  ): Promise<MyHomeworkDetailDto> {
    const inst = await this.repo.instance(practiceId, instanceId);
    if (!inst || inst.clientId !== clientId) throw notFound();
    const { answers, problems } = validateAnswers(inst.assignment.questions, input);
    if (problems.length) throw new RequestValidationException(problems);

    const submissionId = randomUUID();
    try {
      await this.dataSource.transaction(async (m) => {
        // Assignment first (a concurrent pause or edit finishes before), then the instance.
        await m.query(`SELECT 1 FROM homework_assignments WHERE practice_id = $1 AND id = $2 FOR SHARE`, [practiceId, inst.assignmentId]);
        const locked = await this.repo.instance(practiceId, instanceId, m, true);
        if (!locked || locked.clientId !== clientId) throw notFound();
        assertAnswerable(locked, locked.assignment);
        const now = this.clock.now();
        await this.repo.insertSubmission(m, practiceId, {
          id: submissionId,
          instanceId,
          clientId,
          answersCiphertext: sealAnswers(this.crypto, submissionId, answers),
          late: now.getTime() > locked.dueAt.getTime(),
        });
        await this.repo.setInstanceState(m, practiceId, [instanceId], 'submitted', actorUserId);
        await this.reminders.cancel(m, practiceId, [instanceId], 'homework_submitted');
        if (within) await within(m);
      });
    } catch (err) {
      // The partial unique index (one current submission per instance) catches what the lock cannot.
      const driver = (err as { driverError?: { code?: string; constraint?: string } }).driverError;
      if (err instanceof QueryFailedError && driver?.code === '23505' && driver.constraint === 'homework_submissions_one_current') throw alreadySubmitted();
      throw err;
    }
    return (await this.view(practiceId, clientId, instanceId))!;
  }

  private toItem(i: InstanceWithSubmission & { assignment: AssignmentRow }, now: number): MyHomeworkItemDto {
    return {
      instanceId: i.id,
      assignmentId: i.assignmentId,
      title: i.assignment.title,
      kind: i.assignment.kind,
      stepKey: i.assignment.stepKey,
      occurrenceKey: i.occurrenceKey,
      dueAt: i.dueAt.toISOString(),
      state: i.state,
      overdue: i.state === 'pending' && i.dueAt.getTime() < now,
      visibility: i.assignment.visibility,
      submission: i.submission ? this.toMySubmission(i.submission) : null,
    };
  }

  private toMySubmission(s: SubmissionRow): MySubmissionDto {
    return {
      id: s.id,
      submittedAt: s.submittedAt.toISOString(),
      late: s.late,
      answers: openAnswers(this.crypto, s.id, s.answersCiphertext),
      reviewComment: s.reviewCiphertext ? this.crypto.decrypt(s.reviewCiphertext, reviewAad(s.id)) : null,
      reviewedAt: s.reviewedAt?.toISOString() ?? null,
    };
  }

  /** The partner's shared answer: the answers only — never the clinician's review of them. */
  private toPartnerAnswer(s: SubmissionRow & { occurrenceKey: string; assignment: AssignmentRow }): PartnerAnswerDto {
    return {
      instanceId: s.instanceId,
      title: s.assignment.title,
      stepKey: s.assignment.stepKey,
      occurrenceKey: s.occurrenceKey,
      submittedAt: s.submittedAt.toISOString(),
      questions: s.assignment.questions,
      answers: openAnswers(this.crypto, s.id, s.answersCiphertext),
    };
  }
}

const alreadySubmitted = () =>
  new ConflictError('already_submitted', 'This homework was already submitted; your therapist can reopen it if it should be answered again');

/** Only a pending instance of live homework under an active plan takes answers. */
function assertAnswerable(i: InstanceRow, a: AssignmentRow): void {
  if (i.state === 'submitted') throw alreadySubmitted();
  if (i.state === 'excused') throw new ConflictError('instance_excused', 'This homework was excused; there is nothing to submit');
  if (i.state === 'missed') throw new ConflictError('instance_missed', 'The time for this homework has passed; your therapist can reopen it');
  if (a.status === 'paused') throw new ConflictError('assignment_paused', 'This homework is on hold for now');
  if (a.status === 'cancelled') throw new ConflictError('assignment_cancelled', 'This homework was cancelled');
  if (a.planStatus !== 'active') throw new ConflictError('plan_not_active', 'This homework’s plan is not active right now');
}
