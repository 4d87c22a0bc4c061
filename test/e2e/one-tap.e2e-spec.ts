import { JwtService } from '@nestjs/jwt';
import { createHash, createHmac } from 'node:crypto';
import { JWT_AUDIENCE, JWT_ISSUER } from '../../src/common/auth/jwt.strategy';
import { GRANT_AUDIENCE } from '../../src/modules/one-tap/one-tap-grants';
import type { OneTapPurpose } from '../../src/modules/one-tap/one-tap-token.entity';
import { IssueOneTap, OneTapService } from '../../src/modules/one-tap/one-tap.service';
import { Actor, bearer, http } from '../factories';
import { insertClient } from '../factories/clinical';
import { startTestApp, TestContext } from '../setup/test-app';
import { insertPlan } from './check-ins.world';
import { buildSessionsWorld, SessionsWorld, slot } from './sessions.world';

const HOUR = 3_600_000;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('one-tap links (/v1/one-tap/*)', () => {
  let ctx: TestContext;
  let w: SessionsWorld;
  let scheduleId: string;
  let day = 30;
  let ipSeq = 0;

  beforeAll(async () => {
    // Behind a proxy, each test speaks from an address of its own, so failures stay under the limit.
    ctx = await startTestApp({ TRUST_PROXY: 'true', APP_BASE_URL: 'https://app.kintsugi.test/' });
    w = await buildSessionsWorld(ctx);
    const res = await http(ctx)
      .put(`/v1/clients/${w.partnerA.clientId}/check-in-schedule`)
      .set(...bearer(w.clinician))
      .send({ rrule: 'FREQ=DAILY', localTime: '20:00' })
      .expect(201);
    scheduleId = res.body.id;
  });
  afterAll(() => ctx?.close());

  const service = () => ctx.app.get(OneTapService);
  const issue = (r: { purpose: OneTapPurpose; subjectId: string; clientId?: string } & Partial<IssueOneTap>) =>
    service().issue(ctx.db.manager, { practiceId: w.practice.practiceId, clientId: w.partnerA.clientId, ...r });
  const nextIp = () => `203.0.113.${(ipSeq += 1)}`;
  const redeem = (token: unknown, ip = nextIp()) => http(ctx).post('/v1/one-tap/redeem').set('X-Forwarded-For', ip).send({ token });
  const preview = (token: unknown, ip = nextIp()) => http(ctx).post('/v1/one-tap/preview').set('X-Forwarded-For', ip).send({ token });
  const withGrant = (grant: string) => ['Authorization', `Bearer ${grant}`] as [string, string];
  const bookCouple = async (startsInHours?: number) => {
    const times =
      startsInHours === undefined
        ? slot((day += 1))
        : (() => {
            const s = new Date(Date.now() + startsInHours * HOUR);
            s.setUTCSeconds(0, 0);
            return { startsAt: s.toISOString(), endsAt: new Date(s.getTime() + 50 * 60_000).toISOString() };
          })();
    const res = await http(ctx).post('/v1/sessions').set(...bearer(w.clinician)).send({ kind: 'couple', coupleId: w.coupleId, ...times }).expect(201);
    return res.body as { id: string; startsAt: string; version: number };
  };
  const openCheckInGrant = async (clientId = w.partnerA.clientId) => {
    const { token } = await issue({ purpose: 'open_check_in', subjectId: scheduleId, clientId });
    return (await redeem(token).expect(200)).body.grant.token as string;
  };

  describe('issuing', () => {
    it('makes a 256-bit URL-safe token, keeps only its SHA-256, and links to the front end', async () => {
      const issued = await issue({ purpose: 'open_check_in', subjectId: scheduleId });
      expect(issued.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(issued.url).toBe(`https://app.kintsugi.test/t/${issued.token}`);
      const rows = await ctx.db.query(`SELECT * FROM one_tap_tokens WHERE id = $1`, [issued.id]);
      expect(rows).toHaveLength(1);
      expect(rows[0].token_hash).toBe(sha256(issued.token));
      expect(JSON.stringify(rows[0])).not.toContain(issued.token);
      expect(rows[0]).toMatchObject({ purpose: 'open_check_in', client_id: w.partnerA.clientId, subject_id: scheduleId, used_at: null });
      // Check-in links live a day.
      expect(Math.abs(issued.expiresAt.getTime() - (Date.now() + 24 * HOUR))).toBeLessThan(60_000);
    });

    it('a session link dies at the session’s start; no link outlives 14 days', async () => {
      const start = new Date(Date.now() + 5 * HOUR);
      expect((await issue({ purpose: 'confirm_session', subjectId: scheduleId, notAfter: start })).expiresAt).toEqual(start);
      const long = await issue({ purpose: 'open_homework', subjectId: scheduleId, ttlHours: 10_000 });
      expect(Math.abs(long.expiresAt.getTime() - (Date.now() + 14 * 24 * HOUR))).toBeLessThan(60_000);
    });

    it('refuses to issue for a client of another practice', async () => {
      const stranger = await insertClient(ctx, (await ctx.db.query(`SELECT practice_id FROM users WHERE id = $1`, [w.otherAdmin.id]))[0].practice_id, w.otherAdmin.id);
      await expect(issue({ purpose: 'open_check_in', subjectId: scheduleId, clientId: stranger })).rejects.toThrow();
    });

    it('linksForNotification: confirm and cancel for a session reminder (confirm no more once confirmed), open for a check-in reminder, none for staff', async () => {
      const session = await bookCouple();
      const n = { practiceId: w.practice.practiceId, recipientClientId: w.partnerA.clientId, reason: 'session_reminder', subjectType: 'session', subjectId: session.id } as const;
      const links = await service().linksForNotification(n);
      expect(Object.keys(links).sort()).toEqual(['cancel', 'confirm']);
      const confirm = links.confirm!.split('/t/')[1];
      const row = (await ctx.db.query(`SELECT purpose, expires_at FROM one_tap_tokens WHERE token_hash = $1`, [sha256(confirm)]))[0];
      expect(row.purpose).toBe('confirm_session');
      // A week at most, and never past the start.
      expect(Math.abs(row.expires_at.getTime() - (Date.now() + 7 * 24 * HOUR))).toBeLessThan(60_000);
      expect(row.expires_at.getTime()).toBeLessThanOrEqual(new Date(session.startsAt).getTime());
      const soon = await bookCouple(30);
      const soonLinks = await service().linksForNotification({ ...n, subjectId: soon.id });
      const soonRow = (await ctx.db.query(`SELECT expires_at FROM one_tap_tokens WHERE token_hash = $1`, [sha256(soonLinks.cancel!.split('/t/')[1])]))[0];
      expect(soonRow.expires_at.toISOString()).toBe(soon.startsAt);

      await redeem(confirm).expect(200);
      expect(Object.keys(await service().linksForNotification(n))).toEqual(['cancel']);

      const checkIn = await service().linksForNotification({ ...n, reason: 'check_in', subjectType: 'check_in_schedule', subjectId: scheduleId });
      expect(Object.keys(checkIn)).toEqual(['open']);
      expect(await service().linksForNotification({ ...n, recipientClientId: null })).toEqual({});
      // Partner B's schedule does not exist: no link for a schedule that is not theirs.
      expect(await service().linksForNotification({ ...n, recipientClientId: w.partnerB.clientId, reason: 'check_in', subjectType: 'check_in_schedule', subjectId: scheduleId })).toEqual({});

      await http(ctx).post(`/v1/sessions/${session.id}/status`).set(...bearer(w.clinician)).send({ status: 'cancelled' }).expect(200);
      expect(await service().linksForNotification(n)).toEqual({});
    });
  });

  describe('redeeming: single use, expiring, revealing nothing', () => {
    it('an unknown token: 404 that names nothing', async () => {
      const res = await redeem('A'.repeat(43)).expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, code: 'not_found', message: 'Link not found' });
    });

    it('a used token: 410; an expired one: the same 410', async () => {
      const used = await issue({ purpose: 'open_check_in', subjectId: scheduleId });
      await redeem(used.token).expect(200);
      const again = await redeem(used.token).expect(410);
      const expired = await issue({ purpose: 'open_check_in', subjectId: scheduleId });
      await ctx.db.query(`UPDATE one_tap_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [expired.id]);
      const late = await redeem(expired.token).expect(410);
      expect(late.body).toEqual(again.body);
      expect(late.body.code).toBe('link_expired_or_used');
      expect(JSON.stringify(late.body)).not.toMatch(/check.?in|session|client/i);
    });

    it('two redemptions racing: exactly one wins', async () => {
      const { token } = await issue({ purpose: 'open_check_in', subjectId: scheduleId });
      const results = await Promise.all([redeem(token), redeem(token), redeem(token)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 410, 410]);
    });

    it('a link of an archived client, or of a suspended practice, is as if it never existed (404)', async () => {
      const client = await insertClient(ctx, w.practice.practiceId, w.admin.id, { fullName: 'Arlo Archived' });
      const { token } = await issue({ purpose: 'open_check_in', subjectId: scheduleId, clientId: client });
      await ctx.db.query(`UPDATE clients SET status = 'archived' WHERE id = $1`, [client]);
      await redeem(token).expect(404);

      const otherPractice: string = (await ctx.db.query(`SELECT practice_id FROM users WHERE id = $1`, [w.otherAdmin.id]))[0].practice_id;
      const elsewhere = await insertClient(ctx, otherPractice, w.otherAdmin.id, { fullName: 'Sue Suspended' });
      const link = await service().issue(ctx.db.manager, { practiceId: otherPractice, clientId: elsewhere, purpose: 'open_check_in', subjectId: scheduleId });
      await ctx.db.query(`UPDATE practices SET status = 'suspended' WHERE id = $1`, [otherPractice]);
      try {
        await redeem(link.token).expect(404);
      } finally {
        await ctx.db.query(`UPDATE practices SET status = 'active' WHERE id = $1`, [otherPractice]);
      }
    });

    it('preview says what a link is for without spending it', async () => {
      const session = await bookCouple();
      const { token } = await issue({ purpose: 'cancel_session', subjectId: session.id, notAfter: new Date(session.startsAt) });
      const seen = await preview(token).expect(200);
      expect(seen.body).toMatchObject({ purpose: 'cancel_session', session: { id: session.id, startsAt: session.startsAt, status: 'scheduled', timezone: 'America/New_York' } });
      expect(seen.body.session.localStartsAt).toMatch(/-0[45]:00$/);
      expect((await ctx.db.query(`SELECT used_at FROM one_tap_tokens WHERE token_hash = $1`, [sha256(token)]))[0].used_at).toBeNull();
      await preview('nope').expect(404);
    });

    it.each([[{}], [{ token: '' }], [{ token: 42 }], [{ token: 'x'.repeat(201) }], [{ token: 'abc', extra: 1 }]])('%j → 400', async (body) => {
      const res = await http(ctx).post('/v1/one-tap/redeem').set('X-Forwarded-For', nextIp()).send(body).expect(400);
      expect(res.body.message).toMatch(/^(token|extra): /);
    });

    it('is audited with the practice and subject, never the token', async () => {
      const { token } = await issue({ purpose: 'open_check_in', subjectId: scheduleId });
      await redeem(token).expect(200);
      await ctx.flushAudit();
      const rows = await ctx.db.query(`SELECT * FROM audit_events WHERE action = 'one_tap.open_check_in' AND practice_id = $1`, [w.practice.practiceId]);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows[0]).toMatchObject({ outcome: 'allowed', resource_id: scheduleId });
      expect(JSON.stringify(await ctx.db.query(`SELECT * FROM audit_events`))).not.toContain(token);
    });
  });

  describe('open_check_in: a grant for one check-in, and nothing else', () => {
    it('redeeming gives a 30-minute grant of scope check_in', async () => {
      const { token } = await issue({ purpose: 'open_check_in', subjectId: scheduleId });
      const res = await redeem(token).expect(200);
      expect(res.body).toMatchObject({ purpose: 'open_check_in', outcome: 'opened', grant: { scope: 'check_in', token: expect.any(String) } });
      expect(Math.abs(new Date(res.body.grant.expiresAt).getTime() - (Date.now() + 30 * 60_000))).toBeLessThan(60_000);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('reads the form, submits one check-in for that client, and is then spent (410)', async () => {
      const grant = await openCheckInGrant();
      expect((await http(ctx).get('/v1/one-tap/check-in').set(...withGrant(grant)).expect(200)).body).toEqual({ readinessAsked: false });
      const res = await http(ctx).post('/v1/one-tap/check-in').set(...withGrant(grant)).send({ trust: 5, safety: 6, connection: 4, mood: 3, freeText: 'quiet day' }).expect(201);
      expect(res.body).toMatchObject({ trust: 5, freeText: 'quiet day', feelsUnsafe: false });
      const row = await ctx.db.query(`SELECT client_id, couple_id FROM check_ins WHERE id = $1`, [res.body.id]);
      expect(row).toEqual([{ client_id: w.partnerA.clientId, couple_id: w.coupleId }]);
      // The client sees it in their portal like any other.
      const mine = await http(ctx).get('/v1/me/check-ins').set(...bearer(w.partnerA.portal)).expect(200);
      expect(mine.body.data.map((c: { id: string }) => c.id)).toContain(res.body.id);

      const second = await http(ctx).post('/v1/one-tap/check-in').set(...withGrant(grant)).send({ trust: 1, safety: 1, connection: 1, mood: 1 }).expect(410);
      expect(second.body.code).toBe('already_submitted');
      await http(ctx).get('/v1/one-tap/check-in').set(...withGrant(grant)).expect(410);
    });

    it('bad input is refused (400 naming the field) and leaves the grant unspent', async () => {
      const grant = await openCheckInGrant();
      const res = await http(ctx).post('/v1/one-tap/check-in').set(...withGrant(grant)).send({ trust: 11, safety: 6, connection: 4, mood: 3 }).expect(400);
      expect(res.body.message).toMatch(/^trust: /);
      const refused = await http(ctx).post('/v1/one-tap/check-in').set(...withGrant(grant)).send({ trust: 5, safety: 6, connection: 4, mood: 3, forgivenessReadiness: 'ready' }).expect(422);
      expect(refused.body.code).toBe('readiness_not_asked_yet');
      await http(ctx).post('/v1/one-tap/check-in').set(...withGrant(grant)).send({ trust: 5, safety: 6, connection: 4, mood: 3 }).expect(201);
    });

    it('“I feel unsafe” through a link alerts the care team at once too', async () => {
      const grant = await openCheckInGrant();
      const res = await http(ctx).post('/v1/one-tap/check-in').set(...withGrant(grant)).send({ trust: 1, safety: 0, connection: 1, mood: 1, feelsUnsafe: true }).expect(201);
      const alerts: Array<{ recipient_user_id: string }> = await ctx.db.query(
        `SELECT DISTINCT recipient_user_id FROM notifications WHERE reason = 'clinician_alert' AND subject_id = $1`,
        [res.body.id],
      );
      expect(alerts.map((a) => a.recipient_user_id)).toEqual([w.clinician.id]);
    });

    it('the grant reaches no other endpoint: the portal, staff routes and the homework grant route all answer 401', async () => {
      const grant = await openCheckInGrant();
      const calls: Array<[string, string, object?]> = [
        ['get', '/v1/me'],
        ['get', '/v1/me/check-ins'],
        ['post', '/v1/me/check-ins', { trust: 5, safety: 5, connection: 5, mood: 3 }],
        ['get', '/v1/me/check-in-schedule'],
        ['get', '/v1/me/sessions'],
        ['get', '/v1/me/notifications'],
        ['get', '/v1/clients'],
        ['get', `/v1/clients/${w.partnerA.clientId}`],
        ['get', `/v1/clients/${w.partnerA.clientId}/check-in-schedule`],
        ['get', `/v1/check-ins?clientId=${w.partnerA.clientId}`],
        ['get', '/v1/sessions'],
        ['get', '/v1/one-tap/homework'],
        ['post', '/v1/one-tap/homework/submission', { answers: [] }],
      ];
      for (const [method, path, body] of calls) {
        const req = (method === 'get' ? http(ctx).get(path) : http(ctx).post(path)).set(...withGrant(grant));
        const res = body ? await req.send(body) : await req;
        expect({ path, status: res.status }).toEqual({ path, status: 401 });
      }
      // Still good for what it is for.
      await http(ctx).get('/v1/one-tap/check-in').set(...withGrant(grant)).expect(200);
    });

    it('the grant routes take nothing but a grant: none, a portal access token, a forged or expired grant → 401', async () => {
      const body = { trust: 5, safety: 5, connection: 5, mood: 3 };
      await http(ctx).post('/v1/one-tap/check-in').send(body).expect(401);
      await http(ctx).post('/v1/one-tap/check-in').set(...bearer(w.partnerA.portal as Actor)).send(body).expect(401);

      const jwt = new JwtService({});
      const claims = { sub: '00000000-0000-4000-8000-000000000000', pid: w.practice.practiceId, cid: w.partnerA.clientId, scope: 'check_in', subj: scheduleId };
      // Signed with the API's own key: not a grant.
      const withApiKey = await jwt.signAsync(claims, { secret: ctx.config.JWT_SECRET, issuer: JWT_ISSUER, audience: GRANT_AUDIENCE, expiresIn: 600 });
      await http(ctx).post('/v1/one-tap/check-in').set(...withGrant(withApiKey)).send(body).expect(401);
      // A real grant key, a token row that does not exist (or was never redeemed).
      const grantKey = createHmac('sha256', ctx.config.JWT_SECRET).update('kintsugi one-tap grant v1').digest('base64url');
      const noRow = await jwt.signAsync(claims, { secret: grantKey, issuer: JWT_ISSUER, audience: GRANT_AUDIENCE, expiresIn: 600 });
      await http(ctx).post('/v1/one-tap/check-in').set(...withGrant(noRow)).send(body).expect(401);
      // Expired.
      const { token } = await issue({ purpose: 'open_check_in', subjectId: scheduleId });
      await redeem(token).expect(200);
      const row = (await ctx.db.query(`SELECT id FROM one_tap_tokens WHERE token_hash = $1`, [sha256(token)]))[0];
      const expired = await jwt.signAsync({ ...claims, sub: row.id, exp: Math.floor(Date.now() / 1000) - 5 }, { secret: grantKey, issuer: JWT_ISSUER, audience: GRANT_AUDIENCE });
      await http(ctx).post('/v1/one-tap/check-in').set(...withGrant(expired)).send(body).expect(401);
      // Tampered: another client in the claims.
      const genuine = await openCheckInGrant();
      const [h, p, s] = genuine.split('.');
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
      const tampered = [h, Buffer.from(JSON.stringify({ ...payload, cid: w.partnerB.clientId })).toString('base64url'), s].join('.');
      await http(ctx).post('/v1/one-tap/check-in').set(...withGrant(tampered)).send(body).expect(401);
      // A grant in an access token's clothes: the API audience with the grant key.
      const asAccess = await jwt.signAsync({ sub: w.partnerA.portal.id, pid: w.practice.practiceId, sid: '00000000-0000-4000-8000-000000000000' }, { secret: grantKey, issuer: JWT_ISSUER, audience: JWT_AUDIENCE, expiresIn: 600 });
      await http(ctx).get('/v1/me').set(...withGrant(asAccess)).expect(401);
    });

    it('a grant dies with its client: archived, it answers 401', async () => {
      const client = await insertClient(ctx, w.practice.practiceId, w.admin.id, { fullName: 'Gale Gone' });
      const grant = await openCheckInGrant(client);
      await http(ctx).get('/v1/one-tap/check-in').set(...withGrant(grant)).expect(200);
      await ctx.db.query(`UPDATE clients SET status = 'archived' WHERE id = $1`, [client]);
      await http(ctx).get('/v1/one-tap/check-in').set(...withGrant(grant)).expect(401);
    });
  });

  describe('open_homework', () => {
    it('a link to an instance that is not open is spent on nothing: 410', async () => {
      const { token } = await issue({ purpose: 'open_homework', subjectId: '00000000-0000-4000-8000-000000000001' });
      await redeem(token).expect(410);
      expect((await ctx.db.query(`SELECT used_at FROM one_tap_tokens WHERE token_hash = $1`, [sha256(token)]))[0].used_at).toBeNull();
    });

    it('a check-in grant does not open homework (401)', async () => {
      const grant = await openCheckInGrant();
      await http(ctx).get('/v1/one-tap/homework').set(...withGrant(grant)).expect(401);
    });

    describe('through the homework module', () => {
      let instanceId: string;
      let otherInstanceId: string;
      beforeAll(async () => {
        // The individual client has no portal account: exactly whom a link serves.
        const planId = await insertPlan(ctx, w.practice.practiceId, w.clinician.id, { clientId: w.soloClientId }, 'active', { stabilization: 'active' });
        const assign = () =>
          http(ctx)
            .post('/v1/homework')
            .set(...bearer(w.clinician))
            .send({
              planId,
              stepKey: 'stabilization',
              title: 'One calm moment',
              instructions: 'Write about one calm moment this week.',
              kind: 'journal',
              questions: [{ key: 'q1', kind: 'text', prompt: 'What did you notice?' }],
              dueAt: new Date(Date.now() + 48 * HOUR).toISOString(),
            })
            .expect(201);
        instanceId = (await assign()).body.instances[0].id;
        otherInstanceId = (await assign()).body.instances[0].id;
      });
      const homeworkGrant = async (id = instanceId) => {
        const { token } = await issue({ purpose: 'open_homework', subjectId: id, clientId: w.soloClientId });
        const res = await redeem(token).expect(200);
        expect(res.body).toMatchObject({ purpose: 'open_homework', outcome: 'opened', homeworkInstanceId: id, grant: { scope: 'homework' } });
        return res.body.grant.token as string;
      };

      it('opens that one instance, takes one submission, and is then spent', async () => {
        const grant = await homeworkGrant();
        const seen = await http(ctx).get('/v1/one-tap/homework').set(...withGrant(grant)).expect(200);
        expect(JSON.stringify(seen.body)).toContain(instanceId);
        expect(JSON.stringify(seen.body)).not.toContain(otherInstanceId);
        const bad = await http(ctx).post('/v1/one-tap/homework/submission').set(...withGrant(grant)).send({ answers: 'nothing' }).expect(400);
        expect(bad.body.message).toMatch(/^answers: /);
        await http(ctx).post('/v1/one-tap/homework/submission').set(...withGrant(grant)).send({ answers: { q1: 'The walk on Sunday.' } }).expect(201);
        const rows = await ctx.db.query(`SELECT client_id FROM homework_submissions WHERE instance_id = $1`, [instanceId]);
        expect(rows).toEqual([{ client_id: w.soloClientId }]);
        const again = await http(ctx).post('/v1/one-tap/homework/submission').set(...withGrant(grant)).send({ answers: { q1: 'Again' } }).expect(410);
        expect(again.body.code).toBe('already_submitted');
        await ctx.flushAudit();
        const trail: Array<{ action: string }> = await ctx.db.query(
          `SELECT action FROM audit_events WHERE practice_id = $1 AND resource_id = $2 AND outcome = 'allowed' ORDER BY occurred_at`,
          [w.practice.practiceId, instanceId],
        );
        expect(trail.map((e) => e.action)).toEqual(expect.arrayContaining(['one_tap.open_homework', 'one_tap.homework.read', 'one_tap.homework.submit']));
      });

      it('a homework grant reaches neither the check-in grant routes nor the portal (401)', async () => {
        const grant = await homeworkGrant(otherInstanceId);
        await http(ctx).get('/v1/one-tap/check-in').set(...withGrant(grant)).expect(401);
        await http(ctx).post('/v1/one-tap/check-in').set(...withGrant(grant)).send({ trust: 5, safety: 5, connection: 5, mood: 3 }).expect(401);
        await http(ctx).get('/v1/me/homework').set(...withGrant(grant)).expect(401);
        await http(ctx).get(`/v1/homework/instances/${otherInstanceId}`).set(...withGrant(grant)).expect(401);
      });

      it('a link to an instance already answered, or someone else’s, opens nothing (410)', async () => {
        const { token } = await issue({ purpose: 'open_homework', subjectId: instanceId, clientId: w.soloClientId });
        await redeem(token).expect(410);
        const { token: notTheirs } = await issue({ purpose: 'open_homework', subjectId: otherInstanceId, clientId: w.partnerA.clientId });
        await redeem(notTheirs).expect(410);
      });
    });
  });

  describe('confirm_session and cancel_session: the link acts', () => {
    const sessionOf = async (id: string) => (await http(ctx).get(`/v1/sessions/${id}`).set(...bearer(w.clinician)).expect(200)).body;
    const pendingReminders = async (id: string) =>
      (await ctx.db.query(`SELECT count(*)::int AS n FROM notifications WHERE subject_id = $1 AND state = 'pending'`, [id]))[0].n as number;

    it('confirm records the participant’s confirmation; confirming again says so', async () => {
      const session = await bookCouple();
      const link = await issue({ purpose: 'confirm_session', subjectId: session.id, notAfter: new Date(session.startsAt) });
      const res = await redeem(link.token).expect(200);
      expect(res.body).toMatchObject({ purpose: 'confirm_session', outcome: 'confirmed', session: { id: session.id, status: 'scheduled', startsAt: session.startsAt } });
      const seen = await sessionOf(session.id);
      expect(seen.status).toBe('scheduled');
      expect(seen.confirmations).toEqual([{ clientId: w.partnerA.clientId, confirmedAt: expect.any(String) }]);
      expect(await pendingReminders(session.id)).toBeGreaterThan(0);

      const again = await issue({ purpose: 'confirm_session', subjectId: session.id, notAfter: new Date(session.startsAt) });
      expect((await redeem(again.token).expect(200)).body.outcome).toBe('already_confirmed');
      const partnerB = await issue({ purpose: 'confirm_session', subjectId: session.id, clientId: w.partnerB.clientId, notAfter: new Date(session.startsAt) });
      await redeem(partnerB.token).expect(200);
      expect((await sessionOf(session.id)).confirmations.map((c: { clientId: string }) => c.clientId)).toEqual([w.partnerA.clientId, w.partnerB.clientId].sort());
    });

    it('cancel days ahead: the session is cancelled by that participant, and its reminders with it', async () => {
      const session = await bookCouple();
      expect(await pendingReminders(session.id)).toBeGreaterThan(0);
      const link = await issue({ purpose: 'cancel_session', subjectId: session.id, clientId: w.partnerB.clientId, notAfter: new Date(session.startsAt) });
      const res = await redeem(link.token).expect(200);
      expect(res.body).toMatchObject({ purpose: 'cancel_session', outcome: 'cancelled', session: { status: 'cancelled' } });
      expect(await sessionOf(session.id)).toMatchObject({ status: 'cancelled', statusChangedBy: null, statusChangedByClientId: w.partnerB.clientId, version: session.version + 1 });
      expect(await pendingReminders(session.id)).toBe(0);
      // The other partner's own cancel link finds it done.
      const other = await issue({ purpose: 'cancel_session', subjectId: session.id, notAfter: new Date(session.startsAt) });
      expect((await redeem(other.token).expect(200)).body.outcome).toBe('already_cancelled');
      // Nothing left to confirm: 422, and the link is not spent.
      const confirm = await issue({ purpose: 'confirm_session', subjectId: session.id, notAfter: new Date(session.startsAt) });
      expect((await redeem(confirm.token).expect(422)).body.code).toBe('session_not_scheduled');
      expect((await ctx.db.query(`SELECT used_at FROM one_tap_tokens WHERE id = $1`, [confirm.id]))[0].used_at).toBeNull();
    });

    it('cancel inside 24 hours is a late cancellation (the practice’s rule)', async () => {
      const session = await bookCouple(10);
      const link = await issue({ purpose: 'cancel_session', subjectId: session.id, notAfter: new Date(session.startsAt) });
      expect((await redeem(link.token).expect(200)).body.outcome).toBe('late_cancelled');
      expect((await sessionOf(session.id)).status).toBe('late_cancelled');
    });

    it('a session link after the start has expired with it (410)', async () => {
      const session = await bookCouple(2);
      const link = await issue({ purpose: 'cancel_session', subjectId: session.id, notAfter: new Date(session.startsAt) });
      await ctx.db.query(`UPDATE clinical_sessions SET starts_at = now() - interval '5 minutes', ends_at = now() + interval '45 minutes' WHERE id = $1`, [session.id]);
      await ctx.db.query(`UPDATE one_tap_tokens SET expires_at = now() - interval '5 minutes' WHERE id = $1`, [link.id]);
      await redeem(link.token).expect(410);
      expect((await sessionOf(session.id)).status).toBe('scheduled');
    });
  });
});
