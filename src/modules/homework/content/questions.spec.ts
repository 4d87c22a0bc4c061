import { parseQuestions, validateAnswers } from './questions';
import type { HomeworkQuestion } from '../../framework/homework-template.entity';

const fields = (r: { problems: Array<{ field: string }> }) => r.problems.map((p) => p.field);

describe('parseQuestions', () => {
  it('normalizes: trims, defaults required to true, keeps options only where they belong', () => {
    const r = parseQuestions([
      { key: 'q1', kind: 'text', prompt: '  What happened?  ' },
      { key: 'q2', kind: 'choice', prompt: 'Pick', options: [' a ', 'b'], required: false },
    ]);
    expect(r.problems).toEqual([]);
    expect(r.questions).toEqual([
      { key: 'q1', kind: 'text', prompt: 'What happened?', required: true },
      { key: 'q2', kind: 'choice', prompt: 'Pick', options: ['a', 'b'], required: false },
    ]);
  });

  it('names every problem by its field', () => {
    const r = parseQuestions([
      { key: 'q1', kind: 'text', prompt: 'x' },
      { key: 'q1', kind: 'scale_0_10', prompt: 'y' },
      { key: 'Bad key', kind: 'essay', prompt: '' },
      { key: 'q4', kind: 'checklist', prompt: 'z', options: ['only one'] },
      { key: 'q5', kind: 'choice', prompt: 'z', options: ['a', 'a'] },
      { key: 'q6', kind: 'text', prompt: 'z', options: ['a', 'b'], extra: 1 },
    ]);
    expect(fields(r)).toEqual([
      'questions.1.key',
      'questions.2.key',
      'questions.2.kind',
      'questions.2.prompt',
      'questions.3.options',
      'questions.4.options',
      'questions.5.extra',
      'questions.5.options',
    ]);
    expect(r.questions).toEqual([]);
  });

  it('refuses what is not an array', () => {
    expect(fields(parseQuestions('nope'))).toEqual(['questions']);
  });
});

describe('validateAnswers', () => {
  const questions: HomeworkQuestion[] = [
    { key: 'q1', kind: 'text', prompt: 'p', required: true },
    { key: 'q2', kind: 'scale_0_10', prompt: 'p', required: true },
    { key: 'q3', kind: 'choice', prompt: 'p', options: ['yes', 'no'], required: true },
    { key: 'q4', kind: 'checklist', prompt: 'p', options: ['a', 'b', 'c'], required: false },
    { key: 'q5', kind: 'text', prompt: 'p', required: false },
  ];

  it('accepts good answers, trimming text and leaving out unanswered optional ones', () => {
    const r = validateAnswers(questions, { q1: ' fine ', q2: 0, q3: 'no', q4: ['a', 'c'], q5: null });
    expect(r.problems).toEqual([]);
    expect(r.answers).toEqual({ q1: 'fine', q2: 0, q3: 'no', q4: ['a', 'c'] });
  });

  it('names each bad answer: required, scale, choice, checklist subset, unknown key', () => {
    const r = validateAnswers(questions, { q1: '   ', q2: 11, q3: 'maybe', q4: ['a', 'z'], zz: 1 });
    expect(fields(r)).toEqual(['answers.zz', 'answers.q1', 'answers.q2', 'answers.q3', 'answers.q4']);
    expect(fields(validateAnswers(questions, { q1: 'x', q3: 'yes' }))).toEqual(['answers.q2']);
    expect(fields(validateAnswers(questions, { q1: 'x', q2: 2.5, q3: 'yes', q4: ['a', 'a'] }))).toEqual(['answers.q2', 'answers.q4']);
    expect(fields(validateAnswers(questions, []))).toEqual(['answers']);
  });

  it('a required checklist needs one ticked', () => {
    const req: HomeworkQuestion[] = [{ key: 'c', kind: 'checklist', prompt: 'p', options: ['a', 'b'], required: true }];
    expect(fields(validateAnswers(req, { c: [] }))).toEqual(['answers.c']);
  });
});
