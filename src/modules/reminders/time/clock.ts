import { Clock } from '../../../common/time/clock';

/**
 * The reminder engine reads "now" only from the house Clock (interface `now(): Date`, injected
 * by class, provided once by the global ClockModule): the outbox, the sweep and the deliver
 * processor take it from Nest, and the pure time functions take instants as arguments and never
 * read the system clock. A test replaces it with a FixedClock.
 */
export { Clock };

/** A clock that stands still until moved. */
export class FixedClock extends Clock {
  constructor(private current: Date) {
    super();
  }

  override now(): Date {
    return new Date(this.current.getTime());
  }

  set(at: Date): void {
    this.current = new Date(at.getTime());
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
