import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHECK_IN_MEASURE_KINDS, CheckInMeasureKind } from '../framework.entity';
import { FRAMEWORK_STEP_KEYS } from '../framework-keys';
import type {
  CheckInMeasureDefinition,
  FrameworkStepDefinition,
  FrameworkVersionDetail,
  FrameworkVersionSummary,
  LibraryTemplate,
} from '../framework.types';
import {
  HOMEWORK_AUDIENCES,
  HOMEWORK_KINDS,
  HomeworkAudience,
  HomeworkKind,
  HomeworkQuestion,
  QUESTION_KINDS,
  QuestionKind,
} from '../homework-template.entity';

export class FrameworkVersionSummaryDto {
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty() title!: string;
  @ApiProperty({ format: 'date', example: '2026-11-22' }) publishedOn!: string;
  @ApiProperty({ description: 'Whether new treatment plans start on this version' }) isCurrent!: boolean;

  static from(v: FrameworkVersionSummary): FrameworkVersionSummaryDto {
    return { version: v.version, title: v.title, publishedOn: v.publishedOn, isCurrent: v.isCurrent };
  }
}

export class FrameworkVersionListDto {
  @ApiProperty({ type: [FrameworkVersionSummaryDto], description: 'Oldest first' }) data!: FrameworkVersionSummaryDto[];
}

export class FrameworkStepDto {
  @ApiProperty({ enum: FRAMEWORK_STEP_KEYS, description: 'Stable key of the step' }) key!: string;
  @ApiProperty({ description: '0 for stabilization, then 1 to 8', example: 0 }) position!: number;
  @ApiProperty() title!: string;
  @ApiProperty({ description: 'What the step is for' }) purpose!: string;
  @ApiProperty({ description: 'What the injured partner (the one betrayed) works on' }) injuredFocus!: string;
  @ApiProperty({ description: 'What the involved partner (the one who broke trust) works on' }) involvedFocus!: string;
  @ApiProperty({ description: 'What the relationship itself works on' }) relationshipFocus!: string;
  @ApiProperty({ type: [String], description: 'Signs that the step is done' }) signsOfCompletion!: string[];

  static from(s: FrameworkStepDefinition): FrameworkStepDto {
    return {
      key: s.key,
      position: s.position,
      title: s.title,
      purpose: s.purpose,
      injuredFocus: s.injuredFocus,
      involvedFocus: s.involvedFocus,
      relationshipFocus: s.relationshipFocus,
      signsOfCompletion: [...s.signsOfCompletion],
    };
  }
}

const SCALE_RANGES: Partial<Record<CheckInMeasureKind, [number, number]>> = { scale_0_10: [0, 10], scale_1_5: [1, 5] };

export class CheckInMeasureDto {
  @ApiProperty({ example: 'trust', description: 'Stable key; check-in answers are keyed by it' }) key!: string;
  @ApiProperty({ description: 'Order in which the measure is asked' }) position!: number;
  @ApiProperty({ description: 'The question as the client sees it' }) label!: string;
  @ApiProperty({ enum: CHECK_IN_MEASURE_KINDS }) kind!: CheckInMeasureKind;
  @ApiProperty({ type: Number, nullable: true, description: 'Lowest answer of a scale; null otherwise' }) min!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Highest answer of a scale; null otherwise' }) max!: number | null;
  @ApiProperty({ type: [String], nullable: true, description: 'Allowed answers of a choice; null otherwise' }) options!: string[] | null;
  @ApiProperty({
    enum: FRAMEWORK_STEP_KEYS,
    nullable: true,
    description: 'Asked only once this step is active on the plan; null means always asked',
  })
  askedFromStep!: string | null;
  @ApiProperty({ description: 'Answering it alerts the care team at once' }) alerts!: boolean;

