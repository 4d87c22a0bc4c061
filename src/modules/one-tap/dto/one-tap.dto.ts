import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { SESSION_KINDS, SESSION_STATUSES, SessionKind, SessionStatus } from '../../sessions/clinical-session.entity';
import { GRANT_SCOPES, GrantScope } from '../one-tap-grants';
import { ONE_TAP_PURPOSES, OneTapPurpose } from '../one-tap-token.entity';

export class OneTapTokenDto {
  @ApiProperty({ description: 'The token from the link /t/<token>' })
  @IsString() @MinLength(1) @MaxLength(200)
  token!: string;
}

export class OneTapSessionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: SESSION_KINDS }) kind!: SessionKind;
  @ApiProperty({ description: 'UTC' }) startsAt!: string;
  @ApiProperty({ description: 'UTC' }) endsAt!: string;
  @ApiProperty({ description: 'The IANA zone it was booked in' }) timezone!: string;
  @ApiProperty({ description: 'Start on that zone’s wall clock, with offset' }) localStartsAt!: string;
  @ApiProperty({ enum: SESSION_STATUSES }) status!: SessionStatus;
}

export class OneTapGrantDto {
  @ApiProperty({ description: 'Send as "Authorization: Bearer <token>" to the one-tap routes of its scope, and nowhere else' })
  token!: string;
  @ApiProperty({ enum: GRANT_SCOPES }) scope!: GrantScope;
  @ApiProperty() expiresAt!: string;
}

export const ONE_TAP_OUTCOMES = ['opened', 'confirmed', 'already_confirmed', 'cancelled', 'late_cancelled', 'already_cancelled'] as const;
export type OneTapOutcome = (typeof ONE_TAP_OUTCOMES)[number];

export class OneTapRedeemResponseDto {
  @ApiProperty({ enum: ONE_TAP_PURPOSES }) purpose!: OneTapPurpose;
  @ApiProperty({ enum: ONE_TAP_OUTCOMES, description: 'opened (a grant follows), or what happened to the session' })
  outcome!: OneTapOutcome;
  @ApiPropertyOptional({ type: OneTapGrantDto, description: 'open_check_in and open_homework: a 30-minute grant for that one thing' })
  grant?: OneTapGrantDto;
  @ApiPropertyOptional({ format: 'uuid', description: 'open_homework: the instance the grant opens' })
  homeworkInstanceId?: string;
  @ApiPropertyOptional({ type: OneTapSessionDto, description: 'confirm_session and cancel_session: the session as it now stands' })
  session?: OneTapSessionDto;
}

export class OneTapPreviewResponseDto {
  @ApiProperty({ enum: ONE_TAP_PURPOSES }) purpose!: OneTapPurpose;
  @ApiProperty() expiresAt!: string;
  @ApiPropertyOptional({ type: OneTapSessionDto, description: 'confirm_session and cancel_session: which session (to ask “are you sure?”)' })
  session?: OneTapSessionDto;
}

export class OneTapCheckInFormDto {
  @ApiProperty({ description: 'Whether the readiness-for-forgiveness question is asked (the intimacy step is active on your plan)' })
  readinessAsked!: boolean;
}
