import { clientFacts, userFacts } from './recipient-facts';

const row = {
  id: 'c',
  practiceId: 'p',
  timezone: 'Europe/London',
  active: true,
  hasEmail: true,
  hasInbox: false,
  hasWebhook: true,
};

describe('recipient facts', () => {
  it('a client without preferences of their own takes the practice default channels and quiet hours', () => {
    const f = clientFacts({ ...row, prefs: { channels: null, quietHours: null }, settings: { defaultReminderChannels: ['email', 'webhook'], quietHours: { start: '22:00', end: '07:00' } } });
    expect(f).toMatchObject({
      timezone: 'Europe/London',
      accepted: ['email', 'webhook'],
      ownPreference: false,
      practiceDefault: ['email', 'webhook'],
      quietHours: { start: '22:00', end: '07:00' },
      hasWebhook: true,
      hasInbox: false,
    });
  });

  it('their own channels and quiet hours win', () => {
    const f = clientFacts({ ...row, prefs: { channels: ['in_app'], quietHours: { start: '23:00', end: '06:00' } }, settings: { defaultReminderChannels: ['email'], quietHours: null } });
    expect(f).toMatchObject({ accepted: ['in_app'], ownPreference: true, practiceDefault: ['email'], quietHours: { start: '23:00', end: '06:00' } });
  });

  it('a practice that turned quiet hours off has none; one whose settings predate them gets the defaults', () => {
    expect(clientFacts({ ...row, prefs: null, settings: { quietHours: null } }).quietHours).toBeNull();
    expect(clientFacts({ ...row, prefs: null, settings: {} })).toMatchObject({ accepted: ['email', 'in_app'], quietHours: { start: '21:00', end: '08:00' } });
  });

  it('staff: email and in-app in the practice zone, never the webhook', () => {
    const f = userFacts({ id: 'u', practiceId: 'p', timezone: 'America/New_York', active: true, hasEmail: true, settings: { defaultReminderChannels: ['webhook'], quietHours: null } });
    expect(f).toMatchObject({ timezone: 'America/New_York', accepted: ['email', 'in_app'], hasInbox: true, hasWebhook: false, quietHours: null });
    expect(userFacts({ id: 'u', practiceId: 'p', timezone: 'UTC', active: false, hasEmail: true, settings: null }).hasInbox).toBe(false);
  });
});
