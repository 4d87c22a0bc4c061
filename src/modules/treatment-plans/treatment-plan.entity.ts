import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import { TimestampedEntity } from '../../common/entity-base';
import { Client } from '../clients/client.entity';
import { Couple } from '../couples/couple.entity';
import { FrameworkVersion } from '../framework/framework.entity';
import { User } from '../users/user.entity';

export const PLAN_STATUSES = ['draft', 'active', 'paused', 'closed'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export const PLAN_OUTCOMES = ['reconciled', 'separated', 'discontinued', 'referred_out'] as const;
export type PlanOutcome = (typeof PLAN_OUTCOMES)[number];

export const STEP_STATES = ['not_started', 'active', 'completed', 'waived'] as const;
export type StepState = (typeof STEP_STATES)[number];

/**
 * A treatment plan for a couple or one client. Presenting concerns and the closing summary are
 * clinical text: stored only as AES-GCM envelopes. One open (not closed) plan per subject.
 */
@Entity({ name: 'treatment_plans' })
@Check('treatment_plans_one_subject', '(couple_id IS NULL) <> (client_id IS NULL)')
@Check('treatment_plans_closed_has_outcome', "(status = 'closed') = (outcome IS NOT NULL)")
@Index('treatment_plans_one_open_per_couple', ['coupleId'], { unique: true, where: "couple_id IS NOT NULL AND status <> 'closed'" })
@Index('treatment_plans_one_open_per_client', ['clientId'], { unique: true, where: "client_id IS NOT NULL AND status <> 'closed'" })
@Index('treatment_plans_practice_created_idx', ['practiceId', 'createdAt', 'id'])
export class TreatmentPlan extends TimestampedEntity {
  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ name: 'couple_id', type: 'uuid', nullable: true })
  coupleId!: string | null;

  @ManyToOne(() => Couple, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'couple_id' })
  couple?: Couple;

  @Column({ name: 'client_id', type: 'uuid', nullable: true })
  clientId!: string | null;

  @ManyToOne(() => Client, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'client_id' })
  client?: Client;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owner_id' })
  owner?: User;

  @Column({ type: 'enum', enum: PLAN_STATUSES, enumName: 'plan_status', default: 'draft' })
  status!: PlanStatus;

  @Column({ name: 'framework_version', type: 'int' })
  frameworkVersion!: number;

  @ManyToOne(() => FrameworkVersion, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'framework_version' })
  framework?: FrameworkVersion;

  @Column({ name: 'presenting_concerns_ciphertext', type: 'text', nullable: true })
  presentingConcernsCiphertext!: string | null;

  @Column({ type: 'enum', enum: PLAN_OUTCOMES, enumName: 'plan_outcome', nullable: true })
  outcome!: PlanOutcome | null;

  @Column({ name: 'closing_summary_ciphertext', type: 'text', nullable: true })
  closingSummaryCiphertext!: string | null;

  @Column({ name: 'activated_at', type: 'timestamptz', precision: 3, nullable: true })
  activatedAt!: Date | null;

  @Column({ name: 'closed_at', type: 'timestamptz', precision: 3, nullable: true })
  closedAt!: Date | null;

  @Column({ name: 'closed_by', type: 'uuid', nullable: true })
  closedBy!: string | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @VersionColumn()
  version!: number;
}

/** The state of one framework step on one plan. */
@Entity({ name: 'plan_steps' })
export class PlanStep {
  @PrimaryColumn({ name: 'plan_id', type: 'uuid' })
  planId!: string;

  @PrimaryColumn({ name: 'step_key', type: 'varchar', length: 40 })
  stepKey!: string;

  @ManyToOne(() => TreatmentPlan, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'plan_id' })
  plan?: TreatmentPlan;

  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ type: 'smallint' })
  position!: number;

  @Column({ type: 'enum', enum: STEP_STATES, enumName: 'plan_step_state', default: 'not_started' })
  state!: StepState;

  /** Why it was waived (required then); short, not a clinical narrative. */
  @Column({ name: 'waived_reason', type: 'varchar', length: 500, nullable: true })
  waivedReason!: string | null;

  @Column({ name: 'changed_by', type: 'uuid', nullable: true })
  changedBy!: string | null;

  @Column({ name: 'changed_at', type: 'timestamptz', precision: 3, nullable: true })
  changedAt!: Date | null;
}

