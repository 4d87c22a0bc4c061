import { Module } from '@nestjs/common';
import { FrameworkModule } from '../framework/framework.module';
import { HomeworkTemplatesController } from './homework-templates.controller';
import { HomeworkTemplatesRepository } from './homework-templates.repository';
import { HomeworkTemplatesService } from './homework-templates.service';

/** Homework templates: the framework's starter library and each practice's own. */
@Module({
  imports: [FrameworkModule],
  controllers: [HomeworkTemplatesController],
  providers: [HomeworkTemplatesRepository, HomeworkTemplatesService],
})
export class HomeworkModule {}
