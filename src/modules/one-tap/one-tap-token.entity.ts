import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const ONE_TAP_PURPOSES = ['open_homework', 'open_check_in', 'confirm_session', 'cancel_session'] as const;
export type OneTapPurpose = (typeof ONE_TAP_PURPOSES)[number];

/**
 * A link in a reminder that opens one thing for one client without a password, once, until it
 * expires. Only the SHA-256 of the token is kept; it grants nothing beyond its subject.
 */
@Entity({ name: 'one_tap_tokens' })
@Index('one_tap_tokens_subject_idx', ['practiceId', 'subjectId'])
export class OneTapToken {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @Column({ type: 'enum', enum: ONE_TAP_PURPOSES, enumName: 'one_tap_purpose' })
  purpose!: OneTapPurpose;

  @Column({ name: 'subject_id', type: 'uuid' })
  subjectId!: string;

  @Index('one_tap_tokens_hash_key', { unique: true })
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash!: string;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: 'timestamptz', precision: 3, nullable: true })
  usedAt!: Date | null;

  /**
   * When the short-lived grant that redeeming an open_check_in or open_homework link hands out
   * was spent on its one submission; a grant submits once.
   */
  @Column({ name: 'grant_used_at', type: 'timestamptz', precision: 3, nullable: true })
  grantUsedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
