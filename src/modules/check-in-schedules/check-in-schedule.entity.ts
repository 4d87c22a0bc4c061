import { Column, Entity, Index, JoinColumn, ManyToOne, VersionColumn } from 'typeorm';
import { TimestampedEntity } from '../../common/entity-base';
import { Client } from '../clients/client.entity';

/** When a client is asked to check in: an RRULE (e.g. FREQ=DAILY) at a local time in their zone. */
@Entity({ name: 'check_in_schedules' })
export class CheckInSchedule extends TimestampedEntity {
  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Index('check_in_schedules_client_key', { unique: true })
  @Column({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @ManyToOne(() => Client, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id' })
  client?: Client;

  @Column({ type: 'varchar', length: 300 })
  rrule!: string;

  /** Local "HH:mm". */
  @Column({ name: 'local_time', type: 'varchar', length: 5 })
  localTime!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ name: 'materialized_until', type: 'timestamptz', precision: 3, nullable: true })
  materializedUntil!: Date | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @VersionColumn()
  version!: number;
}
