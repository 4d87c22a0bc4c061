import { Module } from '@nestjs/common';
import { ConjointWorkPause } from './conjoint-pause.service';
import { SafetyFlagsRepository } from './safety-flags.repository';

/** The conjoint-work pause, without the safety-flag routes: importable by the API and the worker. */
@Module({
  providers: [SafetyFlagsRepository, ConjointWorkPause],
  exports: [SafetyFlagsRepository, ConjointWorkPause],
})
export class ConjointPauseModule {}
