import { Module } from '@nestjs/common';
import { RemindersModule } from '../reminders/reminders.module';
import { CalendarController } from './calendar.controller';
import { CalendarFeedService } from './calendar-feed.service';
import { MeSessionsController } from './me-sessions.controller';
import { SessionsController } from './sessions.controller';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

@Module({
  imports: [RemindersModule],
  controllers: [SessionsController, MeSessionsController, CalendarController],
  providers: [SessionsService, SessionsRepository, CalendarFeedService],
  exports: [SessionsRepository, SessionsService],
})
export class SessionsModule {}
