import { Module } from '@nestjs/common';
import { ObjectiveProgressService } from './objective-progress.service';
import { ProgressController } from './progress.controller';
import { ProgressRepository } from './progress.repository';
import { ProgressService } from './progress.service';

@Module({
  controllers: [ProgressController],
  providers: [ProgressRepository, ProgressService, ObjectiveProgressService],
  exports: [ObjectiveProgressService],
})
export class ProgressModule {}
