import { Module } from '@nestjs/common';
import { AuthCoreModule } from '../auth/auth-core.module';
import { CareTeamsModule } from '../care-teams/care-teams.module';
import { PracticesModule } from '../practices/practices.module';
import { UsersModule } from '../users/users.module';
import { ClientPortalController } from './client-portal.controller';
import { ClientPortalService } from './client-portal.service';
import { ClientsController } from './clients.controller';
import { ClientsRepository } from './clients.repository';
import { ClientsService } from './clients.service';

@Module({
  imports: [AuthCoreModule, CareTeamsModule, PracticesModule, UsersModule],
  controllers: [ClientsController, ClientPortalController],
  providers: [ClientsService, ClientsRepository, ClientPortalService],
  exports: [ClientsRepository],
})
export class ClientsModule {}
