import { Module } from '@nestjs/common';
import { Clock } from './clock';
import { ObjectiveProgressService } from './objective-progress.service';
import { ProgressController } from './progress.controller';
import { ProgressRepository } from './progress.repository';
import { ProgressService } from './progress.service';

@Module({
  controllers: [ProgressController],
  providers: [Clock, ProgressRepository, ProgressService, ObjectiveProgressService],
  exports: [ObjectiveProgressService],
})
export class ProgressModule {}
