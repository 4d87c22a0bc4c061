import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { CareTeamsController } from './care-teams.controller';
import { CareTeamsRepository } from './care-teams.repository';
import { CareTeamsService } from './care-teams.service';

@Module({
  imports: [UsersModule],
  controllers: [CareTeamsController],
  providers: [CareTeamsService, CareTeamsRepository],
  exports: [CareTeamsRepository],
})
export class CareTeamsModule {}
