import { Global, Module } from '@nestjs/common';
import { Clock } from './clock';

/** Provides the single Clock to the API and the worker alike. */
@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}