export const PLAN_EVENT_KINDS = [
  'plan_created',
  'plan_updated',
  'plan_activated',
  'plan_paused',
  'plan_resumed',
  'plan_closed',
  'step_activated',
  'step_completed',
  'step_waived',
  'step_reopened',
  'goal_added',
  'goal_updated',
] as const;
export type PlanEventKind = (typeof PLAN_EVENT_KINDS)[number];

/** The plan's history: every change, who, when and why. Append-only (trigger). */
@Entity({ name: 'plan_events' })
@Index('plan_events_plan_idx', ['planId', 'occurredAt', 'id'])
export class PlanEvent {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ name: 'plan_id', type: 'uuid' })
  planId!: string;

  @ManyToOne(() => TreatmentPlan, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id' })
  plan?: TreatmentPlan;

  @Column({ type: 'enum', enum: PLAN_EVENT_KINDS, enumName: 'plan_event_kind' })
  kind!: PlanEventKind;

  @Column({ name: 'step_key', type: 'varchar', length: 40, nullable: true })
  stepKey!: string | null;

  @Column({ name: 'from_state', type: 'varchar', length: 20, nullable: true })
  fromState!: string | null;

  @Column({ name: 'to_state', type: 'varchar', length: 20, nullable: true })
  toState!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  @Column({ name: 'actor_id', type: 'uuid' })
  actorId!: string;

  @CreateDateColumn({ name: 'occurred_at', type: 'timestamptz', precision: 3 })
  occurredAt!: Date;
}

export const GOAL_STATUSES = ['open', 'met', 'dropped'] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

@Entity({ name: 'plan_goals' })
@Index('plan_goals_plan_idx', ['planId', 'position'])
export class PlanGoal extends TimestampedEntity {
  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ name: 'plan_id', type: 'uuid' })
  planId!: string;

  @ManyToOne(() => TreatmentPlan, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'plan_id' })
  plan?: TreatmentPlan;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Column({ name: 'step_key', type: 'varchar', length: 40, nullable: true })
  stepKey!: string | null;

  @Column({ type: 'smallint' })
  position!: number;

  @Column({ type: 'enum', enum: GOAL_STATUSES, enumName: 'plan_goal_status', default: 'open' })
  status!: GoalStatus;
}

/**
 * How an objective's progress is computed from data, never typed in:
 * - checkin_days: check-ins on at least `daysPerWeek` days in each of the last `weeks` weeks;
 * - measure_average: the weekly average of a check-in measure at or above `threshold` for `weeks` weeks;
 * - agreement_kept: check-ins answering "agreements kept: yes" in at least `percent`% over `weeks` weeks.
 */
export const OBJECTIVE_METRICS = ['checkin_days', 'measure_average', 'agreement_kept'] as const;
export type ObjectiveMetric = (typeof OBJECTIVE_METRICS)[number];

export interface ObjectiveParams {
  weeks: number;
  daysPerWeek?: number;
  measure?: 'trust' | 'safety' | 'connection' | 'mood';
  threshold?: number;
  percent?: number;
  /** Whose check-ins count: each partner separately (default) or the client of an individual plan. */
  who?: 'each_partner' | 'either_partner';
}

@Entity({ name: 'plan_objectives' })
@Index('plan_objectives_goal_idx', ['goalId'])
export class PlanObjective extends TimestampedEntity {
  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ name: 'goal_id', type: 'uuid' })
  goalId!: string;

  @ManyToOne(() => PlanGoal, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'goal_id' })
  goal?: PlanGoal;

  @Column({ type: 'varchar', length: 300 })
  description!: string;

  @Column({ type: 'enum', enum: OBJECTIVE_METRICS, enumName: 'objective_metric' })
  metric!: ObjectiveMetric;

  @Column({ type: 'jsonb' })
  params!: ObjectiveParams;
}
