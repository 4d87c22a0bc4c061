import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength, MinLength, registerDecorator, ValidationOptions } from 'class-validator';
import { DateTime } from 'luxon';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../security/passwords';
import { isCommonPassword } from '../security/common-passwords';

/** A region/city zone name (or UTC); fixed offsets and abbreviations are refused. */
export function isIanaTimezone(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    (value.includes('/') || value.toUpperCase() === 'UTC') &&
    !/^(etc\/)?gmt[+-]/i.test(value) &&
    DateTime.now().setZone(value).isValid
  );
}

/** The zone's canonical spelling ("america/new_york" → "America/New_York"). */
export function canonicalTimezone(value: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return value;
  }
}

export function IsIanaTimezone(options?: ValidationOptions) {
  const validate = (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isIanaTimezone',
      target: object.constructor,
      propertyName,
      options: { message: 'must be an IANA time zone name such as Europe/Berlin', ...options },
      validator: { validate: isIanaTimezone },
    });
  const canonicalize = Transform(({ value }) => (isIanaTimezone(value) ? canonicalTimezone(value as string) : value));
  return (object: object, propertyName: string) => {
    canonicalize(object, propertyName);
    validate(object, propertyName);
  };
}

/** Emails are compared and stored lower-cased and trimmed. */
export function NormalizedEmail() {
  return applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value)),
    IsEmail({}, { message: 'must be a valid email address' }),
    MaxLength(254),
  );
}

/** ASVS L2: 12–128 characters (code points), no composition rules, no well-known passwords. */
export function IsAcceptablePassword() {
  return applyDecorators(
    IsString(),
    MinLength(PASSWORD_MIN_LENGTH, { message: `must be at least ${PASSWORD_MIN_LENGTH} characters` }),
    MaxLength(PASSWORD_MAX_LENGTH, { message: `must be at most ${PASSWORD_MAX_LENGTH} characters` }),
    ((object: object, propertyName: string | symbol) =>
      registerDecorator({
        name: 'notCommonPassword',
        target: object.constructor,
        propertyName: String(propertyName),
        options: { message: 'is too common; choose a less guessable passphrase' },
        validator: { validate: (v: unknown) => typeof v === 'string' && !isCommonPassword(v) },
      })) as PropertyDecorator,
  );
}
