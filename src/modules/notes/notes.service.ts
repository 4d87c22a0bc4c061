import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { QueryFailedError } from 'typeorm';
import { ClinicalAccess } from '../../common/access/clinical-access.service';
import { ConflictError, ForbiddenError, NotFoundError, RuleViolationError } from '../../common/errors/domain-error';
import { RequestValidationException } from '../../common/errors/validation';
import { FieldEncryption } from '../../common/security/field-encryption';
import { Principal } from '../../common/tenancy/request-context';
import { SessionRow, SessionsRepository } from '../sessions/sessions.repository';
import { AddendumDto, AddendumResponseDto, NoteResponseDto, PutNoteDto, SignNoteDto } from './dto/note.dto';
import { blankSections, NoteSections, pickSections, validateSections } from './note-sections';
import { AddendumRow, NoteRow, NotesRepository } from './notes.repository';

const UNIQUE_VIOLATION = '23505';
/** What the signed-note trigger raises (insufficient_privilege). */
const TRIGGER_REFUSAL = '42501';

const noteAad = (noteId: string) => `note:${noteId}`;
const addendumAad = (noteId: string, addendumId: string) => `note:${noteId}:addendum:${addendumId}`;

function sqlState(err: unknown): string | undefined {
  return err instanceof QueryFailedError ? (err as { code?: string }).code : undefined;
}

const noteSigned = () => new ConflictError('note_signed', 'A signed note cannot be changed; add an addendum instead');
const staleNote = () => new ConflictError('version_conflict', 'version: the note changed since you read it; reload and try again');

/**
 * Clinical notes. Sections are one AES-256-GCM envelope bound to the note id; addenda one
 * envelope each, bound to the note and the addendum. Plaintext exists only in this service's
 * memory and in the response to the care team; nothing here logs it or puts it in an error.
 */
@Injectable()
export class NotesService {
  constructor(
    private readonly notes: NotesRepository,
    private readonly sessions: SessionsRepository,
    private readonly access: ClinicalAccess,
    private readonly crypto: FieldEncryption,
  ) {}

  /**
   * The session, if the principal may read its clinical content: the care team of its couple
   * (couple sessions) or of every participant. Not visible at all → 404; visible as a record
   * but not clinically (an admin off the care team) → 403.
   */
  private async sessionForClinicalWork(p: Principal, sessionId: string): Promise<SessionRow> {
    const s = await this.sessions.findInPractice(p.practiceId, sessionId);
    if (!s) throw new NotFoundError('Session');
    let record: boolean;
    let clinical: boolean;
    if (s.coupleId) {
      record = (await this.access.visibleCoupleIds(p, [s.coupleId], 'record')).has(s.coupleId);
      clinical = record && (await this.access.visibleCoupleIds(p, [s.coupleId], 'clinical')).has(s.coupleId);
    } else {
      const visible = await this.access.visibleClientIds(p, s.participantClientIds);
      record = s.participantClientIds.every((id) => visible.has(id));
      const readable = record ? await this.access.clinicalClientIds(p, s.participantClientIds) : new Set<string>();
      clinical = record && s.participantClientIds.every((id) => readable.has(id));
    }
    // A clinician always sees their own session exists, even off its care team.
    if (!record && s.clinicianId !== p.userId) throw new NotFoundError('Session');
    if (!clinical) throw new ForbiddenError('Only the care team reads clinical notes', 'not_on_care_team');
    return s;
  }

  private assertSessionClinician(p: Principal, s: SessionRow): void {
    if (s.clinicianId !== p.userId) {
      throw new ForbiddenError('Only the session’s clinician writes and signs its note', 'not_session_clinician');
    }
  }

  async get(p: Principal, sessionId: string): Promise<NoteResponseDto> {
    await this.sessionForClinicalWork(p, sessionId);
    const note = await this.notes.findBySession(p.practiceId, sessionId);
    if (!note) throw new NotFoundError('Note');
    return this.toResponse(note, await this.notes.listAddenda(p.practiceId, note.id));
  }

