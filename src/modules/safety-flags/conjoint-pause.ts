import type { SafetyFlagKind, SafetyFlagStatus, SafetySeverity } from './safety-flag.entity';

/**
 * When conjoint (couple) work is paused — the one definition, as a pure function for code that
 * already holds the facts and as a SQL condition for queries (couple reads, reminder planning).
 *
 * Rule: an ACTIVE, HIGH-severity INTIMATE-PARTNER-VIOLENCE flag on either active partner pauses
 * the couple's conjoint work until a clinician resolves it. Individual work is not affected.
 */
export const PAUSING_FLAG = { kind: 'intimate_partner_violence', severity: 'high' } as const satisfies {
  kind: SafetyFlagKind;
  severity: SafetySeverity;
};

/** Why conjoint work is paused; a kind, never the flag's content or which partner it is on. */
export const CONJOINT_PAUSE_REASONS = ['high_severity_ipv_flag'] as const;
export type ConjointPauseReason = (typeof CONJOINT_PAUSE_REASONS)[number];

export interface FlagFacts {
  kind: SafetyFlagKind;
  severity: SafetySeverity;
  status: SafetyFlagStatus;
}

export interface PartnerFacts {
  /** False once the couple is dissolved (or the partner left it). */
  active: boolean;
  flags: FlagFacts[];
}

export function pausesConjointWork(flag: FlagFacts): boolean {
  return flag.status === 'active' && flag.kind === PAUSING_FLAG.kind && flag.severity === PAUSING_FLAG.severity;
}

export function conjointWorkPauseReason(partners: PartnerFacts[]): ConjointPauseReason | null {
  return partners.some((p) => p.active && p.flags.some(pausesConjointWork)) ? 'high_severity_ipv_flag' : null;
}

export function isConjointWorkPaused(partners: PartnerFacts[]): boolean {
  return conjointWorkPauseReason(partners) !== null;
}

/** The reason to show for a pause computed in SQL (there is one pausing rule today). */
export function pauseReasonOf(paused: boolean): ConjointPauseReason | null {
  return paused ? 'high_severity_ipv_flag' : null;
}

/**
 * SQL boolean: is the couple whose id is `coupleIdSql` paused? Both arguments are SQL
 * expressions (a column or a $n placeholder) chosen by the caller, never request input. The
 * practice id scopes the lookup so a couple id alone can never reach another tenant's flags.
 */
export function conjointWorkPausedSql(coupleIdSql: string, practiceIdSql: string): string {
  return `EXISTS (SELECT 1 FROM couple_members cwp_m
      JOIN safety_flags cwp_f ON cwp_f.client_id = cwp_m.client_id AND cwp_f.practice_id = cwp_m.practice_id
     WHERE cwp_m.couple_id = ${coupleIdSql} AND cwp_m.practice_id = ${practiceIdSql} AND cwp_m.active
       AND cwp_f.status = 'active' AND cwp_f.kind = '${PAUSING_FLAG.kind}' AND cwp_f.severity = '${PAUSING_FLAG.severity}')`;
}
