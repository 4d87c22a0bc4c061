import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { WebhookEndpoint } from '../notification.entity';

export class PutWebhookDto {
  @ApiProperty({
    maxLength: 500,
    example: 'https://hooks.example.org/kintsugi',
    description: 'https; plain http only to localhost or 127.0.0.1 outside production. No credentials in the URL.',
  })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString() @MinLength(1, { message: 'must not be blank' }) @MaxLength(500)
  url!: string;

  @ApiPropertyOptional({ description: 'Whether deliveries are sent (true when created; unchanged when omitted)' })
  @IsOptional() @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: 'Issue a new signing secret; the old one stops working at once. The new one is in this answer only.' })
  @IsOptional() @IsBoolean()
  rotateSecret?: boolean;
}

export class WebhookSettingsDto {
  @ApiProperty() url!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(e: WebhookEndpoint): WebhookSettingsDto {
    return { url: e.url, active: e.active, createdAt: e.createdAt.toISOString(), updatedAt: e.updatedAt.toISOString() };
  }
}

export class PutWebhookResponseDto extends WebhookSettingsDto {
  @ApiProperty({ description: 'True when this call created the endpoint' })
  created!: boolean;

  @ApiPropertyOptional({
    description:
      'The signing secret, only in the answer that created the endpoint or rotated it: it is never shown again. ' +
      'Verify X-Kintsugi-Signature = hex HMAC-SHA256(secret, `${X-Kintsugi-Timestamp}.${raw body}`).',
  })
  secret?: string;
}
