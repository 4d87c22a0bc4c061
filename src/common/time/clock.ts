import { Injectable } from '@nestjs/common';

/**
 * The one clock of the house: everything that asks "what time is it" injects this (provided once,
 * globally, by ClockModule), so a test can stand the whole app on a chosen instant.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
