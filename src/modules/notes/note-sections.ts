import type { FieldProblem } from '../../common/errors/validation';
import type { NoteForm } from './clinical-note.entity';

/** The sections of each note form, in the order a clinician writes them. */
export const NOTE_SECTIONS: Record<NoteForm, readonly string[]> = {
  soap: ['subjective', 'objective', 'assessment', 'plan'],
  dap: ['data', 'assessment', 'plan'],
};

export const MAX_SECTION_LENGTH = 20_000;

export type NoteSections = Record<string, string>;

/**
 * Checks a note's sections against its form: exactly the form's keys, each a string of at most
 * MAX_SECTION_LENGTH characters (empty is fine in a draft). Problems name the field and never
 * repeat the text.
 */
export function validateSections(form: NoteForm, sections: Record<string, unknown>): FieldProblem[] {
  const expected = NOTE_SECTIONS[form];
  const problems: FieldProblem[] = [];
  for (const key of expected) {
    const value = sections[key];
    if (value === undefined || value === null) problems.push({ field: `sections.${key}`, reasons: ['is required'] });
    else if (typeof value !== 'string') problems.push({ field: `sections.${key}`, reasons: ['must be a string'] });
    else if ([...value].length > MAX_SECTION_LENGTH) {
      problems.push({ field: `sections.${key}`, reasons: [`must be at most ${MAX_SECTION_LENGTH} characters`] });
    }
  }
  for (const key of Object.keys(sections)) {
    if (!expected.includes(key)) {
      problems.push({ field: `sections.${key.slice(0, 40)}`, reasons: [`is not a section of a ${form.toUpperCase()} note (${expected.join(', ')})`] });
    }
  }
  return problems;
}

/** Sections still blank, which must be written before the note can be signed. */
export function blankSections(form: NoteForm, sections: NoteSections): string[] {
  return NOTE_SECTIONS[form].filter((key) => !sections[key]?.trim());
}

/** The sections in the form's order, and only those. */
export function pickSections(form: NoteForm, sections: Record<string, unknown>): NoteSections {
  return Object.fromEntries(NOTE_SECTIONS[form].map((key) => [key, String(sections[key] ?? '')]));
}
