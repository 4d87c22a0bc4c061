import { Module } from '@nestjs/common';
import { PracticesController } from './practices.controller';
import { PracticesRepository } from './practices.repository';
import { PracticesService } from './practices.service';

@Module({
  controllers: [PracticesController],
  providers: [PracticesService, PracticesRepository],
  exports: [PracticesRepository],
})
export class PracticesModule {}
