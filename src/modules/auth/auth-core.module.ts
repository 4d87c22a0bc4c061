import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { EnvSchema } from '../../config/env.schema';
import { SessionsService } from './sessions.service';
import { TotpService } from './totp.service';
import { UserTokensService } from './user-tokens.service';

/** Token machinery shared by sign-in and account management, with no dependency on either. */
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [EnvSchema],
      useFactory: (config: EnvSchema) => ({ secret: config.JWT_SECRET }),
    }),
  ],
  providers: [SessionsService, UserTokensService, TotpService],
  exports: [SessionsService, UserTokensService, TotpService],
})
export class AuthCoreModule {}
