import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isValidCadence, parseRrule } from './cadence';
import { CHECK_IN_MEASURE_KINDS } from './framework.entity';
import { FRAMEWORK_STEP_KEYS } from './framework-keys';
import { FRAMEWORK_V1 } from './framework-v1.content';
import { HOMEWORK_AUDIENCES, HOMEWORK_KINDS, QUESTION_KINDS } from './homework-template.entity';
import { libraryTemplateId } from './library-template-id';

const { steps, measures, library } = FRAMEWORK_V1;

/** Every string of the content, with where it sits. */
function texts(value: unknown, path = 'FRAMEWORK_V1'): Array<[string, string]> {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => texts(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => texts(v, `${path}.${k}`));
  return [];
}

const words = (s: string) =>
  s
    .toLowerCase()
    .replace(/[‘’`]/g, "'")
    .replace(/[^a-z0-9']+/g, ' ')
    .split(' ')
    .filter(Boolean);

/** Every run of n consecutive words of a text. */
const wordRuns = (s: string, n: number): string[] => {
  const w = words(s);
  return w.slice(0, Math.max(0, w.length - n + 1)).map((_, i) => w.slice(i, i + n).join(' '));
};

describe('framework v1 content', () => {
  describe('steps', () => {
    it('are the nine steps of FRAMEWORK.md, in order, at positions 0 to 8', () => {
      expect(steps.map((s) => s.key)).toEqual([...FRAMEWORK_STEP_KEYS]);
      expect(steps.map((s) => s.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    });

    it.each(steps.map((s) => [s.key, s] as const))('%s has every text, within the column sizes', (_key, s) => {
      for (const t of [s.title, s.purpose, s.injuredFocus, s.involvedFocus, s.relationshipFocus]) expect(t.trim().length).toBeGreaterThan(5);
      expect(s.title.length).toBeLessThanOrEqual(120);
      expect(s.signsOfCompletion.length).toBeGreaterThanOrEqual(1);
      for (const sign of s.signsOfCompletion) expect(sign.trim().length).toBeGreaterThan(5);
    });

    it('say that understanding the cause is no excuse, and that forgiveness is a choice', () => {
      const rootCause = steps.find((s) => s.key === 'root_cause')!;
      expect(rootCause.purpose).toMatch(/never excuses/);
      const forgiveness = steps.find((s) => s.key === 'forgiveness')!;
      expect(forgiveness.purpose).toMatch(/choice, never a requirement/);
      expect(forgiveness.relationshipFocus).toMatch(/together.*parting/);
    });
  });

  describe('check-in measures', () => {
    it('are the defaults of FRAMEWORK.md with the keys the check-ins table uses', () => {
      expect(measures.map((m) => [m.key, m.kind])).toEqual([
        ['trust', 'scale_0_10'],
        ['safety', 'scale_0_10'],
        ['connection', 'scale_0_10'],
        ['mood', 'scale_1_5'],
        ['agreements_kept', 'choice'],
        ['free_text', 'text'],
        ['feels_unsafe', 'boolean'],
        ['forgiveness_readiness', 'choice'],
      ]);
      expect(measures.map((m) => m.position)).toEqual(measures.map((_, i) => i));
      for (const m of measures) expect(CHECK_IN_MEASURE_KINDS).toContain(m.kind);
    });

    it('offer exactly the answers the database enums allow', () => {
      const options = Object.fromEntries(measures.map((m) => [m.key, m.options]));
      expect(options).toMatchObject({ agreements_kept: ['yes', 'partly', 'no'], forgiveness_readiness: ['ready', 'not_yet'], trust: null, feels_unsafe: null });
      for (const m of measures) expect(m.options === null).toBe(m.kind !== 'choice');
    });

    it('alert only on "I feel unsafe right now", and ask readiness only from the intimacy step on', () => {
      expect(measures.filter((m) => m.alerts).map((m) => m.key)).toEqual(['feels_unsafe']);
      expect(measures.filter((m) => m.askedFromStep).map((m) => [m.key, m.askedFromStep])).toEqual([['forgiveness_readiness', 'intimacy']]);
      for (const m of measures) expect(m.label.length).toBeLessThanOrEqual(200);
    });
  });

  describe('starter homework library', () => {
    it('has at least two templates for every step, and none for an unknown step', () => {
      const perStep = Object.fromEntries(FRAMEWORK_STEP_KEYS.map((key) => [key, library.filter((t) => t.stepKey === key).length]));
      expect(Object.entries(perStep).filter(([, n]) => n < 2)).toEqual([]);
      expect(library.filter((t) => !(FRAMEWORK_STEP_KEYS as readonly string[]).includes(t.stepKey))).toEqual([]);
      expect(library.length).toBeGreaterThanOrEqual(18);
    });

    it('uses unique, stable slugs as library keys', () => {
      const keys = library.map((t) => t.libraryKey);
      expect(new Set(keys).size).toBe(keys.length);
      for (const k of keys) expect(k).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      for (const k of keys) expect(k.length).toBeLessThanOrEqual(60);
    });

    it.each(library.map((t) => [t.libraryKey, t] as const))('%s is well formed', (_key, t) => {
      expect(HOMEWORK_KINDS).toContain(t.kind);
      expect(HOMEWORK_AUDIENCES).toContain(t.audience);
      expect(t.title.length).toBeGreaterThan(3);
      expect(t.title.length).toBeLessThanOrEqual(200);

      // "once", or an RRULE body that starts with FREQ= and parses.
      expect(isValidCadence(t.defaultCadence)).toBe(true);
      if (t.defaultCadence !== 'once') expect(parseRrule(t.defaultCadence)?.parts.FREQ).toBeDefined();
      expect(t.defaultCadence === 'once' || t.defaultCadence.startsWith('FREQ=')).toBe(true);

      // A few sentences, written for the client.
      const sentences = t.instructions.split(/(?<=[.!?])\s+/).filter((s) => s.trim());
      expect(sentences.length).toBeGreaterThanOrEqual(2);
      expect(sentences.length).toBeLessThanOrEqual(6);
      expect(t.instructions.length).toBeLessThanOrEqual(900);

      expect(t.questions.length).toBeGreaterThanOrEqual(1);
      const qkeys = t.questions.map((q) => q.key);
      expect(new Set(qkeys).size).toBe(qkeys.length);
      expect(t.questions.some((q) => q.required)).toBe(true);
      for (const q of t.questions) {
        expect(q.key).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(QUESTION_KINDS).toContain(q.kind);
        expect(q.prompt.trim().length).toBeGreaterThan(3);
        expect(typeof q.required).toBe('boolean');
        if (q.kind === 'choice' || q.kind === 'checklist') {
          expect(q.options?.length ?? 0).toBeGreaterThanOrEqual(2);
          expect(new Set(q.options).size).toBe(q.options!.length);
        } else {
          expect(q.options).toBeUndefined();
        }
      }
    });

    it('gives each task to the right person', () => {
      const audience = Object.fromEntries(library.map((t) => [t.libraryKey, t.audience]));
      expect(audience).toMatchObject({
        'accountability-letter': 'involved',
        'impact-letter': 'injured',
        'grounding-log': 'each',
        'support-list': 'each',
        'ending-contact-plan': 'involved',
        'question-list': 'injured',
        'transparency-agreement': 'both',
        'disclosure-log': 'involved',
        'promises-log': 'involved',
        'boundaries-worksheet': 'each',
        'forgiveness-reflection': 'injured',
        'patience-without-pressure': 'involved',
        'decision-conversation': 'both',
      });
    });

    it('has name-based template ids: the same on every database, distinct per key and version', () => {
      const ids = library.map((t) => libraryTemplateId(1, t.libraryKey));
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(libraryTemplateId(1, 'grounding-log')).toBe(libraryTemplateId(1, 'grounding-log'));
      expect(libraryTemplateId(2, 'grounding-log')).not.toBe(libraryTemplateId(1, 'grounding-log'));
    });
  });

  describe('is written in our own words', () => {
    const seedsDir = process.env.KINTSUGI_SEEDS_DIR ?? resolve(__dirname, '../../../../shared/seeds');
    const seedFiles = existsSync(seedsDir) ? readdirSync(seedsDir).filter((f) => f.endsWith('.txt')) : [];
    const RUN = 12;

    (seedFiles.length ? it : it.skip)(`shares no run of ${RUN} words with the seed writings (${seedsDir})`, () => {
      const seedRuns = new Set(seedFiles.flatMap((f) => wordRuns(readFileSync(join(seedsDir, f), 'utf8'), RUN)));
      expect(seedRuns.size).toBeGreaterThan(1000);
      const copied = texts(FRAMEWORK_V1).flatMap(([path, text]) =>
        wordRuns(text, RUN)
          .filter((run) => seedRuns.has(run))
          .map((run) => `${path}: "${run}"`),
      );
      expect(copied).toEqual([]);
    });

    it('compares words, whatever the case, punctuation or quote marks', () => {
      const source = 'Intro. It’s ONE two, three — four five six seven eight nine ten eleven twelve; the end.';
      const runs = new Set(wordRuns(source, RUN));
      expect(wordRuns("it's one two three four five six seven eight nine ten eleven", RUN).some((r) => runs.has(r))).toBe(true);
      expect(wordRuns('one two three four five six seven eight nine ten eleven', RUN)).toEqual([]);
    });
  });

  it('is frozen: version 1 is published, so any change must become version 2', () => {
    // If this fails you edited published content. Revert, and publish a new version instead
    // (a new content module and a migration that inserts it and moves is_current).
    const fingerprint = createHash('sha256').update(JSON.stringify(FRAMEWORK_V1)).digest('hex');
    expect(fingerprint).toBe('5fa370a5f0a546d565abfee17c7c45a5b4c685be3b103947fea056e793e24a50');
  });
});
