import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayUnique, IsArray, IsIn, IsObject, IsOptional, Matches, ValidateNested } from 'class-validator';
import { REMINDER_CHANNELS, ReminderChannel } from '../../practices/practice.entity';

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

export class QuietHoursInputDto {
  @ApiProperty({ example: '21:00', description: 'Local time HH:mm when quiet hours begin (client’s timezone)' })
  @Matches(HH_MM, { message: 'must be a time HH:mm' })
  start!: string;

  @ApiProperty({ example: '08:00', description: 'Local time HH:mm when quiet hours end (may be on the next day)' })
  @Matches(HH_MM, { message: 'must be a time HH:mm' })
  end!: string;
}

/** Both keys are optional: an omitted key keeps its value (on create: null, the practice default). */
export class ReminderPreferencesInputDto {
  @ApiPropertyOptional({ enum: REMINDER_CHANNELS, isArray: true, nullable: true, description: 'null: the practice default' })
  @IsOptional() @IsArray() @ArrayUnique({ message: 'must not repeat a channel' })
  @IsIn(REMINDER_CHANNELS, { each: true, message: `each value must be one of ${REMINDER_CHANNELS.join(', ')}` })
  channels?: ReminderChannel[] | null;

  @ApiPropertyOptional({ type: QuietHoursInputDto, nullable: true, description: 'null: the practice default' })
  @IsOptional() @IsObject({ message: 'must be an object {start, end} or null' }) @ValidateNested() @Type(() => QuietHoursInputDto)
  quietHours?: QuietHoursInputDto | null;
}

export class QuietHoursDto {
  @ApiProperty({ example: '21:00' }) start!: string;
  @ApiProperty({ example: '08:00' }) end!: string;
}

export class ReminderPreferencesDto {
  @ApiProperty({ enum: REMINDER_CHANNELS, isArray: true, nullable: true, description: 'null: the practice default' })
  channels!: ReminderChannel[] | null;

  @ApiProperty({ type: QuietHoursDto, nullable: true, description: 'null: the practice default' })
  quietHours!: QuietHoursDto | null;
}
