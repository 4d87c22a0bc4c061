import { registerDecorator, ValidationOptions } from 'class-validator';
import { DateTime } from 'luxon';

/** "YYYY-MM-DD" naming a day that exists (2025-02-30 does not). */
export function isCalendarDate(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value, { zone: 'utc' }).isValid;
}

export function IsCalendarDate(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: object.constructor,
      propertyName,
      options: { message: 'must be a date YYYY-MM-DD', ...options },
      validator: { validate: isCalendarDate },
    });
}
