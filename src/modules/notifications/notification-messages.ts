import { DateTime } from 'luxon';
import type { NotificationReason } from './notification.entity';

/**
 * What a reminder says, rendered from ids at the moment it is sent (email) or read (in-app).
 * Short, warm, and never clinical: no homework titles or answers, no check-in content, no notes,
 * no partner, not even the clinician's name. The practice name and, in an email body only, the
 * recipient's own first or preferred name are the only personal touches.
 */
export interface MessageFacts {
  practiceName: string;
  /** When the session is, or the reflection is due, if the notification is about one. */
  when: { at: Date; timezone: string } | null;
}

export interface RenderedMessage {
  /** The email subject and the inbox title: never a name. */
  title: string;
  /** One short paragraph. */
  body: string;
}

export interface EmailFacts extends MessageFacts {
  /** The recipient's preferred (or first) name; appears in the greeting and nowhere else. */
  greetingName: string | null;
  recipientKind: 'client' | 'user';
  /** Where to go from the email. A one-tap link opens the thing itself; otherwise sign in. */
  links: { signIn: string; open?: string; confirm?: string; cancel?: string };
}

export interface RenderedEmail {
  subject: string;
  text: string;
}

/** Control characters (a line break in a name or practice name) never reach a message. */
function clean(s: string): string {
  return s.replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ').replace(/\s+/g, ' ').trim();
}

/** "Tuesday 4 March at 15:00 (EST)" in the recipient's zone. */
export function formatWhen(when: { at: Date; timezone: string }): string {
  const dt = DateTime.fromJSDate(when.at, { zone: when.timezone }).setLocale('en-US');
  const zone = dt.isValid ? dt : DateTime.fromJSDate(when.at, { zone: 'UTC' }).setLocale('en-US');
  return `${zone.toFormat('cccc d LLLL')} at ${zone.toFormat('HH:mm')} (${zone.toFormat('ZZZZ')})`;
}

export function renderMessage(reason: NotificationReason, facts: MessageFacts): RenderedMessage {
  const practice = clean(facts.practiceName) || 'your practice';
  const when = facts.when ? formatWhen(facts.when) : null;
  switch (reason) {
    case 'homework_prompt':
      return {
        title: 'You have a new reflection from your therapist',
        body: `Your therapist at ${practice} has shared something for you to work on between sessions${when ? `, due ${when}` : ''}. A few quiet minutes is all it needs.`,
      };
    case 'homework_due_soon':
      return {
        title: 'A gentle reminder: your reflection is due soon',
        body: `Your reflection from ${practice} is due ${when ?? 'soon'}. A few honest lines are enough; there is no wrong way to do it.`,
      };
    case 'check_in':
      return {
        title: 'Time for your check-in',
        body: `Your check-in with ${practice} takes about a minute. How you are doing helps your therapist support you.`,
      };
    case 'session_reminder':
      return {
        title: 'Reminder: your upcoming session',
        body: when
          ? `This is a reminder of your session with ${practice} on ${when}. If you need to change it, please let the practice know.`
          : `This is a reminder of your upcoming session with ${practice}. If you need to change it, please let the practice know.`,
      };
    case 'clinician_alert':
      return {
        title: 'A client needs your attention',
        body: `A check-in from a client on your caseload at ${practice} needs your attention now. Sign in to Kintsugi to see it.`,
      };
  }
}

function linkLines(reason: NotificationReason, facts: EmailFacts): string[] {
  const { links } = facts;
  if (reason === 'session_reminder' && (links.confirm || links.cancel)) {
    return [
      ...(links.confirm ? ['Confirm you will be there:', links.confirm, ''] : []),
      ...(links.cancel ? ['Need to cancel?', links.cancel, ''] : []),
      'Each link works once and expires.',
    ];
  }
  if (links.open) {
    const what = reason === 'check_in' ? 'your check-in' : 'it';
    return [`Open ${what} here (no password needed; the link works once and expires):`, links.open];
  }
  if (reason === 'session_reminder') return ['You can see your upcoming sessions when you sign in:', links.signIn];
  return ['Sign in to see it:', links.signIn];
}

export function renderEmail(reason: NotificationReason, facts: EmailFacts): RenderedEmail {
  const message = renderMessage(reason, facts);
  const practice = clean(facts.practiceName) || 'your practice';
  const name = facts.greetingName ? clean(facts.greetingName) : '';
  const footer =
    facts.recipientKind === 'client'
      ? 'You receive this because of your reminder preferences; you can change them when you sign in.'
      : 'You receive this because you are on the care team. Do not forward this email.';
  return {
    subject: `${message.title} - ${practice}`,
    text: [
      name ? `Hi ${name},` : 'Hello,',
      '',
      message.body,
      '',
      ...linkLines(reason, facts),
      '',
      'Warmly,',
      practice,
      '',
      footer,
    ].join('\n'),
  };
}

/** The greeting name: the preferred name if set, else the first word of the full name. */
export function greetingNameOf(preferredName: string | null, fullName: string | null): string | null {
  const preferred = preferredName ? clean(preferredName) : '';
  if (preferred) return preferred;
  const first = fullName ? clean(fullName).split(' ')[0] : '';
  return first || null;
}
