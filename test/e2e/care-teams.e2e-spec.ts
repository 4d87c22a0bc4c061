import { Actor, bearer, createPractice, createStaff, http, PracticeWorld, uniqueEmail } from '../factories';
import { addToCareTeam, insertClient, insertCouple } from '../factories/clinical';
import { inviteAndAcceptPortal } from '../factories/client-portal';
import { startTestApp, TestContext } from '../setup/test-app';

type Kind = 'clients' | 'couples';

describe('care teams', () => {
  let ctx: TestContext;
  let A: PracticeWorld;
  let B: PracticeWorld;
  let onTeam: Actor;
  let unassigned: Actor;
  let newcomer: Actor;
  let clinicianB: Actor;
  let partnerX: string;
  let partnerY: string;
  let couple: string;
  let portalX: Actor;
  let portalY: Actor;

  const subjectId = (kind: Kind) => (kind === 'clients' ? partnerX : couple);
  const teamOf = async (kind: Kind, id: string): Promise<string[]> =>
    (
      await ctx.db.query(`SELECT clinician_id FROM care_team_members WHERE ${kind === 'clients' ? 'client_id' : 'couple_id'} = $1 ORDER BY clinician_id`, [id])
    ).map((r: { clinician_id: string }) => r.clinician_id);
  const allMembers = () => ctx.db.query('SELECT * FROM care_team_members ORDER BY id');

  const list = (kind: Kind, id: string, actor?: Actor) => {
    const req = http(ctx).get(`/v1/${kind}/${id}/care-team`);
    return actor ? req.set(...bearer(actor)) : req;
  };
  const add = (kind: Kind, id: string, clinicianId: string, actor?: Actor) => {
    const req = http(ctx).post(`/v1/${kind}/${id}/care-team`);
    return (actor ? req.set(...bearer(actor)) : req).send({ clinicianId });
  };
  const remove = (kind: Kind, id: string, clinicianId: string, actor?: Actor) => {
    const req = http(ctx).delete(`/v1/${kind}/${id}/care-team/${clinicianId}`);
    return actor ? req.set(...bearer(actor)) : req;
  };

  beforeAll(async () => {
    ctx = await startTestApp();
    A = await createPractice(ctx, 'Care Practice');
    B = await createPractice(ctx, 'Elsewhere Practice');
    onTeam = await createStaff(ctx, A, 'clinician');
    unassigned = await createStaff(ctx, A, 'clinician');
    newcomer = await createStaff(ctx, A, 'clinician');
    clinicianB = await createStaff(ctx, B, 'clinician');
    const xEmail = uniqueEmail('x');
    const yEmail = uniqueEmail('y');
    partnerX = await insertClient(ctx, A.practiceId, A.admin.id, { fullName: 'Xena Partner', email: xEmail });
    partnerY = await insertClient(ctx, A.practiceId, A.admin.id, { fullName: 'Yusuf Partner', email: yEmail });
    couple = await insertCouple(ctx, A.practiceId, A.admin.id, [
      { clientId: partnerX, role: 'injured' },
      { clientId: partnerY, role: 'involved' },
    ]);
    await addToCareTeam(ctx, A.practiceId, onTeam.id, { clientId: partnerX }, A.admin.id);
    await addToCareTeam(ctx, A.practiceId, onTeam.id, { coupleId: couple }, A.admin.id);
    portalX = await inviteAndAcceptPortal(ctx, A, partnerX, xEmail);
    portalY = await inviteAndAcceptPortal(ctx, A, partnerY, yEmail);
  });
  afterAll(() => ctx?.close());

  describe.each(['clients', 'couples'] as const)('/v1/%s/:id/care-team', (kind) => {
    describe('access', () => {
      it('anonymous → 401', async () => {
        await list(kind, subjectId(kind)).expect(401);
        await add(kind, subjectId(kind), newcomer.id).expect(401);
        await remove(kind, subjectId(kind), onTeam.id).expect(401);
      });

      it('the client’s and the partner’s portal accounts → 403, nothing changed', async () => {
        const before = await allMembers();
        for (const portal of [portalX, portalY]) {
          await list(kind, subjectId(kind), portal).expect(403);
          await add(kind, subjectId(kind), newcomer.id, portal).expect(403);
          await add(kind, subjectId(kind), portal.id, portal).expect(403);
          await remove(kind, subjectId(kind), onTeam.id, portal).expect(403);
        }
        expect(await allMembers()).toEqual(before);
      });

      it('another practice’s admin → 404 on every route, nothing changed', async () => {
        const before = await allMembers();
        for (const res of [
          await list(kind, subjectId(kind), B.admin),
          await add(kind, subjectId(kind), clinicianB.id, B.admin),
          await add(kind, subjectId(kind), newcomer.id, B.admin),
          await remove(kind, subjectId(kind), onTeam.id, B.admin),
        ]) {
          expect(res.status).toBe(404);
          expect(res.body.message).toBe(kind === 'clients' ? 'Client not found' : 'Couple not found');
        }
        expect(await allMembers()).toEqual(before);
      });

      it('a clinician not on the care team → 404 on every route, nothing changed', async () => {
        const before = await allMembers();
        await list(kind, subjectId(kind), unassigned).expect(404);
        await add(kind, subjectId(kind), unassigned.id, unassigned).expect(404);
        await remove(kind, subjectId(kind), onTeam.id, unassigned).expect(404);
        expect(await allMembers()).toEqual(before);
      });

      it('malformed ids answer 404', async () => {
        await http(ctx).get(`/v1/${kind}/nope/care-team`).set(...bearer(A.admin)).expect(404);
        await http(ctx).delete(`/v1/${kind}/${subjectId(kind)}/care-team/nope`).set(...bearer(A.admin)).expect(404);
      });
    });

    describe('reading', () => {
      it('admins and the care team read it, with who each clinician is', async () => {
        for (const actor of [A.admin, onTeam]) {
          const res = await list(kind, subjectId(kind), actor).expect(200);
          expect(res.body).toEqual({
            data: [{ clinicianId: onTeam.id, fullName: 'A clinician', role: 'clinician', status: 'active', addedBy: A.admin.id, addedAt: expect.any(String) }],
          });
        }
      });
    });

    describe('adding and removing', () => {
      it('an admin adds a clinician, who then sees the record; removed, they no longer do', async () => {
        const seen = () => http(ctx).get(kind === 'clients' ? `/v1/clients/${partnerX}` : `/v1/clients/${partnerY}`).set(...bearer(newcomer));
        await seen().expect(404);
        const res = await add(kind, subjectId(kind), newcomer.id, A.admin).expect(201);
        expect(res.body).toMatchObject({ clinicianId: newcomer.id, role: 'clinician', status: 'active', addedBy: A.admin.id });
        expect(await teamOf(kind, subjectId(kind))).toEqual([onTeam.id, newcomer.id].sort());
        await seen().expect(200);
        await list(kind, subjectId(kind), newcomer).expect(200);

        await remove(kind, subjectId(kind), newcomer.id, A.admin).expect(204);
        expect(await teamOf(kind, subjectId(kind))).toEqual([onTeam.id]);
        await seen().expect(404);
        await list(kind, subjectId(kind), newcomer).expect(404);
      });

      it('a clinician on the team adds and removes a colleague, and an admin can be added', async () => {
        await add(kind, subjectId(kind), unassigned.id, onTeam).expect(201);
        await add(kind, subjectId(kind), A.admin.id, onTeam).expect(201);
        expect(await teamOf(kind, subjectId(kind))).toEqual([onTeam.id, unassigned.id, A.admin.id].sort());
        await remove(kind, subjectId(kind), unassigned.id, onTeam).expect(204);
        await remove(kind, subjectId(kind), A.admin.id, onTeam).expect(204);
        expect(await teamOf(kind, subjectId(kind))).toEqual([onTeam.id]);
      });

      it('adding someone already on the team → 409', async () => {
        const res = await add(kind, subjectId(kind), onTeam.id, A.admin).expect(409);
        expect(res.body).toMatchObject({ code: 'already_on_care_team' });
        expect(res.body.message).toContain('clinicianId:');
      });

      it('two concurrent adds of the same clinician: one 201, one 409', async () => {
        const [r1, r2] = await Promise.all([add(kind, subjectId(kind), newcomer.id, A.admin), add(kind, subjectId(kind), newcomer.id, onTeam)]);
        expect([r1.status, r2.status].sort()).toEqual([201, 409]);
        await remove(kind, subjectId(kind), newcomer.id, A.admin).expect(204);
      });

      it('only active staff of the practice can join', async () => {
        const before = await allMembers();
        await add(kind, subjectId(kind), clinicianB.id, A.admin).expect(404);
        await add(kind, subjectId(kind), B.admin.id, A.admin).expect(404);
        await add(kind, subjectId(kind), '5f0f6f4e-1111-4222-8333-944444444444', A.admin).expect(404);
        const client = await add(kind, subjectId(kind), portalX.id, A.admin).expect(400);
        expect(client.body.message).toContain('clinicianId:');

        const pendingEmail = uniqueEmail('pending');
        const pending = await http(ctx).post('/v1/users').set(...bearer(A.admin)).send({ email: pendingEmail, role: 'clinician' }).expect(201);
        expect((await add(kind, subjectId(kind), pending.body.id, A.admin).expect(400)).body.message).toContain('clinicianId:');

        const leaver = await createStaff(ctx, A, 'clinician');
        await http(ctx).patch(`/v1/users/${leaver.id}`).set(...bearer(A.admin)).send({ status: 'deactivated' }).expect(200);
        expect((await add(kind, subjectId(kind), leaver.id, A.admin).expect(400)).body.message).toContain('clinicianId:');
        expect(await allMembers()).toEqual(before);
      });

      it.each([
        ['not a uuid', { clinicianId: 'abc' }],
        ['missing', {}],
        ['an unknown field', { clinicianId: '5f0f6f4e-1111-4222-8333-944444444444', role: 'lead' }],
      ])('bad input (%s) → 400 naming the field', async (_label, body) => {
        const res = await http(ctx).post(`/v1/${kind}/${subjectId(kind)}/care-team`).set(...bearer(A.admin)).send(body).expect(400);
        expect(res.body.message).toMatch(/(clinicianId|role):/);
      });

      it('removing someone not on the team → 404', async () => {
        const res = await remove(kind, subjectId(kind), unassigned.id, A.admin).expect(404);
        expect(res.body.message).toBe('Care team member not found');
      });
    });
  });

  describe('who may change a team', () => {
    it('a clinician who sees a client through its couple but is not on its own team → 403 to change it', async () => {
      const world = await createPractice(ctx, 'Couple Team Practice');
      const doc = await createStaff(ctx, world, 'clinician');
      const other = await createStaff(ctx, world, 'clinician');
      const p = await insertClient(ctx, world.practiceId, world.admin.id, { fullName: 'P' });
      const q = await insertClient(ctx, world.practiceId, world.admin.id, { fullName: 'Q' });
      const k = await insertCouple(ctx, world.practiceId, world.admin.id, [
        { clientId: p, role: 'mutual' },
        { clientId: q, role: 'mutual' },
      ]);
      await addToCareTeam(ctx, world.practiceId, doc.id, { coupleId: k });
      await list('clients', p, doc).expect(200);
      const res = await add('clients', p, other.id, doc).expect(403);
      expect(res.body.code).toBe('not_on_care_team');
      expect(await teamOf('clients', p)).toEqual([]);
    });

    it('with cliniciansSeeAllClients a clinician reads any team but changes only their own (403)', async () => {
      const world = await createPractice(ctx, 'Wide Practice');
      const doc = await createStaff(ctx, world, 'clinician');
      const other = await createStaff(ctx, world, 'clinician');
      const c = await insertClient(ctx, world.practiceId, world.admin.id, { fullName: 'Wide Client' });
      await addToCareTeam(ctx, world.practiceId, other.id, { clientId: c });
      await list('clients', c, doc).expect(404);
      await http(ctx).patch('/v1/practice').set(...bearer(world.admin)).send({ settings: { cliniciansSeeAllClients: true } }).expect(200);
      await list('clients', c, doc).expect(200);
      await add('clients', c, doc.id, doc).expect(403);
      await remove('clients', c, other.id, doc).expect(403);
      expect(await teamOf('clients', c)).toEqual([other.id]);
    });

    it('the last member: a clinician cannot remove it (409), an admin can', async () => {
      const world = await createPractice(ctx, 'Last Member Practice');
      const doc = await createStaff(ctx, world, 'clinician');
      const created = await http(ctx).post('/v1/clients').set(...bearer(doc)).send({ fullName: 'Solo Client' }).expect(201);
      const id = created.body.id as string;
      const res = await remove('clients', id, doc.id, doc).expect(409);
      expect(res.body.code).toBe('last_care_team_member');
      expect(await teamOf('clients', id)).toEqual([doc.id]);
      await remove('clients', id, doc.id, world.admin).expect(204);
      expect(await teamOf('clients', id)).toEqual([]);
      await http(ctx).get(`/v1/clients/${id}`).set(...bearer(doc)).expect(404);
      await http(ctx).get(`/v1/clients/${id}`).set(...bearer(world.admin)).expect(200);
    });

    it('a clinician may leave a team that keeps someone, and then loses access', async () => {
      const world = await createPractice(ctx, 'Leaving Practice');
      const doc = await createStaff(ctx, world, 'clinician');
      const colleague = await createStaff(ctx, world, 'clinician');
      const created = await http(ctx).post('/v1/clients').set(...bearer(doc)).send({ fullName: 'Handover Client' }).expect(201);
      const id = created.body.id as string;
      await add('clients', id, colleague.id, doc).expect(201);
      await remove('clients', id, doc.id, doc).expect(204);
      await http(ctx).get(`/v1/clients/${id}`).set(...bearer(doc)).expect(404);
      await http(ctx).get(`/v1/clients/${id}`).set(...bearer(colleague)).expect(200);
    });

    it('of three members, two removing each other at once leave exactly one of them behind', async () => {
      const world = await createPractice(ctx, 'Race Practice 3');
      const [one, two, three] = [await createStaff(ctx, world, 'clinician'), await createStaff(ctx, world, 'clinician'), await createStaff(ctx, world, 'clinician')];
      const c = await insertClient(ctx, world.practiceId, world.admin.id, { fullName: 'Race Client 3' });
      for (const member of [one, two, three]) await addToCareTeam(ctx, world.practiceId, member.id, { clientId: c });
      const [r1, r2] = await Promise.all([remove('clients', c, two.id, one), remove('clients', c, one.id, two)]);
      expect([r1.status, r2.status].filter((s) => s === 204)).toHaveLength(1);
      // One removed the other; the one removed did not get to remove anyone.
      expect(await teamOf('clients', c)).toHaveLength(2);
    });

    it('two members removing each other at once cannot leave the team empty', async () => {
      const world = await createPractice(ctx, 'Race Practice');
      const one = await createStaff(ctx, world, 'clinician');
      const two = await createStaff(ctx, world, 'clinician');
      const c = await insertClient(ctx, world.practiceId, world.admin.id, { fullName: 'Race Client' });
      await addToCareTeam(ctx, world.practiceId, one.id, { clientId: c });
      await addToCareTeam(ctx, world.practiceId, two.id, { clientId: c });
      const [r1, r2] = await Promise.all([remove('clients', c, two.id, one), remove('clients', c, one.id, two)]);
      // The loser is refused as the last member (409), or, having just been removed, as no longer
      // on the team (403 under the lock) or no longer able to see the client at all (404).
      const statuses = [r1.status, r2.status].sort();
      expect(statuses[0]).toBe(204);
      expect([403, 404, 409]).toContain(statuses[1]);
      expect(await teamOf('clients', c)).toHaveLength(1);
    });
  });

  describe('audit', () => {
    it('records reads and writes of care teams, allowed and denied', async () => {
      await list('clients', partnerX, onTeam).expect(200);
      await add('couples', couple, newcomer.id, A.admin).expect(201);
      await remove('couples', couple, newcomer.id, A.admin).expect(204);
      await add('clients', partnerX, clinicianB.id, B.admin).expect(404);
      await ctx.flushAudit();
      const rows = await ctx.db.query(
        `SELECT action, resource_type, resource_id, outcome, actor_user_id FROM audit_events WHERE action LIKE '%.care_team.%'`,
      );
      expect(rows).toEqual(
        expect.arrayContaining([
          { action: 'client.care_team.read', resource_type: 'client', resource_id: partnerX, outcome: 'allowed', actor_user_id: onTeam.id },
          { action: 'couple.care_team.add', resource_type: 'couple', resource_id: couple, outcome: 'allowed', actor_user_id: A.admin.id },
          { action: 'couple.care_team.remove', resource_type: 'couple', resource_id: couple, outcome: 'allowed', actor_user_id: A.admin.id },
          { action: 'client.care_team.add', resource_type: 'client', resource_id: partnerX, outcome: 'denied', actor_user_id: B.admin.id },
        ]),
      );
    });
  });
});
