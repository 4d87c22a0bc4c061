import { DEMO_CLIENTS, DEMO_PASSWORD, DEMO_STAFF, seedDemo } from '../../src/database/seed';
import { http, login } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';

describe('demo seed', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(() => ctx?.close());

  async function counts() {
    const [row] = await ctx.db.query(
      `SELECT (SELECT count(*) FROM practices)::int AS practices, (SELECT count(*) FROM users)::int AS users,
              (SELECT count(*) FROM clients)::int AS clients, (SELECT count(*) FROM couples)::int AS couples,
              (SELECT count(*) FROM clinical_sessions)::int AS sessions,
              (SELECT count(*) FROM treatment_plans)::int AS plans, (SELECT count(*) FROM agreements)::int AS agreements,
              (SELECT count(*) FROM check_ins)::int AS check_ins, (SELECT count(*) FROM homework_instances)::int AS homework`,
    );
    return row;
  }

  it('creates the demo practice once; a second run changes nothing', async () => {
    const first = await seedDemo(ctx.db);
    expect(first.log.every((l) => l.created)).toBe(true);
    const after = await counts();
    expect(after).toMatchObject({ practices: 1, users: 5, clients: 3, couples: 1, sessions: 1, plans: 1, agreements: 1, homework: 2 });
    expect(after.check_ins).toBeGreaterThan(20);

    const second = await seedDemo(ctx.db);
    expect(second.log.some((l) => l.created)).toBe(false);
    expect(await counts()).toEqual(after);
  });

  it('its printed logins work: staff see the couple, a partner’s portal sees only their own session', async () => {
    const clinician = DEMO_STAFF.find((s) => s.key === 'clinician1')!;
    const staff = await login(ctx, clinician.email, DEMO_PASSWORD);
    expect(staff.status).toBe(200);
    const auth = ['Authorization', `Bearer ${staff.body.accessToken}`] as const;
    const couples = await http(ctx).get('/v1/couples').set(...auth).expect(200);
    expect(couples.body.data).toHaveLength(1);
    const coupleId = couples.body.data[0].id as string;

    // The seeded plan, agreement and check-ins read back through the real API (decrypting too).
    const plans = await http(ctx).get(`/v1/treatment-plans?coupleId=${coupleId}`).set(...auth).expect(200);
    const plan = await http(ctx).get(`/v1/treatment-plans/${plans.body.data[0].id}`).set(...auth).expect(200);
    expect(plan.body.presentingConcerns).toMatch(/emotional affair/);
    const states = Object.fromEntries((plan.body.steps as Array<{ key?: string; stepKey?: string; state: string }>).map((st) => [st.key ?? st.stepKey, st.state]));
    expect(states).toMatchObject({ stabilization: 'completed', accountability: 'active', transparency: 'active', forgiveness: 'not_started' });
    const agreements = await http(ctx).get(`/v1/agreements?coupleId=${coupleId}`).set(...auth).expect(200);
    const agreement = await http(ctx).get(`/v1/agreements/${agreements.body.data[0].id}`).set(...auth).expect(200);
    expect(JSON.stringify(agreement.body)).toContain('Open phone for ninety days');
    const progress = await http(ctx).get(`/v1/couples/${coupleId}/progress`).set(...auth).expect(200);
    expect(JSON.stringify(progress.body)).toContain('trust');

    const elise = DEMO_CLIENTS.find((c) => c.key === 'partnerA')!;
    const portal = await login(ctx, elise.email, DEMO_PASSWORD);
    expect(portal.status).toBe(200);
    const sessions = await http(ctx).get('/v1/me/sessions').set('Authorization', `Bearer ${portal.body.accessToken}`).expect(200);
    expect(sessions.body.data).toHaveLength(1);
    await http(ctx).get('/v1/clients').set('Authorization', `Bearer ${portal.body.accessToken}`).expect(403);

    // Tom's portal lists his letter as due; Elise's answered impact letter decrypts for the clinician.
    const tom = await login(ctx, DEMO_CLIENTS.find((c) => c.key === 'partnerB')!.email, DEMO_PASSWORD);
    const tomsHomework = await http(ctx).get('/v1/me/homework').set('Authorization', `Bearer ${tom.body.accessToken}`).expect(200);
    expect(tomsHomework.text).toContain('Accountability letter');
    const assignments = await http(ctx).get('/v1/homework').set(...auth).expect(200);
    const impact = (assignments.body.data as Array<{ id: string; title: string }>).find((a) => a.title === 'Impact letter')!;
    const detail = await http(ctx).get(`/v1/homework/${impact.id}`).set(...auth).expect(200);
    expect(detail.text).toContain('I do not know which memories were real');
  });
});
