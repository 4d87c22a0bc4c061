import { Actor, bearer, createPractice, createStaff, http, PASSWORD, PracticeWorld, uniqueEmail } from '../factories';
import { addToCareTeam, insertClient, insertCouple } from '../factories/clinical';
import { inviteAndAcceptPortal } from '../factories/client-portal';
import { startTestApp, TestContext } from '../setup/test-app';

describe('client portal: invitation, /v1/me/client, /v1/me/preferences', () => {
  let ctx: TestContext;
  let A: PracticeWorld;
  let B: PracticeWorld;
  let clinician: Actor;
  let unassigned: Actor;

  const accept = (token: string) => http(ctx).post('/v1/auth/invitations/accept').send({ token, password: PASSWORD });
  const clientRow = async (id: string) => (await ctx.db.query('SELECT row_to_json(c) AS r FROM clients c WHERE id = $1', [id]))[0].r;
  const userCount = async () => (await ctx.db.query('SELECT count(*)::int AS n FROM users'))[0].n as number;

  beforeAll(async () => {
    ctx = await startTestApp();
    A = await createPractice(ctx, 'Harbour Practice');
    B = await createPractice(ctx, 'Other Practice');
    clinician = await createStaff(ctx, A, 'clinician');
    unassigned = await createStaff(ctx, A, 'clinician');
  });
  afterAll(() => ctx?.close());

  describe('invite', () => {
    it('emails a single-use link over SMTP; accepting it opens the client’s own portal only', async () => {
      const email = uniqueEmail('portal');
      const created = await http(ctx)
        .post('/v1/clients')
        .set(...bearer(clinician))
        .send({ fullName: 'Marguerite Duval', preferredName: 'Margot', email, timezone: 'Europe/Paris' })
        .expect(201);
      const id = created.body.id as string;

      const invited = await http(ctx).post(`/v1/clients/${id}/invite`).set(...bearer(clinician)).expect(200);
      expect(invited.body).toMatchObject({ id, portalStatus: 'invited', careTeam: [clinician.id] });

      const mail = await ctx.mail.waitFor(email);
      expect(mail.subject).toContain('Harbour Practice');
      expect(mail.text).toContain('/accept-invitation?token=');
      expect(mail.text).not.toContain('Marguerite');
      const token = await ctx.mail.tokenFor(email);

      const [user] = await ctx.db.query(
        `SELECT u.id, u.role, u.status, u.email, u.practice_id FROM users u JOIN clients c ON c.portal_user_id = u.id WHERE c.id = $1`,
        [id],
      );
      expect(user).toMatchObject({ role: 'client', status: 'invited', email, practice_id: A.practiceId });
      const tokens = await ctx.db.query(`SELECT token_hash, used_at, expires_at FROM user_tokens WHERE user_id = $1 AND purpose = 'invitation'`, [user.id]);
      expect(tokens).toHaveLength(1);
      expect(tokens[0].token_hash).not.toContain(token);
      expect(tokens[0].used_at).toBeNull();
      expect(new Date(tokens[0].expires_at).getTime()).toBeGreaterThan(Date.now());

      const accepted = await accept(token).expect(200);
      const portal = { accessToken: accepted.body.accessToken as string };
      await accept(token).expect(401); // single use

      const me = await http(ctx).get('/v1/me').set(...bearer(portal)).expect(200);
      expect(me.body).toMatchObject({ id: user.id, role: 'client', status: 'active' });

      const own = await http(ctx).get('/v1/me/client').set(...bearer(portal)).expect(200);
      expect(own.body).toEqual({
        id,
        fullName: 'Marguerite Duval',
        preferredName: 'Margot',
        pronouns: null,
        timezone: 'Europe/Paris',
        reminderPreferences: { channels: null, quietHours: null },
      });

      const staffView = await http(ctx).get(`/v1/clients/${id}`).set(...bearer(clinician)).expect(200);
      expect(staffView.body.portalStatus).toBe('active');

      for (const [method, path] of [
        ['get', '/v1/clients'],
        ['get', `/v1/clients/${id}`],
        ['post', '/v1/clients'],
        ['patch', `/v1/clients/${id}`],
        ['post', `/v1/clients/${id}/invite`],
        ['post', `/v1/clients/${id}/archive`],
        ['get', `/v1/clients/${id}/care-team`],
        ['post', `/v1/clients/${id}/care-team`],
        ['get', '/v1/users'],
        ['post', '/v1/users'],
        ['get', `/v1/users/${user.id}`],
        ['get', '/v1/practice'],
        ['patch', '/v1/practice'],
        ['get', '/v1/audit-events'],
      ] as const) {
        const res = await http(ctx)[method](path).set(...bearer(portal)).send({});
        expect({ path, method, status: res.status }).toEqual({ path, method, status: 403 });
      }
    });

    it('re-inviting resends a fresh link and the previous one stops working', async () => {
      const email = uniqueEmail('reinvite');
      const id = await insertClient(ctx, A.practiceId, A.admin.id, { fullName: 'Twice Invited', email });
      await http(ctx).post(`/v1/clients/${id}/invite`).set(...bearer(A.admin)).expect(200);
      const first = await ctx.mail.tokenFor(email);
      ctx.mail.clear();
      await http(ctx).post(`/v1/clients/${id}/invite`).set(...bearer(A.admin)).expect(200);
      const second = await ctx.mail.tokenFor(email);
      expect(second).not.toBe(first);
      const users = await ctx.db.query(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [email]);
      expect(users[0].n).toBe(1);
      await accept(first).expect(401);
      await accept(second).expect(200);
    });

    it('re-inviting after the contact email changed sends to the new address and moves the pending account', async () => {
      const oldEmail = uniqueEmail('old');
      const newEmail = uniqueEmail('new');
      const created = await http(ctx).post('/v1/clients').set(...bearer(A.admin)).send({ fullName: 'Moving Person', email: oldEmail }).expect(201);
      const id = created.body.id as string;
      await http(ctx).post(`/v1/clients/${id}/invite`).set(...bearer(A.admin)).expect(200);
      const oldToken = await ctx.mail.tokenFor(oldEmail);
      await http(ctx).patch(`/v1/clients/${id}`).set(...bearer(A.admin)).send({ version: 2, email: newEmail }).expect(200);
      await http(ctx).post(`/v1/clients/${id}/invite`).set(...bearer(A.admin)).expect(200);
      const newToken = await ctx.mail.tokenFor(newEmail);
      await accept(oldToken).expect(401);
      await accept(newToken).expect(200);
      const [user] = await ctx.db.query(`SELECT u.email FROM users u JOIN clients c ON c.portal_user_id = u.id WHERE c.id = $1`, [id]);
      expect(user.email).toBe(newEmail);
    });

    it('409 when the portal account is already active, and no mail is sent', async () => {
      const email = uniqueEmail('active');
      const id = await insertClient(ctx, A.practiceId, A.admin.id, { fullName: 'Already Active', email });
      await inviteAndAcceptPortal(ctx, A, id, email);
      ctx.mail.clear();
      const res = await http(ctx).post(`/v1/clients/${id}/invite`).set(...bearer(A.admin)).expect(409);
      expect(res.body).toMatchObject({ statusCode: 409, code: 'portal_active' });
      await new Promise((r) => setTimeout(r, 200));
      expect(ctx.mail.messages.filter((m) => m.to.includes(email))).toEqual([]);
    });

    it('409 when the portal account was deactivated; the staff view says so', async () => {
      const email = uniqueEmail('deact');
      const id = await insertClient(ctx, A.practiceId, A.admin.id, { fullName: 'Deactivated Portal', email });
      const portal = await inviteAndAcceptPortal(ctx, A, id, email);
      await http(ctx).patch(`/v1/users/${portal.id}`).set(...bearer(A.admin)).send({ status: 'deactivated' }).expect(200);
      const res = await http(ctx).post(`/v1/clients/${id}/invite`).set(...bearer(A.admin)).expect(409);
      expect(res.body.code).toBe('portal_deactivated');
      expect((await http(ctx).get(`/v1/clients/${id}`).set(...bearer(A.admin)).expect(200)).body.portalStatus).toBe('deactivated');
      await http(ctx).get('/v1/me/client').set(...bearer(portal)).expect(401);
    });

    it('409 when the email belongs to another account, and nothing is created', async () => {
      const id = await insertClient(ctx, A.practiceId, A.admin.id, { fullName: 'Shares Staff Email', email: clinician.email });
      const idB = await insertClient(ctx, A.practiceId, A.admin.id, { fullName: 'Shares Other Practice Email', email: B.admin.email });
      const before = await userCount();
      for (const clientId of [id, idB]) {
        const res = await http(ctx).post(`/v1/clients/${clientId}/invite`).set(...bearer(A.admin)).expect(409);
        expect(res.body).toMatchObject({ code: 'email_taken' });
        expect(res.body.message).toContain('email:');
        expect((await clientRow(clientId)).portal_user_id).toBeNull();
      }
      expect(await userCount()).toBe(before);
    });

    it('409 naming email when the client has none; 409 for an archived client', async () => {
      const noEmail = await insertClient(ctx, A.practiceId, A.admin.id, { fullName: 'No Email' });
      const res = await http(ctx).post(`/v1/clients/${noEmail}/invite`).set(...bearer(A.admin)).expect(409);
      expect(res.body).toMatchObject({ code: 'email_required' });
      expect(res.body.message).toContain('email:');
      const archived = await insertClient(ctx, A.practiceId, A.admin.id, { fullName: 'Archived', email: uniqueEmail('arch'), status: 'archived' });
      expect((await http(ctx).post(`/v1/clients/${archived}/invite`).set(...bearer(A.admin)).expect(409)).body.code).toBe('client_archived');
      expect((await clientRow(noEmail)).portal_user_id).toBeNull();
      expect((await clientRow(archived)).portal_user_id).toBeNull();
    });

    it('the unassigned clinician and another practice cannot invite (404), and nothing is created', async () => {
      const email = uniqueEmail('guarded');
      const id = await insertClient(ctx, A.practiceId, A.admin.id, { fullName: 'Guarded', email });
      await addToCareTeam(ctx, A.practiceId, clinician.id, { clientId: id });
      const before = await userCount();
      await http(ctx).post(`/v1/clients/${id}/invite`).set(...bearer(unassigned)).expect(404);
      await http(ctx).post(`/v1/clients/${id}/invite`).set(...bearer(B.admin)).expect(404);
      expect(await userCount()).toBe(before);
      expect((await clientRow(id)).portal_user_id).toBeNull();
    });

    it('an archived client’s portal account is refused its portal', async () => {
      const email = uniqueEmail('later-archived');
      const id = await insertClient(ctx, A.practiceId, A.admin.id, { fullName: 'Later Archived', email });
      const portal = await inviteAndAcceptPortal(ctx, A, id, email);
      await http(ctx).get('/v1/me/client').set(...bearer(portal)).expect(200);
      await http(ctx).post(`/v1/clients/${id}/archive`).set(...bearer(A.admin)).expect(200);
      const res = await http(ctx).get('/v1/me/client').set(...bearer(portal)).expect(403);
      expect(res.body.code).toBe('portal_unlinked');
    });
  });

  describe('partners', () => {
    let partnerA: string;
    let partnerB: string;
    let portalA: Actor;
    let portalB: Actor;

    beforeAll(async () => {
      const emailA = uniqueEmail('partner-a');
      const emailB = uniqueEmail('partner-b');
      partnerA = await insertClient(ctx, A.practiceId, A.admin.id, { fullName: 'Partner Anna', email: emailA, timezone: 'Europe/Berlin' });
      partnerB = await insertClient(ctx, A.practiceId, A.admin.id, { fullName: 'Partner Bruno', email: emailB, timezone: 'Europe/Rome' });
      const couple = await insertCouple(ctx, A.practiceId, A.admin.id, [
        { clientId: partnerA, role: 'injured' },
        { clientId: partnerB, role: 'involved' },
      ]);
      await addToCareTeam(ctx, A.practiceId, clinician.id, { coupleId: couple });
      portalA = await inviteAndAcceptPortal(ctx, A, partnerA, emailA);
      portalB = await inviteAndAcceptPortal(ctx, A, partnerB, emailB);
    });

    it('partner A cannot read partner B through the staff API (403)', async () => {
      for (const [path, method] of [
        [`/v1/clients/${partnerB}`, 'get'],
        [`/v1/clients/${partnerB}/care-team`, 'get'],
        [`/v1/clients/${partnerB}`, 'patch'],
        [`/v1/clients/${partnerB}/archive`, 'post'],
        ['/v1/clients', 'get'],
      ] as const) {
        await http(ctx)[method](path).set(...bearer(portalA)).send({ version: 1 }).expect(403);
      }
    });

    it('each partner’s /v1/me/* is their own record, never the other’s', async () => {
      const a = await http(ctx).get('/v1/me/client').set(...bearer(portalA)).expect(200);
      const b = await http(ctx).get('/v1/me/client').set(...bearer(portalB)).expect(200);
      expect(a.body).toMatchObject({ id: partnerA, fullName: 'Partner Anna', timezone: 'Europe/Berlin' });
      expect(b.body).toMatchObject({ id: partnerB, fullName: 'Partner Bruno', timezone: 'Europe/Rome' });
      expect(JSON.stringify(a.body)).not.toContain(partnerB);
      expect(JSON.stringify(a.body)).not.toContain('Bruno');
      expect(a.body).not.toHaveProperty('careTeam');

      const bBefore = await clientRow(partnerB);
      await http(ctx).patch('/v1/me/preferences').set(...bearer(portalA)).send({ channels: ['email'] }).expect(200);
      expect(await clientRow(partnerB)).toEqual(bBefore);
      const prefsB = await http(ctx).get('/v1/me/preferences').set(...bearer(portalB)).expect(200);
      expect(prefsB.body.channels).toBeNull();
    });

    it('/v1/me/* takes no client id, so partner B’s id cannot be smuggled in', async () => {
      const res = await http(ctx).patch('/v1/me/preferences').set(...bearer(portalA)).send({ clientId: partnerB, channels: ['in_app'] }).expect(400);
      expect(res.body.message).toContain('clientId:');
      await http(ctx).get(`/v1/me/client/${partnerB}`).set(...bearer(portalA)).expect(404);
      await http(ctx).get('/v1/me/client').query({ id: partnerB }).set(...bearer(portalA)).expect(200)
        .then((r) => expect(r.body.id).toBe(partnerA));
    });
  });

  describe('preferences', () => {
    let clientId: string;
    let portal: Actor;

    beforeAll(async () => {
      const email = uniqueEmail('prefs');
      clientId = await insertClient(ctx, A.practiceId, A.admin.id, { fullName: 'Prefs Person', email, timezone: 'Asia/Tokyo' });
      portal = await inviteAndAcceptPortal(ctx, A, clientId, email);
    });

    it('shows the client’s own choices and what applies with the practice defaults', async () => {
      const res = await http(ctx).get('/v1/me/preferences').set(...bearer(portal)).expect(200);
      expect(res.body).toEqual({
        channels: null,
        quietHours: null,
        timezone: 'Asia/Tokyo',
        effective: { channels: ['email', 'in_app'], quietHours: { start: '21:00', end: '08:00' } },
      });
    });

    it('changes channels and quiet hours only, keeping keys not sent', async () => {
      const versionBefore = (await clientRow(clientId)).version;
      const one = await http(ctx).patch('/v1/me/preferences').set(...bearer(portal)).send({ channels: ['in_app'] }).expect(200);
      expect(one.body).toMatchObject({ channels: ['in_app'], quietHours: null, effective: { channels: ['in_app'] } });
      const two = await http(ctx)
        .patch('/v1/me/preferences')
        .set(...bearer(portal))
        .send({ quietHours: { start: '22:30', end: '06:45' } })
        .expect(200);
      expect(two.body).toMatchObject({ channels: ['in_app'], quietHours: { start: '22:30', end: '06:45' } });
      const none = await http(ctx).patch('/v1/me/preferences').set(...bearer(portal)).send({ channels: [] }).expect(200);
      expect(none.body.effective.channels).toEqual([]);
      const reset = await http(ctx).patch('/v1/me/preferences').set(...bearer(portal)).send({ channels: null, quietHours: null }).expect(200);
      expect(reset.body).toMatchObject({ channels: null, quietHours: null, effective: { channels: ['email', 'in_app'] } });
      const row = await clientRow(clientId);
      expect(row.reminder_preferences).toEqual({ channels: null, quietHours: null });
      expect(row.version).toBe(versionBefore + 4);
      const staff = await http(ctx).get(`/v1/clients/${clientId}`).set(...bearer(A.admin)).expect(200);
      expect(staff.body.reminderPreferences).toEqual({ channels: null, quietHours: null });
    });

    it.each([
      ['timezone is not the client’s to change here', { timezone: 'Europe/Paris' }, 'timezone:'],
      ['name is not a preference', { fullName: 'New Me' }, 'fullName:'],
      ['unknown channel', { channels: ['sms'] }, 'channels:'],
      ['channels not a list', { channels: 'email' }, 'channels:'],
      ['quiet hours time', { quietHours: { start: '7pm', end: '08:00' } }, 'quietHours.start:'],
      ['quiet hours extra key', { quietHours: { start: '21:00', end: '08:00', days: [1] } }, 'quietHours.days:'],
    ])('refuses %s with 400 naming the field, and changes nothing', async (_label, body, field) => {
      const before = await clientRow(clientId);
      const res = await http(ctx).patch('/v1/me/preferences').set(...bearer(portal)).send(body).expect(400);
      expect(res.body.message).toContain(field);
      expect(await clientRow(clientId)).toEqual(before);
    });

    it('staff and anonymous callers are refused the portal', async () => {
      for (const path of ['/v1/me/client', '/v1/me/preferences']) {
        await http(ctx).get(path).expect(401);
        for (const staff of [A.admin, clinician, B.admin]) await http(ctx).get(path).set(...bearer(staff)).expect(403);
      }
      await http(ctx).patch('/v1/me/preferences').send({ channels: null }).expect(401);
      await http(ctx).patch('/v1/me/preferences').set(...bearer(clinician)).send({ channels: null }).expect(403);
    });

    it('portal reads and writes are in the audit trail', async () => {
      await http(ctx).get('/v1/me/client').set(...bearer(portal)).expect(200);
      await ctx.flushAudit();
      const rows = await ctx.db.query(
        `SELECT action, resource_id, outcome, actor_role FROM audit_events WHERE actor_user_id = $1 AND action LIKE 'portal.%'`,
        [portal.id],
      );
      expect(rows).toEqual(
        expect.arrayContaining([
          { action: 'portal.client.read', resource_id: clientId, outcome: 'allowed', actor_role: 'client' },
          expect.objectContaining({ action: 'portal.preferences.update', outcome: 'allowed' }),
        ]),
      );
    });
  });
});
