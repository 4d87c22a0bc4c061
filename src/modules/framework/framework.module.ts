import { Module } from '@nestjs/common';
import { FrameworkController } from './framework.controller';
import { FrameworkRepository } from './framework.repository';
import { FrameworkService } from './framework.service';

/** The framework as versioned reference data; FrameworkService is for other modules (plans, check-ins, homework). */
@Module({
  controllers: [FrameworkController],
  providers: [FrameworkRepository, FrameworkService],
  exports: [FrameworkService],
})
export class FrameworkModule {}
