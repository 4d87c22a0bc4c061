import { Channel, CHANNELS } from '../../notifications/notification.entity';

/**
 * Which channels a reminder goes out on: the recipient's accepted channels (their own choice,
 * or the practice default) ∩ the channels asked for ∩ the channels that can reach them. Pure.
 */

/** Why a channel was not used, recorded on a 'skipped' row so the delivery log shows it. */
export const CHANNEL_SKIP_REASONS = [
  /** The recipient's own preferences exclude it. */
  'opted_out',
  /** Asked for, but neither the recipient nor the practice default accepts it. */
  'channel_not_enabled',
  'no_email_address',
  'no_portal_account',
  'no_webhook_endpoint',
  /** Archived client or deactivated user. */
  'recipient_inactive',
] as const;
export type ChannelSkipReason = (typeof CHANNEL_SKIP_REASONS)[number];

export interface ChannelFacts {
  /** Channels the recipient accepts: their own preference, or the practice default. */
  accepted: readonly Channel[];
  /** True when `accepted` is the recipient's own choice (a refusal is then an opt-out). */
  ownPreference: boolean;
  /** The practice's default channels: what the recipient would get without a choice of their own. */
  practiceDefault: readonly Channel[];
  /** An active client / user. */
  active: boolean;
  /** Contact email on file. */
  hasEmail: boolean;
  /** An active portal account (clients) or an active user (staff) to see an in-app message. */
  hasInbox: boolean;
  /** The practice has an active webhook endpoint (clients only; staff are never reached by it). */
  hasWebhook: boolean;
}

export type ChannelDecision = { channel: Channel; send: true } | { channel: Channel; send: false; reason: ChannelSkipReason };

const UNREACHABLE: Record<Channel, { reachable: (f: ChannelFacts) => boolean; reason: ChannelSkipReason }> = {
  email: { reachable: (f) => f.hasEmail, reason: 'no_email_address' },
  in_app: { reachable: (f) => f.hasInbox, reason: 'no_portal_account' },
  webhook: { reachable: (f) => f.hasWebhook, reason: 'no_webhook_endpoint' },
};

/**
 * One decision per channel considered, in CHANNELS order. Considered = the requested channels,
 * or every channel when none are requested. A refused channel is recorded when it would
 * otherwise have been used — asked for, or in the practice default the recipient opted out of;
 * a channel nobody uses (no request, not in the practice default) gets no decision: no row, no
 * noise in the log.
 */
export function selectChannels(facts: ChannelFacts, requested?: readonly Channel[]): ChannelDecision[] {
  const considered = CHANNELS.filter((c) => (requested ? requested.includes(c) : true));
  const out: ChannelDecision[] = [];
  for (const channel of considered) {
    if (!facts.accepted.includes(channel)) {
      const wouldBeUsed = requested !== undefined || facts.practiceDefault.includes(channel);
      if (facts.ownPreference && wouldBeUsed) out.push({ channel, send: false, reason: 'opted_out' });
      else if (requested) out.push({ channel, send: false, reason: 'channel_not_enabled' });
      continue;
    }
    if (!facts.active) {
      out.push({ channel, send: false, reason: 'recipient_inactive' });
      continue;
    }
    const reach = UNREACHABLE[channel];
    out.push(reach.reachable(facts) ? { channel, send: true } : { channel, send: false, reason: reach.reason });
  }
  return out;
}

/** The channels to send on (convenience over selectChannels). */
export function sendableChannels(facts: ChannelFacts, requested?: readonly Channel[]): Channel[] {
  return selectChannels(facts, requested)
    .filter((d) => d.send)
    .map((d) => d.channel);
}
