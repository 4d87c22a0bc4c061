import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, MaxLength, Min, registerDecorator, ValidationOptions } from 'class-validator';
import { checkInRuleProblem } from '../check-in-occurrences';

/** An RRULE acceptable for check-ins; the message says what is wrong with it. */
function IsCheckInRule(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isCheckInRule',
      target: object.constructor,
      propertyName,
      options: {
        message: (args) => (typeof args.value === 'string' ? checkInRuleProblem(args.value) : null) ?? 'must be an RRULE',
        ...options,
      },
      validator: { validate: (value: unknown) => typeof value === 'string' && checkInRuleProblem(value) === null },
    });
}

export class PutCheckInScheduleDto {
  @ApiProperty({
    example: 'FREQ=WEEKLY;BYDAY=MO,WE,FR',
    description: 'RFC 5545 RRULE over the client’s calendar days, without DTSTART: FREQ=DAILY, WEEKLY or MONTHLY (INTERVAL, BYDAY, BYMONTHDAY, COUNT, UNTIL allowed; no BYHOUR/BYMINUTE — the time is localTime)',
  })
  @IsString() @MaxLength(300) @IsCheckInRule()
  rrule!: string;

  @ApiProperty({ example: '20:00', description: 'Local wall-clock time "HH:mm" in the client’s timezone' })
  @IsString() @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be a time HH:mm (00:00–23:59)' })
  localTime!: string;

  @ApiPropertyOptional({ default: true, description: 'false keeps the schedule but sends nothing' })
  @IsOptional() @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: 'The version you read; a stale version is refused with 409' })
  @IsOptional() @IsInt() @Min(1)
  version?: number;
}

export class CheckInOccurrenceDto {
  @ApiProperty({ example: '2026-03-08', description: 'The client’s calendar day' }) localDate!: string;
  @ApiProperty({ example: '2026-03-09T00:00:00.000Z', description: 'When the reminder is due (before quiet hours)' }) at!: string;
}

export class MyCheckInScheduleDto {
  @ApiProperty() rrule!: string;
  @ApiProperty({ example: '20:00' }) localTime!: string;
  @ApiProperty({ example: 'America/New_York', description: 'The client’s timezone the time is read in' }) timezone!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: [CheckInOccurrenceDto], description: 'The next few times you will be asked (none while inactive)' })
  nextOccurrences!: CheckInOccurrenceDto[];
}

export class CheckInScheduleResponseDto extends MyCheckInScheduleDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ nullable: true, description: 'Reminders are planned up to here (a rolling 14-day window)' }) materializedUntil!: string | null;
  @ApiProperty({ format: 'uuid' }) createdBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty() version!: number;
}
