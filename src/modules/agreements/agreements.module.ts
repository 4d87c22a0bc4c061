import { Module } from '@nestjs/common';
import { AgreementsController } from './agreements.controller';
import { AgreementsRepository } from './agreements.repository';
import { AgreementsService } from './agreements.service';
import { MeAgreementsController } from './me-agreements.controller';

@Module({
  controllers: [AgreementsController, MeAgreementsController],
  providers: [AgreementsService, AgreementsRepository],
  exports: [AgreementsRepository, AgreementsService],
})
export class AgreementsModule {}
