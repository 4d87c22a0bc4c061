import type { FieldProblem } from '../../../common/errors/validation';
import { HomeworkQuestion, QUESTION_KINDS, QuestionKind } from '../../framework/homework-template.entity';

/**
 * The questions a homework asks, and the answers a client gives to them. Pure: the templates
 * and assignments services validate with these, and so do the unit tests.
 */

export const QUESTION_KEY = /^[a-z][a-z0-9_]{0,39}$/;
export const MAX_QUESTIONS = 50;
export const MAX_OPTIONS = 30;
export const PROMPT_MAX_LENGTH = 500;
export const OPTION_MAX_LENGTH = 200;
export const TEXT_ANSWER_MAX_LENGTH = 20_000;

const WITH_OPTIONS: readonly QuestionKind[] = ['choice', 'checklist'];
const QUESTION_FIELDS = new Set(['key', 'kind', 'prompt', 'options', 'required']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks questions as sent (`field` names the array, e.g. "questions") and returns them
 * normalized (prompts and options trimmed, `required` defaulting to true), or the problems, each
 * naming its field ("questions.2.options").
 */
export function parseQuestions(input: unknown, field = 'questions'): { questions: HomeworkQuestion[]; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const problem = (f: string, reason: string) => problems.push({ field: f, reasons: [reason] });
  if (!Array.isArray(input)) {
    problem(field, 'must be an array of questions');
    return { questions: [], problems };
  }
  if (input.length > MAX_QUESTIONS) problem(field, `must hold at most ${MAX_QUESTIONS} questions`);
  const seen = new Set<string>();
  const questions: HomeworkQuestion[] = [];
  input.slice(0, MAX_QUESTIONS).forEach((raw, i) => {
    const at = `${field}.${i}`;
    if (!isObject(raw)) return problem(at, 'must be a question object {key, kind, prompt, options?, required?}');
    for (const k of Object.keys(raw)) if (!QUESTION_FIELDS.has(k)) problem(`${at}.${k}`, 'is not an accepted field');
    const { key, kind, prompt, options, required } = raw;
    if (typeof key !== 'string' || !QUESTION_KEY.test(key)) {
      problem(`${at}.key`, 'must be 1–40 characters: a lower-case letter, then lower-case letters, digits or "_"');
    } else if (seen.has(key)) {
      problem(`${at}.key`, `must be unique: "${key}" is used by an earlier question`);
    } else {
      seen.add(key);
    }
    const kindOk = typeof kind === 'string' && (QUESTION_KINDS as readonly string[]).includes(kind);
    if (!kindOk) problem(`${at}.kind`, `must be one of ${QUESTION_KINDS.join(', ')}`);
    const text = typeof prompt === 'string' ? prompt.trim() : '';
    if (!text) problem(`${at}.prompt`, 'must be a non-blank string');
    else if (text.length > PROMPT_MAX_LENGTH) problem(`${at}.prompt`, `must be at most ${PROMPT_MAX_LENGTH} characters`);
    if (required !== undefined && typeof required !== 'boolean') problem(`${at}.required`, 'must be a boolean');

    let opts: string[] | undefined;
    if (kindOk && WITH_OPTIONS.includes(kind as QuestionKind)) {
      if (!Array.isArray(options) || options.length < 2 || options.length > MAX_OPTIONS) {
        problem(`${at}.options`, `must list 2–${MAX_OPTIONS} options for a ${kind} question`);
      } else {
        opts = options.map((o) => (typeof o === 'string' ? o.trim() : ''));
        if (opts.some((o) => !o || o.length > OPTION_MAX_LENGTH)) {
          problem(`${at}.options`, `must hold non-blank strings of at most ${OPTION_MAX_LENGTH} characters`);
        } else if (new Set(opts).size !== opts.length) {
          problem(`${at}.options`, 'must not repeat an option');
        }
      }
    } else if (kindOk && options !== undefined) {
      problem(`${at}.options`, `is only for choice and checklist questions, not ${kind}`);
    }
    questions.push({
      key: key as string,
      kind: kind as QuestionKind,
      prompt: text,
      ...(opts ? { options: opts } : {}),
      required: required === undefined ? true : (required as boolean),
    });
  });
  return { questions: problems.length ? [] : questions, problems };
}

export type AnswerValue = string | number | string[];
export type Answers = Record<string, AnswerValue>;

/**
 * Checks a client's answers against the questions: every required one answered, a scale a whole
 * number 0–10, a choice one of its options, a checklist a subset of its options (at least one
 * ticked when required), text non-blank and not too long, nothing that is not a question.
 * Unanswered optional questions may be left out or null. Problems name "answers.<key>".
 */
export function validateAnswers(questions: HomeworkQuestion[], input: unknown): { answers: Answers; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const problem = (key: string, reason: string) => problems.push({ field: `answers.${key}`, reasons: [reason] });
  if (!isObject(input)) return { answers: {}, problems: [{ field: 'answers', reasons: ['must be an object of answers keyed by question key'] }] };
  const byKey = new Map(questions.map((q) => [q.key, q]));
  for (const k of Object.keys(input)) {
    if (!byKey.has(k)) problem(QUESTION_KEY.test(k) ? k : '?', 'is not a question of this homework');
  }
  const answers: Answers = {};
  for (const q of questions) {
    const v = input[q.key];
    if (v === undefined || v === null) {
      if (q.required) problem(q.key, 'is required');
      continue;
    }
    switch (q.kind) {
      case 'text': {
        const text = typeof v === 'string' ? v.trim() : null;
        if (text === null) problem(q.key, 'must be text');
        else if (!text && q.required) problem(q.key, 'is required and must not be blank');
        else if (text.length > TEXT_ANSWER_MAX_LENGTH) problem(q.key, `must be at most ${TEXT_ANSWER_MAX_LENGTH} characters`);
        else if (text) answers[q.key] = text;
        break;
      }
      case 'scale_0_10':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 10) problem(q.key, 'must be a whole number from 0 to 10');
        else answers[q.key] = v;
        break;
      case 'choice':
        if (typeof v !== 'string' || !(q.options ?? []).includes(v)) problem(q.key, `must be one of the options: ${(q.options ?? []).join(' | ')}`);
        else answers[q.key] = v;
        break;
      case 'checklist': {
        const options = q.options ?? [];
        if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !options.includes(x))) {
          problem(q.key, `must be a list of options from: ${options.join(' | ')}`);
        } else if (new Set(v).size !== v.length) {
          problem(q.key, 'must not tick an option twice');
        } else if (v.length === 0 && q.required) {
          problem(q.key, 'is required: tick at least one option');
        } else {
          answers[q.key] = v as string[];
        }
        break;
      }
    }
  }
  return { answers, problems };
}
