/** The step keys of the stabilization-to-forgiveness framework, in order (see FRAMEWORK.md). */
export const FRAMEWORK_STEP_KEYS = [
  'stabilization',
  'accountability',
  'transparency',
  'validation',
  'consistency',
  'boundaries',
  'root_cause',
  'intimacy',
  'forgiveness',
] as const;
export type FrameworkStepKey = (typeof FRAMEWORK_STEP_KEYS)[number];
