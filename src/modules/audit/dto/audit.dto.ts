import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/cursor';
import { AUDIT_OUTCOMES, AuditEvent } from '../audit-event.entity';

export class ListAuditEventsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID(undefined, { message: 'must be a UUID' })
  actorId?: string;

  @ApiPropertyOptional({ example: 'user' }) @IsOptional() @IsString() @Matches(/^[a-z_]+$/, { message: 'must be a resource type such as user' })
  resourceType?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64)
  resourceId?: string;

  @ApiPropertyOptional({ example: 'auth.login' }) @IsOptional() @IsString() @Matches(/^[a-z_.]+$/, { message: 'must be an action such as auth.login' })
  action?: string;

  @ApiPropertyOptional({ enum: AUDIT_OUTCOMES }) @IsOptional() @IsIn(AUDIT_OUTCOMES, { message: 'must be allowed or denied' })
  outcome?: (typeof AUDIT_OUTCOMES)[number];

  @ApiPropertyOptional({ description: 'Inclusive start (ISO 8601)' }) @IsOptional() @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'Exclusive end (ISO 8601)' }) @IsOptional() @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 date-time' })
  to?: string;
}

export class AuditEventDto {
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true }) actorUserId!: string | null;
  @ApiProperty({ nullable: true }) actorRole!: string | null;
  @ApiProperty() action!: string;
  @ApiProperty() resourceType!: string;
  @ApiProperty({ nullable: true }) resourceId!: string | null;
  @ApiProperty({ enum: AUDIT_OUTCOMES }) outcome!: string;
  @ApiProperty({ nullable: true }) reason!: string | null;
  @ApiProperty() occurredAt!: string;
  @ApiProperty({ nullable: true }) ip!: string | null;
  @ApiProperty({ nullable: true }) requestId!: string | null;

  static from(e: AuditEvent): AuditEventDto {
    return {
      id: e.id,
      actorUserId: e.actorUserId,
      actorRole: e.actorRole,
      action: e.action,
      resourceType: e.resourceType,
      resourceId: e.resourceId,
      outcome: e.outcome,
      reason: e.reason,
      occurredAt: e.occurredAt.toISOString(),
      ip: e.ip,
      requestId: e.requestId,
    };
  }
}

export class AuditEventPageDto {
  @ApiProperty({ type: [AuditEventDto] }) data!: AuditEventDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
