import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/cursor';
import { IsIanaTimezone } from '../../../common/validation/validators';
import { SESSION_KINDS, SESSION_STATUSES, SessionKind, SessionStatus } from '../clinical-session.entity';
import { DATE_TIME_PATTERN } from '../session-time';
import { TARGET_STATUSES, TargetStatus } from '../session-status';

const DATE_TIME_MESSAGE = 'must be an ISO 8601 date-time such as 2025-03-09T14:00:00-05:00, or a local 2025-03-09T14:00 with timezone';
const HTTPS_URL = { protocols: ['https'], require_protocol: true, require_tld: true };

export class BookSessionDto {
  @ApiProperty({ enum: SESSION_KINDS })
  @IsIn(SESSION_KINDS, { message: `must be one of ${SESSION_KINDS.join(', ')}` })
  kind!: SessionKind;

  @ApiPropertyOptional({ format: 'uuid', description: 'Defaults to the caller when the caller is a clinician; required when an admin books' })
  @IsOptional() @IsUUID('all', { message: 'must be a UUID' })
  clinicianId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'For a couple session (required unless the participants are an active couple); optional for intake and assessment' })
  @IsOptional() @IsUUID('all', { message: 'must be a UUID' })
  coupleId?: string;

  @ApiPropertyOptional({ type: [String], description: 'Client ids; defaults to the couple’s active partners when coupleId is given' })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(2) @ArrayUnique({ message: 'must not repeat a client' })
  @IsUUID('all', { each: true, message: 'must hold UUIDs' })
  participantClientIds?: string[];

  @ApiProperty({ example: '2025-03-09T14:00:00-05:00', description: 'An instant with offset, or a local date-time in `timezone`' })
  @IsString() @Matches(DATE_TIME_PATTERN, { message: DATE_TIME_MESSAGE })
  startsAt!: string;

  @ApiProperty({ example: '2025-03-09T14:50:00-05:00' })
  @IsString() @Matches(DATE_TIME_PATTERN, { message: DATE_TIME_MESSAGE })
  endsAt!: string;

  @ApiPropertyOptional({ example: 'America/New_York', description: 'The zone the session is booked in; required for local times, defaults to the practice’s zone' })
  @IsOptional() @IsIanaTimezone()
  timezone?: string;

  @ApiPropertyOptional({ maxLength: 300 })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(300)
  location?: string;

  @ApiPropertyOptional({ maxLength: 500, example: 'https://meet.example.com/room-42' })
  @IsOptional() @IsUrl(HTTPS_URL, { message: 'must be an https URL' }) @MaxLength(500)
  telehealthUrl?: string;
}

export class RescheduleSessionDto {
  @ApiProperty({ description: 'The version you last read; a stale one gets 409' })
  @IsInt() @Min(1)
  version!: number;

  @ApiPropertyOptional({ description: 'New start; when endsAt is omitted the session keeps its length' })
  @IsOptional() @IsString() @Matches(DATE_TIME_PATTERN, { message: DATE_TIME_MESSAGE })
  startsAt?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @Matches(DATE_TIME_PATTERN, { message: DATE_TIME_MESSAGE })
  endsAt?: string;

  @ApiPropertyOptional({ description: 'Zone of local times; defaults to the session’s booking zone' })
  @IsOptional() @IsIanaTimezone()
  timezone?: string;

  @ApiPropertyOptional({ nullable: true, maxLength: 300 })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(300)
  location?: string | null;

  @ApiPropertyOptional({ nullable: true, maxLength: 500 })
  @IsOptional() @IsUrl(HTTPS_URL, { message: 'must be an https URL' }) @MaxLength(500)
  telehealthUrl?: string | null;
}

export class ChangeSessionStatusDto {
  @ApiProperty({ enum: TARGET_STATUSES })
  @IsIn(TARGET_STATUSES, { message: `must be one of ${TARGET_STATUSES.join(', ')}` })
  status!: TargetStatus;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(500)
  reason?: string;

  @ApiPropertyOptional({ description: 'When given, a stale version gets 409' })
  @IsOptional() @IsInt() @Min(1)
  version?: number;
}

