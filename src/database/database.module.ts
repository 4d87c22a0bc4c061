import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvSchema } from '../config/env.schema';
import { typeormOptions } from './typeorm-options';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [EnvSchema],
      useFactory: (config: EnvSchema) => typeormOptions(config.DATABASE_URL),
    }),
  ],
})
export class DatabaseModule {}
