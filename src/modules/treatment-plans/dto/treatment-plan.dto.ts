import { MyAgreementDto } from '../../agreements/dto/agreement.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/cursor';
import { READINESS_ANSWERS, ReadinessAnswer } from '../../check-ins/check-in.entity';
import { RECOVERY_ROLES, RecoveryRole } from '../../couples/couple.entity';
import { PLAN_EVENT_KINDS, PLAN_OUTCOMES, PLAN_STATUSES, PlanEventKind, PlanOutcome, PlanStatus, STEP_STATES, StepState } from '../treatment-plan.entity';

export const CLINICAL_TEXT_MAX_LENGTH = 8000;
export const REASON_MAX_LENGTH = 500;

const oneOf = (values: readonly string[]) => ({ message: `must be one of ${values.join(', ')}` });
const uuid = (what: string) => ({ message: `must be a ${what} id (UUID)` });

/** Trims text; a blank string counts as not given (so a blank waiver reason is "no reason"). */
const trimToUndefined = () =>
  Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    const t = value.trim();
    return t === '' ? undefined : t;
  });

/** Trims text, keeping null (to clear a field) and refusing blank strings in validation. */
const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

export class CreateTreatmentPlanDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The couple the plan is for (exactly one of coupleId, clientId)' })
  @IsOptional() @IsUUID('all', uuid('couple'))
  coupleId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The client of an individual plan (exactly one of coupleId, clientId)' })
  @IsOptional() @IsUUID('all', uuid('client'))
  clientId?: string;

  @ApiPropertyOptional({ maxLength: CLINICAL_TEXT_MAX_LENGTH, description: 'Clinical text: encrypted at rest, visible only to the care team' })
  @IsOptional() @trim() @IsString() @MinLength(1, { message: 'must not be blank' }) @MaxLength(CLINICAL_TEXT_MAX_LENGTH)
  presentingConcerns?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The owning clinician (default: you); must be a clinician on the care team' })
  @IsOptional() @IsUUID('all', uuid('clinician'))
  ownerId?: string;
}

export class UpdateTreatmentPlanDto {
  @ApiProperty({ description: 'The version you read; a stale one is refused with 409' })
  @IsInt() @Min(1)
  version!: number;

  @ApiPropertyOptional({ maxLength: CLINICAL_TEXT_MAX_LENGTH, nullable: true, type: String, description: 'null clears them' })
  @IsOptional() @ValidateIf((_, v) => v !== null) @trim() @IsString() @MinLength(1, { message: 'must not be blank' }) @MaxLength(CLINICAL_TEXT_MAX_LENGTH)
  presentingConcerns?: string | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'A clinician on the care team' })
  @IsOptional() @IsUUID('all', uuid('clinician'))
  ownerId?: string;
}

export class PausePlanDto {
  @ApiProperty({ maxLength: REASON_MAX_LENGTH, description: 'Why the plan pauses (short; shown in the plan’s history, not to clients)' })
  @trim() @IsString() @MinLength(1, { message: 'must not be blank' }) @MaxLength(REASON_MAX_LENGTH)
  reason!: string;
}

export class PlanTransitionDto {
  @ApiPropertyOptional({ maxLength: REASON_MAX_LENGTH, description: 'Why (short; shown in the plan’s history)' })
  @IsOptional() @trimToUndefined() @IsString() @MaxLength(REASON_MAX_LENGTH)
  reason?: string;
}

export class ClosePlanDto {
  @ApiProperty({ enum: PLAN_OUTCOMES, description: 'separated is as valid an outcome as reconciled' })
  @IsOptional() @IsIn(PLAN_OUTCOMES, oneOf(PLAN_OUTCOMES))
  outcome?: PlanOutcome;

  @ApiProperty({ maxLength: CLINICAL_TEXT_MAX_LENGTH, description: 'Closing summary: clinical text, encrypted at rest' })
  @IsOptional() @trimToUndefined() @IsString() @MaxLength(CLINICAL_TEXT_MAX_LENGTH)
  summary?: string;
}

export class StepChangeDto {
  @ApiPropertyOptional({ maxLength: REASON_MAX_LENGTH, description: 'Why (required to waive); short, shown in the plan’s history' })
  @IsOptional() @trimToUndefined() @IsString() @MaxLength(REASON_MAX_LENGTH)
  reason?: string;

  @ApiPropertyOptional({
    description: 'Activating (or reopening) forgiveness: the clinician confirms both partners’ stated readiness in this request',
  })
  @IsOptional() @IsBoolean()
  confirmReadiness?: boolean;
}

export class ListTreatmentPlansQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: PLAN_STATUSES })
  @IsOptional() @IsIn(PLAN_STATUSES, oneOf(PLAN_STATUSES))
  status?: PlanStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'Plans of this couple' })
  @IsOptional() @IsUUID('all', uuid('couple'))
  coupleId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Individual plans of this client' })
  @IsOptional() @IsUUID('all', uuid('client'))
  clientId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Plans owned by this clinician' })
  @IsOptional() @IsUUID('all', uuid('clinician'))
  ownerId?: string;
}

export class PlanHistoryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc', description: 'asc: the plan’s story from its creation; desc: latest first' })
  @IsOptional() @IsIn(['asc', 'desc'], oneOf(['asc', 'desc']))
  order?: 'asc' | 'desc';
}

// Responses.