export class ListSessionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID('all', { message: 'must be a UUID' })
  clinicianId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID('all', { message: 'must be a UUID' })
  clientId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID('all', { message: 'must be a UUID' })
  coupleId?: string;

  @ApiPropertyOptional({ description: 'Sessions that end after this instant (ISO 8601 with offset)' })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'Sessions that start before this instant (ISO 8601 with offset)' })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 date-time' })
  to?: string;

  @ApiPropertyOptional({ enum: SESSION_STATUSES })
  @IsOptional() @IsIn(SESSION_STATUSES, { message: `must be one of ${SESSION_STATUSES.join(', ')}` })
  status?: SessionStatus;

  @ApiPropertyOptional({ enum: SESSION_KINDS })
  @IsOptional() @IsIn(SESSION_KINDS, { message: `must be one of ${SESSION_KINDS.join(', ')}` })
  kind?: SessionKind;
}

export class MySessionsQueryDto extends PageQueryDto {}

export class CalendarFeedRequestDto {
  @ApiPropertyOptional({ default: false, description: 'Put client names in event titles (they leave the practice with the feed)' })
  @IsOptional() @IsBoolean()
  includeClientNames?: boolean;
}

export class SessionConfirmationDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty() confirmedAt!: string;
}

export class SessionResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: SESSION_KINDS }) kind!: SessionKind;
  @ApiProperty({ format: 'uuid' }) clinicianId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) coupleId!: string | null;
  @ApiProperty({ type: [String] }) participantClientIds!: string[];
  @ApiProperty({ description: 'UTC' }) startsAt!: string;
  @ApiProperty({ description: 'UTC' }) endsAt!: string;
  @ApiProperty({ description: 'The IANA zone it was booked in' }) timezone!: string;
  @ApiProperty({ description: 'Start on the booking zone’s wall clock, with offset' }) localStartsAt!: string;
  @ApiProperty() localEndsAt!: string;
  @ApiProperty({ nullable: true, type: String }) location!: string | null;
  @ApiProperty({ nullable: true, type: String }) telehealthUrl!: string | null;
  @ApiProperty({ enum: SESSION_STATUSES }) status!: SessionStatus;
  @ApiProperty({ nullable: true, type: String }) statusReason!: string | null;
  @ApiProperty({ nullable: true, type: String }) statusChangedBy!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The participant who cancelled from a reminder link' })
  statusChangedByClientId!: string | null;
  @ApiProperty({ nullable: true, type: String }) statusChangedAt!: string | null;
  @ApiProperty({ type: [SessionConfirmationDto], description: 'Participants who confirmed they will attend (from a reminder link)' })
  confirmations!: SessionConfirmationDto[];
  @ApiProperty({ format: 'uuid' }) createdBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty() version!: number;
}

export class SessionPageDto {
  @ApiProperty({ type: [SessionResponseDto] }) data!: SessionResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

/** What a client sees of their own appointment: no other participant, no internal fields. */
export class MySessionResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: SESSION_KINDS }) kind!: SessionKind;
  @ApiProperty() startsAt!: string;
  @ApiProperty() endsAt!: string;
  @ApiProperty() timezone!: string;
  @ApiProperty() localStartsAt!: string;
  @ApiProperty() localEndsAt!: string;
  @ApiProperty({ nullable: true, type: String }) location!: string | null;
  @ApiProperty({ nullable: true, type: String }) telehealthUrl!: string | null;
  @ApiProperty({ enum: SESSION_STATUSES }) status!: SessionStatus;
  @ApiProperty({ description: 'The clinician’s display name' }) clinicianName!: string | null;
}

export class MySessionPageDto {
  @ApiProperty({ type: [MySessionResponseDto] }) data!: MySessionResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class CalendarFeedCreatedDto {
  @ApiProperty({ description: 'The secret feed URL; shown once, keep it private' }) url!: string;
  @ApiProperty() path!: string;
  @ApiProperty() includeClientNames!: boolean;
  @ApiProperty() createdAt!: string;
}

export class CalendarFeedStatusDto {
  @ApiProperty() active!: boolean;
  @ApiProperty({ nullable: true, type: Boolean }) includeClientNames!: boolean | null;
  @ApiProperty({ nullable: true, type: String, description: 'When the current URL was issued' }) issuedAt!: string | null;
}
