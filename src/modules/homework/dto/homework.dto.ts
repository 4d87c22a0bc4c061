import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/cursor';
import { IsCalendarDate } from '../../check-ins/dto/calendar-date';
import { RECOVERY_ROLES, RecoveryRole } from '../../couples/couple.entity';
import { HOMEWORK_AUDIENCES, HOMEWORK_KINDS, HomeworkAudience, HomeworkKind } from '../../framework/homework-template.entity';
import { ANSWER_VISIBILITIES, ASSIGNMENT_STATUSES, AnswerVisibility, AssignmentStatus, INSTANCE_STATES, InstanceState } from '../homework.entity';
import { HH_MM } from '../schedule/local-time';
import { INSTRUCTIONS_MAX, QuestionDto, TEMPLATE_TITLE_MAX } from './homework-template.dto';

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
const NOT_BLANK = { message: 'must not be blank' };
const UUID = { message: 'must be a UUID' };
const INSTANT = { strict: true, strictSeparator: true };
const INSTANT_MSG = { message: 'must be an ISO 8601 date-time with its offset, e.g. 2027-03-14T20:00:00-04:00' };

/** Up to a week's notice for a due-soon nudge. */
export const DUE_SOON_MAX_MINUTES = 7 * 24 * 60;

export class ReminderPolicyInputDto {
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: '09:00',
    description:
      'Local HH:mm of the prompt on the day of each occurrence (recurring: before dueTime). A one-off is announced when assigned unless promptAt names a later time on its due day. null: no prompt for recurring homework.',
  })
  @IsOptional() @ValidateIf((_, v) => v !== null) @Matches(HH_MM, { message: 'must be a time HH:mm' })
  promptAt?: string | null;

  @ApiPropertyOptional({ nullable: true, type: Number, example: 120, description: `Minutes before the due time for a nudge if still not done (5–${DUE_SOON_MAX_MINUTES}); null: none` })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsInt({ message: 'must be a whole number of minutes' }) @Min(5) @Max(DUE_SOON_MAX_MINUTES)
  dueSoonMinutes?: number | null;
}

export class CreateHomeworkDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', UUID)
  planId!: string;

  @ApiProperty({ description: 'A step of the plan; it must be active' })
  @IsString() @MinLength(1, NOT_BLANK) @MaxLength(40)
  stepKey!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A library or practice template; or give title, kind and questions for ad-hoc homework' })
  @IsOptional() @IsUUID('all', UUID)
  templateId?: string;

  @ApiPropertyOptional({ maxLength: TEMPLATE_TITLE_MAX, description: 'Ad hoc only' })
  @IsOptional() @trim() @IsString() @MinLength(1, NOT_BLANK) @MaxLength(TEMPLATE_TITLE_MAX)
  title?: string;

  @ApiPropertyOptional({ maxLength: INSTRUCTIONS_MAX, description: 'Ad hoc only; encrypted at rest' })
  @IsOptional() @trim() @IsString() @MinLength(1, NOT_BLANK) @MaxLength(INSTRUCTIONS_MAX)
  instructions?: string;

  @ApiPropertyOptional({ enum: HOMEWORK_KINDS, description: 'Ad hoc only' })
  @IsOptional() @IsIn(HOMEWORK_KINDS, { message: `must be one of ${HOMEWORK_KINDS.join(', ')}` })
  kind?: HomeworkKind;

  @ApiPropertyOptional({ type: [QuestionDto], description: 'Ad hoc only (may be empty: a task to mark done)' })
  @IsOptional() @IsArray({ message: 'must be an array of questions' })
  questions?: unknown[];

  @ApiPropertyOptional({ enum: HOMEWORK_AUDIENCES, description: 'Ad hoc only; default each' })
  @IsOptional() @IsIn(HOMEWORK_AUDIENCES, { message: `must be one of ${HOMEWORK_AUDIENCES.join(', ')}` })
  audience?: HomeworkAudience;

  @ApiPropertyOptional({
    type: [String],
    description: 'The plan’s client, or partners of the plan’s couple. Default: whom the audience is for (injured/involved partner, or both partners)',
  })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(2) @ArrayUnique({ message: 'must not repeat a client' }) @IsUUID('all', { each: true, message: 'must hold UUIDs' })
  clientIds?: string[];

  @ApiPropertyOptional({ description: 'Assign against the template’s intended role, on purpose (recorded)' })
  @IsOptional() @IsBoolean()
  roleOverride?: boolean;

  @ApiPropertyOptional({ description: 'One-off: when it is due (an instant in the future)' })
  @IsOptional() @IsISO8601(INSTANT, INSTANT_MSG)
  dueAt?: string;

  @ApiPropertyOptional({ example: 'FREQ=DAILY', description: 'Recurring: RRULE body evaluated in each assignee’s own timezone (DAILY…YEARLY; no BYHOUR/BYMINUTE/UNTIL). Default with a template: its default cadence' })
  @IsOptional() @trim() @IsString() @MaxLength(300)
  rrule?: string;

  @ApiPropertyOptional({ example: '20:00', description: 'Recurring: local time each occurrence is due' })
  @IsOptional() @Matches(HH_MM, { message: 'must be a time HH:mm' })
  dueTime?: string;

  @ApiPropertyOptional({ example: '2027-03-10', description: 'Recurring: first day (DTSTART’s date)' })
  @IsOptional() @IsCalendarDate()
  startsOn?: string;

  @ApiPropertyOptional({ example: '2027-04-30', description: 'Recurring: last day, inclusive (open-ended when absent)' })
  @IsOptional() @IsCalendarDate()
  endsOn?: string;

  @ApiPropertyOptional({ type: ReminderPolicyInputDto, description: 'Default: no recurring prompt (one-offs are announced), due-soon nudge 120 minutes before' })
  @IsOptional() @IsObject({ message: 'must be an object {promptAt, dueSoonMinutes}' }) @ValidateNested() @Type(() => ReminderPolicyInputDto)
  reminderPolicy?: ReminderPolicyInputDto;

  @ApiPropertyOptional({ enum: ANSWER_VISIBILITIES, description: 'Within the couple’s privacy policy; default from it' })
  @IsOptional() @IsIn(ANSWER_VISIBILITIES, { message: `must be one of ${ANSWER_VISIBILITIES.join(', ')}` })
  visibility?: AnswerVisibility;
}