export class StaffRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String }) fullName!: string | null;
}

export class PlanStepDto {
  @ApiProperty() key!: string;
  @ApiProperty({ nullable: true, type: String, description: 'From the plan’s framework version' }) title!: string | null;
  @ApiProperty() position!: number;
  @ApiProperty({ enum: STEP_STATES }) state!: StepState;
  @ApiProperty({ nullable: true, type: String }) waivedReason!: string | null;
  @ApiProperty({ type: StaffRefDto, nullable: true, description: 'Who last changed the state' }) changedBy!: StaffRefDto | null;
  @ApiProperty({ nullable: true, type: String }) changedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why it was last changed (the full story is the plan’s history)' })
  reason!: string | null;
}

export class PartnerReadinessDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty() fullName!: string;
  @ApiProperty({ nullable: true, type: String }) preferredName!: string | null;
  @ApiProperty({ enum: RECOVERY_ROLES, nullable: true, description: 'null on an individual plan' }) role!: RecoveryRole | null;
  @ApiProperty({ enum: READINESS_ANSWERS, nullable: true, description: 'The most recent check-in answer; null when never asked' })
  answer!: ReadinessAnswer | null;
  @ApiProperty({ nullable: true, type: String }) answeredAt!: string | null;
  @ApiProperty({ description: 'Said "ready" before and "not yet" since' }) withdrawn!: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'When they last said "ready"' }) lastReadyAt!: string | null;
}

export class ForgivenessReadinessDto {
  @ApiProperty({ type: [PartnerReadinessDto] }) partners!: PartnerReadinessDto[];
  @ApiProperty({ description: 'Everyone whose readiness counts most recently said "ready"; the clinician still confirms' }) allReady!: boolean;
}

export class TreatmentPlanSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['couple', 'individual'] }) kind!: 'couple' | 'individual';
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) coupleId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) clientId!: string | null;
  @ApiProperty({ type: StaffRefDto }) owner!: StaffRefDto;
  @ApiProperty({ enum: PLAN_STATUSES }) status!: PlanStatus;
  @ApiProperty() frameworkVersion!: number;
  @ApiProperty({ enum: PLAN_OUTCOMES, nullable: true }) outcome!: PlanOutcome | null;
  @ApiProperty({ description: 'A couple plan held by an active high-severity IPV flag: only pause and close are allowed' })
  conjointWorkPaused!: boolean;
  @ApiProperty({ type: [String], description: 'Keys of the steps now active' }) activeSteps!: string[];
  @ApiProperty({ description: 'Steps completed or waived, of all steps' }) stepsDone!: number;
  @ApiProperty() stepsTotal!: number;
  @ApiProperty({ nullable: true, type: String }) activatedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) closedAt!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty() version!: number;
}

export class TreatmentPlanPageDto {
  @ApiProperty({ type: [TreatmentPlanSummaryDto] }) data!: TreatmentPlanSummaryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class TreatmentPlanResponseDto extends TreatmentPlanSummaryDto {
  @ApiProperty({ nullable: true, type: String, description: 'Decrypted for the care team' }) presentingConcerns!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Decrypted for the care team' }) closingSummary!: string | null;
  @ApiProperty({ type: StaffRefDto, nullable: true }) closedBy!: StaffRefDto | null;
  @ApiProperty({ format: 'uuid' }) createdBy!: string;
  @ApiProperty({ type: [PlanStepDto] }) steps!: PlanStepDto[];
  @ApiProperty({ type: ForgivenessReadinessDto, description: 'Each partner’s latest readiness, so a withdrawal shows' })
  forgivenessReadiness!: ForgivenessReadinessDto;
}

export class PlanEventDto {
  @ApiProperty({ description: 'Increasing within the plan' }) id!: string;
  @ApiProperty({ enum: PLAN_EVENT_KINDS }) kind!: PlanEventKind;
  @ApiProperty({ nullable: true, type: String }) stepKey!: string | null;
  @ApiProperty({ nullable: true, type: String }) fromState!: string | null;
  @ApiProperty({ nullable: true, type: String }) toState!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why; for plan_closed, the outcome' }) reason!: string | null;
  @ApiProperty({ type: StaffRefDto }) actor!: StaffRefDto;
  @ApiProperty() occurredAt!: string;
}

export class PlanEventPageDto {
  @ApiProperty({ type: [PlanEventDto] }) data!: PlanEventDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

// Client portal.

export class MyPlanStepDto {
  @ApiProperty() key!: string;
  @ApiProperty({ nullable: true, type: String }) title!: string | null;
  @ApiProperty() position!: number;
  @ApiProperty({ enum: STEP_STATES }) state!: StepState;
  @ApiProperty({ nullable: true, type: String }) since!: string | null;
}

export class MyPlanDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['couple', 'individual'] }) kind!: 'couple' | 'individual';
  @ApiProperty({ enum: ['active', 'paused'] }) status!: PlanStatus;
  @ApiProperty() frameworkVersion!: number;
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ type: [MyPlanStepDto] }) steps!: MyPlanStepDto[];
}

export class MyPlansDto {
  @ApiProperty({ type: [MyPlanDto], description: 'Your couple’s plan and your own individual plan, while in progress' })
  data!: MyPlanDto[];

  @ApiProperty({ type: [MyAgreementDto], description: 'The agreements in force that you are party to (up to 100)' })
  agreements!: MyAgreementDto[];
}
