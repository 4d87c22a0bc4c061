import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AccessGuard } from './common/auth/auth.guard';
import { HttpExceptionFilter } from './common/errors/http-exception.filter';
import { loggerParams } from './common/logging/logger.config';
import { RedisModule } from './common/redis/redis.module';
import { RequestContextInterceptor } from './common/tenancy/request-context.interceptor';
import { ConfigModule } from './config/config.module';
import { ClockModule } from './common/time/clock.module';
import { AppConfig, EnvSchema } from './config/env.schema';
import { DatabaseModule } from './database/database.module';
import { AuditModule } from './modules/audit/audit.module';
import { AuthModule } from './modules/auth/auth.module';
import { AccessModule } from './common/access/access.module';
import { HealthModule } from './modules/health/health.module';
import { MailModule } from './modules/mail/mail.module';
import { MetricsModule } from './modules/metrics/metrics.module';
import { PracticesModule } from './modules/practices/practices.module';
import { QueueModule } from './modules/queue/queue.module';
import { UsersModule } from './modules/users/users.module';
import { CheckInSchedulesModule } from './modules/check-in-schedules/check-in-schedules.module';
import { HomeworkModule } from './modules/homework/homework.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { OneTapModule } from './modules/one-tap/one-tap.module';
import { OneTapRedeemModule } from './modules/one-tap/one-tap-redeem.module';
import { RemindersModule } from './modules/reminders/reminders.module';
import { AgreementsModule } from './modules/agreements/agreements.module';
import { CheckInsModule } from './modules/check-ins/check-ins.module';
import { CheckInMeasuresModule } from './modules/check-in-measures/check-in-measures.module';
import { FrameworkModule } from './modules/framework/framework.module';
import { PlanGoalsModule } from './modules/plan-goals/plan-goals.module';
import { ProgressModule } from './modules/progress/progress.module';
import { TreatmentPlansModule } from './modules/treatment-plans/treatment-plans.module';
import { CryptoModule } from './common/security/crypto.module';
import { CareTeamsModule } from './modules/care-teams/care-teams.module';
import { ClientsModule } from './modules/clients/clients.module';
import { CouplesModule } from './modules/couples/couples.module';
import { NotesModule } from './modules/notes/notes.module';
import { SafetyFlagsModule } from './modules/safety-flags/safety-flags.module';
import { SessionsModule } from './modules/sessions/sessions.module';

/** The HTTP API. It enqueues jobs but processes none. */
@Module({})
export class ApiModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        ClockModule,
        LoggerModule.forRootAsync({ inject: [EnvSchema], useFactory: (c: EnvSchema) => loggerParams(c, 'api') }),
        DatabaseModule,
        RedisModule,
        QueueModule,
        MailModule,
        MetricsModule,
        HealthModule,
        AuditModule,
        AccessModule,
        PracticesModule,
        UsersModule,
        AuthModule,
        CryptoModule,
        ClientsModule,
        CareTeamsModule,
        CouplesModule,
        SafetyFlagsModule,
        SessionsModule,
        NotesModule,
        FrameworkModule,
        TreatmentPlansModule,
        PlanGoalsModule,
        CheckInsModule,
        CheckInMeasuresModule,
        AgreementsModule,
        ProgressModule,
        RemindersModule,
        NotificationsModule,
        HomeworkModule,
        CheckInSchedulesModule,
        OneTapModule,
        OneTapRedeemModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_INTERCEPTOR, useClass: RequestContextInterceptor },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
    };
  }
}
