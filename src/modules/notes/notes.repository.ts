import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PracticeId } from '../../common/tenancy/request-context';
import { affectedRows } from '../sessions/sessions.repository';
import type { NoteForm, NoteStatus } from './clinical-note.entity';

export interface NoteRow {
  id: string;
  sessionId: string;
  authorId: string;
  form: NoteForm;
  bodyCiphertext: string;
  stepsAddressed: string[];
  status: NoteStatus;
  signedBy: string | null;
  signedAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface AddendumRow {
  id: string;
  authorId: string;
  bodyCiphertext: string;
  createdAt: Date;
}

/** Tenant-owned: every method takes the practice id. Ciphertext in, ciphertext out. */
@Injectable()
export class NotesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findBySession(practiceId: PracticeId, sessionId: string): Promise<NoteRow | null> {
    const rows: NoteRow[] = await this.dataSource.query(
      `SELECT id, session_id AS "sessionId", author_id AS "authorId", form, body_ciphertext AS "bodyCiphertext",
              steps_addressed AS "stepsAddressed", status, signed_by AS "signedBy", signed_at AS "signedAt",
              version, created_at AS "createdAt", updated_at AS "updatedAt"
         FROM clinical_notes WHERE practice_id = $1 AND session_id = $2`,
      [practiceId, sessionId],
    );
    return rows[0] ?? null;
  }

  async insertDraft(n: { id: string; practiceId: PracticeId; sessionId: string; authorId: string; form: NoteForm; bodyCiphertext: string; stepsAddressed: string[] }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO clinical_notes (id, practice_id, session_id, author_id, form, body_ciphertext, steps_addressed, status, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', 1)`,
      [n.id, n.practiceId, n.sessionId, n.authorId, n.form, n.bodyCiphertext, n.stepsAddressed],
    );
  }

  /** Conditional on the version read and on the note still being a draft. */
  async updateDraft(practiceId: PracticeId, id: string, version: number, c: { form: NoteForm; bodyCiphertext: string; stepsAddressed: string[] }): Promise<boolean> {
    const result: unknown = await this.dataSource.query(
      `UPDATE clinical_notes SET form = $4, body_ciphertext = $5, steps_addressed = $6, version = version + 1, updated_at = now()
        WHERE practice_id = $1 AND id = $2 AND version = $3 AND status = 'draft'`,
      [practiceId, id, version, c.form, c.bodyCiphertext, c.stepsAddressed],
    );
    return affectedRows(result) === 1;
  }

  async sign(practiceId: PracticeId, id: string, version: number, signedBy: string, at: Date): Promise<boolean> {
    const result: unknown = await this.dataSource.query(
      `UPDATE clinical_notes SET status = 'signed', signed_by = $4, signed_at = $5, version = version + 1, updated_at = now()
        WHERE practice_id = $1 AND id = $2 AND version = $3 AND status = 'draft'`,
      [practiceId, id, version, signedBy, at],
    );
    return affectedRows(result) === 1;
  }

  listAddenda(practiceId: PracticeId, noteId: string): Promise<AddendumRow[]> {
    return this.dataSource.query(
      `SELECT id, author_id AS "authorId", body_ciphertext AS "bodyCiphertext", created_at AS "createdAt"
         FROM clinical_note_addenda WHERE practice_id = $1 AND note_id = $2 ORDER BY created_at, id`,
      [practiceId, noteId],
    );
  }

  async insertAddendum(a: { id: string; practiceId: PracticeId; noteId: string; authorId: string; bodyCiphertext: string }): Promise<AddendumRow> {
    const rows: AddendumRow[] = await this.dataSource.query(
      `INSERT INTO clinical_note_addenda (id, practice_id, note_id, author_id, body_ciphertext)
       VALUES ($1, $2, $3, $4, $5)
       RETURNING id, author_id AS "authorId", body_ciphertext AS "bodyCiphertext", created_at AS "createdAt"`,
      [a.id, a.practiceId, a.noteId, a.authorId, a.bodyCiphertext],
    );
    return rows[0];
  }
}
