import { Module } from '@nestjs/common';
import { CheckInMeasuresRepository } from './check-in-measures.repository';
import { ExtraAnswers } from './extra-answers';

/** What the check-ins module needs of practice measures: validating and reading extra answers. */
@Module({
  providers: [CheckInMeasuresRepository, ExtraAnswers],
  exports: [CheckInMeasuresRepository, ExtraAnswers],
})
export class CheckInMeasuresCoreModule {}
