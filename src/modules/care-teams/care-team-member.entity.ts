import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Client } from '../clients/client.entity';
import { Couple } from '../couples/couple.entity';
import { User } from '../users/user.entity';

/** A clinician on the care team of exactly one client or one couple. */
@Entity({ name: 'care_team_members' })
@Check('care_team_members_one_subject', '(client_id IS NULL) <> (couple_id IS NULL)')
@Index('care_team_members_client_key', ['clientId', 'clinicianId'], { unique: true, where: 'client_id IS NOT NULL' })
@Index('care_team_members_couple_key', ['coupleId', 'clinicianId'], { unique: true, where: 'couple_id IS NOT NULL' })
@Index('care_team_members_clinician_idx', ['practiceId', 'clinicianId'])
export class CareTeamMember {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ name: 'clinician_id', type: 'uuid' })
  clinicianId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'clinician_id' })
  clinician?: User;

  @Column({ name: 'client_id', type: 'uuid', nullable: true })
  clientId!: string | null;

  @ManyToOne(() => Client, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id' })
  client?: Client;

  @Column({ name: 'couple_id', type: 'uuid', nullable: true })
  coupleId!: string | null;

  @ManyToOne(() => Couple, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'couple_id' })
  couple?: Couple;

  @Column({ name: 'added_by', type: 'uuid' })
  addedBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
