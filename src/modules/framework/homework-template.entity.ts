import { Check, Column, Entity, Index } from 'typeorm';
import { TimestampedEntity } from '../../common/entity-base';

export const HOMEWORK_KINDS = ['journal', 'letter', 'worksheet', 'exercise', 'conversation', 'reading'] as const;
export type HomeworkKind = (typeof HOMEWORK_KINDS)[number];

/** Who the task is for: one partner's role, both together, or each partner on their own. */
export const HOMEWORK_AUDIENCES = ['injured', 'involved', 'both', 'each'] as const;
export type HomeworkAudience = (typeof HOMEWORK_AUDIENCES)[number];

export const QUESTION_KINDS = ['text', 'scale_0_10', 'choice', 'checklist'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export interface HomeworkQuestion {
  key: string;
  kind: QuestionKind;
  prompt: string;
  options?: string[];
  required: boolean;
}

/**
 * The framework's starter library (practice_id NULL, keyed by framework version and a stable
 * key, loaded by migration) and each practice's own templates.
 */
@Entity({ name: 'homework_templates' })
@Check('homework_templates_library_or_practice', '(practice_id IS NULL) = (library_key IS NOT NULL)')
@Index('homework_templates_library_key', ['frameworkVersion', 'libraryKey'], { unique: true, where: 'library_key IS NOT NULL' })
@Index('homework_templates_practice_idx', ['practiceId', 'stepKey'])
export class HomeworkTemplate extends TimestampedEntity {
  @Column({ name: 'practice_id', type: 'uuid', nullable: true })
  practiceId!: string | null;

  @Column({ name: 'framework_version', type: 'int' })
  frameworkVersion!: number;

  @Column({ name: 'library_key', type: 'varchar', length: 60, nullable: true })
  libraryKey!: string | null;

  @Column({ name: 'step_key', type: 'varchar', length: 40 })
  stepKey!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text' })
  instructions!: string;

  @Column({ type: 'enum', enum: HOMEWORK_KINDS, enumName: 'homework_kind' })
  kind!: HomeworkKind;

  @Column({ type: 'enum', enum: HOMEWORK_AUDIENCES, enumName: 'homework_audience' })
  audience!: HomeworkAudience;

  /** "once", or an RFC 5545 RRULE such as FREQ=DAILY or FREQ=WEEKLY;BYDAY=SU. */
  @Column({ name: 'default_cadence', type: 'varchar', length: 200 })
  defaultCadence!: string;

  @Column({ type: 'jsonb' })
  questions!: HomeworkQuestion[];

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;
}
