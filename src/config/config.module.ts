import { Global, Module } from '@nestjs/common';
import { AppConfig, EnvSchema, loadConfig } from './env.schema';


/** Provides the validated configuration; tests pass their own via ConfigModule.forValue. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config?: AppConfig) {
    return {
      module: ConfigModule,
      providers: [{ provide: EnvSchema, useValue: config ?? loadConfig() }],
      exports: [EnvSchema],
    };
  }
}
