import { bearer, createPractice, createStaff, http } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';

describe('smoke', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(() => ctx?.close());

  it('signs up, invites, and reads /v1/me', async () => {
    const world = await createPractice(ctx);
    const clinician = await createStaff(ctx, world, 'clinician');
    const me = await http(ctx).get('/v1/me').set(...bearer(clinician)).expect(200);
    expect(me.body.role).toBe('clinician');
    expect(me.body.practice.id).toBe(world.practiceId);
  });
});
