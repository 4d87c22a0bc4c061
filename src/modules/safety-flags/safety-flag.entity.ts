import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TimestampedEntity } from '../../common/entity-base';
import { Client } from '../clients/client.entity';

export const SAFETY_FLAG_KINDS = ['intimate_partner_violence', 'self_harm_risk', 'ongoing_affair', 'substance_use', 'other'] as const;
export type SafetyFlagKind = (typeof SAFETY_FLAG_KINDS)[number];

export const SAFETY_SEVERITIES = ['low', 'moderate', 'high'] as const;
export type SafetySeverity = (typeof SAFETY_SEVERITIES)[number];

export const SAFETY_FLAG_STATUSES = ['active', 'resolved'] as const;
export type SafetyFlagStatus = (typeof SAFETY_FLAG_STATUSES)[number];

/** Notes are clinical text: stored only as AES-GCM envelopes. */
@Entity({ name: 'safety_flags' })
@Index('safety_flags_client_idx', ['practiceId', 'clientId', 'status'])
export class SafetyFlag extends TimestampedEntity {
  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @ManyToOne(() => Client, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id' })
  client?: Client;

  @Column({ type: 'enum', enum: SAFETY_FLAG_KINDS, enumName: 'safety_flag_kind' })
  kind!: SafetyFlagKind;

  @Column({ type: 'enum', enum: SAFETY_SEVERITIES, enumName: 'safety_severity' })
  severity!: SafetySeverity;

  @Column({ type: 'enum', enum: SAFETY_FLAG_STATUSES, enumName: 'safety_flag_status', default: 'active' })
  status!: SafetyFlagStatus;

  @Column({ name: 'note_ciphertext', type: 'text', nullable: true })
  noteCiphertext!: string | null;

  @Column({ name: 'raised_by', type: 'uuid' })
  raisedBy!: string;

  @Column({ name: 'raised_at', type: 'timestamptz', precision: 3 })
  raisedAt!: Date;

  @Column({ name: 'resolved_by', type: 'uuid', nullable: true })
  resolvedBy!: string | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', precision: 3, nullable: true })
  resolvedAt!: Date | null;

  @Column({ name: 'resolution_note_ciphertext', type: 'text', nullable: true })
  resolutionNoteCiphertext!: string | null;
}
