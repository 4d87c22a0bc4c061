import { Module } from '@nestjs/common';
import { ConjointPauseModule } from './conjoint-pause.module';
import { SafetyFlagsController } from './safety-flags.controller';
import { SafetyFlagsService } from './safety-flags.service';

@Module({
  imports: [ConjointPauseModule],
  controllers: [SafetyFlagsController],
  providers: [SafetyFlagsService],
  exports: [ConjointPauseModule],
})
export class SafetyFlagsModule {}
