import { createHash } from 'node:crypto';
import { bearer, createStaff, http } from '../factories';
import { addToCareTeam } from '../factories/clinical';
import { startTestApp, TestContext } from '../setup/test-app';
import { buildSessionsWorld, SessionsWorld, slot } from './sessions.world';

describe('calendar feed', () => {
  let ctx: TestContext;
  let w: SessionsWorld;
  let coupleSession: string;
  let soloSession: string;
  let cancelledSession: string;

  beforeAll(async () => {
    ctx = await startTestApp();
    w = await buildSessionsWorld(ctx);
    const book = async (body: Record<string, unknown>) =>
      (await http(ctx).post('/v1/sessions').set(...bearer(w.clinician)).send(body).expect(201)).body.id as string;
    coupleSession = await book({ kind: 'couple', coupleId: w.coupleId, ...slot(2), location: 'Room 4' });
    soloSession = await book({ kind: 'individual', participantClientIds: [w.soloClientId], ...slot(3), telehealthUrl: 'https://meet.example.com/secret-room' });
    cancelledSession = await book({ kind: 'individual', participantClientIds: [w.partnerA.clientId], ...slot(4) });
    await http(ctx).post(`/v1/sessions/${cancelledSession}/status`).set(...bearer(w.clinician)).send({ status: 'cancelled' }).expect(200);
    // A note on the couple session: its text must never reach the feed.
    await http(ctx)
      .put(`/v1/sessions/${coupleSession}/note`)
      .set(...bearer(w.clinician))
      .send({ form: 'dap', sections: { data: 'NOTE-TEXT-MARKER', assessment: 'a', plan: 'p' } })
      .expect(201);
  });
  afterAll(() => ctx?.close());

  const fetchFeed = (path: string) => http(ctx).get(path).buffer(true).parse((res, cb) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    res.on('end', () => cb(null, text));
  });

  it('issues a secret URL once, keeps only its hash, and serves the clinician’s sessions without client names', async () => {
    const res = await http(ctx).post('/v1/me/calendar-feed').set(...bearer(w.clinician)).send({}).expect(201);
    expect(res.body.includeClientNames).toBe(false);
    expect(res.body.path).toMatch(/^\/v1\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    expect(res.body.url.endsWith(res.body.path)).toBe(true);
    const token = res.body.path.slice('/v1/calendar/'.length, -'.ics'.length);

    const stored = await ctx.db.query(`SELECT token_hash, include_client_names FROM calendar_feeds WHERE clinician_id = $1`, [w.clinician.id]);
    expect(stored).toEqual([{ token_hash: createHash('sha256').update(token).digest('hex'), include_client_names: false }]);
    expect(JSON.stringify(stored)).not.toContain(token);

    const feed = await fetchFeed(res.body.path).expect(200);
    expect(feed.headers['content-type']).toMatch(/^text\/calendar/);
    expect(feed.headers['cache-control']).toMatch(/no-store/);
    const ics: string = feed.body;
    expect(ics).toMatch(/^BEGIN:VCALENDAR/);
    expect(ics).toContain(`UID:${coupleSession}@kintsugi`);
    expect(ics).toContain(`UID:${soloSession}@kintsugi`);
    expect(ics).not.toContain(cancelledSession);
    expect(ics).toContain('SUMMARY:Couple session\r\n');
    expect(ics).toContain('SUMMARY:Individual session\r\n');
    expect(ics).toContain('LOCATION:Room 4');
    expect(ics).toContain('LOCATION:Telehealth');
    expect(ics).toContain('CLASS:PRIVATE');
    for (const secret of ['Avery', 'Blake', 'Quill', 'Sol', 'Oakes', 'NOTE-TEXT-MARKER', 'secret-room']) expect(ics).not.toContain(secret);

    // Status says it exists but never shows the URL again.
    const status = await http(ctx).get('/v1/me/calendar-feed').set(...bearer(w.clinician)).expect(200);
    expect(status.body).toEqual({ active: true, includeClientNames: false, issuedAt: expect.any(String) });
  });

  it('puts client names in titles only when the clinician opts in; rotating kills the old URL', async () => {
    const first = await http(ctx).post('/v1/me/calendar-feed').set(...bearer(w.clinician)).send({}).expect(201);
    const second = await http(ctx).post('/v1/me/calendar-feed').set(...bearer(w.clinician)).send({ includeClientNames: true }).expect(201);
    expect(second.body.path).not.toBe(first.body.path);
    await fetchFeed(first.body.path).expect(404);
    const ics: string = (await fetchFeed(second.body.path).expect(200)).body;
    expect(ics).toContain('SUMMARY:Couple session: Avery & Blake Quill');
    expect(ics).toContain('SUMMARY:Individual session: Sol Oakes');
    expect(ics).not.toContain('NOTE-TEXT-MARKER');

    const third = await http(ctx).post('/v1/me/calendar-feed').set(...bearer(w.clinician)).send({ includeClientNames: false }).expect(201);
    await fetchFeed(second.body.path).expect(404);
    expect((await fetchFeed(third.body.path).expect(200)).body).not.toContain('Avery');
  });

  it('shows each clinician only their own sessions', async () => {
    const colleague = await createStaff(ctx, w.practice, 'clinician');
    await addToCareTeam(ctx, w.practice.practiceId, colleague.id, { clientId: w.soloClientId });
    const own = (await http(ctx).post('/v1/sessions').set(...bearer(colleague)).send({ kind: 'individual', participantClientIds: [w.soloClientId], ...slot(5) }).expect(201)).body.id;
    const res = await http(ctx).post('/v1/me/calendar-feed').set(...bearer(colleague)).send({}).expect(201);
    const ics: string = (await fetchFeed(res.body.path).expect(200)).body;
    expect(ics).toContain(own);
    expect(ics).not.toContain(coupleSession);
    expect(ics).not.toContain(soloSession);
  });

  it('revokes: the URL answers 404, and a second revoke 404', async () => {
    const res = await http(ctx).post('/v1/me/calendar-feed').set(...bearer(w.clinician)).send({}).expect(201);
    await http(ctx).delete('/v1/me/calendar-feed').set(...bearer(w.clinician)).expect(204);
    await fetchFeed(res.body.path).expect(404);
    await http(ctx).delete('/v1/me/calendar-feed').set(...bearer(w.clinician)).expect(404);
    expect((await http(ctx).get('/v1/me/calendar-feed').set(...bearer(w.clinician)).expect(200)).body).toEqual({ active: false, includeClientNames: null, issuedAt: null });
    expect(await ctx.db.query(`SELECT 1 FROM calendar_feeds WHERE clinician_id = $1`, [w.clinician.id])).toEqual([]);
  });

  it('stops serving when the clinician is deactivated', async () => {
    const leaving = await createStaff(ctx, w.practice, 'clinician');
    const res = await http(ctx).post('/v1/me/calendar-feed').set(...bearer(leaving)).send({}).expect(201);
    await fetchFeed(res.body.path).expect(200);
    await http(ctx).patch(`/v1/users/${leaving.id}`).set(...bearer(w.admin)).send({ status: 'deactivated' }).expect(200);
    await fetchFeed(res.body.path).expect(404);
  });

  it('answers 404 for unknown and malformed tokens', async () => {
    await fetchFeed(`/v1/calendar/${'A'.repeat(43)}.ics`).expect(404);
    await fetchFeed('/v1/calendar/short.ics').expect(404);
    await fetchFeed('/v1/calendar/whatever').expect(404);
  });

  it('is for clinicians: admins and portal accounts 403, anonymous 401, bad input 400 naming the field', async () => {
    for (const actor of [w.admin, w.partnerA.portal, w.partnerB.portal]) {
      await http(ctx).post('/v1/me/calendar-feed').set(...bearer(actor)).send({}).expect(403);
      await http(ctx).get('/v1/me/calendar-feed').set(...bearer(actor)).expect(403);
      await http(ctx).delete('/v1/me/calendar-feed').set(...bearer(actor)).expect(403);
    }
    await http(ctx).post('/v1/me/calendar-feed').send({}).expect(401);
    await http(ctx).get('/v1/me/calendar-feed').expect(401);
    await http(ctx).delete('/v1/me/calendar-feed').expect(401);
    const bad = await http(ctx).post('/v1/me/calendar-feed').set(...bearer(w.clinician)).send({ includeClientNames: 'yes' }).expect(400);
    expect(bad.body.message).toMatch(/^includeClientNames: /);
    // Another practice's admin cannot reach this practice's feed rows either.
    expect(await ctx.db.query(`SELECT 1 FROM calendar_feeds WHERE practice_id = $1`, [w.otherAdmin.practiceId])).toEqual([]);
  });

  it('records feed reads in the audit trail without the token', async () => {
    const res = await http(ctx).post('/v1/me/calendar-feed').set(...bearer(w.clinician)).send({}).expect(201);
    await fetchFeed(res.body.path).expect(200);
    await ctx.flushAudit();
    const rows = await ctx.db.query(
      `SELECT action, resource_id, outcome FROM audit_events WHERE practice_id = $1 AND action LIKE 'calendar_feed.%' ORDER BY id`,
      [w.practice.practiceId],
    );
    expect(rows).toEqual(expect.arrayContaining([{ action: 'calendar_feed.read', resource_id: w.clinician.id, outcome: 'allowed' }, { action: 'calendar_feed.rotate', resource_id: null, outcome: 'allowed' }]));
    const token = res.body.path.slice('/v1/calendar/'.length, -'.ics'.length);
    const leaked = await ctx.db.query(`SELECT count(*) AS n FROM audit_events WHERE resource_id = $1 OR reason = $1`, [token]);
    expect(Number(leaked[0].n)).toBe(0);
  });
});
