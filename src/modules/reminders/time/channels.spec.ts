import { ChannelFacts, selectChannels, sendableChannels } from './channels';

const facts = (over: Partial<ChannelFacts> = {}): ChannelFacts => ({
  accepted: ['email', 'in_app'],
  ownPreference: false,
  practiceDefault: ['email', 'in_app'],
  active: true,
  hasEmail: true,
  hasInbox: true,
  hasWebhook: false,
  ...over,
});

describe('channel selection: accepted ∩ requested ∩ reachable', () => {
  it('the practice default, everything reachable: email and in-app; the unused webhook leaves no trace', () => {
    expect(selectChannels(facts())).toEqual([
      { channel: 'email', send: true },
      { channel: 'in_app', send: true },
    ]);
  });

  it('a recipient who opted out of email gets in-app only, and the refusal is recorded', () => {
    expect(selectChannels(facts({ accepted: ['in_app'], ownPreference: true }))).toEqual([
      { channel: 'email', send: false, reason: 'opted_out' },
      { channel: 'in_app', send: true },
    ]);
  });

  it('an own choice that adds the webhook uses it when the practice has an endpoint', () => {
    const f = facts({ accepted: ['webhook'], ownPreference: true, hasWebhook: true });
    expect(sendableChannels(f)).toEqual(['webhook']);
    expect(selectChannels(f).filter((d) => !d.send)).toEqual([
      { channel: 'email', send: false, reason: 'opted_out' },
      { channel: 'in_app', send: false, reason: 'opted_out' },
    ]);
  });

  it('requested channels narrow the choice; a requested channel nobody accepts is recorded as not enabled', () => {
    expect(selectChannels(facts(), ['in_app'])).toEqual([{ channel: 'in_app', send: true }]);
    expect(selectChannels(facts(), ['webhook'])).toEqual([{ channel: 'webhook', send: false, reason: 'channel_not_enabled' }]);
  });

  it('accepted but unreachable channels are recorded with why', () => {
    const f = facts({ accepted: ['email', 'in_app', 'webhook'], hasEmail: false, hasInbox: false, hasWebhook: false, practiceDefault: ['email', 'in_app', 'webhook'] });
    expect(selectChannels(f)).toEqual([
      { channel: 'email', send: false, reason: 'no_email_address' },
      { channel: 'in_app', send: false, reason: 'no_portal_account' },
      { channel: 'webhook', send: false, reason: 'no_webhook_endpoint' },
    ]);
  });

  it('an inactive recipient is reached on nothing', () => {
    expect(sendableChannels(facts({ active: false }))).toEqual([]);
    expect(selectChannels(facts({ active: false }))[0]).toEqual({ channel: 'email', send: false, reason: 'recipient_inactive' });
  });
});