export class UpdateHomeworkDto {
  @ApiProperty({ description: 'The version you read; a stale one gets 409' })
  @IsInt() @Min(1)
  version!: number;

  @ApiPropertyOptional({ maxLength: TEMPLATE_TITLE_MAX })
  @IsOptional() @trim() @IsString() @MinLength(1, NOT_BLANK) @MaxLength(TEMPLATE_TITLE_MAX)
  title?: string;

  @ApiPropertyOptional({ maxLength: INSTRUCTIONS_MAX, nullable: true, type: String })
  @IsOptional() @ValidateIf((_, v) => v !== null) @trim() @IsString() @MinLength(1, NOT_BLANK) @MaxLength(INSTRUCTIONS_MAX)
  instructions?: string | null;

  @ApiPropertyOptional({ description: 'One-off only: a new due instant (future)' })
  @IsOptional() @IsISO8601(INSTANT, INSTANT_MSG)
  dueAt?: string;

  @ApiPropertyOptional({ description: 'Recurring only' })
  @IsOptional() @trim() @IsString() @MaxLength(300)
  rrule?: string;

  @ApiPropertyOptional({ description: 'Recurring only' })
  @IsOptional() @Matches(HH_MM, { message: 'must be a time HH:mm' })
  dueTime?: string;

  @ApiPropertyOptional({ description: 'Recurring only' })
  @IsOptional() @IsCalendarDate()
  startsOn?: string;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'Recurring only; null: open-ended' })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsCalendarDate()
  endsOn?: string | null;

  @ApiPropertyOptional({ type: ReminderPolicyInputDto, description: 'Replaces the fields given' })
  @IsOptional() @IsObject({ message: 'must be an object {promptAt, dueSoonMinutes}' }) @ValidateNested() @Type(() => ReminderPolicyInputDto)
  reminderPolicy?: ReminderPolicyInputDto;

  @ApiPropertyOptional({ enum: ANSWER_VISIBILITIES, description: 'shared → private always; private → shared only before anything was submitted' })
  @IsOptional() @IsIn(ANSWER_VISIBILITIES, { message: `must be one of ${ANSWER_VISIBILITIES.join(', ')}` })
  visibility?: AnswerVisibility;
}

export class AssignmentLifecycleDto {
  @ApiPropertyOptional({ description: 'The version you read; a stale one gets 409' })
  @IsOptional() @IsInt() @Min(1)
  version?: number;
}

