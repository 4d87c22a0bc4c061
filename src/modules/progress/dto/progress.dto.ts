import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, registerDecorator, ValidationOptions } from 'class-validator';
import { AGREEMENT_KINDS, AGREEMENT_STATUSES, AgreementKind, AgreementStatus } from '../../agreements/agreement.entity';
import { READINESS_ANSWERS, ReadinessAnswer } from '../../check-ins/check-in.entity';
import { RECOVERY_ROLES, RecoveryRole } from '../../couples/couple.entity';
import { GoalResponseDto } from '../../plan-goals/dto/plan-goal.dto';
import { PLAN_STATUSES, PlanStatus, STEP_STATES, StepState } from '../../treatment-plans/treatment-plan.entity';
import { isLocalDate } from '../local-dates';
import { Bucket, BUCKETS, DEFAULT_WEEKS, MAX_RANGE_DAYS, QUIET_DAYS, STREAK_MILESTONES, TRUST_DROP_POINTS } from '../progress-rules';

function IsLocalDate(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isLocalDate',
      target: object.constructor,
      propertyName,
      options: { message: 'must be a calendar date written YYYY-MM-DD', ...options },
      validator: { validate: isLocalDate },
    });
}

export class ProgressQueryDto {
  @ApiPropertyOptional({ format: 'date', description: `First local date (default: the Monday ${DEFAULT_WEEKS - 1} weeks before the week of \`to\`)` })
  @IsOptional() @IsLocalDate()
  from?: string;

  @ApiPropertyOptional({ format: 'date', description: `Last local date (default: today on the clients’ calendar); at most ${MAX_RANGE_DAYS} days after \`from\`` })
  @IsOptional() @IsLocalDate()
  to?: string;

  @ApiPropertyOptional({ enum: BUCKETS, default: 'week', description: 'Series per local day, or per ISO week (Monday first)' })
  @IsOptional() @IsIn(BUCKETS, { message: `must be one of ${BUCKETS.join(', ')}` })
  bucket?: Bucket;
}

export class ProgressPartnerDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ enum: RECOVERY_ROLES, nullable: true, type: String, description: 'null for an individual client' }) recoveryRole!: RecoveryRole | null;
}

export class ProgressSubjectDto {
  @ApiProperty({ enum: ['couple', 'client'] }) kind!: 'couple' | 'client';
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: [ProgressPartnerDto] }) partners!: ProgressPartnerDto[];
}

export class ProgressRangeDto {
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty({ enum: BUCKETS }) bucket!: Bucket;
  @ApiProperty({ format: 'date', description: 'Today on the clients’ calendar: objective progress and quiet days are as of this day' }) today!: string;
}

export class SeriesPointDto {
  @ApiProperty({ format: 'date', description: 'The day, or the Monday of the week (which may precede `from`)' }) bucketStart!: string;
  @ApiProperty({ description: 'Check-ins in the bucket' }) count!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Average, 0–10, 2 decimals' }) trust!: number | null;
  @ApiProperty({ nullable: true, type: Number }) safety!: number | null;
  @ApiProperty({ nullable: true, type: Number }) connection!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Average, 1–5' }) mood!: number | null;
}

export class PartnerSeriesDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ type: [SeriesPointDto], description: 'Every bucket of the range, empty ones with count 0' }) points!: SeriesPointDto[];
}

export class ReadinessDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ enum: READINESS_ANSWERS, nullable: true, type: String, description: 'Latest "I feel ready to work on forgiveness" answer up to `to`' })
  answer!: ReadinessAnswer | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) answeredOn!: string | null;
}

export class PlanStepProgressDto {
  @ApiProperty() key!: string;
  @ApiProperty() position!: number;
  @ApiProperty({ nullable: true, type: String }) title!: string | null;
  @ApiProperty({ enum: STEP_STATES }) state!: StepState;
  @ApiProperty({ nullable: true, type: String }) waivedReason!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'First activated' }) activatedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'When completed (if it is)' }) completedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'When waived (if it is)' }) waivedAt!: string | null;
}

