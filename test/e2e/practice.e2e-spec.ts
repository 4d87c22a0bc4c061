import { Actor, bearer, createPractice, createStaff, http, PracticeWorld } from '../factories';
import { snapshotPractice } from '../factories/access';
import { startTestApp, TestContext } from '../setup/test-app';

const DEFAULT_SETTINGS = {
  defaultReminderChannels: ['email', 'in_app'],
  quietHours: { start: '21:00', end: '08:00' },
  cliniciansSeeAllClients: false,
  requireStaffTotp: false,
  sessionReminderOffsetsMinutes: [1440, 60],
};

describe('practice (/v1/practice)', () => {
  let ctx: TestContext;
  // Sign-ups are rate limited per address (10 an hour), so most tests share these two practices;
  // tests that need untouched defaults make their own.
  let w: PracticeWorld & { clinician: Actor };
  let other: PracticeWorld;

  beforeAll(async () => {
    ctx = await startTestApp();
    w = await world();
    other = await createPractice(ctx, 'Someone Else');
  });
  afterAll(() => ctx?.close());

  async function world(): Promise<PracticeWorld & { clinician: Actor }> {
    const w = await createPractice(ctx, 'Riverside Couples');
    return { ...w, clinician: await createStaff(ctx, w, 'clinician') };
  }

  const get = (actor: Actor) => http(ctx).get('/v1/practice').set(...bearer(actor));
  const patch = (actor: Actor, body: object) => http(ctx).patch('/v1/practice').set(...bearer(actor)).send(body);

  it('shows the signed-in user’s practice with its defaults, to admins and clinicians', async () => {
    const res = await get(w.admin).expect(200);
    expect(res.body).toEqual({
      id: w.practiceId,
      name: 'Riverside Couples',
      timezone: 'America/New_York',
      status: 'active',
      settings: DEFAULT_SETTINGS,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect((await get(w.clinician).expect(200)).body).toEqual(res.body);
  });

  it('changes name and timezone, bumps the version and keeps everything else', async () => {
    const before = (await get(w.admin)).body;
    const res = await patch(w.admin, { name: 'Harbour Therapy', timezone: 'Europe/Berlin' }).expect(200);
    expect(res.body).toMatchObject({ name: 'Harbour Therapy', timezone: 'Europe/Berlin', settings: DEFAULT_SETTINGS, version: before.version + 1 });
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(before.updatedAt));
    expect((await get(w.admin)).body).toEqual(res.body);
  });

  it('merges settings: a patch of one setting leaves the others, the name and the timezone as they were', async () => {
    const w = await createPractice(ctx, 'Riverside Couples');
    let res = await patch(w.admin, { settings: { cliniciansSeeAllClients: true } }).expect(200);
    expect(res.body).toMatchObject({ name: 'Riverside Couples', timezone: 'America/New_York' });
    expect(res.body.settings).toEqual({ ...DEFAULT_SETTINGS, cliniciansSeeAllClients: true });

    res = await patch(w.admin, { settings: { quietHours: { start: '22:30', end: '07:15' } } }).expect(200);
    expect(res.body.settings).toEqual({ ...DEFAULT_SETTINGS, cliniciansSeeAllClients: true, quietHours: { start: '22:30', end: '07:15' } });

    res = await patch(w.admin, { settings: { quietHours: null, defaultReminderChannels: ['webhook'] } }).expect(200);
    expect(res.body.settings).toEqual({ ...DEFAULT_SETTINGS, cliniciansSeeAllClients: true, quietHours: null, defaultReminderChannels: ['webhook'] });

    res = await patch(w.admin, { settings: {} }).expect(200);
    expect(res.body.settings).toEqual({ ...DEFAULT_SETTINGS, cliniciansSeeAllClients: true, quietHours: null, defaultReminderChannels: ['webhook'] });

    // What is stored is the same object, with no stray or missing keys.
    const [row] = await ctx.db.query(`SELECT settings, name, timezone FROM practices WHERE id = $1`, [w.practiceId]);
    expect(row).toEqual({ settings: res.body.settings, name: 'Riverside Couples', timezone: 'America/New_York' });
  });

  it('refuses bad input with 400 naming the field, and writes nothing (not even the valid part)', async () => {
    const cases: Array<[object, string]> = [
      [{ timezone: 'Mars/Olympus_Mons' }, 'timezone'],
      [{ timezone: 'EST5EDT-ish' }, 'timezone'],
      [{ timezone: 42 }, 'timezone'],
      [{ name: '' }, 'name'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ name: 'Fine name', timezone: 'Not/AZone' }, 'timezone'],
      [{ settings: { quietHours: { start: '25:00', end: '07:00' } } }, 'settings.quietHours.start'],
      [{ settings: { quietHours: { start: '9pm', end: '07:00' } } }, 'settings.quietHours.start'],
      [{ settings: { quietHours: { start: '21:00', end: '7:00' } } }, 'settings.quietHours.end'],
      [{ settings: { quietHours: { start: '21:00' } } }, 'settings.quietHours.end'],
      [{ settings: { quietHours: { start: '21:00', end: '07:00', days: 'weekdays' } } }, 'settings.quietHours.days'],
      [{ settings: { quietHours: 'evenings' } }, 'settings.quietHours'],
      [{ settings: { defaultReminderChannels: ['sms'] } }, 'settings.defaultReminderChannels'],
      [{ settings: { defaultReminderChannels: ['email', 'email'] } }, 'settings.defaultReminderChannels'],
      [{ settings: { defaultReminderChannels: 'email' } }, 'settings.defaultReminderChannels'],
      [{ settings: { cliniciansSeeAllClients: 'yes' } }, 'settings.cliniciansSeeAllClients'],
      [{ settings: { requireStaffTotp: 1 } }, 'settings.requireStaffTotp'],
      [{ settings: { theme: 'dark' } }, 'settings.theme'],
      [{ settings: 'all of them' }, 'settings'],
      [{ version: 'one' }, 'version'],
      [{ version: 0 }, 'version'],
      [{ status: 'suspended' }, 'status'],
    ];
    const before = await snapshotPractice(ctx, w.practiceId);
    for (const [body, field] of cases) {
      const res = await patch(w.admin, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect({ body, message: res.body.message }).toEqual({ body, message: expect.stringContaining(field) });
    }
    expect(await snapshotPractice(ctx, w.practiceId)).toEqual(before);
  });

  it('never takes the practice id from input: a body with id or practiceId is refused as an unknown field', async () => {
    const mine = await snapshotPractice(ctx, w.practiceId);
    const theirs = await snapshotPractice(ctx, other.practiceId);
    for (const body of [{ id: other.practiceId, name: 'Taken over' }, { practiceId: other.practiceId, name: 'Taken over' }]) {
      const res = await patch(w.admin, body);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(new RegExp(`${Object.keys(body)[0]}: is not an accepted field`));
    }
    // Nor from the query string.
    const viaQuery = await http(ctx).get('/v1/practice').query({ practiceId: other.practiceId }).set(...bearer(w.admin));
    expect(viaQuery.body.id ?? w.practiceId).toBe(w.practiceId);
    await http(ctx).patch('/v1/practice').query({ practiceId: other.practiceId }).set(...bearer(w.admin)).send({ name: 'Via query' }).expect((r) => {
      if (r.status === 200) expect(r.body.id).toBe(w.practiceId);
      else expect(r.status).toBe(400);
    });
    expect(await snapshotPractice(ctx, other.practiceId)).toEqual(theirs);
    expect((await snapshotPractice(ctx, w.practiceId)).users).toEqual(mine.users);
  });

  it('refuses a stale version with 409 and changes nothing; the current version is accepted', async () => {
    const v1 = (await get(w.admin)).body.version as number;
    await patch(w.admin, { name: 'First edit', version: v1 }).expect(200);
    const before = await snapshotPractice(ctx, w.practiceId);
    const stale = await patch(w.admin, { name: 'Stale edit', version: v1 });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'stale_version' });
    const future = await patch(w.admin, { name: 'Future edit', version: v1 + 5 });
    expect(future.status).toBe(409);
    expect(await snapshotPractice(ctx, w.practiceId)).toEqual(before);
    const ok = await patch(w.admin, { name: 'Second edit', version: v1 + 1 }).expect(200);
    expect(ok.body).toMatchObject({ name: 'Second edit', version: v1 + 2 });
  });

  it('lets exactly one of three concurrent edits with the same version win', async () => {
    const { version } = (await get(w.admin)).body;
    const results = await Promise.all(
      ['Edit one', 'Edit two', 'Edit three'].map((name) => patch(w.admin, { name, version })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409]);
    const winner = results.find((r) => r.status === 200)!;
    expect((await get(w.admin)).body).toMatchObject({ name: winner.body.name, version: version + 1 });
  });

  it('loses no setting when two admins change different settings at the same moment', async () => {
    const w = await createPractice(ctx, 'Busy Practice');
    const results = await Promise.all([
      patch(w.admin, { settings: { cliniciansSeeAllClients: true } }),
      patch(w.admin, { settings: { defaultReminderChannels: ['in_app'] } }),
      patch(w.admin, { settings: { quietHours: { start: '20:00', end: '09:00' } } }),
    ]);
    for (const r of results) expect([200, 409]).toContain(r.status);
    const final = (await get(w.admin)).body.settings;
    if (results[0].status === 200) expect(final.cliniciansSeeAllClients).toBe(true);
    if (results[1].status === 200) expect(final.defaultReminderChannels).toEqual(['in_app']);
    if (results[2].status === 200) expect(final.quietHours).toEqual({ start: '20:00', end: '09:00' });
    expect(Object.keys(final).sort()).toEqual(Object.keys(DEFAULT_SETTINGS).sort());
  });

  it('forbids a clinician to change the practice (403) and changes nothing', async () => {
    const before = await snapshotPractice(ctx, w.practiceId);
    for (const body of [{ name: 'Clinician rename' }, { settings: { cliniciansSeeAllClients: true } }, {}]) {
      const res = await patch(w.clinician, body);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    }
    expect(await snapshotPractice(ctx, w.practiceId)).toEqual(before);
  });

  it('keeps one practice’s edits out of another', async () => {
    const before = await snapshotPractice(ctx, w.practiceId);
    const res = await patch(other.admin, { name: 'Neighbour renamed', settings: { requireStaffTotp: true } }).expect(200);
    expect(res.body.id).toBe(other.practiceId);
    expect(await snapshotPractice(ctx, w.practiceId)).toEqual(before);
  });
});
