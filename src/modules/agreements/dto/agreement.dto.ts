import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/cursor';
import { IsCalendarDate } from '../../check-ins/dto/calendar-date';
import { RECOVERY_ROLES, RecoveryRole } from '../../couples/couple.entity';
import { FRAMEWORK_STEP_KEYS, FrameworkStepKey } from '../../framework/framework-keys';
import { AGREEMENT_KINDS, AGREEMENT_STATUSES, AgreementKind, AgreementStatus } from '../agreement.entity';
import { AGREEMENT_ITEM_MAX_LENGTH, AGREEMENT_MAX_ITEMS, AGREEMENT_TITLE_MAX_LENGTH } from '../agreement-wording';

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
const trimEach = () => Transform(({ value }) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value));

const NOT_BLANK = { message: 'must not be blank' };
const EACH_NOT_BLANK = { each: true, message: 'must not hold blank items' };
const EACH_SHORT = { each: true, message: `must hold items of at most ${AGREEMENT_ITEM_MAX_LENGTH} characters` };

export class CreateAgreementDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a UUID' })
  coupleId!: string;

  @ApiProperty({ enum: FRAMEWORK_STEP_KEYS, description: 'The framework step it serves (boundary agreements usually boundaries, transparency agreements transparency)' })
  @IsIn(FRAMEWORK_STEP_KEYS, { message: `must be a framework step key (${FRAMEWORK_STEP_KEYS.join(', ')})` })
  stepKey!: FrameworkStepKey;

  @ApiProperty({ enum: AGREEMENT_KINDS })
  @IsIn(AGREEMENT_KINDS, { message: `must be one of ${AGREEMENT_KINDS.join(', ')}` })
  kind!: AgreementKind;

  @ApiProperty({ maxLength: AGREEMENT_TITLE_MAX_LENGTH, description: 'Encrypted at rest' })
  @trim() @IsString() @MinLength(1, NOT_BLANK) @MaxLength(AGREEMENT_TITLE_MAX_LENGTH)
  title!: string;

  @ApiProperty({ type: [String], minItems: 1, maxItems: AGREEMENT_MAX_ITEMS, description: `What each partner agrees to, 1–${AGREEMENT_MAX_ITEMS} items of at most ${AGREEMENT_ITEM_MAX_LENGTH} characters; encrypted at rest` })
  @trimEach() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(AGREEMENT_MAX_ITEMS)
  @IsString({ each: true, message: 'must hold strings' }) @MinLength(1, EACH_NOT_BLANK) @MaxLength(AGREEMENT_ITEM_MAX_LENGTH, EACH_SHORT)
  items!: string[];

  @ApiPropertyOptional({ description: 'When to review it together (YYYY-MM-DD, today or later in the practice’s timezone)' })
  @IsOptional() @IsCalendarDate()
  reviewOn?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The couple’s open treatment plan; defaults to it when there is one' })
  @IsOptional() @IsUUID('all', { message: 'must be a UUID' })
  planId?: string;
}

export class ReviseAgreementDto {
  @ApiPropertyOptional({ maxLength: AGREEMENT_TITLE_MAX_LENGTH })
  @IsOptional() @trim() @IsString() @MinLength(1, NOT_BLANK) @MaxLength(AGREEMENT_TITLE_MAX_LENGTH)
  title?: string;

  @ApiPropertyOptional({ type: [String], minItems: 1, maxItems: AGREEMENT_MAX_ITEMS, description: 'Replaces the items' })
  @IsOptional() @trimEach() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(AGREEMENT_MAX_ITEMS)
  @IsString({ each: true, message: 'must hold strings' }) @MinLength(1, EACH_NOT_BLANK) @MaxLength(AGREEMENT_ITEM_MAX_LENGTH, EACH_SHORT)
  items?: string[];

  @ApiPropertyOptional({ nullable: true, type: String, description: 'A new review date (today or later), or null for none' })
  @IsOptional() @IsCalendarDate()
  reviewOn?: string | null;

  @ApiPropertyOptional({ maxLength: 500, description: 'Why the wording changed; shown in the history (not encrypted: keep clinical detail out)' })
  @IsOptional() @trim() @IsString() @MinLength(1, NOT_BLANK) @MaxLength(500)
  changeNote?: string;

  @ApiProperty({ description: 'The version you read; a stale one gets 409' })
  @IsInt() @Min(1)
  version!: number;
}

export class EndAgreementDto {
  @ApiPropertyOptional({ description: 'The version you read; a stale one gets 409' })
  @IsOptional() @IsInt() @Min(1)
  version?: number;
}

export class ListAgreementsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID('all', { message: 'must be a UUID' })
  coupleId?: string;

  @ApiPropertyOptional({ enum: AGREEMENT_STATUSES })
  @IsOptional() @IsIn(AGREEMENT_STATUSES, { message: `must be one of ${AGREEMENT_STATUSES.join(', ')}` })
  status?: AgreementStatus;

  @ApiPropertyOptional({ enum: AGREEMENT_KINDS })
  @IsOptional() @IsIn(AGREEMENT_KINDS, { message: `must be one of ${AGREEMENT_KINDS.join(', ')}` })
  kind?: AgreementKind;
}