  static from(m: CheckInMeasureDefinition): CheckInMeasureDto {
    const range = SCALE_RANGES[m.kind];
    return {
      key: m.key,
      position: m.position,
      label: m.label,
      kind: m.kind,
      min: range ? range[0] : null,
      max: range ? range[1] : null,
      options: m.options ? [...m.options] : null,
      askedFromStep: m.askedFromStep,
      alerts: m.alerts,
    };
  }
}

export class HomeworkQuestionDto {
  @ApiProperty({ description: 'Unique within the template; answers are keyed by it' }) key!: string;
  @ApiProperty({ enum: QUESTION_KINDS }) kind!: QuestionKind;
  @ApiProperty() prompt!: string;
  @ApiPropertyOptional({ type: [String], description: 'For choice and checklist questions' }) options?: string[];
  @ApiProperty() required!: boolean;

  static from(q: HomeworkQuestion): HomeworkQuestionDto {
    return { key: q.key, kind: q.kind, prompt: q.prompt, ...(q.options ? { options: [...q.options] } : {}), required: q.required };
  }
}

export class LibraryTemplateDto {
  @ApiProperty({ format: 'uuid', description: 'Same on every installation (derived from version and library key)' }) id!: string;
  @ApiProperty({ example: 'accountability-letter', description: 'Stable slug within the framework version' }) libraryKey!: string;
  @ApiProperty({ enum: FRAMEWORK_STEP_KEYS }) stepKey!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ description: 'Written for the client who receives the task' }) instructions!: string;
  @ApiProperty({ enum: HOMEWORK_KINDS }) kind!: HomeworkKind;
  @ApiProperty({
    enum: HOMEWORK_AUDIENCES,
    description: 'injured or involved: that partner; both: the couple together; each: each partner on their own',
  })
  audience!: HomeworkAudience;
  @ApiProperty({ example: 'FREQ=WEEKLY;BYDAY=SU', description: '"once", or an RFC 5545 RRULE (the start and timezone come from the assignment)' })
  defaultCadence!: string;
  @ApiProperty({ type: [HomeworkQuestionDto] }) questions!: HomeworkQuestionDto[];

  static from(t: LibraryTemplate): LibraryTemplateDto {
    return {
      id: t.id,
      libraryKey: t.libraryKey,
      stepKey: t.stepKey,
      title: t.title,
      instructions: t.instructions,
      kind: t.kind,
      audience: t.audience,
      defaultCadence: t.defaultCadence,
      questions: t.questions.map((q) => HomeworkQuestionDto.from(q)),
    };
  }
}

export class HomeworkLibraryGroupDto {
  @ApiProperty({ enum: FRAMEWORK_STEP_KEYS }) stepKey!: string;
  @ApiProperty({ type: [LibraryTemplateDto] }) templates!: LibraryTemplateDto[];
}

export class FrameworkResponseDto extends FrameworkVersionSummaryDto {
  @ApiProperty({ type: [FrameworkStepDto], description: 'In framework order, stabilization first' }) steps!: FrameworkStepDto[];
  @ApiProperty({ type: [CheckInMeasureDto], description: 'The default check-in measures, in the order they are asked' })
  checkInMeasures!: CheckInMeasureDto[];
  @ApiProperty({ type: [HomeworkLibraryGroupDto], description: 'The starter homework library, one group per step, in step order' })
  homeworkLibrary!: HomeworkLibraryGroupDto[];

  static fromDetail(d: FrameworkVersionDetail): FrameworkResponseDto {
    const byStep = new Map<string, LibraryTemplateDto[]>(d.steps.map((s) => [s.key, []]));
    for (const t of d.library) {
      const group = byStep.get(t.stepKey);
      if (group) group.push(LibraryTemplateDto.from(t));
    }
    return {
      ...FrameworkVersionSummaryDto.from(d),
      steps: d.steps.map((s) => FrameworkStepDto.from(s)),
      checkInMeasures: d.measures.map((m) => CheckInMeasureDto.from(m)),
      homeworkLibrary: [...byStep].map(([stepKey, templates]) => ({ stepKey, templates })),
    };
  }
}
