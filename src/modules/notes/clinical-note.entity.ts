import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import { TimestampedEntity } from '../../common/entity-base';
import { ClinicalSession } from '../sessions/clinical-session.entity';

export const NOTE_FORMS = ['soap', 'dap'] as const;
export type NoteForm = (typeof NOTE_FORMS)[number];

export const NOTE_STATUSES = ['draft', 'signed'] as const;
export type NoteStatus = (typeof NOTE_STATUSES)[number];

/**
 * The note's sections are one AES-256-GCM envelope (key id inside, so keys rotate), bound to the
 * note's id. A trigger refuses any change to a signed note.
 */
@Entity({ name: 'clinical_notes' })
export class ClinicalNote extends TimestampedEntity {
  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Index('clinical_notes_session_key', { unique: true })
  @Column({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @OneToOne(() => ClinicalSession, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'session_id' })
  session?: ClinicalSession;

  @Column({ name: 'author_id', type: 'uuid' })
  authorId!: string;

  @Column({ type: 'enum', enum: NOTE_FORMS, enumName: 'note_form' })
  form!: NoteForm;

  @Column({ name: 'body_ciphertext', type: 'text' })
  bodyCiphertext!: string;

  @Column({ name: 'steps_addressed', type: 'text', array: true, default: () => "'{}'" })
  stepsAddressed!: string[];

  @Column({ type: 'enum', enum: NOTE_STATUSES, enumName: 'note_status', default: 'draft' })
  status!: NoteStatus;

  @Column({ name: 'signed_by', type: 'uuid', nullable: true })
  signedBy!: string | null;

  @Column({ name: 'signed_at', type: 'timestamptz', precision: 3, nullable: true })
  signedAt!: Date | null;

  @VersionColumn()
  version!: number;
}

/** Corrections to a signed note; append-only like the note itself. */
@Entity({ name: 'clinical_note_addenda' })
@Index('clinical_note_addenda_note_idx', ['noteId', 'createdAt'])
export class ClinicalNoteAddendum {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ name: 'note_id', type: 'uuid' })
  noteId!: string;

  @ManyToOne(() => ClinicalNote, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'note_id' })
  note?: ClinicalNote;

  @Column({ name: 'author_id', type: 'uuid' })
  authorId!: string;

  @Column({ name: 'body_ciphertext', type: 'text' })
  bodyCiphertext!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
