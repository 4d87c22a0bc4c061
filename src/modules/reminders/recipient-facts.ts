import type { EntityManager } from 'typeorm';
import type { ReminderPreferences } from '../clients/client.entity';
import type { Channel } from '../notifications/notification.entity';
import { DEFAULT_PRACTICE_SETTINGS, PracticeSettings } from '../practices/practice.entity';
import type { RecipientFacts } from './planning';

/** Staff are reached in their inbox and by email; webhooks are how a practice reaches clients. */
export const STAFF_CHANNELS: readonly Channel[] = ['email', 'in_app'];

export interface RecipientRef {
  practiceId: string;
  kind: 'client' | 'user';
  id: string;
}

export const recipientRefKey = (r: RecipientRef) => `${r.practiceId}:${r.kind}:${r.id}`;

export interface ClientFactsRow {
  id: string;
  practiceId: string;
  timezone: string;
  active: boolean;
  hasEmail: boolean;
  hasInbox: boolean;
  hasWebhook: boolean;
  prefs: ReminderPreferences | null;
  settings: Partial<PracticeSettings> | null;
}

export interface UserFactsRow {
  id: string;
  practiceId: string;
  timezone: string;
  active: boolean;
  hasEmail: boolean;
  settings: Partial<PracticeSettings> | null;
}

/**
 * The facts of a client recipient, for the rows `where` selects (`c` is the client). A suspended
 * practice sends nothing: its recipients count as inactive. Shared by planning (in bulk) and by
 * the deliver processor (one row, in its locking query).
 */
export function clientFactsSql(from: string, where: string): string {
  return `
  SELECT c.id, c.practice_id AS "practiceId", c.timezone,
         (c.status = 'active' AND p.status = 'active') AS active,
         (NULLIF(btrim(c.email), '') IS NOT NULL) AS "hasEmail",
         (u.id IS NOT NULL AND u.status = 'active') AS "hasInbox",
         EXISTS (SELECT 1 FROM webhook_endpoints w WHERE w.practice_id = c.practice_id AND w.active) AS "hasWebhook",
         c.reminder_preferences AS prefs, p.settings
    FROM ${from}
    JOIN practices p ON p.id = c.practice_id
    LEFT JOIN users u ON u.id = c.portal_user_id AND u.practice_id = c.practice_id
   WHERE ${where}`;
}

/** The facts of a staff recipient (`u` is the user); staff are reached in the practice's zone. */
export function userFactsSql(from: string, where: string): string {
  return `
  SELECT u.id, u.practice_id AS "practiceId", p.timezone,
         (u.status = 'active' AND p.status = 'active') AS active,
         (NULLIF(btrim(u.email), '') IS NOT NULL) AS "hasEmail",
         p.settings
    FROM ${from}
    JOIN practices p ON p.id = u.practice_id
   WHERE ${where}`;
}

const CLIENTS_SQL = clientFactsSql(
  'unnest($1::uuid[], $2::uuid[]) AS k(practice_id, id) JOIN clients c ON c.id = k.id AND c.practice_id = k.practice_id',
  'true',
);
const USERS_SQL = userFactsSql('unnest($1::uuid[], $2::uuid[]) AS k(practice_id, id) JOIN users u ON u.id = k.id AND u.practice_id = k.practice_id', 'true');

function practiceDefaults(settings: Partial<PracticeSettings> | null) {
  return {
    channels: (settings?.defaultReminderChannels ?? DEFAULT_PRACTICE_SETTINGS.defaultReminderChannels) as Channel[],
    quietHours: settings?.quietHours === undefined ? DEFAULT_PRACTICE_SETTINGS.quietHours : settings.quietHours,
  };
}

export function clientFacts(row: ClientFactsRow): RecipientFacts {
  const defaults = practiceDefaults(row.settings);
  const own = row.prefs?.channels ?? null;
  return {
    timezone: row.timezone,
    quietHours: row.prefs?.quietHours ?? defaults.quietHours,
    accepted: own ?? defaults.channels,
    ownPreference: own !== null,
    practiceDefault: defaults.channels,
    active: row.active,
    hasEmail: row.hasEmail,
    hasInbox: row.hasInbox,
    hasWebhook: row.hasWebhook,
  };
}

export function userFacts(row: UserFactsRow): RecipientFacts {
  const defaults = practiceDefaults(row.settings);
  return {
    timezone: row.timezone,
    quietHours: defaults.quietHours,
    accepted: STAFF_CHANNELS,
    ownPreference: false,
    practiceDefault: STAFF_CHANNELS,
    active: row.active,
    hasEmail: row.hasEmail,
    hasInbox: row.active,
    hasWebhook: false,
  };
}

/**
 * The facts about every recipient, in two queries whatever their number. Each lookup is scoped
 * by the reminder's practice id: a recipient id of another practice is simply not found.
 */
export async function loadRecipientFacts(manager: EntityManager, refs: RecipientRef[]): Promise<Map<string, RecipientFacts>> {
  const out = new Map<string, RecipientFacts>();
  const unique = [...new Map(refs.map((r) => [recipientRefKey(r), r])).values()];
  const clients = unique.filter((r) => r.kind === 'client');
  const users = unique.filter((r) => r.kind === 'user');
  if (clients.length) {
    const rows: ClientFactsRow[] = await manager.query(CLIENTS_SQL, [clients.map((r) => r.practiceId), clients.map((r) => r.id)]);
    for (const row of rows) out.set(recipientRefKey({ practiceId: row.practiceId, kind: 'client', id: row.id }), clientFacts(row));
  }
  if (users.length) {
    const rows: UserFactsRow[] = await manager.query(USERS_SQL, [users.map((r) => r.practiceId), users.map((r) => r.id)]);
    for (const row of rows) out.set(recipientRefKey({ practiceId: row.practiceId, kind: 'user', id: row.id }), userFacts(row));
  }
  return out;
}
