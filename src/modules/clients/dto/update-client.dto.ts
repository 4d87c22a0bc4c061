import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, MaxLength, Min, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { IsIanaTimezone, NormalizedEmail } from '../../../common/validation/validators';
import { IsE164Phone, IsPastCalendarDate, Trimmed } from './client-validators';
import { ReminderPreferencesInputDto } from './reminder-preferences.dto';

/** Only what is sent changes; nullable fields are cleared with null. Status changes via archive/unarchive. */
export class UpdateClientDto {
  @ApiProperty({ minimum: 1, description: 'The version you read; a stale version is refused with 409' })
  @IsInt() @Min(1)
  version!: number;

  @ApiPropertyOptional({ maxLength: 200 })
  @ValidateIf((o: UpdateClientDto) => o.fullName !== undefined)
  @Trimmed() @IsString() @MinLength(1, { message: 'must not be empty' }) @MaxLength(200)
  fullName?: string;

  @ApiPropertyOptional({ maxLength: 100, nullable: true })
  @IsOptional() @Trimmed() @IsString() @MinLength(1, { message: 'must not be empty (send null to clear)' }) @MaxLength(100)
  preferredName?: string | null;

  @ApiPropertyOptional({ maxLength: 50, nullable: true })
  @IsOptional() @Trimmed() @IsString() @MinLength(1, { message: 'must not be empty (send null to clear)' }) @MaxLength(50)
  pronouns?: string | null;

  @ApiPropertyOptional({ format: 'date', nullable: true })
  @IsOptional() @IsPastCalendarDate()
  dateOfBirth?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional() @NormalizedEmail()
  email?: string | null;

  @ApiPropertyOptional({ nullable: true, example: '+14155550123' })
  @IsOptional() @IsE164Phone()
  phone?: string | null;

  @ApiPropertyOptional({ example: 'Europe/Paris' })
  @ValidateIf((o: UpdateClientDto) => o.timezone !== undefined)
  @IsIanaTimezone()
  timezone?: string;

  @ApiPropertyOptional({ type: ReminderPreferencesInputDto, description: 'Keys sent replace their value; keys omitted are kept' })
  @ValidateIf((o: UpdateClientDto) => o.reminderPreferences !== undefined)
  @IsObject({ message: 'must be an object {channels, quietHours}' }) @ValidateNested() @Type(() => ReminderPreferencesInputDto)
  reminderPreferences?: ReminderPreferencesInputDto;
}
