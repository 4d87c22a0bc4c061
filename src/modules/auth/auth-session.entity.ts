import { Column, JoinColumn, ManyToOne, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../users/user.entity';

/**
 * One signed-in device: the family of rotating refresh tokens. Access tokens carry its id,
 * so revoking it ends both the refresh chain and the access tokens issued from it at once.
 */
@Entity({ name: 'auth_sessions' })
@Index('auth_sessions_user_idx', ['userId'])
export class AuthSession {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 40, nullable: true })
  revokedReason!: string | null;

  /** Set while a staff user must enrol TOTP before doing anything else. */
  @Column({ name: 'totp_enrolment_only', type: 'boolean', default: false })
  totpEnrolmentOnly!: boolean;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;
}
