import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { FieldProblem, RequestValidationException } from '../../common/errors/validation';
import { FieldEncryption } from '../../common/security/field-encryption';
import { PracticeId } from '../../common/tenancy/request-context';
import { CheckInMeasuresRepository, MeasureRow } from './check-in-measures.repository';

export const EXTRA_TEXT_MAX_LENGTH = 4000;

export type ExtraAnswer = number | boolean | string;

/**
 * How practice-measure answers are stored in check_ins.extra_answers: numbers, booleans and
 * choices as themselves (they are what charts and rules read); the answer to a text measure is
 * clinical free text, so it is stored only as an AES-GCM envelope `{ "enc": "<envelope>" }`
 * bound to its check-in and key (associated data), never as plain text.
 */
export type StoredExtraAnswer = number | boolean | string | { enc: string };

const aad = (checkInId: string, key: string) => `check_in:${checkInId}:extra:${key}`;

function problem(key: string, reason: string): FieldProblem {
  return { field: `extraAnswers.${key}`, reasons: [reason] };
}

function check(m: MeasureRow, value: unknown): string | null {
  switch (m.kind) {
    case 'scale_0_10':
      return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 10 ? null : 'must be an integer from 0 to 10';
    case 'scale_1_5':
      return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 5 ? null : 'must be an integer from 1 to 5';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'choice':
      return typeof value === 'string' && (m.options ?? []).includes(value) ? null : `must be one of ${(m.options ?? []).join(', ')}`;
    case 'text':
      if (typeof value !== 'string') return 'must be a string';
      return value.length > EXTRA_TEXT_MAX_LENGTH ? `must be at most ${EXTRA_TEXT_MAX_LENGTH} characters` : null;
  }
}

/** Validates, encrypts and decrypts the answers to a practice's own check-in measures. */
@Injectable()
export class ExtraAnswers {
  constructor(
    private readonly measures: CheckInMeasuresRepository,
    private readonly crypto: FieldEncryption,
  ) {}

  /**
   * Checks the answers against the practice's ACTIVE measures (an unknown, inactive or another
   * practice's key is refused, naming `extraAnswers.<key>`) and returns them as stored. A null or
   * blank text answer is no answer.
   */
  async prepare(
    manager: EntityManager,
    practiceId: PracticeId,
    checkInId: string,
    answers: Record<string, unknown> | undefined,
  ): Promise<Record<string, StoredExtraAnswer>> {
    if (!answers || Object.keys(answers).length === 0) return {};
    const active = new Map((await this.measures.list(practiceId, { activeOnly: true }, manager)).map((m) => [m.key, m]));
    const problems: FieldProblem[] = [];
    const stored: Record<string, StoredExtraAnswer> = {};
    for (const [key, raw] of Object.entries(answers)) {
      const m = active.get(key);
      if (!m) {
        problems.push(problem(key, 'is not a check-in measure of your practice'));
        continue;
      }
      const value = typeof raw === 'string' && m.kind === 'text' ? raw.trim() : raw;
      if (value === null || value === '') continue;
      const reason = check(m, value);
      if (reason) problems.push(problem(key, reason));
      else stored[key] = m.kind === 'text' ? { enc: this.crypto.encrypt(value as string, aad(checkInId, key)) } : (value as ExtraAnswer);
    }
    if (problems.length) throw new RequestValidationException(problems);
    return stored;
  }

  /** The answers as their author and the care team read them, text decrypted. */
  reveal(checkInId: string, stored: Record<string, unknown> | null | undefined): Record<string, ExtraAnswer> {
    const out: Record<string, ExtraAnswer> = {};
    for (const [key, v] of Object.entries(stored ?? {})) {
      out[key] = v !== null && typeof v === 'object' && typeof (v as { enc?: unknown }).enc === 'string'
        ? this.crypto.decrypt((v as { enc: string }).enc, aad(checkInId, key))
        : (v as ExtraAnswer);
    }
    return out;
  }
}
