import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/cursor';
import {
  Channel,
  CHANNELS,
  Notification,
  NOTIFICATION_REASONS,
  NOTIFICATION_STATES,
  NotificationDelivery,
  NotificationReason,
  NotificationState,
} from '../notification.entity';
import { NotificationSubjectDto } from './inbox.dto';

const ISO = { message: 'must be an ISO 8601 date-time' };

export class ListDeliveryLogQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: NOTIFICATION_STATES })
  @IsOptional() @IsIn(NOTIFICATION_STATES, { message: `must be one of ${NOTIFICATION_STATES.join(', ')}` })
  state?: NotificationState;

  @ApiPropertyOptional({ enum: CHANNELS })
  @IsOptional() @IsIn(CHANNELS, { message: `must be one of ${CHANNELS.join(', ')}` })
  channel?: Channel;

  @ApiPropertyOptional({ enum: NOTIFICATION_REASONS })
  @IsOptional() @IsIn(NOTIFICATION_REASONS, { message: `must be one of ${NOTIFICATION_REASONS.join(', ')}` })
  reason?: NotificationReason;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID('all', { message: 'must be a UUID' })
  recipientClientId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID('all', { message: 'must be a UUID' })
  recipientUserId?: string;

  @ApiPropertyOptional({ description: 'Scheduled at or after (ISO 8601)' })
  @IsOptional() @IsISO8601({ strict: true }, ISO)
  from?: string;

  @ApiPropertyOptional({ description: 'Scheduled before (ISO 8601)' })
  @IsOptional() @IsISO8601({ strict: true }, ISO)
  to?: string;
}

export class RecipientRefDto {
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) clientId!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) userId!: string | null;
}

/** A delivery-log entry: ids, states and times; no message, no name, no address, no provider error text. */
export class DeliveryLogEntryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: NOTIFICATION_REASONS }) reason!: NotificationReason;
  @ApiProperty({ enum: CHANNELS }) channel!: Channel;
  @ApiProperty({ enum: NOTIFICATION_STATES }) state!: NotificationState;
  @ApiProperty({ nullable: true, type: String, description: 'Why it was skipped, cancelled or failed (a short code)' }) stateReason!: string | null;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: RecipientRefDto }) recipient!: RecipientRefDto;
  @ApiProperty({ type: NotificationSubjectDto }) subject!: NotificationSubjectDto;
  @ApiProperty({ description: 'When it is (was) due to go out, after quiet hours' }) scheduledFor!: string;
  @ApiProperty({ description: 'The time asked for, before quiet hours moved it' }) plannedFor!: string;
  @ApiProperty({ nullable: true, type: String }) sentAt!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(n: Notification): DeliveryLogEntryDto {
    return {
      id: n.id,
      reason: n.reason,
      channel: n.channel,
      state: n.state,
      stateReason: n.stateReason,
      attempts: n.attempts,
      recipient: { clientId: n.recipientClientId, userId: n.recipientUserId },
      subject: { type: n.subjectType, id: n.subjectId },
      scheduledFor: n.scheduledFor.toISOString(),
      plannedFor: n.plannedFor.toISOString(),
      sentAt: n.sentAt?.toISOString() ?? null,
      createdAt: n.createdAt.toISOString(),
      updatedAt: n.updatedAt.toISOString(),
    };
  }
}

export class DeliveryAttemptDto {
  @ApiProperty({ description: 'When a worker claimed it for sending' }) claimedAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'When the channel accepted it' }) deliveredAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The channel’s id for it (e.g. the email Message-ID)' }) providerId!: string | null;
}

export class DeliveryLogDetailDto extends DeliveryLogEntryDto {
  @ApiProperty({ nullable: true, type: String, description: 'The channel’s id for it (e.g. the email Message-ID)' }) providerId!: string | null;
  @ApiProperty({ nullable: true, type: DeliveryAttemptDto, description: 'The delivery ledger' }) delivery!: DeliveryAttemptDto | null;

  static detail(n: Notification, d: NotificationDelivery | null): DeliveryLogDetailDto {
    return {
      ...DeliveryLogEntryDto.from(n),
      providerId: n.providerId,
      delivery: d ? { claimedAt: d.claimedAt.toISOString(), deliveredAt: d.deliveredAt?.toISOString() ?? null, providerId: d.providerId } : null,
    };
  }
}

export class DeliveryLogPageDto {
  @ApiProperty({ type: [DeliveryLogEntryDto] }) data!: DeliveryLogEntryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
