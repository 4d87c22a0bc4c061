import { Check, Column, Entity, Exclusion, Index, JoinColumn, ManyToOne, PrimaryColumn, VersionColumn } from 'typeorm';
import { TimestampedEntity } from '../../common/entity-base';
import { Client } from '../clients/client.entity';
import { Couple } from '../couples/couple.entity';
import { User } from '../users/user.entity';

export const SESSION_KINDS = ['individual', 'couple', 'intake', 'assessment'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

export const SESSION_STATUSES = ['scheduled', 'completed', 'cancelled', 'late_cancelled', 'no_show'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/**
 * An appointment. The exclusion constraint is the guarantee that a clinician never holds two
 * overlapping sessions that are not cancelled, however many bookings race.
 */
@Entity({ name: 'clinical_sessions' })
@Exclusion(
  'clinical_sessions_no_overlap',
  `USING gist ("clinician_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&) WHERE ("status" NOT IN ('cancelled', 'late_cancelled'))`,
)
@Check('clinical_sessions_ends_after_start', '"ends_at" > "starts_at"')
@Index('clinical_sessions_clinician_time_idx', ['practiceId', 'clinicianId', 'startsAt'])
@Index('clinical_sessions_couple_time_idx', ['practiceId', 'coupleId', 'startsAt'])
export class ClinicalSession extends TimestampedEntity {
  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ type: 'enum', enum: SESSION_KINDS, enumName: 'session_kind' })
  kind!: SessionKind;

  @Column({ name: 'clinician_id', type: 'uuid' })
  clinicianId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'clinician_id' })
  clinician?: User;

  @Column({ name: 'couple_id', type: 'uuid', nullable: true })
  coupleId!: string | null;

  @ManyToOne(() => Couple, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'couple_id' })
  couple?: Couple;

  @Column({ name: 'starts_at', type: 'timestamptz', precision: 3 })
  startsAt!: Date;

  @Column({ name: 'ends_at', type: 'timestamptz', precision: 3 })
  endsAt!: Date;

  /** The IANA zone it was booked in, so it can be shown as the clinician saw it. */
  @Column({ type: 'varchar', length: 64 })
  timezone!: string;

  @Column({ type: 'varchar', length: 300, nullable: true })
  location!: string | null;

  @Column({ name: 'telehealth_url', type: 'varchar', length: 500, nullable: true })
  telehealthUrl!: string | null;

  @Column({ type: 'enum', enum: SESSION_STATUSES, enumName: 'session_status', default: 'scheduled' })
  status!: SessionStatus;

  @Column({ name: 'status_changed_by', type: 'uuid', nullable: true })
  statusChangedBy!: string | null;

  @Column({ name: 'status_changed_at', type: 'timestamptz', precision: 3, nullable: true })
  statusChangedAt!: Date | null;

  /** The participant who cancelled it from a reminder link (status_changed_by is then null). */
  @Column({ name: 'status_changed_by_client_id', type: 'uuid', nullable: true })
  statusChangedByClientId!: string | null;

  /** Why it was cancelled or marked (short, staff-entered; never clinical narrative). */
  @Column({ name: 'status_reason', type: 'varchar', length: 500, nullable: true })
  statusReason!: string | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @VersionColumn()
  version!: number;
}

@Entity({ name: 'session_participants' })
@Index('session_participants_client_idx', ['clientId'])
export class SessionParticipant {
  @PrimaryColumn({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @PrimaryColumn({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @ManyToOne(() => ClinicalSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: ClinicalSession;

  @ManyToOne(() => Client, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'client_id' })
  client?: Client;

  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  /** When this participant confirmed they will attend (from a reminder's confirm link). */
  @Column({ name: 'confirmed_at', type: 'timestamptz', precision: 3, nullable: true })
  confirmedAt!: Date | null;
}

/** A clinician's secret iCalendar feed; only the token's hash is kept. */
@Entity({ name: 'calendar_feeds' })
export class CalendarFeed extends TimestampedEntity {
  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Index('calendar_feeds_clinician_key', { unique: true })
  @Column({ name: 'clinician_id', type: 'uuid' })
  clinicianId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'clinician_id' })
  clinician?: User;

  @Index('calendar_feeds_token_key', { unique: true })
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash!: string;

  @Column({ name: 'include_client_names', type: 'boolean', default: false })
  includeClientNames!: boolean;
}
