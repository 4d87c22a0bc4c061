import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import { TimestampedEntity } from '../../common/entity-base';
import { Client } from '../clients/client.entity';
import { HomeworkQuestion, HomeworkKind, HOMEWORK_KINDS } from '../framework/homework-template.entity';
import { TreatmentPlan } from '../treatment-plans/treatment-plan.entity';

export const ASSIGNMENT_STATUSES = ['active', 'paused', 'cancelled', 'ended'] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

export const ANSWER_VISIBILITIES = ['private', 'shared'] as const;
export type AnswerVisibility = (typeof ANSWER_VISIBILITIES)[number];

export interface ReminderPolicy {
  /** Local "HH:mm" on the day of each occurrence when the prompt goes out; null = no prompt. */
  promptAt: string | null;
  /** Minutes before the due time for a nudge if still pending; null = none. */
  dueSoonMinutes: number | null;
}

/**
 * Homework given under a plan step to one or both partners. One-off (due_at) or recurring (an
 * RFC 5545 RRULE evaluated in each assignee's own timezone, from starts_on, until ends_on).
 * Ad-hoc instructions are clinical text: stored as an AES-GCM envelope.
 */
@Entity({ name: 'homework_assignments' })
@Check('homework_assignments_due_or_rule', '(due_at IS NULL) <> (rrule IS NULL)')
@Index('homework_assignments_plan_idx', ['practiceId', 'planId', 'createdAt'])
export class HomeworkAssignment extends TimestampedEntity {
  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ name: 'plan_id', type: 'uuid' })
  planId!: string;

  @ManyToOne(() => TreatmentPlan, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id' })
  plan?: TreatmentPlan;

  @Column({ name: 'step_key', type: 'varchar', length: 40 })
  stepKey!: string;

  @Column({ name: 'template_id', type: 'uuid', nullable: true })
  templateId!: string | null;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ name: 'instructions_ciphertext', type: 'text', nullable: true })
  instructionsCiphertext!: string | null;

  @Column({ type: 'enum', enum: HOMEWORK_KINDS, enumName: 'homework_kind' })
  kind!: HomeworkKind;

  @Column({ type: 'jsonb' })
  questions!: HomeworkQuestion[];

  /** Assigned against the template's intended role, on purpose (recorded). */
  @Column({ name: 'role_override', type: 'boolean', default: false })
  roleOverride!: boolean;

  @Column({ name: 'due_at', type: 'timestamptz', precision: 3, nullable: true })
  dueAt!: Date | null;

  /** RRULE without DTSTART, e.g. FREQ=DAILY or FREQ=WEEKLY;BYDAY=MO,TH. */
  @Column({ type: 'varchar', length: 300, nullable: true })
  rrule!: string | null;

  /** Local wall-clock time each recurring occurrence is due, "HH:mm". */
  @Column({ name: 'due_time', type: 'varchar', length: 5, nullable: true })
  dueTime!: string | null;

  @Column({ name: 'starts_on', type: 'date', nullable: true })
  startsOn!: string | null;

  @Column({ name: 'ends_on', type: 'date', nullable: true })
  endsOn!: string | null;

  @Column({ name: 'reminder_policy', type: 'jsonb' })
  reminderPolicy!: ReminderPolicy;

  @Column({ type: 'enum', enum: ANSWER_VISIBILITIES, enumName: 'answer_visibility', default: 'private' })
  visibility!: AnswerVisibility;

  @Column({ type: 'enum', enum: ASSIGNMENT_STATUSES, enumName: 'assignment_status', default: 'active' })
  status!: AssignmentStatus;

  /** Occurrences exist up to here; the materializer extends it over the rolling horizon. */
  @Column({ name: 'materialized_until', type: 'timestamptz', precision: 3, nullable: true })
  materializedUntil!: Date | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @VersionColumn()
  version!: number;
}

@Entity({ name: 'homework_assignees' })
export class HomeworkAssignee {
  @PrimaryColumn({ name: 'assignment_id', type: 'uuid' })
  assignmentId!: string;

  @PrimaryColumn({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @ManyToOne(() => HomeworkAssignment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'assignment_id' })
  assignment?: HomeworkAssignment;

  @ManyToOne(() => Client, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'client_id' })
  client?: Client;

  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;
}

export const INSTANCE_STATES = ['pending', 'submitted', 'missed', 'excused'] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

/** One occurrence of an assignment for one client, with its own due time and state. */
@Entity({ name: 'homework_instances' })
@Index('homework_instances_occurrence_key', ['assignmentId', 'clientId', 'occurrenceKey'], { unique: true })
@Index('homework_instances_client_due_idx', ['practiceId', 'clientId', 'dueAt'])
@Index('homework_instances_pending_due_idx', ['dueAt'], { where: "state = 'pending'" })
export class HomeworkInstance {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ name: 'assignment_id', type: 'uuid' })
  assignmentId!: string;

  @ManyToOne(() => HomeworkAssignment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'assignment_id' })
  assignment?: HomeworkAssignment;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  /** The local date-time of the occurrence in the client's zone, e.g. 2026-03-08T20:00. */
  @Column({ name: 'occurrence_key', type: 'varchar', length: 40 })
  occurrenceKey!: string;

  @Column({ name: 'due_at', type: 'timestamptz', precision: 3 })
  dueAt!: Date;

  @Column({ type: 'enum', enum: INSTANCE_STATES, enumName: 'homework_instance_state', default: 'pending' })
  state!: InstanceState;

  @Column({ name: 'state_changed_at', type: 'timestamptz', precision: 3, nullable: true })
  stateChangedAt!: Date | null;

  @Column({ name: 'state_changed_by', type: 'uuid', nullable: true })
  stateChangedBy!: string | null;

  @Column({ name: 'excuse_reason', type: 'varchar', length: 300, nullable: true })
  excuseReason!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}

/**
 * A client's answer to an instance. One current submission per instance; reopening by the
 * clinician supersedes it (kept) so the client may answer again. Answers and the review are
 * clinical text: AES-GCM envelopes.
 */
@Entity({ name: 'homework_submissions' })
@Index('homework_submissions_one_current', ['instanceId'], { unique: true, where: 'superseded_at IS NULL' })
export class HomeworkSubmission {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ name: 'instance_id', type: 'uuid' })
  instanceId!: string;

  @ManyToOne(() => HomeworkInstance, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'instance_id' })
  instance?: HomeworkInstance;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @Column({ name: 'answers_ciphertext', type: 'text' })
  answersCiphertext!: string;

  @CreateDateColumn({ name: 'submitted_at', type: 'timestamptz', precision: 3 })
  submittedAt!: Date;

  @Column({ type: 'boolean', default: false })
  late!: boolean;

  @Column({ name: 'superseded_at', type: 'timestamptz', precision: 3, nullable: true })
  supersededAt!: Date | null;

  @Column({ name: 'review_ciphertext', type: 'text', nullable: true })
  reviewCiphertext!: string | null;

  @Column({ name: 'reviewed_by', type: 'uuid', nullable: true })
  reviewedBy!: string | null;

  @Column({ name: 'reviewed_at', type: 'timestamptz', precision: 3, nullable: true })
  reviewedAt!: Date | null;
}
