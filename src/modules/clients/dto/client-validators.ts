import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { Matches, registerDecorator, ValidationOptions } from 'class-validator';
import { DateTime } from 'luxon';

/** E.164: a plus, a country code not starting with 0, 7 to 15 digits in all. */
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * A phone number in E.164 form. Spaces, dots, dashes and parentheses people type are removed
 * first ("+1 (415) 555-0123" is stored as "+14155550123"); anything else must already be E.164.
 */
export function IsE164Phone() {
  return applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? value.replace(/[\s().-]/g, '') : value)),
    Matches(E164, { message: 'must be an E.164 phone number such as +14155550123' }),
  );
}

/** Trims surrounding whitespace of strings; other values pass through to the validators. */
export function Trimmed() {
  return Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
}

/** Today's date where it is latest on Earth, so no one's birthday "today" is refused. */
function latestToday(): string {
  return DateTime.now().setZone('Pacific/Kiritimati').toISODate() ?? '';
}

/** A calendar date "YYYY-MM-DD" that exists, is not in the future, and not before 1900. */
export function IsPastCalendarDate(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isPastCalendarDate',
      target: object.constructor,
      propertyName,
      options: { message: 'must be a date YYYY-MM-DD, not in the future', ...options },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
          const d = DateTime.fromISO(value, { zone: 'utc' });
          return d.isValid && value >= '1900-01-01' && value <= latestToday();
        },
      },
    });
}
