import { Actor, bearer, createPractice, createStaff, http, PracticeWorld, uniqueEmail } from '../factories';
import { insertClient } from '../factories/clinical';
import { createPortalClient } from '../factories/portal';
import { startTestApp, TestContext } from '../setup/test-app';
import { insertNotification } from './notifications.world';

const LOG = '/v1/notifications';

interface Entry {
  id: string;
  reason: string;
  channel: string;
  state: string;
  stateReason: string | null;
  attempts: number;
  recipient: { clientId: string | null; userId: string | null };
  subject: { type: string; id: string };
  scheduledFor: string;
  plannedFor: string;
  sentAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const at = (iso: string) => new Date(iso);

describe('delivery log (/v1/notifications)', () => {
  let ctx: TestContext;
  let a: PracticeWorld;
  let b: PracticeWorld;
  let clinician: Actor;
  let portal: Actor;
  let clientId: string;
  let otherClientId: string;
  let clientEmail: string;
  /** Every row of practice A, by a label. */
  const rows: Record<string, string> = {};
  let bRow: string;

  beforeAll(async () => {
    ctx = await startTestApp();
    a = await createPractice(ctx, 'Log Practice');
    b = await createPractice(ctx, 'Other Log Practice');
    clinician = await createStaff(ctx, a, 'clinician');
    const p = await createPortalClient(ctx, a.practiceId, a.admin.id, 'Marisol Okonkwo-Hale');
    portal = p.actor;
    clientId = p.clientId;
    clientEmail = portal.email;
    otherClientId = await insertClient(ctx, a.practiceId, a.admin.id, { fullName: 'Tobias Ferreira-Lund', email: uniqueEmail('tobias') });

    const base = { practiceId: a.practiceId };
    rows.sentEmail = await insertNotification(ctx, {
      ...base, recipientClientId: clientId, channel: 'email', reason: 'check_in', state: 'sent',
      scheduledFor: at('2030-03-01T10:00:00.000Z'), plannedFor: at('2030-03-01T02:00:00.000Z'), providerId: '<kt-abc@kintsugi.local>',
    });
    rows.failedWebhook = await insertNotification(ctx, {
      ...base, recipientClientId: clientId, channel: 'webhook', reason: 'homework_prompt', subjectType: 'homework_instance', state: 'failed',
      stateReason: 'retries_exhausted', attempts: 5, lastError: `SMTP 550 <${clientEmail}> Marisol Okonkwo-Hale unknown`,
      scheduledFor: at('2030-03-02T10:00:00.000Z'),
    });
    rows.skippedEmail = await insertNotification(ctx, {
      ...base, recipientClientId: otherClientId, channel: 'email', reason: 'homework_due_soon', subjectType: 'homework_instance', state: 'skipped',
      stateReason: 'no_email_address', scheduledFor: at('2030-03-03T10:00:00.000Z'),
    });
    rows.pendingInApp = await insertNotification(ctx, {
      ...base, recipientClientId: otherClientId, channel: 'in_app', reason: 'session_reminder', subjectType: 'session', state: 'pending',
      scheduledFor: at('2030-03-04T10:00:00.000Z'),
    });
    rows.cancelledInApp = await insertNotification(ctx, {
      ...base, recipientClientId: clientId, channel: 'in_app', reason: 'homework_prompt', subjectType: 'homework_instance', state: 'cancelled',
      stateReason: 'completed', scheduledFor: at('2030-03-05T10:00:00.000Z'),
    });
    rows.alert = await insertNotification(ctx, {
      ...base, recipientUserId: clinician.id, channel: 'in_app', reason: 'clinician_alert', subjectType: 'check_in', state: 'sent',
      scheduledFor: at('2030-03-06T10:00:00.000Z'),
    });
    await ctx.db.query(
      `INSERT INTO notification_deliveries (notification_id, practice_id, channel, claimed_at, claimed_by, delivered_at, provider_id)
       VALUES ($1, $2, 'email', '2030-03-01T10:00:00.100Z', 'worker-host:123', '2030-03-01T10:00:00.900Z', '<kt-abc@kintsugi.local>')`,
      [rows.sentEmail, a.practiceId],
    );
    bRow = await insertNotification(ctx, { practiceId: b.practiceId, recipientClientId: await insertClient(ctx, b.practiceId, b.admin.id), channel: 'email', scheduledFor: at('2030-03-07T10:00:00.000Z') });
  });
  afterAll(() => ctx?.close());

  const list = (query: Record<string, string> = {}, who: Actor = a.admin) => http(ctx).get(LOG).query(query).set(...bearer(who));
  const ids = (res: { body: { data: Entry[] } }) => res.body.data.map((e) => e.id);

  it('lists the practice’s notifications, latest scheduled first: ids, states, attempts and times; no message, no name, no address, no error text', async () => {
    const res = await list().expect(200);
    expect(ids(res)).toEqual([rows.alert, rows.cancelledInApp, rows.pendingInApp, rows.skippedEmail, rows.failedWebhook, rows.sentEmail]);
    expect(res.body.nextCursor).toBeNull();
    const failed = (res.body.data as Entry[]).find((e) => e.id === rows.failedWebhook)!;
    expect(failed).toEqual({
      id: rows.failedWebhook,
      reason: 'homework_prompt',
      channel: 'webhook',
      state: 'failed',
      stateReason: 'retries_exhausted',
      attempts: 5,
      recipient: { clientId, userId: null },
      subject: { type: 'homework_instance', id: expect.any(String) },
      scheduledFor: '2030-03-02T10:00:00.000Z',
      plannedFor: '2030-03-02T10:00:00.000Z',
      sentAt: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const sent = (res.body.data as Entry[]).find((e) => e.id === rows.sentEmail)!;
    expect(sent).toMatchObject({ plannedFor: '2030-03-01T02:00:00.000Z', scheduledFor: '2030-03-01T10:00:00.000Z', sentAt: '2030-03-01T10:00:00.000Z' });
    expect(res.text).not.toMatch(/Marisol|Okonkwo|Tobias|Ferreira|SMTP|550|unknown/);
    expect(res.text).not.toContain(clientEmail);
    expect(res.text).not.toContain(bRow);
    expect(res.text).not.toMatch(/title|body|text|lastError/);
  });

  it.each([
    ['state', 'failed', ['failedWebhook']],
    ['state', 'sent', ['alert', 'sentEmail']],
    ['channel', 'email', ['skippedEmail', 'sentEmail']],
    ['channel', 'in_app', ['alert', 'cancelledInApp', 'pendingInApp']],
    ['reason', 'homework_prompt', ['cancelledInApp', 'failedWebhook']],
    ['reason', 'clinician_alert', ['alert']],
  ])('filters on %s=%s', async (field, value, expected) => {
    const res = await list({ [field]: value }).expect(200);
    expect(ids(res)).toEqual(expected.map((k) => rows[k]));
  });

  it('filters on the recipient, on scheduled time (from inclusive, to exclusive), and on several at once', async () => {
    expect(ids(await list({ recipientClientId: otherClientId }).expect(200))).toEqual([rows.pendingInApp, rows.skippedEmail]);
    expect(ids(await list({ recipientUserId: clinician.id }).expect(200))).toEqual([rows.alert]);
    expect(ids(await list({ from: '2030-03-02T10:00:00.000Z', to: '2030-03-04T10:00:00.000Z' }).expect(200))).toEqual([rows.skippedEmail, rows.failedWebhook]);
    expect(ids(await list({ recipientClientId: clientId, channel: 'in_app', state: 'cancelled' }).expect(200))).toEqual([rows.cancelledInApp]);
    // Another practice's client id filters to nothing, never to their rows.
    const theirs = (await ctx.db.query(`SELECT recipient_client_id FROM notifications WHERE id = $1`, [bRow]))[0].recipient_client_id;
    expect((await list({ recipientClientId: theirs }).expect(200)).body.data).toEqual([]);
  });

  it('pages with a cursor in a fixed order, also through rows scheduled at the same instant', async () => {
    const p = await createPractice(ctx, 'Paging Practice');
    const c = await insertClient(ctx, p.practiceId, p.admin.id);
    const same = at('2030-05-05T05:05:05.005Z');
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push(await insertNotification(ctx, { practiceId: p.practiceId, recipientClientId: c, scheduledFor: same }));
    made.push(await insertNotification(ctx, { practiceId: p.practiceId, recipientClientId: c, scheduledFor: at('2030-05-01T00:00:00.000Z') }));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { data: Entry[]; nextCursor: string | null } } = await list(cursor ? { limit: '2', cursor } : { limit: '2' }, p.admin).expect(200);
      seen.push(...ids(res));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...made.slice(0, 5).sort().reverse(), made[5]]);
  });

  it('shows one entry with its delivery ledger (and no error text)', async () => {
    const res = await http(ctx).get(`${LOG}/${rows.sentEmail}`).set(...bearer(a.admin)).expect(200);
    expect(res.body).toMatchObject({
      id: rows.sentEmail,
      state: 'sent',
      providerId: '<kt-abc@kintsugi.local>',
      delivery: { claimedAt: '2030-03-01T10:00:00.100Z', deliveredAt: '2030-03-01T10:00:00.900Z', providerId: '<kt-abc@kintsugi.local>' },
    });
    expect(res.text).not.toContain('worker-host');
    const failed = await http(ctx).get(`${LOG}/${rows.failedWebhook}`).set(...bearer(a.admin)).expect(200);
    expect(failed.body).toMatchObject({ state: 'failed', attempts: 5, delivery: null, providerId: null });
    expect(failed.text).not.toMatch(/SMTP|Marisol|550/);
    expect(failed.text).not.toContain(clientEmail);
  });

  it('keeps each practice’s log to itself: another practice’s admin gets 404 for an entry and never sees it in a list', async () => {
    const res = await http(ctx).get(`${LOG}/${rows.sentEmail}`).set(...bearer(b.admin)).expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, message: 'Notification not found' });
    const theirs = await list({}, b.admin).expect(200);
    expect(ids(theirs)).toEqual([bRow]);
    await http(ctx).get(`${LOG}/${bRow}`).set(...bearer(a.admin)).expect(404);
    await http(ctx).get(`${LOG}/not-a-uuid`).set(...bearer(a.admin)).expect(404);
    await http(ctx).get(`${LOG}/00000000-0000-4000-8000-000000000000`).set(...bearer(a.admin)).expect(404);
  });

  it('refuses clinicians and portal clients (403) and anonymous callers (401)', async () => {
    for (const who of [clinician, portal]) {
      expect((await list({}, who).expect(403)).body).toMatchObject({ statusCode: 403, code: 'forbidden' });
      await http(ctx).get(`${LOG}/${rows.alert}`).set(...bearer(who)).expect(403);
    }
    await http(ctx).get(LOG).expect(401);
    await http(ctx).get(`${LOG}/${rows.alert}`).expect(401);
  });

  it.each([
    [{ state: 'delivered' }, 'state'],
    [{ channel: 'sms' }, 'channel'],
    [{ reason: 'birthday' }, 'reason'],
    [{ recipientClientId: 'abc' }, 'recipientClientId'],
    [{ recipientUserId: '123' }, 'recipientUserId'],
    [{ from: 'yesterday' }, 'from'],
    [{ to: '2030-13-01' }, 'to'],
    [{ from: '2030-03-05T00:00:00Z', to: '2030-03-01T00:00:00Z' }, 'to'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '500' }, 'limit'],
    [{ cursor: 'nope' }, 'cursor'],
    [{ practiceId: '00000000-0000-4000-8000-000000000000' }, 'practiceId'],
  ])('refuses %j with 400 naming %s', async (query, field) => {
    const res = await list(query as Record<string, string>).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(res.body.message).toContain(`${field}:`);
  });

  it('audits who read the log', async () => {
    await ctx.flushAudit();
    const events: Array<{ action: string; outcome: string }> = await ctx.db.query(
      `SELECT action, outcome FROM audit_events WHERE practice_id = $1 AND resource_type = 'notification'`,
      [a.practiceId],
    );
    expect(events).toEqual(expect.arrayContaining([
      { action: 'notification.list', outcome: 'allowed' },
      { action: 'notification.read', outcome: 'allowed' },
      { action: 'notification.list', outcome: 'denied' },
    ]));
  });
});
