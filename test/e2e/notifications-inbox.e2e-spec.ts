import { Actor, bearer, createPractice, createStaff, http, PracticeWorld } from '../factories';
import { insertCouple } from '../factories/clinical';
import { createPortalClient } from '../factories/portal';
import { startTestApp, TestContext } from '../setup/test-app';
import { insertNotification, insertSession, NotificationSeed } from './notifications.world';

const INBOX = '/v1/me/notifications';

interface Item {
  id: string;
  reason: string;
  subject: { type: string; id: string };
  title: string;
  body: string;
  sentAt: string;
  readAt: string | null;
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe('in-app inbox (/v1/me/notifications)', () => {
  let ctx: TestContext;
  let a: PracticeWorld;
  let b: PracticeWorld;
  let clinician: Actor;
  let partnerA: { clientId: string; actor: Actor };
  let partnerB: { clientId: string; actor: Actor };
  let otherClient: { clientId: string; actor: Actor };
  /** Partner A's delivered in-app notifications, newest first. */
  let aIds: string[];
  let bIds: string[];
  let hiddenOfA: string[];
  let alertId: string;
  let sessionStartsAt: Date;

  beforeAll(async () => {
    ctx = await startTestApp();
    a = await createPractice(ctx, 'Willow Bend Therapy');
    b = await createPractice(ctx, 'Elsewhere Practice');
    clinician = await createStaff(ctx, a, 'clinician');
    partnerA = await createPortalClient(ctx, a.practiceId, a.admin.id, 'Avery Lindqvist');
    partnerB = await createPortalClient(ctx, a.practiceId, a.admin.id, 'Blake Lindqvist');
    await insertCouple(ctx, a.practiceId, a.admin.id, [
      { clientId: partnerA.clientId, role: 'injured' },
      { clientId: partnerB.clientId, role: 'involved' },
    ]);
    otherClient = await createPortalClient(ctx, b.practiceId, b.admin.id, 'Other Person');

    sessionStartsAt = new Date(`${new Date().getUTCFullYear() + 1}-07-14T19:00:00.000Z`);
    const sessionId = await insertSession(ctx, a.practiceId, clinician.id, partnerA.clientId, sessionStartsAt);
    const mine = (over: Omit<NotificationSeed, 'practiceId'>) => insertNotification(ctx, { ...over, practiceId: a.practiceId, recipientClientId: partnerA.clientId });
    aIds = [
      await mine({ reason: 'session_reminder', subjectType: 'session', subjectId: sessionId, scheduledFor: minutesAgo(1) }),
      await mine({ reason: 'homework_prompt', subjectType: 'homework_instance', scheduledFor: minutesAgo(10) }),
      await mine({ reason: 'check_in', scheduledFor: minutesAgo(20) }),
    ];
    hiddenOfA = [
      await mine({ state: 'pending', scheduledFor: new Date(Date.now() + 3_600_000) }),
      await mine({ state: 'cancelled', stateReason: 'completed', scheduledFor: minutesAgo(5) }),
      await mine({ state: 'skipped', stateReason: 'opted_out', scheduledFor: minutesAgo(5) }),
      await mine({ channel: 'email', scheduledFor: minutesAgo(5) }),
      await mine({ channel: 'webhook', scheduledFor: minutesAgo(5) }),
    ];
    bIds = [
      await insertNotification(ctx, { practiceId: a.practiceId, recipientClientId: partnerB.clientId, reason: 'check_in', scheduledFor: minutesAgo(2) }),
      await insertNotification(ctx, { practiceId: a.practiceId, recipientClientId: partnerB.clientId, reason: 'homework_due_soon', subjectType: 'homework_instance', scheduledFor: minutesAgo(3) }),
    ];
    alertId = await insertNotification(ctx, { practiceId: a.practiceId, recipientUserId: clinician.id, reason: 'clinician_alert', subjectType: 'check_in', scheduledFor: minutesAgo(1) });
    // The clinician's email copy of the alert is not in the inbox.
    await insertNotification(ctx, { practiceId: a.practiceId, recipientUserId: clinician.id, channel: 'email', reason: 'clinician_alert', subjectType: 'check_in', scheduledFor: minutesAgo(1) });
    await insertNotification(ctx, { practiceId: b.practiceId, recipientClientId: otherClient.clientId, reason: 'check_in', scheduledFor: minutesAgo(1) });
  });
  afterAll(() => ctx?.close());

  const list = (who: Actor, query: Record<string, string> = {}) => http(ctx).get(INBOX).query(query).set(...bearer(who));
  const readAtOf = async (id: string) => ((await ctx.db.query(`SELECT read_at FROM notifications WHERE id = $1`, [id]))[0] as { read_at: Date | null }).read_at;

  it('shows a portal client their own delivered in-app notifications only, newest first, rendered from ids', async () => {
    const res = await list(partnerA.actor).expect(200);
    const data = res.body.data as Item[];
    expect(data.map((d) => d.id)).toEqual(aIds);
    expect(res.body.nextCursor).toBeNull();
    for (const hidden of [...hiddenOfA, ...bIds, alertId]) expect(res.text).not.toContain(hidden);

    expect(data[0]).toEqual({
      id: aIds[0],
      reason: 'session_reminder',
      subject: { type: 'session', id: expect.any(String) },
      title: 'Reminder: your upcoming session',
      body: expect.stringContaining('Willow Bend Therapy on'),
      sentAt: expect.any(String),
      readAt: null,
    });
    expect(data[1].title).toBe('You have a new reflection from your therapist');
    expect(data[2].title).toBe('Time for your check-in');
    // No names in the inbox: not theirs, not their partner's.
    expect(res.text).not.toMatch(/Avery|Blake|Lindqvist/);
  });

  it('gives a session reminder the session’s time in the client’s zone', async () => {
    const res = await list(partnerA.actor).expect(200);
    expect((res.body.data as Item[])[0].body).toMatch(/14 July at 15:00 \(EDT\)/);
  });

  it('never shows partner A partner B’s notifications, nor B A’s', async () => {
    const resB = await list(partnerB.actor).expect(200);
    expect((resB.body.data as Item[]).map((d) => d.id)).toEqual(bIds);
    for (const id of [...aIds, ...hiddenOfA]) expect(resB.text).not.toContain(id);
  });

  it('pages with a cursor, without gaps or repeats', async () => {
    const first = await list(partnerA.actor, { limit: '2' }).expect(200);
    expect((first.body.data as Item[]).map((d) => d.id)).toEqual(aIds.slice(0, 2));
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await list(partnerA.actor, { limit: '2', cursor: first.body.nextCursor }).expect(200);
    expect((second.body.data as Item[]).map((d) => d.id)).toEqual(aIds.slice(2));
    expect(second.body.nextCursor).toBeNull();
  });

  it('pages in a fixed order when many arrived at the same instant', async () => {
    const p = await createPractice(ctx, 'Tie Practice');
    const c = await createPortalClient(ctx, p.practiceId, p.admin.id, 'Tie Person');
    const at = minutesAgo(3);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await insertNotification(ctx, { practiceId: p.practiceId, recipientClientId: c.clientId, scheduledFor: at }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: Item[]; nextCursor: string | null } } = await list(c.actor, cursor ? { limit: '3', cursor } : { limit: '3' }).expect(200);
      seen.push(...(res.body.data as Item[]).map((d) => d.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].sort().reverse());
  });

  it('marks one read (the first read time stays), and ?unread=true leaves it out', async () => {
    const res = await http(ctx).post(`${INBOX}/${aIds[1]}/read`).set(...bearer(partnerA.actor)).expect(200);
    expect(res.body).toMatchObject({ id: aIds[1], readAt: expect.any(String), title: expect.any(String) });
    const firstRead = res.body.readAt;
    const again = await http(ctx).post(`${INBOX}/${aIds[1]}/read`).set(...bearer(partnerA.actor)).expect(200);
    expect(again.body.readAt).toBe(firstRead);

    const unread = await list(partnerA.actor, { unread: 'true' }).expect(200);
    expect((unread.body.data as Item[]).map((d) => d.id)).toEqual([aIds[0], aIds[2]]);
    const all = await list(partnerA.actor, { unread: 'false' }).expect(200);
    expect((all.body.data as Item[]).map((d) => d.id)).toEqual(aIds);
  });

  it('answers 404 for anyone else’s notification, and for one that is not a delivered in-app message, changing nothing', async () => {
    const cases: Array<[Actor, string]> = [
      [partnerA.actor, bIds[0]], // the partner's
      [partnerB.actor, aIds[0]],
      [partnerA.actor, alertId], // a clinician's
      [clinician, aIds[0]], // a client's, even for their clinician
      [a.admin, aIds[0]],
      [otherClient.actor, aIds[0]], // another practice
      [b.admin, aIds[0]],
      ...hiddenOfA.map((id): [Actor, string] => [partnerA.actor, id]), // own, but pending/cancelled/skipped/email/webhook
    ];
    for (const [who, id] of cases) {
      const res = await http(ctx).post(`${INBOX}/${id}/read`).set(...bearer(who));
      expect({ id, status: res.status }).toEqual({ id, status: 404 });
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found', message: 'Notification not found' });
      expect(await readAtOf(id)).toBeNull();
    }
    await http(ctx).post(`${INBOX}/not-a-uuid/read`).set(...bearer(partnerA.actor)).expect(404);
  });

  it('marks all of one’s own read, and nobody else’s', async () => {
    const res = await http(ctx).post(`${INBOX}/read-all`).set(...bearer(partnerA.actor)).expect(200);
    expect(res.body).toEqual({ updated: 2 });
    for (const id of aIds) expect(await readAtOf(id)).not.toBeNull();
    for (const id of [...bIds, ...hiddenOfA, alertId]) expect(await readAtOf(id)).toBeNull();
    expect((await list(partnerA.actor, { unread: 'true' }).expect(200)).body.data).toEqual([]);
    expect((await http(ctx).post(`${INBOX}/read-all`).set(...bearer(partnerA.actor)).expect(200)).body).toEqual({ updated: 0 });
  });

  it('gives staff their own alerts: the clinician sees theirs, the admin and another practice nothing of it', async () => {
    const res = await list(clinician).expect(200);
    expect((res.body.data as Item[]).map((d) => d.id)).toEqual([alertId]);
    expect((res.body.data as Item[])[0]).toMatchObject({ reason: 'clinician_alert', title: 'A client needs your attention' });
    expect((await list(a.admin).expect(200)).body.data).toEqual([]);
    expect((await list(b.admin).expect(200)).body.data).toEqual([]);
    expect((await list(otherClient.actor).expect(200)).text).not.toContain(alertId);
    await http(ctx).post(`${INBOX}/${alertId}/read`).set(...bearer(clinician)).expect(200);
  });

  it.each([
    [{ unread: 'maybe' }, 'unread'],
    [{ unread: '1' }, 'unread'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ cursor: 'garbage' }, 'cursor'],
    [{ clientId: '6f1c1f0e-3c55-4d5e-9f55-1d2b9a7c0e11' }, 'clientId'],
  ])('refuses %j with 400 naming %s', async (query, field) => {
    const res = await list(partnerA.actor, query as Record<string, string>).expect(400);
    expect(res.body.message).toContain(`${field}:`);
  });

