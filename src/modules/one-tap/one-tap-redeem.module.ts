import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AttemptLimiter } from '../../common/throttling/attempt-limiter';
import { CheckInsModule } from '../check-ins/check-ins.module';
import { HomeworkModule } from '../homework/homework.module';
import { SessionsModule } from '../sessions/sessions.module';
import { OneTapGrantGuard } from './one-tap-grant.guard';
import { OneTapGrants } from './one-tap-grants';
import { OneTapRedeemService } from './one-tap-redeem.service';
import { OneTapController } from './one-tap.controller';
import { OneTapModule } from './one-tap.module';

/**
 * The public side of one-tap links: preview, redeem, and the grant-only routes. Apart from
 * OneTapModule so that issuing links stays a leaf; nothing imports this module.
 */
@Module({
  imports: [OneTapModule, JwtModule.register({}), CheckInsModule, SessionsModule, HomeworkModule],
  controllers: [OneTapController],
  providers: [OneTapRedeemService, OneTapGrants, OneTapGrantGuard, AttemptLimiter],
})
export class OneTapRedeemModule {}