export class ListHomeworkQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID('all', UUID)
  planId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Homework assigned to this client' })
  @IsOptional() @IsUUID('all', UUID)
  clientId?: string;

  @ApiPropertyOptional({ enum: ASSIGNMENT_STATUSES })
  @IsOptional() @IsIn(ASSIGNMENT_STATUSES, { message: `must be one of ${ASSIGNMENT_STATUSES.join(', ')}` })
  status?: AssignmentStatus;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(40)
  stepKey?: string;
}

export class ExcuseInstanceDto {
  @ApiProperty({ maxLength: 300, description: 'Why (kept with the instance and shown to the client; not encrypted: keep clinical detail out)' })
  @trim() @IsString() @MinLength(1, NOT_BLANK) @MaxLength(300)
  reason!: string;
}

export class ReviewSubmissionDto {
  @ApiProperty({ maxLength: 5000, description: 'Your comment to the client on their answers; encrypted at rest; a new review replaces the last' })
  @trim() @IsString() @MinLength(1, NOT_BLANK) @MaxLength(5000)
  comment!: string;
}

export class SubmitHomeworkDto {
  @ApiProperty({ type: Object, example: { q1: 'text', q2: 7, q3: 'an option', q4: ['option a', 'option b'] }, description: 'Answers keyed by question key' })
  @IsObject({ message: 'must be an object of answers keyed by question key' })
  answers!: Record<string, unknown>;
}

export class ListMyHomeworkQueryDto extends PageQueryDto {}

// Responses.

export class ReminderPolicyDto {
  @ApiProperty({ nullable: true, type: String }) promptAt!: string | null;
  @ApiProperty({ nullable: true, type: Number }) dueSoonMinutes!: number | null;
}

export class AssigneeDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ description: 'Preferred name, else full name' }) name!: string;
  @ApiProperty({ enum: RECOVERY_ROLES, nullable: true, type: String }) recoveryRole!: RecoveryRole | null;
  @ApiProperty() timezone!: string;
}

export class InstanceCountsDto {
  @ApiProperty() pending!: number;
  @ApiProperty() submitted!: number;
  @ApiProperty() missed!: number;
  @ApiProperty() excused!: number;
}

export class HomeworkResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) planId!: string;
  @ApiProperty() stepKey!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) templateId!: string | null;
  @ApiProperty() title!: string;
  @ApiProperty({ nullable: true, type: String }) instructions!: string | null;
  @ApiProperty({ enum: HOMEWORK_KINDS }) kind!: HomeworkKind;
  @ApiProperty({ type: [QuestionDto] }) questions!: QuestionDto[];
  @ApiProperty({ description: 'Assigned against the template’s intended role, on purpose' }) roleOverride!: boolean;
  @ApiProperty({ enum: ['once', 'recurring'] }) schedule!: 'once' | 'recurring';
  @ApiProperty({ nullable: true, type: String }) dueAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) rrule!: string | null;
  @ApiProperty({ nullable: true, type: String }) dueTime!: string | null;
  @ApiProperty({ nullable: true, type: String }) startsOn!: string | null;
  @ApiProperty({ nullable: true, type: String }) endsOn!: string | null;
  @ApiProperty({ type: ReminderPolicyDto }) reminderPolicy!: ReminderPolicyDto;
  @ApiProperty({ enum: ANSWER_VISIBILITIES }) visibility!: AnswerVisibility;
  @ApiProperty({ enum: ASSIGNMENT_STATUSES }) status!: AssignmentStatus;
  @ApiProperty({ nullable: true, type: String, description: 'Occurrences exist up to here (rolling horizon)' }) materializedUntil!: string | null;
  @ApiProperty({ type: [AssigneeDto] }) assignees!: AssigneeDto[];
  @ApiProperty({ type: InstanceCountsDto, description: 'Materialized instances by state' }) progress!: InstanceCountsDto;
  @ApiProperty({ format: 'uuid' }) createdBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty() version!: number;
}

export class ReviewDto {
  @ApiProperty() comment!: string;
  @ApiProperty({ format: 'uuid' }) reviewedBy!: string;
  @ApiProperty() reviewedAt!: string;
}