export class ListMyAgreementsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: AGREEMENT_STATUSES })
  @IsOptional() @IsIn(AGREEMENT_STATUSES, { message: `must be one of ${AGREEMENT_STATUSES.join(', ')}` })
  status?: AgreementStatus;
}

export class AcknowledgeAgreementDto {
  @ApiPropertyOptional({ description: 'The revision you read; if the wording changed since, 409 (read it again first)' })
  @IsOptional() @IsInt() @Min(1)
  revision?: number;
}

export class StaffRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String }) fullName!: string | null;
}

export class PartnerAcknowledgementDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ description: 'Preferred name, else full name' }) name!: string;
  @ApiProperty({ enum: RECOVERY_ROLES }) recoveryRole!: RecoveryRole;
  @ApiProperty({ nullable: true, type: String, description: 'When this partner acknowledged the current wording (null: not yet)' }) acknowledgedAt!: string | null;
}

export class AgreementResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) coupleId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) planId!: string | null;
  @ApiProperty({ enum: FRAMEWORK_STEP_KEYS }) stepKey!: string;
  @ApiProperty({ enum: AGREEMENT_KINDS }) kind!: AgreementKind;
  @ApiProperty({ enum: AGREEMENT_STATUSES }) status!: AgreementStatus;
  @ApiProperty() title!: string;
  @ApiProperty({ type: [String] }) items!: string[];
  @ApiProperty({ nullable: true, type: String }) reviewOn!: string | null;
  @ApiProperty({ description: 'The current revision of the wording' }) revision!: number;
  @ApiProperty({ description: 'When the current wording was written' }) revisedAt!: string;
  @ApiProperty({ type: [PartnerAcknowledgementDto], description: 'Each partner’s acknowledgement of the current wording' }) acknowledgements!: PartnerAcknowledgementDto[];
  @ApiProperty({ description: 'Both partners acknowledged the current wording' }) acknowledgedByBoth!: boolean;
  @ApiProperty({ type: StaffRefDto }) createdBy!: StaffRefDto;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ nullable: true, type: String }) endedAt!: string | null;
  @ApiProperty() version!: number;
}

export class RevisionAcknowledgementDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty() acknowledgedAt!: string;
}

export class AgreementRevisionDto {
  @ApiProperty() revision!: number;
  @ApiProperty() title!: string;
  @ApiProperty({ type: [String] }) items!: string[];
  @ApiProperty({ nullable: true, type: String }) changeNote!: string | null;
  @ApiProperty({ type: StaffRefDto }) createdBy!: StaffRefDto;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: [RevisionAcknowledgementDto], description: 'Who acknowledged this wording, and when' }) acknowledgements!: RevisionAcknowledgementDto[];
}

export class AgreementDetailDto extends AgreementResponseDto {
  @ApiProperty({ type: [AgreementRevisionDto], description: 'Every wording, newest first' }) revisions!: AgreementRevisionDto[];
}

export class AgreementPageDto {
  @ApiProperty({ type: [AgreementResponseDto] }) data!: AgreementResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class AdherenceCountsDto {
  @ApiProperty() yes!: number;
  @ApiProperty() partly!: number;
  @ApiProperty() no!: number;
  @ApiProperty({ description: 'Check-ins that answered “were our agreements kept?”' }) answered!: number;
  @ApiProperty({ description: 'All check-ins in the window, answered or not' }) checkIns!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'yes ÷ answered (null when nothing was answered)' }) keptRate!: number | null;
}

export class PartnerAdherenceDto extends AdherenceCountsDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ enum: RECOVERY_ROLES }) recoveryRole!: RecoveryRole;
}

export class AdherenceResponseDto {
  @ApiProperty({ format: 'uuid' }) agreementId!: string;
  @ApiProperty({ description: 'The current revision, whose wording the check-ins are counted against' }) revision!: number;
  @ApiProperty({ description: 'Counted from (when the current wording was written)' }) since!: string;
  @ApiProperty({ description: 'Counted until (when it ended, else now)' }) until!: string;
  @ApiProperty({ type: [PartnerAdherenceDto] }) partners!: PartnerAdherenceDto[];
  @ApiProperty({ type: AdherenceCountsDto }) overall!: AdherenceCountsDto;
}

/** An agreement as a partner sees it in the portal: the wording and who of the two acknowledged it. */
export class MyAgreementDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: AGREEMENT_KINDS }) kind!: AgreementKind;
  @ApiProperty({ enum: FRAMEWORK_STEP_KEYS }) stepKey!: string;
  @ApiProperty({ enum: AGREEMENT_STATUSES }) status!: AgreementStatus;
  @ApiProperty() title!: string;
  @ApiProperty({ type: [String] }) items!: string[];
  @ApiProperty({ nullable: true, type: String }) reviewOn!: string | null;
  @ApiProperty() revision!: number;
  @ApiProperty() revisedAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'When you acknowledged this wording (null: not yet)' }) youAcknowledgedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'When your partner acknowledged this wording (null: not yet)' }) partnerAcknowledgedAt!: string | null;
}

export class MyAgreementPageDto {
  @ApiProperty({ type: [MyAgreementDto] }) data!: MyAgreementDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
