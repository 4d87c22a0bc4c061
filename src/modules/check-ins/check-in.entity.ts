import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Client } from '../clients/client.entity';

export const AGREEMENTS_KEPT_ANSWERS = ['yes', 'partly', 'no'] as const;
export type AgreementsKeptAnswer = (typeof AGREEMENTS_KEPT_ANSWERS)[number];

export const READINESS_ANSWERS = ['ready', 'not_yet'] as const;
export type ReadinessAnswer = (typeof READINESS_ANSWERS)[number];

/**
 * One check-in by one client. The free text is clinical: stored only as an AES-GCM envelope.
 * Scheduling and reminders come with the reminder engine; this is the record of the answers.
 */
@Entity({ name: 'check_ins' })
@Index('check_ins_client_time_idx', ['practiceId', 'clientId', 'submittedAt'])
@Index('check_ins_couple_time_idx', ['practiceId', 'coupleId', 'submittedAt'])
@Check('check_ins_scales', 'trust BETWEEN 0 AND 10 AND safety BETWEEN 0 AND 10 AND connection BETWEEN 0 AND 10 AND mood BETWEEN 1 AND 5')
@Check('check_ins_alert_acknowledgement', '(alert_acknowledged_at IS NULL) = (alert_acknowledged_by IS NULL) AND (feels_unsafe OR alert_acknowledged_at IS NULL)')
/** The care team's queue of unsafe reports nobody has acknowledged yet stays small and fast to read. */
@Index('check_ins_open_alerts_idx', ['practiceId', 'submittedAt'], { where: 'feels_unsafe AND alert_acknowledged_at IS NULL' })
export class CheckIn {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @ManyToOne(() => Client, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'client_id' })
  client?: Client;

  /** The couple the client was in when answering (null for an individual client). */
  @Column({ name: 'couple_id', type: 'uuid', nullable: true })
  coupleId!: string | null;

  @CreateDateColumn({ name: 'submitted_at', type: 'timestamptz', precision: 3 })
  submittedAt!: Date;

  /** The client's local calendar date of the check-in, for day-based streaks. */
  @Column({ name: 'local_date', type: 'date' })
  localDate!: string;

  @Column({ type: 'smallint' })
  trust!: number;

  @Column({ type: 'smallint' })
  safety!: number;

  @Column({ type: 'smallint' })
  connection!: number;

  @Column({ type: 'smallint' })
  mood!: number;

  @Column({ name: 'agreements_kept', type: 'enum', enum: AGREEMENTS_KEPT_ANSWERS, enumName: 'agreements_kept_answer', nullable: true })
  agreementsKept!: AgreementsKeptAnswer | null;

  /** Asked once the intimacy step is active; feeds the forgiveness rule. */
  @Column({ name: 'forgiveness_readiness', type: 'enum', enum: READINESS_ANSWERS, enumName: 'forgiveness_readiness', nullable: true })
  forgivenessReadiness!: ReadinessAnswer | null;

  @Column({ name: 'feels_unsafe', type: 'boolean', default: false })
  feelsUnsafe!: boolean;

  /** When a clinician of the care team acknowledged the "I feel unsafe" alert (null: still open). */
  @Column({ name: 'alert_acknowledged_at', type: 'timestamptz', precision: 3, nullable: true })
  alertAcknowledgedAt!: Date | null;

  @Column({ name: 'alert_acknowledged_by', type: 'uuid', nullable: true })
  alertAcknowledgedBy!: string | null;

  @Column({ name: 'free_text_ciphertext', type: 'text', nullable: true })
  freeTextCiphertext!: string | null;

  /** Answers to the practice's own measures, keyed by measure key. */
  @Column({ name: 'extra_answers', type: 'jsonb', default: () => "'{}'" })
  extraAnswers!: Record<string, unknown>;
}
