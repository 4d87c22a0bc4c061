import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PracticeId } from '../../common/tenancy/request-context';
import { ConjointPauseReason, pauseReasonOf } from './conjoint-pause';
import { SafetyFlagsRepository } from './safety-flags.repository';

export interface ConjointPauseState {
  paused: boolean;
  reason: ConjointPauseReason | null;
}

/**
 * Whether a couple's conjoint work is paused by a safety flag. For the modules that must stop
 * couple work while it is (treatment plans, couple homework, couple reminders): import
 * ConjointPauseModule, which carries no routes, so the worker can use it too.
 */
@Injectable()
export class ConjointWorkPause {
  constructor(private readonly flags: SafetyFlagsRepository) {}

  isConjointWorkPaused(practiceId: PracticeId, coupleId: string, manager?: EntityManager): Promise<boolean> {
    return this.flags.isConjointWorkPaused(practiceId, coupleId, manager);
  }

  async stateOf(practiceId: PracticeId, coupleId: string, manager?: EntityManager): Promise<ConjointPauseState> {
    const paused = await this.isConjointWorkPaused(practiceId, coupleId, manager);
    return { paused, reason: pauseReasonOf(paused) };
  }

  /** Bulk: the paused ones among these couples, in one query. */
  pausedCoupleIds(practiceId: PracticeId, coupleIds: string[], manager?: EntityManager): Promise<Set<string>> {
    return this.flags.pausedCoupleIds(practiceId, coupleIds, manager);
  }
}