export class StepEventDto {
  @ApiProperty({ enum: ['step_activated', 'step_completed', 'step_waived', 'step_reopened'] }) kind!: string;
  @ApiProperty() stepKey!: string;
  @ApiProperty({ nullable: true, type: String }) fromState!: string | null;
  @ApiProperty({ nullable: true, type: String }) toState!: string | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty() at!: string;
  @ApiProperty({ format: 'date' }) localDate!: string;
}

export class PlanTimelineDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: PLAN_STATUSES }) status!: PlanStatus;
  @ApiProperty() frameworkVersion!: number;
  @ApiProperty({ type: [PlanStepProgressDto] }) steps!: PlanStepProgressDto[];
  @ApiProperty({ type: [StepEventDto], description: 'Step changes, oldest first' }) events!: StepEventDto[];
}

export class AdherenceCountsDto {
  @ApiProperty() yes!: number;
  @ApiProperty() partly!: number;
  @ApiProperty() no!: number;
}

export class PartnerAdherenceDto extends AdherenceCountsDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
}

export class AgreementAdherenceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: AGREEMENT_KINDS }) kind!: AgreementKind;
  @ApiProperty() stepKey!: string;
  @ApiProperty({ enum: AGREEMENT_STATUSES }) status!: AgreementStatus;
  @ApiProperty() revision!: number;
  @ApiProperty({ description: 'Answers are counted from this revision on' }) revisionSince!: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) reviewOn!: string | null;
  @ApiProperty({ type: AdherenceCountsDto, description: 'Both partners’ "were our agreements kept?" answers since the revision' }) counts!: AdherenceCountsDto;
  @ApiProperty({ type: [PartnerAdherenceDto] }) perPartner!: PartnerAdherenceDto[];
  @ApiProperty({ description: 'Review date passed with answers in and no "no" between the revision and it' }) keptThroughReview!: boolean;
}

export class MilestoneDto {
  @ApiProperty({ enum: ['step_completed', 'check_in_streak', 'agreement_kept'] }) kind!: string;
  @ApiProperty({ format: 'date' }) on!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'check_in_streak: whose' }) clientId?: string;
  @ApiPropertyOptional({ enum: STREAK_MILESTONES, description: 'check_in_streak: consecutive local days' }) days?: number;
  @ApiPropertyOptional({ description: 'step_completed' }) stepKey?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'agreement_kept' }) agreementId?: string;
}

export class WarningDto {
  @ApiProperty({
    enum: ['trust_drop', 'no_recent_check_ins', 'forgiveness_readiness_withdrawn', 'felt_unsafe'],
    description: `trust_drop: weekly trust average down ${TRUST_DROP_POINTS}+ points from the week before; no_recent_check_ins: ${QUIET_DAYS}+ days without one`,
  })
  kind!: string;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ format: 'date', nullable: true, type: String, description: 'The day (trust_drop: the Monday of the week); null when never' }) on!: string | null;
  @ApiPropertyOptional() previousAverage?: number;
  @ApiPropertyOptional() average?: number;
  @ApiPropertyOptional() drop?: number;
  @ApiPropertyOptional({ nullable: true, type: Number }) daysSince?: number | null;
  @ApiPropertyOptional() count?: number;
}

export class ProgressResponseDto {
  @ApiProperty({ type: ProgressSubjectDto }) subject!: ProgressSubjectDto;
  @ApiProperty({ type: ProgressRangeDto }) range!: ProgressRangeDto;
  @ApiProperty({ type: [PartnerSeriesDto] }) series!: PartnerSeriesDto[];
  @ApiProperty({ type: [ReadinessDto] }) forgivenessReadiness!: ReadinessDto[];
  @ApiProperty({ type: PlanTimelineDto, nullable: true, description: 'The open plan, or else the latest closed one' }) plan!: PlanTimelineDto | null;
  @ApiProperty({ type: [GoalResponseDto], description: 'The plan’s goals, each objective with its computed progress' }) goals!: GoalResponseDto[];
  @ApiProperty({ type: [AgreementAdherenceDto], description: 'A couple’s agreements (none for an individual client)' }) agreements!: AgreementAdherenceDto[];
  @ApiProperty({ type: [MilestoneDto], description: 'Reached within the range, oldest first' }) milestones!: MilestoneDto[];
  @ApiProperty({ type: [WarningDto] }) warnings!: WarningDto[];
}
