import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const CHANNELS = ['email', 'in_app', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];

export const NOTIFICATION_REASONS = ['homework_prompt', 'homework_due_soon', 'check_in', 'session_reminder', 'clinician_alert'] as const;
export type NotificationReason = (typeof NOTIFICATION_REASONS)[number];

/** What a notification is about; with subject_id it is how completing or editing the thing finds its reminders. */
export const NOTIFICATION_SUBJECTS = ['homework_instance', 'check_in_schedule', 'session', 'check_in'] as const;
export type NotificationSubject = (typeof NOTIFICATION_SUBJECTS)[number];

/**
 * pending: waiting for its time (PostgreSQL is the record; Redis holds only the near term);
 * sent: delivered once; cancelled: the thing it was about was completed, excused, cancelled or
 * re-planned; skipped: not sent on purpose (opt-out, paused plan, no address) with the reason;
 * failed: gave up after retries.
 */
export const NOTIFICATION_STATES = ['pending', 'sent', 'cancelled', 'skipped', 'failed'] as const;
export type NotificationState = (typeof NOTIFICATION_STATES)[number];

/**
 * One message to one person on one channel for one reason (the outbox). Written in the same
 * transaction as the change that causes it. No names or clinical text are stored here: the
 * message is rendered at delivery from the ids.
 */
@Entity({ name: 'notifications' })
@Check('notifications_one_recipient', '(recipient_client_id IS NULL) <> (recipient_user_id IS NULL)')
@Index('notifications_dedupe_key', ['dedupeKey'], { unique: true })
@Index('notifications_due_idx', ['scheduledFor'], { where: "state = 'pending'" })
@Index('notifications_to_enqueue_idx', ['scheduledFor'], { where: "state = 'pending' AND enqueued_at IS NULL" })
@Index('notifications_subject_idx', ['practiceId', 'subjectType', 'subjectId'])
@Index('notifications_practice_created_idx', ['practiceId', 'createdAt', 'id'])
@Index('notifications_client_inbox_idx', ['recipientClientId', 'sentAt', 'id'], { where: "channel = 'in_app' AND state = 'sent'" })
@Index('notifications_user_inbox_idx', ['recipientUserId', 'sentAt', 'id'], { where: "channel = 'in_app' AND state = 'sent'" })
@Index('notifications_delivery_log_idx', ['practiceId', 'scheduledFor', 'id'])
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  /** A client (reached by their contact email, portal inbox, or the practice webhook)… */
  @Column({ name: 'recipient_client_id', type: 'uuid', nullable: true })
  recipientClientId!: string | null;

  /** …or a staff member (clinician alerts). */
  @Column({ name: 'recipient_user_id', type: 'uuid', nullable: true })
  recipientUserId!: string | null;

  @Column({ type: 'enum', enum: CHANNELS, enumName: 'notification_channel' })
  channel!: Channel;

  @Column({ type: 'enum', enum: NOTIFICATION_REASONS, enumName: 'notification_reason' })
  reason!: NotificationReason;

  @Column({ name: 'subject_type', type: 'enum', enum: NOTIFICATION_SUBJECTS, enumName: 'notification_subject' })
  subjectType!: NotificationSubject;

  @Column({ name: 'subject_id', type: 'uuid' })
  subjectId!: string;

  /** Identifies the occurrence (e.g. the local date of a check-in, "24h" before a session). */
  @Column({ name: 'occurrence_key', type: 'varchar', length: 80 })
  occurrenceKey!: string;

  /** reason:subject:occurrence:recipient:channel — planning the same thing twice is a no-op. */
  @Column({ name: 'dedupe_key', type: 'varchar', length: 300 })
  dedupeKey!: string;

  /** When it should arrive: the planned local time, moved out of quiet hours, in UTC. */
  @Column({ name: 'scheduled_for', type: 'timestamptz', precision: 3 })
  scheduledFor!: Date;

  /** The time asked for before quiet hours moved it (for the delivery log). */
  @Column({ name: 'planned_for', type: 'timestamptz', precision: 3 })
  plannedFor!: Date;

  @Column({ type: 'enum', enum: NOTIFICATION_STATES, enumName: 'notification_state', default: 'pending' })
  state!: NotificationState;

  /** Why it was skipped, cancelled or failed: a short machine reason, never clinical text. */
  @Column({ name: 'state_reason', type: 'varchar', length: 80, nullable: true })
  stateReason!: string | null;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'varchar', length: 300, nullable: true })
  lastError!: string | null;

  /** Set when the sweep put it in Redis; a due row without a live job is re-enqueued. */
  @Column({ name: 'enqueued_at', type: 'timestamptz', precision: 3, nullable: true })
  enqueuedAt!: Date | null;

  @Column({ name: 'sent_at', type: 'timestamptz', precision: 3, nullable: true })
  sentAt!: Date | null;

  @Column({ name: 'provider_id', type: 'varchar', length: 200, nullable: true })
  providerId!: string | null;

  /** In-app only: when the recipient read it. */
  @Column({ name: 'read_at', type: 'timestamptz', precision: 3, nullable: true })
  readAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}

/**
 * The delivery ledger: one row per notification (and so per channel), claimed before the send
 * and completed after it. A retry that finds a completed row does not send again; one that finds
 * a claim older than its lease sends again with the same idempotency key.
 */
@Entity({ name: 'notification_deliveries' })
export class NotificationDelivery {
  @PrimaryColumn({ name: 'notification_id', type: 'uuid' })
  notificationId!: string;

  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ type: 'enum', enum: CHANNELS, enumName: 'notification_channel' })
  channel!: Channel;

  @Column({ name: 'claimed_at', type: 'timestamptz', precision: 3 })
  claimedAt!: Date;

  @Column({ name: 'claimed_by', type: 'varchar', length: 100 })
  claimedBy!: string;

  @Column({ name: 'delivered_at', type: 'timestamptz', precision: 3, nullable: true })
  deliveredAt!: Date | null;

  @Column({ name: 'provider_id', type: 'varchar', length: 200, nullable: true })
  providerId!: string | null;
}

/** A practice's webhook (how it plugs in SMS or chat): HMAC-SHA256 signed POSTs. */
@Entity({ name: 'webhook_endpoints' })
export class WebhookEndpoint {
  @PrimaryColumn({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ type: 'varchar', length: 500 })
  url!: string;

  /** AES-GCM envelope of the signing secret. */
  @Column({ name: 'secret_ciphertext', type: 'text' })
  secretCiphertext!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
