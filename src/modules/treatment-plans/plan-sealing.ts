/** Associated data binding a plan's encrypted texts to the plan (see FieldEncryption). */
export const concernsAad = (planId: string) => `treatment_plan:${planId}:presenting_concerns`;
export const summaryAad = (planId: string) => `treatment_plan:${planId}:closing_summary`;
