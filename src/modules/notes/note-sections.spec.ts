import { blankSections, MAX_SECTION_LENGTH, pickSections, validateSections } from './note-sections';

describe('validateSections', () => {
  it('accepts exactly the keys of the form', () => {
    expect(validateSections('soap', { subjective: 's', objective: 'o', assessment: 'a', plan: 'p' })).toEqual([]);
    expect(validateSections('dap', { data: '', assessment: '', plan: '' })).toEqual([]);
  });

  it('names missing, mistyped, over-long and foreign sections without echoing text', () => {
    const problems = validateSections('soap', { subjective: 42, objective: 'x'.repeat(MAX_SECTION_LENGTH + 1), plan: 'p', data: 'secret words' });
    expect(problems).toEqual([
      { field: 'sections.subjective', reasons: ['must be a string'] },
      { field: 'sections.objective', reasons: [`must be at most ${MAX_SECTION_LENGTH} characters`] },
      { field: 'sections.assessment', reasons: ['is required'] },
      { field: 'sections.data', reasons: [expect.stringContaining('is not a section of a SOAP note')] },
    ]);
    expect(JSON.stringify(problems)).not.toContain('secret words');
  });

  it('counts characters, not UTF-16 units', () => {
    expect(validateSections('dap', { data: '😀'.repeat(MAX_SECTION_LENGTH), assessment: '', plan: '' })).toEqual([]);
  });
});

describe('blankSections / pickSections', () => {
  it('lists the sections still blank', () => {
    expect(blankSections('dap', { data: 'd', assessment: '  ', plan: '' })).toEqual(['assessment', 'plan']);
  });

  it('keeps the form’s sections in order', () => {
    expect(Object.keys(pickSections('soap', { plan: 'p', subjective: 's', objective: 'o', assessment: 'a' }))).toEqual(['subjective', 'objective', 'assessment', 'plan']);
  });
});
