import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, VersionColumn } from 'typeorm';
import { TimestampedEntity } from '../../common/entity-base';
import { Client } from '../clients/client.entity';

export const COUPLE_STATUSES = ['active', 'dissolved'] as const;
export type CoupleStatus = (typeof COUPLE_STATUSES)[number];

export const PRIVACY_POLICIES = ['no_secrets', 'limited_secrets'] as const;
export type PrivacyPolicy = (typeof PRIVACY_POLICIES)[number];

/** Why a couple was dissolved: a kind, not a narrative (the narrative belongs in clinical notes). */
export const DISSOLUTION_REASONS = ['separated', 'conjoint_work_ended', 'created_in_error', 'other'] as const;
export type DissolutionReason = (typeof DISSOLUTION_REASONS)[number];

export const RECOVERY_ROLES = ['injured', 'involved', 'mutual'] as const;
export type RecoveryRole = (typeof RECOVERY_ROLES)[number];

@Entity({ name: 'couples' })
@Check('couples_dissolved_at_matches_status', `(status = 'dissolved') = (dissolved_at IS NOT NULL)`)
@Index('couples_practice_created_idx', ['practiceId', 'createdAt', 'id'])
export class Couple extends TimestampedEntity {
  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ type: 'enum', enum: COUPLE_STATUSES, enumName: 'couple_status', default: 'active' })
  status!: CoupleStatus;

  @Column({ name: 'privacy_policy', type: 'enum', enum: PRIVACY_POLICIES, enumName: 'couple_privacy_policy' })
  privacyPolicy!: PrivacyPolicy;

  /** The date both partners consented to the privacy policy. */
  @Column({ name: 'privacy_consented_on', type: 'date', nullable: true })
  privacyConsentedOn!: string | null;

  @Column({ name: 'dissolved_at', type: 'timestamptz', precision: 3, nullable: true })
  dissolvedAt!: Date | null;

  @Column({ name: 'dissolved_by', type: 'uuid', nullable: true })
  dissolvedBy!: string | null;

  @Column({
    name: 'dissolution_reason',
    type: 'enum',
    enum: DISSOLUTION_REASONS,
    enumName: 'couple_dissolution_reason',
    nullable: true,
  })
  dissolutionReason!: DissolutionReason | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @VersionColumn()
  version!: number;
}

/**
 * A partner in a couple. The partial unique index is what guarantees, under races too, that a
 * client is in at most one active couple.
 */
@Entity({ name: 'couple_members' })
@Index('couple_members_one_active_couple', ['clientId'], { unique: true, where: 'active' })
export class CoupleMember {
  @PrimaryColumn({ name: 'couple_id', type: 'uuid' })
  coupleId!: string;

  @PrimaryColumn({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @ManyToOne(() => Couple, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'couple_id' })
  couple?: Couple;

  @ManyToOne(() => Client, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'client_id' })
  client?: Client;

  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ name: 'recovery_role', type: 'enum', enum: RECOVERY_ROLES, enumName: 'recovery_role' })
  recoveryRole!: RecoveryRole;

  @Column({ type: 'boolean', default: true })
  active!: boolean;
}
