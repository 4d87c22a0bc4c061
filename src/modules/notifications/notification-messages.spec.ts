import { formatWhen, greetingNameOf, renderEmail, renderMessage } from './notification-messages';
import { NOTIFICATION_REASONS } from './notification.entity';

const at = new Date('2026-03-10T19:00:00.000Z');

describe('renderMessage', () => {
  it.each(NOTIFICATION_REASONS)('words %s with the practice name, a title without names, and no clinical vocabulary', (reason) => {
    const m = renderMessage(reason, { practiceName: 'Harbor Counseling', when: { at, timezone: 'America/New_York' } });
    expect(m.title.length).toBeGreaterThan(5);
    expect(m.body).toContain('Harbor Counseling');
    expect(`${m.title} ${m.body}`).not.toMatch(/affair|betray|infidel|forgive|injured|involved|note|answer|unsafe|partner/i);
  });

  it('gives the session time and the due time in the recipient’s zone', () => {
    expect(renderMessage('session_reminder', { practiceName: 'P', when: { at, timezone: 'America/New_York' } }).body).toContain('Tuesday 10 March at 15:00 (EDT)');
    expect(renderMessage('homework_due_soon', { practiceName: 'P', when: { at, timezone: 'Europe/London' } }).body).toContain('Tuesday 10 March at 19:00 (GMT)');
  });

  it('still reads well without a time', () => {
    expect(renderMessage('session_reminder', { practiceName: 'P', when: null }).body).toContain('your upcoming session with P');
    expect(renderMessage('homework_due_soon', { practiceName: 'P', when: null }).body).toContain('is due soon');
    expect(renderMessage('homework_prompt', { practiceName: 'P', when: null }).body).not.toContain('due');
  });

  it('never lets a line break or control character of a practice name into the text', () => {
    const m = renderMessage('check_in', { practiceName: 'Evil\r\nBcc: x@y.z\u0000', when: null });
    expect(m.body).not.toMatch(/[\r\n]/);
    expect(m.body.includes('\u0000')).toBe(false);
  });
});

describe('renderEmail', () => {
  const facts = {
    practiceName: 'Harbor Counseling',
    when: { at, timezone: 'America/New_York' },
    greetingName: 'Elise',
    recipientKind: 'client' as const,
    links: { signIn: 'https://app.example.org' },
  };

  it('greets by name in the body only, never in the subject', () => {
    const e = renderEmail('homework_prompt', facts);
    expect(e.text.startsWith('Hi Elise,')).toBe(true);
    expect(e.subject).not.toContain('Elise');
    expect(e.subject).toContain('Harbor Counseling');
    expect(e.text).toContain('https://app.example.org');
  });

  it('says hello without a name', () => {
    expect(renderEmail('check_in', { ...facts, greetingName: null }).text.startsWith('Hello,')).toBe(true);
  });

  it('uses a one-tap link when given, and confirm/cancel links for sessions', () => {
    expect(renderEmail('check_in', { ...facts, links: { signIn: 's', open: 'https://x/t/abc' } }).text).toContain('https://x/t/abc');
    const s = renderEmail('session_reminder', { ...facts, links: { signIn: 's', confirm: 'https://x/t/c', cancel: 'https://x/t/k' } }).text;
    expect(s).toContain('https://x/t/c');
    expect(s).toContain('https://x/t/k');
  });

  it('tells staff not to forward an alert', () => {
    expect(renderEmail('clinician_alert', { ...facts, recipientKind: 'user' }).text).toContain('Do not forward');
  });
});

describe('formatWhen', () => {
  it('handles the 30-minute DST shift of Lord Howe and a zone without DST', () => {
    expect(formatWhen({ at: new Date('2026-01-15T00:00:00.000Z'), timezone: 'Australia/Lord_Howe' })).toContain('at 11:00');
    expect(formatWhen({ at: new Date('2026-07-15T00:00:00.000Z'), timezone: 'Australia/Lord_Howe' })).toContain('at 10:30');
    expect(formatWhen({ at, timezone: 'Asia/Tokyo' })).toContain('Wednesday 11 March at 04:00');
  });

  it('falls back to UTC for an unknown zone', () => {
    expect(formatWhen({ at, timezone: 'Not/AZone' })).toContain('19:00');
  });
});

describe('greetingNameOf', () => {
  it('prefers the preferred name, else the first word of the full name', () => {
    expect(greetingNameOf('Lise', 'Elise Martin')).toBe('Lise');
    expect(greetingNameOf(null, 'Elise Martin')).toBe('Elise');
    expect(greetingNameOf('  ', '  ')).toBeNull();
    expect(greetingNameOf(null, null)).toBeNull();
  });
});
