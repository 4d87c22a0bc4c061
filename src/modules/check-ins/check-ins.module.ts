import { Module } from '@nestjs/common';
import { CheckInsController } from './check-ins.controller';
import { CheckInsRepository } from './check-ins.repository';
import { CheckInsService } from './check-ins.service';
import { MeCheckInsController } from './me-check-ins.controller';

@Module({
  controllers: [CheckInsController, MeCheckInsController],
  providers: [CheckInsService, CheckInsRepository],
  exports: [CheckInsRepository],
})
export class CheckInsModule {}
