import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/cursor';
import { RECOVERY_ROLES, RecoveryRole } from '../../couples/couple.entity';
import { AGREEMENTS_KEPT_ANSWERS, AgreementsKeptAnswer, READINESS_ANSWERS, ReadinessAnswer } from '../check-in.entity';
import { IsCalendarDate } from './calendar-date';

export const CHECK_IN_FREE_TEXT_MAX_LENGTH = 4000;

const scale = (min: number, max: number) => ({ minimum: min, maximum: max, type: 'integer' as const });

/** Blank free text (an untouched text box) is no free text, not an error. */
const blankIsAbsent = () =>
  Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  });

export class SubmitCheckInDto {
  @ApiProperty({ ...scale(0, 10), description: 'How much I trust my partner today' })
  @IsInt() @Min(0) @Max(10)
  trust!: number;

  @ApiProperty({ ...scale(0, 10), description: 'How emotionally safe I feel' })
  @IsInt() @Min(0) @Max(10)
  safety!: number;

  @ApiProperty({ ...scale(0, 10), description: 'How connected I feel' })
  @IsInt() @Min(0) @Max(10)
  connection!: number;

  @ApiProperty({ ...scale(1, 5) })
  @IsInt() @Min(1) @Max(5)
  mood!: number;

  @ApiPropertyOptional({ enum: AGREEMENTS_KEPT_ANSWERS, description: 'Were our agreements kept?' })
  @IsOptional() @IsIn(AGREEMENTS_KEPT_ANSWERS, { message: `must be one of ${AGREEMENTS_KEPT_ANSWERS.join(', ')}` })
  agreementsKept?: AgreementsKeptAnswer;

  @ApiPropertyOptional({
    enum: READINESS_ANSWERS,
    description: 'I feel ready to work on forgiveness — asked only once the intimacy step is active on your plan (otherwise 422 readiness_not_asked_yet)',
  })
  @IsOptional() @IsIn(READINESS_ANSWERS, { message: `must be one of ${READINESS_ANSWERS.join(', ')}` })
  forgivenessReadiness?: ReadinessAnswer;

  @ApiPropertyOptional({ description: 'I feel unsafe right now: your care team is alerted' })
  @IsOptional() @IsBoolean()
  feelsUnsafe?: boolean;

  @ApiPropertyOptional({ maxLength: CHECK_IN_FREE_TEXT_MAX_LENGTH, description: 'Encrypted at rest; read only by you and your care team, never by your partner' })
  @IsOptional() @blankIsAbsent() @IsString() @MaxLength(CHECK_IN_FREE_TEXT_MAX_LENGTH)
  freeText?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'integer' }, { type: 'boolean' }, { type: 'string' }] },
    description: 'Answers to your practice’s own measures (GET /v1/me/check-in-form), by key; text answers are encrypted at rest',
  })
  @IsOptional() @IsObject({ message: 'must be an object of answers by measure key' })
  extraAnswers?: Record<string, unknown>;
}

export class ListMyCheckInsQueryDto extends PageQueryDto {}

export class ListCheckInsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'One client’s check-ins (exactly one of clientId, coupleId)' })
  @IsOptional() @IsUUID('all', { message: 'must be a UUID' })
  clientId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Both partners’ check-ins made while in this couple (exactly one of clientId, coupleId)' })
  @IsOptional() @IsUUID('all', { message: 'must be a UUID' })
  coupleId?: string;

  @ApiPropertyOptional({ description: 'First local date, inclusive (YYYY-MM-DD, the client’s own calendar day)' })
  @IsOptional() @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ description: 'Last local date, inclusive (YYYY-MM-DD)' })
  @IsOptional() @IsCalendarDate()
  to?: string;
}

export class ListAlertsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only this client’s open alerts' })
  @IsOptional() @IsUUID('all', { message: 'must be a UUID' })
  clientId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only open alerts from this couple’s partners' })
  @IsOptional() @IsUUID('all', { message: 'must be a UUID' })
  coupleId?: string;
}

/** A check-in as its author sees it in the portal: their own answers, nothing of anyone else. */
export class MyCheckInDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() submittedAt!: string;
  @ApiProperty({ description: 'Your calendar date when you checked in' }) localDate!: string;
  @ApiProperty() trust!: number;
  @ApiProperty() safety!: number;
  @ApiProperty() connection!: number;
  @ApiProperty() mood!: number;
  @ApiProperty({ enum: AGREEMENTS_KEPT_ANSWERS, nullable: true }) agreementsKept!: AgreementsKeptAnswer | null;
  @ApiProperty({ enum: READINESS_ANSWERS, nullable: true }) forgivenessReadiness!: ReadinessAnswer | null;
  @ApiProperty() feelsUnsafe!: boolean;
  @ApiProperty({ nullable: true, type: String }) freeText!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Answers to the practice’s own measures, by key (text decrypted)' })
  extraAnswers!: Record<string, number | boolean | string>;
}

export class MyCheckInPageDto {
  @ApiProperty({ type: [MyCheckInDto] }) data!: MyCheckInDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class StaffRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String }) fullName!: string | null;
}

export class CheckInAlertDto {
  @ApiProperty({ description: 'Whether a clinician of the care team has acknowledged the report' }) acknowledged!: boolean;
  @ApiProperty({ nullable: true, type: String }) acknowledgedAt!: string | null;
  @ApiProperty({ type: StaffRefDto, nullable: true }) acknowledgedBy!: StaffRefDto | null;
}

/** A check-in as the care team reads it: whose it is, and the free text decrypted. */
export class CheckInResponseDto extends MyCheckInDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ description: 'The client’s preferred name, else full name' }) clientName!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The couple the client was in when checking in' }) coupleId!: string | null;
  @ApiProperty({ enum: RECOVERY_ROLES, nullable: true, description: 'The client’s role in that couple' }) recoveryRole!: RecoveryRole | null;
  @ApiProperty({ type: CheckInAlertDto, nullable: true, description: 'Present when the client reported feeling unsafe' }) alert!: CheckInAlertDto | null;
}

export class CheckInPageDto {
  @ApiProperty({ type: [CheckInResponseDto] }) data!: CheckInResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
