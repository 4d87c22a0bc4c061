import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const AUDIT_OUTCOMES = ['allowed', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE (see the migration). The id is a
 * bigserial so the admin view pages by insertion order.
 */
@Entity({ name: 'audit_events' })
@Index('audit_events_practice_time_idx', ['practiceId', 'occurredAt', 'id'])
@Index('audit_events_practice_actor_idx', ['practiceId', 'actorUserId', 'occurredAt'])
@Index('audit_events_practice_resource_idx', ['practiceId', 'resourceType', 'resourceId', 'occurredAt'])
export class AuditEvent {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  /** Null only for events that cannot be tied to a practice (e.g. a sign-in for an unknown email). */
  @Column({ name: 'practice_id', type: 'uuid', nullable: true })
  practiceId!: string | null;

  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId!: string | null;

  @Column({ name: 'actor_role', type: 'varchar', length: 20, nullable: true })
  actorRole!: string | null;

  @Column({ type: 'varchar', length: 80 })
  action!: string;

  @Column({ name: 'resource_type', type: 'varchar', length: 60 })
  resourceType!: string;

  @Column({ name: 'resource_id', type: 'varchar', length: 64, nullable: true })
  resourceId!: string | null;

  @Column({ type: 'enum', enum: AUDIT_OUTCOMES, enumName: 'audit_outcome' })
  outcome!: AuditOutcome;

  /** Why it was denied or a short machine reason (never clinical text). */
  @Column({ type: 'varchar', length: 80, nullable: true })
  reason!: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;
}
