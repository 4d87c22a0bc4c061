import { Module } from '@nestjs/common';
import { OneTapTokensRepository } from './one-tap-tokens.repository';
import { OneTapService } from './one-tap.service';

/**
 * Issuing one-tap links (OneTapService: issue, linksForNotification). A leaf: it imports no
 * feature module, so the reminder engine and the email renderer can import it without a cycle.
 * Redeeming links, and what a link then allows, is OneTapRedeemModule.
 */
@Module({
  providers: [OneTapService, OneTapTokensRepository],
  exports: [OneTapService, OneTapTokensRepository],
})
export class OneTapModule {}
