import { FRAMEWORK_V1 } from '../framework-v1.content';
import { libraryTemplateId } from '../library-template-id';
import { FrameworkResponseDto } from './framework-response.dto';

describe('FrameworkResponseDto.fromDetail', () => {
  const library = FRAMEWORK_V1.library.map((t) => ({ ...t, id: libraryTemplateId(1, t.libraryKey) }));
  const dto = FrameworkResponseDto.fromDetail({
    version: 1,
    title: FRAMEWORK_V1.title,
    publishedOn: FRAMEWORK_V1.publishedOn,
    isCurrent: true,
    steps: FRAMEWORK_V1.steps,
    measures: FRAMEWORK_V1.measures,
    // Shuffled: grouping must not depend on the order rows arrive in.
    library: [...library].reverse(),
  });

  it('groups the library by step, in step order, one group per step even when empty', () => {
    expect(dto.homeworkLibrary.map((g) => g.stepKey)).toEqual(FRAMEWORK_V1.steps.map((s) => s.key));
    for (const g of dto.homeworkLibrary) {
      expect(g.templates.length).toBeGreaterThanOrEqual(2);
      expect(g.templates.every((t) => t.stepKey === g.stepKey)).toBe(true);
    }
    expect(dto.homeworkLibrary.flatMap((g) => g.templates)).toHaveLength(library.length);
  });

  it('gives the scale ranges of the measures, and no range to the others', () => {
    const byKey = Object.fromEntries(dto.checkInMeasures.map((m) => [m.key, m]));
    expect(byKey.trust).toMatchObject({ min: 0, max: 10, options: null });
    expect(byKey.mood).toMatchObject({ min: 1, max: 5 });
    expect(byKey.agreements_kept).toMatchObject({ min: null, max: null, options: ['yes', 'partly', 'no'] });
    expect(byKey.feels_unsafe).toMatchObject({ kind: 'boolean', alerts: true, min: null });
  });

  it('copies arrays instead of sharing them with the source', () => {
    expect(dto.steps[0].signsOfCompletion).toEqual(FRAMEWORK_V1.steps[0].signsOfCompletion);
    expect(dto.steps[0].signsOfCompletion).not.toBe(FRAMEWORK_V1.steps[0].signsOfCompletion);
  });

  it('omits options on questions that have none', () => {
    const q = dto.homeworkLibrary[0].templates.flatMap((t) => t.questions).find((x) => x.kind === 'text')!;
    expect('options' in q).toBe(false);
  });
});
