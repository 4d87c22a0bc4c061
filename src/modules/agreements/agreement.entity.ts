import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import { TimestampedEntity } from '../../common/entity-base';
import { Client } from '../clients/client.entity';
import { Couple } from '../couples/couple.entity';

export const AGREEMENT_KINDS = ['boundary', 'transparency'] as const;
export type AgreementKind = (typeof AGREEMENT_KINDS)[number];

export const AGREEMENT_STATUSES = ['active', 'ended'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

/** A couple's boundary or transparency agreement; its text lives in revisions. */
@Entity({ name: 'agreements' })
@Index('agreements_couple_idx', ['practiceId', 'coupleId', 'createdAt'])
export class Agreement extends TimestampedEntity {
  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ name: 'couple_id', type: 'uuid' })
  coupleId!: string;

  @ManyToOne(() => Couple, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'couple_id' })
  couple?: Couple;

  @Column({ name: 'plan_id', type: 'uuid', nullable: true })
  planId!: string | null;

  @Column({ name: 'step_key', type: 'varchar', length: 40 })
  stepKey!: string;

  @Column({ type: 'enum', enum: AGREEMENT_KINDS, enumName: 'agreement_kind' })
  kind!: AgreementKind;

  @Column({ type: 'enum', enum: AGREEMENT_STATUSES, enumName: 'agreement_status', default: 'active' })
  status!: AgreementStatus;

  @Column({ name: 'review_on', type: 'date', nullable: true })
  reviewOn!: string | null;

  @Column({ name: 'current_revision', type: 'int', default: 1 })
  currentRevision!: number;

  @Column({ name: 'ended_at', type: 'timestamptz', precision: 3, nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @VersionColumn()
  version!: number;
}

/** Every wording of an agreement, kept: title and items encrypted as one envelope. */
@Entity({ name: 'agreement_revisions' })
@Index('agreement_revisions_key', ['agreementId', 'revision'], { unique: true })
export class AgreementRevision {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ name: 'agreement_id', type: 'uuid' })
  agreementId!: string;

  @ManyToOne(() => Agreement, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agreement_id' })
  agreement?: Agreement;

  @Column({ type: 'int' })
  revision!: number;

  @Column({ name: 'body_ciphertext', type: 'text' })
  bodyCiphertext!: string;

  @Column({ name: 'change_note', type: 'varchar', length: 500, nullable: true })
  changeNote!: string | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}

/** A partner's acknowledgement of one revision, made through their own portal account. */
@Entity({ name: 'agreement_acknowledgements' })
export class AgreementAcknowledgement {
  @PrimaryColumn({ name: 'agreement_id', type: 'uuid' })
  agreementId!: string;

  @PrimaryColumn({ type: 'int' })
  revision!: number;

  @PrimaryColumn({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @ManyToOne(() => Agreement, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agreement_id' })
  agreement?: Agreement;

  @ManyToOne(() => Client, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'client_id' })
  client?: Client;

  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @CreateDateColumn({ name: 'acknowledged_at', type: 'timestamptz', precision: 3 })
  acknowledgedAt!: Date;
}