export class SubmissionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() submittedAt!: string;
  @ApiProperty({ description: 'Submitted after the due time' }) late!: boolean;
  @ApiProperty({ type: Object }) answers!: Record<string, unknown>;
  @ApiProperty({ type: ReviewDto, nullable: true }) review!: ReviewDto | null;
  @ApiProperty({ nullable: true, type: String, description: 'Set when the clinician reopened the instance: an earlier answer' }) supersededAt!: string | null;
}

export class InstanceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) assignmentId!: string;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ description: 'Local date-time of the occurrence in the client’s zone, or "once"' }) occurrenceKey!: string;
  @ApiProperty() dueAt!: string;
  @ApiProperty({ enum: INSTANCE_STATES }) state!: InstanceState;
  @ApiProperty({ nullable: true, type: String }) stateChangedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) excuseReason!: string | null;
  @ApiProperty({ type: SubmissionDto, nullable: true, description: 'The current submission' }) submission!: SubmissionDto | null;
}

export class InstanceDetailDto extends InstanceDto {
  @ApiProperty({ type: [SubmissionDto], description: 'Earlier submissions superseded by a reopening, newest first' }) earlierSubmissions!: SubmissionDto[];
}

export class HomeworkDetailDto extends HomeworkResponseDto {
  @ApiProperty({ type: [InstanceDto], description: 'Every materialized occurrence, by due time' }) instances!: InstanceDto[];
}

export class HomeworkPageDto {
  @ApiProperty({ type: [HomeworkResponseDto] }) data!: HomeworkResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

// Client portal.

export class MySubmissionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() submittedAt!: string;
  @ApiProperty() late!: boolean;
  @ApiProperty({ type: Object }) answers!: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String, description: 'Your therapist’s comment' }) reviewComment!: string | null;
  @ApiProperty({ nullable: true, type: String }) reviewedAt!: string | null;
}

export class PartnerAnswerDto {
  @ApiProperty({ format: 'uuid' }) instanceId!: string;
  @ApiProperty() title!: string;
  @ApiProperty() stepKey!: string;
  @ApiProperty() occurrenceKey!: string;
  @ApiProperty() submittedAt!: string;
  @ApiProperty({ type: [QuestionDto] }) questions!: QuestionDto[];
  @ApiProperty({ type: Object }) answers!: Record<string, unknown>;
}

export class MyHomeworkItemDto {
  @ApiProperty({ format: 'uuid' }) instanceId!: string;
  @ApiProperty({ format: 'uuid' }) assignmentId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: HOMEWORK_KINDS }) kind!: HomeworkKind;
  @ApiProperty() stepKey!: string;
  @ApiProperty() occurrenceKey!: string;
  @ApiProperty() dueAt!: string;
  @ApiProperty({ enum: INSTANCE_STATES }) state!: InstanceState;
  @ApiProperty({ description: 'Pending and past its due time (it can still be submitted, marked late)' }) overdue!: boolean;
  @ApiProperty({ enum: ANSWER_VISIBILITIES, description: 'shared: your partner sees your answers' }) visibility!: AnswerVisibility;
  @ApiProperty({ type: MySubmissionDto, nullable: true }) submission!: MySubmissionDto | null;
}

export class MyHomeworkDetailDto extends MyHomeworkItemDto {
  @ApiProperty({ nullable: true, type: String }) instructions!: string | null;
  @ApiProperty({ type: [QuestionDto] }) questions!: QuestionDto[];
  @ApiProperty({ nullable: true, type: String }) excuseReason!: string | null;
  @ApiProperty({ type: PartnerAnswerDto, nullable: true, description: 'Your partner’s answer to the same occurrence, only when the homework is shared' })
  partner!: PartnerAnswerDto | null;
}

export class MyHomeworkDto {
  @ApiProperty({ type: [MyHomeworkItemDto], description: 'To do, soonest first' }) due!: MyHomeworkItemDto[];
  @ApiProperty({ type: [MyHomeworkItemDto], description: 'Past due, not done yet (a submission is marked late)' }) overdue!: MyHomeworkItemDto[];
  @ApiProperty({ type: [MyHomeworkItemDto], description: 'Submitted, excused or missed, newest due first (paged with limit/cursor)' }) done!: MyHomeworkItemDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Cursor for the next page of done' }) nextCursor!: string | null;
  @ApiProperty({ type: [PartnerAnswerDto], description: 'Your partner’s latest answers to shared homework (never their private ones)' })
  sharedByPartner!: PartnerAnswerDto[];
}
