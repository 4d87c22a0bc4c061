import { DynamicModule, Module, ModuleMetadata, Provider, Type } from '@nestjs/common';
import { CryptoModule } from '../../common/security/crypto.module';
import { MailModule } from '../mail/mail.module';
import { OneTapModule } from '../one-tap/one-tap.module';
import { CHANNEL_SENDERS, ChannelSender } from '../reminders/reminder.contracts';
import { NotificationFactsRepository } from './notification-facts.repository';
import { EmailChannelSender } from './senders/email.sender';
import { WebhookChannelSender } from './senders/webhook.sender';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';

const OWN_SENDERS: Type<ChannelSender>[] = [EmailChannelSender, WebhookChannelSender];

function metadata(extra: Type<ChannelSender>[], imports: NonNullable<ModuleMetadata['imports']>): ModuleMetadata {
  const senders = [...OWN_SENDERS, ...extra];
  const list: Provider = { provide: CHANNEL_SENDERS, useFactory: (...all: ChannelSender[]) => all, inject: senders };
  return {
    imports: [MailModule, CryptoModule, OneTapModule, ...imports],
    providers: [NotificationFactsRepository, WebhookEndpointsRepository, ...senders, list],
    exports: [CHANNEL_SENDERS, ...senders],
  };
}

/**
 * The delivery channels, for the worker (the deliver processor injects CHANNEL_SENDERS and
 * picks a sender by `channel`) and for the API alike. Imported as is, CHANNEL_SENDERS holds the
 * email and webhook senders; `withSenders([InAppChannelSender], [ItsModule])` adds senders
 * built elsewhere (their dependencies come from the modules passed, or are global).
 */
@Module(metadata([], []))
export class DeliveryChannelsModule {
  static withSenders(extra: Type<ChannelSender>[], imports: NonNullable<ModuleMetadata['imports']> = []): DynamicModule {
    // A module class of its own: a dynamic module of DeliveryChannelsModule would also carry the
    // static providers above, and two CHANNEL_SENDERS.
    return { module: DeliveryChannelsWithSendersModule, ...metadata(extra, imports) };
  }
}

/** The module withSenders() builds. */
@Module({})
export class DeliveryChannelsWithSendersModule {}
