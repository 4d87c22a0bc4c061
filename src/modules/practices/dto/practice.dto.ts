import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsIanaTimezone } from '../../../common/validation/validators';
import { Practice, PRACTICE_STATUSES, REMINDER_CHANNELS, ReminderChannel, withSettingDefaults } from '../practice.entity';

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

export class QuietHoursDto {
  @ApiProperty({ example: '21:00', description: 'Local time HH:mm when quiet hours begin' })
  @Matches(HH_MM, { message: 'must be a time HH:mm' })
  start!: string;

  @ApiProperty({ example: '08:00', description: 'Local time HH:mm when quiet hours end' })
  @Matches(HH_MM, { message: 'must be a time HH:mm' })
  end!: string;
}

export class PracticeSettingsPatchDto {
  @ApiPropertyOptional({ enum: REMINDER_CHANNELS, isArray: true })
  @IsOptional() @IsArray() @ArrayUnique() @IsIn(REMINDER_CHANNELS, { each: true, message: `each value must be one of ${REMINDER_CHANNELS.join(', ')}` })
  defaultReminderChannels?: ReminderChannel[];

  @ApiPropertyOptional({ type: QuietHoursDto, nullable: true })
  @IsOptional() @ValidateNested() @Type(() => QuietHoursDto)
  quietHours?: QuietHoursDto | null;

  @ApiPropertyOptional({ description: 'Clinicians see every client of the practice, not only their care teams' })
  @IsOptional() @IsBoolean()
  cliniciansSeeAllClients?: boolean;

  @ApiPropertyOptional({ description: 'Admins and clinicians must use a TOTP second factor' })
  @IsOptional() @IsBoolean()
  requireStaffTotp?: boolean;

  @ApiPropertyOptional({
    type: [Number],
    example: [1440, 60],
    description: 'Minutes before a session when each participant is reminded: 0–4 distinct values from 15 (15 minutes) to 10080 (7 days); [] sends none',
  })
  // Not @IsOptional: that would let null through, and null is no list of offsets.
  @ValidateIf((o: PracticeSettingsPatchDto) => o.sessionReminderOffsetsMinutes !== undefined)
  @IsArray() @ArrayMaxSize(4) @ArrayUnique()
  @IsInt({ each: true, message: 'each value must be a whole number of minutes' })
  @Min(15, { each: true, message: 'each value must be at least 15 (minutes)' })
  @Max(10080, { each: true, message: 'each value must be at most 10080 (7 days, in minutes)' })
  sessionReminderOffsetsMinutes?: number[];
}

export class UpdatePracticeDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: 'America/New_York' })
  @IsOptional() @IsIanaTimezone()
  timezone?: string;

  @ApiPropertyOptional({ type: PracticeSettingsPatchDto })
  @IsOptional() @ValidateNested() @Type(() => PracticeSettingsPatchDto)
  settings?: PracticeSettingsPatchDto;

  @ApiPropertyOptional({ description: 'The version you read; a stale version is refused with 409' })
  @IsOptional() @IsInt() @Min(1)
  version?: number;
}

export class PracticeSettingsDto {
  @ApiProperty({ enum: REMINDER_CHANNELS, isArray: true }) defaultReminderChannels!: ReminderChannel[];
  @ApiProperty({ type: QuietHoursDto, nullable: true }) quietHours!: QuietHoursDto | null;
  @ApiProperty() cliniciansSeeAllClients!: boolean;
  @ApiProperty() requireStaffTotp!: boolean;
  @ApiProperty({ type: [Number], example: [1440, 60] }) sessionReminderOffsetsMinutes!: number[];
}

export class PracticeResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() timezone!: string;
  @ApiProperty({ enum: PRACTICE_STATUSES }) status!: string;
  @ApiProperty({ type: PracticeSettingsDto }) settings!: PracticeSettingsDto;
  @ApiProperty() version!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(p: Practice): PracticeResponseDto {
    return {
      id: p.id,
      name: p.name,
      timezone: p.timezone,
      status: p.status,
      settings: withSettingDefaults(p.settings),
      version: p.version,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
    };
  }
}
