import { Body, Controller, Delete, Get, HttpCode, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Principal } from '../../common/tenancy/request-context';
import { PutWebhookDto, PutWebhookResponseDto, WebhookSettingsDto } from './dto/webhook-settings.dto';
import { WebhookSettingsService } from './webhook-settings.service';

@ApiTags('practice')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/practice/webhook')
export class WebhookSettingsController {
  constructor(private readonly webhooks: WebhookSettingsService) {}

  @Get()
  @Audited({ action: 'practice.webhook.read', resourceType: 'webhook_endpoint' })
  @ApiOperation({ summary: 'The practice’s webhook endpoint: URL and whether it is active, never the secret (admins)' })
  @ApiOkResponse({ type: WebhookSettingsDto })
  @ApiNotFoundResponse({ description: 'No endpoint is configured' })
  get(@CurrentPrincipal() p: Principal): Promise<WebhookSettingsDto> {
    return this.webhooks.get(p);
  }

  @Put()
  @HttpCode(200)
  @Audited({ action: 'practice.webhook.update', resourceType: 'webhook_endpoint' })
  @ApiOperation({
    summary: 'Create or change the practice’s webhook endpoint (admins)',
    description: 'The signing secret is in the answer once: when the endpoint is created, or with rotateSecret: true.',
  })
  @ApiOkResponse({ type: PutWebhookResponseDto })
  put(@CurrentPrincipal() p: Principal, @Body() dto: PutWebhookDto): Promise<PutWebhookResponseDto> {
    return this.webhooks.put(p, dto);
  }

  @Delete()
  @HttpCode(204)
  @Audited({ action: 'practice.webhook.delete', resourceType: 'webhook_endpoint' })
  @ApiOperation({ summary: 'Remove the webhook endpoint and its secret; webhook notifications are then skipped (admins)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'No endpoint is configured' })
  async delete(@CurrentPrincipal() p: Principal): Promise<void> {
    await this.webhooks.delete(p);
  }
}
