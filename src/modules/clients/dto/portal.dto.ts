import { ApiProperty } from '@nestjs/swagger';
import { REMINDER_CHANNELS, ReminderChannel } from '../../practices/practice.entity';
import type { ClientView } from '../clients.repository';
import { QuietHoursDto, ReminderPreferencesDto, ReminderPreferencesInputDto } from './reminder-preferences.dto';

/** What a client sees of their own record: no care team, no staff bookkeeping. */
export class PortalClientDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() fullName!: string;
  @ApiProperty({ nullable: true, type: String }) preferredName!: string | null;
  @ApiProperty({ nullable: true, type: String }) pronouns!: string | null;
  @ApiProperty({ example: 'Europe/Paris' }) timezone!: string;
  @ApiProperty({ type: ReminderPreferencesDto }) reminderPreferences!: ReminderPreferencesDto;

  static from(c: ClientView): PortalClientDto {
    return {
      id: c.id,
      fullName: c.fullName,
      preferredName: c.preferredName,
      pronouns: c.pronouns,
      timezone: c.timezone,
      reminderPreferences: { channels: c.reminderPreferences.channels ?? null, quietHours: c.reminderPreferences.quietHours ?? null },
    };
  }
}

export class EffectivePreferencesDto {
  @ApiProperty({ enum: REMINDER_CHANNELS, isArray: true }) channels!: ReminderChannel[];
  @ApiProperty({ type: QuietHoursDto, nullable: true }) quietHours!: QuietHoursDto | null;
}

export class PortalPreferencesDto extends ReminderPreferencesDto {
  @ApiProperty({ example: 'Europe/Paris', description: 'Quiet hours are read in this zone' }) timezone!: string;
  @ApiProperty({ type: EffectivePreferencesDto, description: 'What applies once the practice defaults fill in the nulls' })
  effective!: EffectivePreferencesDto;
}

/** Reminder channels and quiet hours only; null returns to the practice default; other fields are refused. */
export class UpdatePortalPreferencesDto extends ReminderPreferencesInputDto {}
