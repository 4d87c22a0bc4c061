import { Module } from '@nestjs/common';
import { AuthCoreModule } from '../auth/auth-core.module';
import { PracticesModule } from '../practices/practices.module';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [AuthCoreModule, PracticesModule],
  controllers: [UsersController],
  providers: [UsersService, UsersRepository],
  exports: [UsersRepository],
})
export class UsersModule {}
