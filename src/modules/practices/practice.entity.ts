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
  /**
   * Minutes before a session when each participant is reminded (0–4 values, 15 min to 7 days).
   * Practices created before the setting existed lack the key: read it through
   * sessionReminderOffsets(), which supplies the default.
   */
  sessionReminderOffsetsMinutes: number[];
}

/** 24 hours and 1 hour before. */
export const DEFAULT_SESSION_REMINDER_OFFSETS_MINUTES: readonly number[] = [1440, 60];

export const DEFAULT_PRACTICE_SETTINGS: PracticeSettings = {
  defaultReminderChannels: ['email', 'in_app'],
  quietHours: { start: '21:00', end: '08:00' },
  cliniciansSeeAllClients: false,
  requireStaffTotp: false,
  sessionReminderOffsetsMinutes: [...DEFAULT_SESSION_REMINDER_OFFSETS_MINUTES],
};

/** The practice's session reminder offsets, the default for practices stored without the key. */
export function sessionReminderOffsets(settings: Partial<PracticeSettings> | null | undefined): number[] {
  const stored = settings?.sessionReminderOffsetsMinutes;
  return Array.isArray(stored) ? [...stored] : [...DEFAULT_SESSION_REMINDER_OFFSETS_MINUTES];
}

/** Stored settings with the defaults of keys added after the practice was created. */
export function withSettingDefaults(settings: PracticeSettings): PracticeSettings {
  return { ...settings, sessionReminderOffsetsMinutes: sessionReminderOffsets(settings) };
}

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
