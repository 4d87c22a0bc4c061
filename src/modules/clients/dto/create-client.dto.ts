import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { IsIanaTimezone, NormalizedEmail } from '../../../common/validation/validators';
import { IsE164Phone, IsPastCalendarDate, Trimmed } from './client-validators';
import { ReminderPreferencesInputDto } from './reminder-preferences.dto';

export class CreateClientDto {
  @ApiProperty({ maxLength: 200, example: 'José Álvarez' })
  @Trimmed() @IsString() @MinLength(1, { message: 'must not be empty' }) @MaxLength(200)
  fullName!: string;

  @ApiPropertyOptional({ maxLength: 100, nullable: true, example: 'Pepe' })
  @IsOptional() @Trimmed() @IsString() @MinLength(1, { message: 'must not be empty (send null to clear)' }) @MaxLength(100)
  preferredName?: string | null;

  @ApiPropertyOptional({ maxLength: 50, nullable: true, example: 'he/him' })
  @IsOptional() @Trimmed() @IsString() @MinLength(1, { message: 'must not be empty (send null to clear)' }) @MaxLength(50)
  pronouns?: string | null;

  @ApiPropertyOptional({ format: 'date', nullable: true, example: '1984-03-09' })
  @IsOptional() @IsPastCalendarDate()
  dateOfBirth?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'Contact email; also where a portal invitation goes' })
  @IsOptional() @NormalizedEmail()
  email?: string | null;

  @ApiPropertyOptional({ nullable: true, example: '+14155550123', description: 'E.164' })
  @IsOptional() @IsE164Phone()
  phone?: string | null;

  @ApiPropertyOptional({ example: 'Europe/Paris', description: 'IANA time zone; defaults to the practice’s' })
  @IsOptional() @IsIanaTimezone()
  timezone?: string;

  @ApiPropertyOptional({ type: ReminderPreferencesInputDto })
  @IsOptional() @IsObject({ message: 'must be an object {channels, quietHours}' }) @ValidateNested() @Type(() => ReminderPreferencesInputDto)
  reminderPreferences?: ReminderPreferencesInputDto;
}