  it('answers 401 to anonymous callers on every inbox route', async () => {
    await http(ctx).get(INBOX).expect(401);
    await http(ctx).post(`${INBOX}/${aIds[0]}/read`).expect(401);
    await http(ctx).post(`${INBOX}/read-all`).expect(401);
  });

  it('answers 403 to a portal account whose client record is archived, changing nothing', async () => {
    const p = await createPortalClient(ctx, a.practiceId, a.admin.id, 'Archived Person');
    const id = await insertNotification(ctx, { practiceId: a.practiceId, recipientClientId: p.clientId });
    await ctx.db.query(`UPDATE clients SET status = 'archived', archived_at = now() WHERE id = $1`, [p.clientId]);
    expect((await list(p.actor).expect(403)).body.code).toBe('portal_unlinked');
    await http(ctx).post(`${INBOX}/${id}/read`).set(...bearer(p.actor)).expect(403);
    await http(ctx).post(`${INBOX}/read-all`).set(...bearer(p.actor)).expect(403);
    expect(await readAtOf(id)).toBeNull();
  });

  it('reads a page in one query whatever its size', async () => {
    const p = await createPractice(ctx, 'Busy Practice');
    const c = await createPortalClient(ctx, p.practiceId, p.admin.id, 'Busy Person');
    for (let i = 0; i < 30; i++) await insertNotification(ctx, { practiceId: p.practiceId, recipientClientId: c.clientId, reason: i % 2 ? 'session_reminder' : 'check_in', subjectType: i % 2 ? 'session' : 'check_in_schedule', scheduledFor: minutesAgo(i + 1) });
    const count = async (limit: string) => {
      const spy = jest.spyOn(ctx.db, 'query');
      try {
        const res = await list(c.actor, { limit }).expect(200);
        expect(res.body.data).toHaveLength(Number(limit));
        return spy.mock.calls.filter(([sql]) => /FROM notifications/.test(sql)).length;
      } finally {
        spy.mockRestore();
      }
    };
    expect(await count('2')).toBe(1);
    expect(await count('30')).toBe(1);
  });
});
