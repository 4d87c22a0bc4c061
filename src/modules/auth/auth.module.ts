import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { JwtStrategy } from '../../common/auth/jwt.strategy';
import { AttemptLimiter } from '../../common/throttling/attempt-limiter';
import { PracticesModule } from '../practices/practices.module';
import { UsersModule } from '../users/users.module';
import { AuthCoreModule } from './auth-core.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { MeController } from './me.controller';
import { MeService } from './me.service';
import { PasswordResetService } from './password-reset.service';
import { TotpEnrolmentService } from './totp-enrolment.service';

@Module({
  imports: [PassportModule, AuthCoreModule, UsersModule, PracticesModule],
  controllers: [AuthController, MeController],
  providers: [AuthService, PasswordResetService, TotpEnrolmentService, MeService, JwtStrategy, AttemptLimiter],
})
export class AuthModule {}
