import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsUUID,
  Min,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { DateTime } from 'luxon';
import { PageQueryDto } from '../../../common/pagination/cursor';
import { ConjointPauseReason, CONJOINT_PAUSE_REASONS } from '../../safety-flags/conjoint-pause';
import { CLIENT_STATUSES, ClientStatus } from '../../clients/client.entity';
import {
  COUPLE_STATUSES,
  CoupleStatus,
  DISSOLUTION_REASONS,
  DissolutionReason,
  PRIVACY_POLICIES,
  PrivacyPolicy,
  RECOVERY_ROLES,
  RecoveryRole,
} from '../couple.entity';
import { isValidRolePair, ROLE_PAIR_RULE } from '../couple-roles';

const oneOf = (values: readonly string[]) => ({ message: `must be one of ${values.join(', ')}` });

/** A calendar date "YYYY-MM-DD" that exists and is not in the future (a day of slack for time zones). */
function IsPastCalendarDate(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isPastCalendarDate',
      target: object.constructor,
      propertyName,
      options: { message: 'must be a date (YYYY-MM-DD) that is not in the future', ...options },
      validator: {
        validate: (v: unknown) =>
          typeof v === 'string' &&
          /^\d{4}-\d{2}-\d{2}$/.test(v) &&
          DateTime.fromISO(v, { zone: 'utc' }).isValid &&
          v >= '1900-01-01' &&
          v <= DateTime.utc().plus({ days: 1 }).toISODate()!,
      },
    });
}

/** Two partners: one injured and one involved, or both mutual. Other shapes are left to the size checks. */
function IsRecoveryRolePair(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isRecoveryRolePair',
      target: object.constructor,
      propertyName,
      options: { message: ROLE_PAIR_RULE, ...options },
      validator: {
        validate: (v: unknown) => {
          if (!Array.isArray(v) || v.length !== 2) return true;
          const roles = v.map((p) => (p && typeof p === 'object' ? (p as { role?: unknown }).role : undefined));
          if (!roles.every((r): r is RecoveryRole => RECOVERY_ROLES.includes(r as RecoveryRole))) return true;
          return isValidRolePair(roles);
        },
      },
    });
}

export class PartnerInputDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a client id (UUID)' })
  clientId!: string;

  @ApiProperty({ enum: RECOVERY_ROLES, description: 'injured: was betrayed; involved: broke trust; mutual: both did' })
  @IsIn(RECOVERY_ROLES, oneOf(RECOVERY_ROLES))
  role!: RecoveryRole;
}

const clientIdOf = (p: unknown) => (p && typeof p === 'object' ? (p as { clientId?: unknown }).clientId : p);

export class CreateCoupleDto {
  @ApiProperty({ type: [PartnerInputDto], minItems: 2, maxItems: 2 })
  @IsArray()
  @ArrayMinSize(2, { message: 'must name exactly two partners' })
  @ArrayMaxSize(2, { message: 'must name exactly two partners' })
  @ArrayUnique(clientIdOf, { message: 'must name two different clients' })
  @ValidateNested({ each: true })
  @Type(() => PartnerInputDto)
  @IsRecoveryRolePair()
  partners!: PartnerInputDto[];

  @ApiProperty({ enum: PRIVACY_POLICIES, description: 'Whether individual disclosures may be kept from the partner' })
  @IsIn(PRIVACY_POLICIES, oneOf(PRIVACY_POLICIES))
  privacyPolicy!: PrivacyPolicy;

  @ApiPropertyOptional({ format: 'date', nullable: true, description: 'The date both partners consented to the privacy policy' })
  @IsOptional()
  @IsPastCalendarDate()
  privacyConsentedOn?: string | null;
}

export class UpdateCoupleDto {
  @ApiProperty({ description: 'The version you read; a stale one is refused with 409' })
  @IsInt({ message: 'must be the integer version of the couple you read' })
  @Min(1)
  version!: number;

  @ApiPropertyOptional({ enum: PRIVACY_POLICIES })
  @ValidateIf((_, v) => v !== undefined)
  @IsIn(PRIVACY_POLICIES, oneOf(PRIVACY_POLICIES))
  privacyPolicy?: PrivacyPolicy;

  @ApiPropertyOptional({ format: 'date', nullable: true, description: 'null clears it' })
  @IsOptional()
  @IsPastCalendarDate()
  privacyConsentedOn?: string | null;

  @ApiPropertyOptional({ type: [PartnerInputDto], description: 'New roles for one or both current partners' })
  @ValidateIf((_, v) => v !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @ArrayUnique(clientIdOf, { message: 'must not name a client twice' })
  @ValidateNested({ each: true })
  @Type(() => PartnerInputDto)
  partners?: PartnerInputDto[];
}

export class DissolveCoupleDto {
  @ApiPropertyOptional({ enum: DISSOLUTION_REASONS })
  @ValidateIf((_, v) => v !== undefined)
  @IsIn(DISSOLUTION_REASONS, oneOf(DISSOLUTION_REASONS))
  reason?: DissolutionReason;

  @ApiPropertyOptional({ description: 'If given, the dissolution is refused (409) when the couple changed since' })
  @ValidateIf((_, v) => v !== undefined)
  @IsInt({ message: 'must be the integer version of the couple you read' })
  @Min(1)
  version?: number;
}

export class ListCouplesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: COUPLE_STATUSES })
  @IsOptional() @IsIn(COUPLE_STATUSES, oneOf(COUPLE_STATUSES))
  status?: CoupleStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'Couples this client is or was a partner in' })
  @IsOptional() @IsUUID('all', { message: 'must be a client id (UUID)' })
  clientId?: string;
}

export class CouplePartnerDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty() fullName!: string;
  @ApiProperty({ nullable: true, type: String }) preferredName!: string | null;
  @ApiProperty({ enum: RECOVERY_ROLES }) role!: RecoveryRole;
  @ApiProperty({ description: 'False once the couple is dissolved' }) active!: boolean;
  @ApiProperty({ enum: CLIENT_STATUSES }) clientStatus!: ClientStatus;
}

export class CoupleResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: COUPLE_STATUSES }) status!: CoupleStatus;
  @ApiProperty({ type: [CouplePartnerDto] }) partners!: CouplePartnerDto[];
  @ApiProperty({ enum: PRIVACY_POLICIES }) privacyPolicy!: PrivacyPolicy;
  @ApiProperty({ format: 'date', nullable: true, type: String }) privacyConsentedOn!: string | null;
  @ApiProperty({ description: 'True while an active high-severity IPV flag is on either partner: couple work stops' })
  conjointWorkPaused!: boolean;
  @ApiProperty({ enum: CONJOINT_PAUSE_REASONS, nullable: true }) conjointWorkPauseReason!: ConjointPauseReason | null;
  @ApiProperty({ format: 'uuid' }) createdBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ nullable: true, type: String }) dissolvedAt!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) dissolvedBy!: string | null;
  @ApiProperty({ enum: DISSOLUTION_REASONS, nullable: true }) dissolutionReason!: DissolutionReason | null;
  @ApiProperty({ description: 'Send it back on PATCH (optimistic concurrency)' }) version!: number;
}

export class CouplePageDto {
  @ApiProperty({ type: [CoupleResponseDto] }) data!: CoupleResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
