import { Column, Entity, Index, JoinColumn, ManyToOne, VersionColumn } from 'typeorm';
import { TimestampedEntity } from '../../common/entity-base';
import { Practice } from '../practices/practice.entity';
import { User } from '../users/user.entity';
import type { ReminderChannel } from '../practices/practice.entity';

export const CLIENT_STATUSES = ['active', 'archived'] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];

export interface ReminderPreferences {
  /** Channels the client accepts; null means the practice default. */
  channels: ReminderChannel[] | null;
  /** Local "HH:mm" quiet hours; null means the practice default. */
  quietHours: { start: string; end: string } | null;
}

@Entity({ name: 'clients' })
@Index('clients_practice_created_idx', ['practiceId', 'createdAt', 'id'])
@Index('clients_practice_search_idx', ['practiceId', 'searchName'])
export class Client extends TimestampedEntity {
  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @ManyToOne(() => Practice, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'practice_id' })
  practice?: Practice;

  @Column({ name: 'full_name', type: 'varchar', length: 200 })
  fullName!: string;

  @Column({ name: 'preferred_name', type: 'varchar', length: 100, nullable: true })
  preferredName!: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  pronouns!: string | null;

  @Column({ name: 'date_of_birth', type: 'date', nullable: true })
  dateOfBirth!: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  phone!: string | null;

  @Column({ type: 'varchar', length: 64 })
  timezone!: string;

  @Column({ name: 'reminder_preferences', type: 'jsonb' })
  reminderPreferences!: ReminderPreferences;

  @Column({ type: 'enum', enum: CLIENT_STATUSES, enumName: 'client_status', default: 'active' })
  status!: ClientStatus;

  @Column({ name: 'archived_at', type: 'timestamptz', precision: 3, nullable: true })
  archivedAt!: Date | null;

  /** Lower-cased, accents stripped: full and preferred name, for case/accent-insensitive search. */
  @Column({ name: 'search_name', type: 'varchar', length: 310 })
  searchName!: string;

  @Index('clients_portal_user_key', { unique: true, where: 'portal_user_id IS NOT NULL' })
  @Column({ name: 'portal_user_id', type: 'uuid', nullable: true })
  portalUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'portal_user_id' })
  portalUser?: User;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @VersionColumn()
  version!: number;
}

