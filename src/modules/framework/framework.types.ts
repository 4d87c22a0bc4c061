import type { CheckInMeasureKind } from './framework.entity';
import type { FrameworkStepKey } from './framework-keys';
import type { HomeworkAudience, HomeworkKind, HomeworkQuestion } from './homework-template.entity';

/**
 * The shapes of the framework as reference data. A published version is immutable: the content
 * module of a version, the migration that loads it and the API all speak these types.
 */

/** One step as published: what it is for, what each of the three parties works on, when it is done. */
export interface FrameworkStepDefinition {
  key: FrameworkStepKey;
  /** 0 for stabilization, then 1..8 in the order of FRAMEWORK_STEP_KEYS. */
  position: number;
  title: string;
  purpose: string;
  injuredFocus: string;
  involvedFocus: string;
  relationshipFocus: string;
  signsOfCompletion: string[];
}

/** One default check-in measure. */
export interface CheckInMeasureDefinition {
  key: string;
  position: number;
  label: string;
  kind: CheckInMeasureKind;
  /** For choice measures: the allowed answers; null otherwise. */
  options: string[] | null;
  /** Asked only once this step is active on the plan; null means always asked. */
  askedFromStep: FrameworkStepKey | null;
  /** Answering it (true) alerts the care team at once. */
  alerts: boolean;
}

/** One template of the framework's starter homework library. */
export interface LibraryTemplateDefinition {
  /** Stable slug, unique within the version; practices and plans refer to it. */
  libraryKey: string;
  stepKey: FrameworkStepKey;
  title: string;
  /** Written for the client who receives the task. */
  instructions: string;
  kind: HomeworkKind;
  audience: HomeworkAudience;
  /** "once", or an RFC 5545 RRULE body such as FREQ=DAILY or FREQ=WEEKLY;BYDAY=SU. */
  defaultCadence: string;
  questions: HomeworkQuestion[];
}

/** A whole published version of the framework. */
export interface FrameworkContent {
  version: number;
  title: string;
  /** ISO date (YYYY-MM-DD). */
  publishedOn: string;
  steps: FrameworkStepDefinition[];
  measures: CheckInMeasureDefinition[];
  library: LibraryTemplateDefinition[];
}

/** A version as listed: its identity, not its content. */
export interface FrameworkVersionSummary {
  version: number;
  title: string;
  publishedOn: string;
  isCurrent: boolean;
}

/** A starter-library template as stored (the content plus its row id). */
export interface LibraryTemplate extends LibraryTemplateDefinition {
  id: string;
}

/** A version with everything a clinician or client needs to read it. */
export interface FrameworkVersionDetail extends FrameworkVersionSummary {
  steps: FrameworkStepDefinition[];
  measures: CheckInMeasureDefinition[];
  library: LibraryTemplate[];
}
