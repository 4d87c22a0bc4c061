import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/cursor';
import {
  SAFETY_FLAG_KINDS,
  SAFETY_FLAG_STATUSES,
  SAFETY_SEVERITIES,
  SafetyFlagKind,
  SafetyFlagStatus,
  SafetySeverity,
} from '../safety-flag.entity';

export const SAFETY_NOTE_MAX_LENGTH = 4000;

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

export class RaiseSafetyFlagDto {
  @ApiProperty({ enum: SAFETY_FLAG_KINDS })
  @IsIn(SAFETY_FLAG_KINDS, { message: `must be one of ${SAFETY_FLAG_KINDS.join(', ')}` })
  kind!: SafetyFlagKind;

  @ApiProperty({ enum: SAFETY_SEVERITIES, description: 'A high-severity intimate-partner-violence flag pauses conjoint work' })
  @IsIn(SAFETY_SEVERITIES, { message: `must be one of ${SAFETY_SEVERITIES.join(', ')}` })
  severity!: SafetySeverity;

  @ApiPropertyOptional({ maxLength: SAFETY_NOTE_MAX_LENGTH, description: 'Clinical text: encrypted at rest, visible only to the care team' })
  @IsOptional() @trim() @IsString() @MinLength(1, { message: 'must not be blank' }) @MaxLength(SAFETY_NOTE_MAX_LENGTH)
  note?: string;
}

export class ResolveSafetyFlagDto {
  @ApiPropertyOptional({ maxLength: SAFETY_NOTE_MAX_LENGTH, description: 'Why it is resolved; encrypted at rest' })
  @IsOptional() @trim() @IsString() @MinLength(1, { message: 'must not be blank' }) @MaxLength(SAFETY_NOTE_MAX_LENGTH)
  note?: string;
}

export class ListSafetyFlagsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SAFETY_FLAG_STATUSES })
  @IsOptional() @IsIn(SAFETY_FLAG_STATUSES, { message: `must be one of ${SAFETY_FLAG_STATUSES.join(', ')}` })
  status?: SafetyFlagStatus;

  @ApiPropertyOptional({ enum: SAFETY_FLAG_KINDS })
  @IsOptional() @IsIn(SAFETY_FLAG_KINDS, { message: `must be one of ${SAFETY_FLAG_KINDS.join(', ')}` })
  kind?: SafetyFlagKind;
}

export class StaffRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String }) fullName!: string | null;
}

export class SafetyFlagResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ enum: SAFETY_FLAG_KINDS }) kind!: SafetyFlagKind;
  @ApiProperty({ enum: SAFETY_SEVERITIES }) severity!: SafetySeverity;
  @ApiProperty({ enum: SAFETY_FLAG_STATUSES }) status!: SafetyFlagStatus;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({ type: StaffRefDto }) raisedBy!: StaffRefDto;
  @ApiProperty() raisedAt!: string;
  @ApiProperty({ type: StaffRefDto, nullable: true }) resolvedBy!: StaffRefDto | null;
  @ApiProperty({ nullable: true, type: String }) resolvedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) resolutionNote!: string | null;
  @ApiProperty({ description: 'Whether this flag pauses the conjoint work of the client’s couple' }) pausesConjointWork!: boolean;
}

export class SafetyFlagPageDto {
  @ApiProperty({ type: [SafetyFlagResponseDto] }) data!: SafetyFlagResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