  /** Creates the draft, or replaces it when `version` matches the stored one. */
  async put(p: Principal, sessionId: string, dto: PutNoteDto): Promise<{ created: boolean; note: NoteResponseDto }> {
    const s = await this.sessionForClinicalWork(p, sessionId);
    this.assertSessionClinician(p, s);
    const problems = validateSections(dto.form, dto.sections);
    if (problems.length) throw new RequestValidationException(problems);
    const sections = pickSections(dto.form, dto.sections);
    const stepsAddressed = dto.stepsAddressed ?? [];

    const existing = await this.notes.findBySession(p.practiceId, sessionId);
    if (!existing) {
      if (dto.version !== undefined && dto.version !== 0) throw staleNote();
      const id = randomUUID();
      try {
        await this.notes.insertDraft({
          id,
          practiceId: p.practiceId,
          sessionId,
          authorId: p.userId,
          form: dto.form,
          bodyCiphertext: this.crypto.encrypt(JSON.stringify(sections), noteAad(id)),
          stepsAddressed,
        });
      } catch (err) {
        // Someone created it a moment ago: their draft stands, ours is stale.
        if (sqlState(err) === UNIQUE_VIOLATION) throw staleNote();
        throw err;
      }
      return { created: true, note: this.toResponse((await this.notes.findBySession(p.practiceId, sessionId))!, []) };
    }

    if (existing.status === 'signed') throw noteSigned();
    if (dto.version === undefined) {
      throw new ConflictError('version_conflict', 'version: this session already has a draft; send the version you read to replace it');
    }
    let changed: boolean;
    try {
      changed = await this.notes.updateDraft(p.practiceId, existing.id, dto.version, {
        form: dto.form,
        bodyCiphertext: this.crypto.encrypt(JSON.stringify(sections), noteAad(existing.id)),
        stepsAddressed,
      });
    } catch (err) {
      if (sqlState(err) === TRIGGER_REFUSAL) throw noteSigned();
      throw err;
    }
    if (!changed) {
      const now = await this.notes.findBySession(p.practiceId, sessionId);
      throw now?.status === 'signed' ? noteSigned() : staleNote();
    }
    return { created: false, note: this.toResponse((await this.notes.findBySession(p.practiceId, sessionId))!, []) };
  }

  async sign(p: Principal, sessionId: string, dto: SignNoteDto): Promise<NoteResponseDto> {
    const s = await this.sessionForClinicalWork(p, sessionId);
    this.assertSessionClinician(p, s);
    const note = await this.notes.findBySession(p.practiceId, sessionId);
    if (!note) throw new NotFoundError('Note');
    if (note.status === 'signed') throw noteSigned();
    if (note.version !== dto.version) throw staleNote();
    const blank = blankSections(note.form, this.decryptSections(note));
    if (blank.length) {
      throw new RuleViolationError('note_incomplete', `A note is signed only when every section is written; still blank: ${blank.join(', ')}`, { blankSections: blank });
    }
    if (!(await this.notes.sign(p.practiceId, note.id, dto.version, p.userId, new Date()))) {
      const now = await this.notes.findBySession(p.practiceId, sessionId);
      throw now?.status === 'signed' ? noteSigned() : staleNote();
    }
    const signed = (await this.notes.findBySession(p.practiceId, sessionId))!;
    return this.toResponse(signed, await this.notes.listAddenda(p.practiceId, signed.id));
  }

  async addAddendum(p: Principal, sessionId: string, dto: AddendumDto): Promise<AddendumResponseDto> {
    await this.sessionForClinicalWork(p, sessionId);
    const note = await this.notes.findBySession(p.practiceId, sessionId);
    if (!note) throw new NotFoundError('Note');
    if (note.status !== 'signed') {
      throw new ConflictError('note_not_signed', 'Addenda correct a signed note; edit the draft instead');
    }
    const id = randomUUID();
    const row = await this.notes.insertAddendum({
      id,
      practiceId: p.practiceId,
      noteId: note.id,
      authorId: p.userId,
      bodyCiphertext: this.crypto.encrypt(dto.text, addendumAad(note.id, id)),
    });
    return this.toAddendum(note.id, row);
  }

  private decryptSections(note: NoteRow): NoteSections {
    return JSON.parse(this.crypto.decrypt(note.bodyCiphertext, noteAad(note.id))) as NoteSections;
  }

  private toAddendum(noteId: string, a: AddendumRow): AddendumResponseDto {
    return { id: a.id, authorId: a.authorId, text: this.crypto.decrypt(a.bodyCiphertext, addendumAad(noteId, a.id)), createdAt: a.createdAt.toISOString() };
  }

  private toResponse(note: NoteRow, addenda: AddendumRow[]): NoteResponseDto {
    return {
      id: note.id,
      sessionId: note.sessionId,
      form: note.form,
      sections: this.decryptSections(note),
      stepsAddressed: note.stepsAddressed,
      status: note.status,
      authorId: note.authorId,
      signedBy: note.signedBy,
      signedAt: note.signedAt?.toISOString() ?? null,
      version: note.version,
      createdAt: note.createdAt.toISOString(),
      updatedAt: note.updatedAt.toISOString(),
      addenda: addenda.map((a) => this.toAddendum(note.id, a)),
    };
  }
}
