import { Column, Entity, VersionColumn } from 'typeorm';
import { TimestampedEntity } from '../../common/entity-base';

export const PRACTICE_STATUSES = ['active', 'suspended'] as const;
export type PracticeStatus = (typeof PRACTICE_STATUSES)[number];

export const REMINDER_CHANNELS = ['email', 'in_app', 'webhook'] as const;
export type ReminderChannel = (typeof REMINDER_CHANNELS)[number];

export interface PracticeSettings {
  defaultReminderChannels: ReminderChannel[];
  /** Local wall-clock times "HH:mm" in the recipient's zone; reminders inside are moved to the end. */
  quietHours: { start: string; end: string } | null;
  cliniciansSeeAllClients: boolean;
  requireStaffTotp: boolean;
}

export const DEFAULT_PRACTICE_SETTINGS: PracticeSettings = {
  defaultReminderChannels: ['email', 'in_app'],
  quietHours: { start: '21:00', end: '08:00' },
  cliniciansSeeAllClients: false,
  requireStaffTotp: false,
};

@Entity({ name: 'practices' })
export class Practice extends TimestampedEntity {
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 64 })
  timezone!: string;

  @Column({ type: 'jsonb' })
  settings!: PracticeSettings;

  @Column({ type: 'enum', enum: PRACTICE_STATUSES, enumName: 'practice_status', default: 'active' })
  status!: PracticeStatus;

  @VersionColumn()
  version!: number;
}
