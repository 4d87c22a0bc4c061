import { Module } from '@nestjs/common';
import { MeNotificationsController } from './me-notifications.controller';
import { NotificationsController } from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { WebhookSettingsController } from './webhook-settings.controller';
import { WebhookSettingsService } from './webhook-settings.service';

/**
 * The API side of notifications: the in-app inbox, the admins' delivery log and the practice's
 * webhook settings. The senders are in DeliveryChannelsModule (the worker's).
 */
@Module({
  controllers: [MeNotificationsController, NotificationsController, WebhookSettingsController],
  providers: [NotificationsRepository, NotificationsService, WebhookEndpointsRepository, WebhookSettingsService],
})
export class NotificationsModule {}
