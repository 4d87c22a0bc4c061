import { Injectable } from '@nestjs/common';

/**
 * The time progress is computed at. Injected so that tests can stand on a chosen day; the
 * computations themselves take "today" as an argument and never read the system clock.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
