import request from 'supertest';
import { randomBytes } from 'node:crypto';
import type { TestContext } from '../setup/test-app';

export interface Actor {
  id: string;
  email: string;
  password: string;
  role: 'admin' | 'clinician' | 'client';
  accessToken: string;
  refreshToken: string;
  practiceId: string;
}

export interface PracticeWorld {
  practiceId: string;
  admin: Actor;
}

let seq = 0;
export function uniqueEmail(label: string): string {
  seq += 1;
  return `${label}.${seq}.${randomBytes(3).toString('hex')}@example.test`;
}

export const PASSWORD = 'calm river stones 42';

export function http(ctx: TestContext) {
  return request(ctx.app.getHttpServer());
}

export function bearer(actor: { accessToken: string }): [string, string] {
  return ['Authorization', `Bearer ${actor.accessToken}`];
}

/** A practice made the way a real owner makes one: through signup. */
export async function createPractice(ctx: TestContext, name = 'Test Practice'): Promise<PracticeWorld> {
  const email = uniqueEmail('owner');
  const res = await http(ctx)
    .post('/v1/auth/signup')
    .send({ practiceName: name, timezone: 'America/New_York', fullName: 'Owner Person', email, password: PASSWORD })
    .expect(201);
  const admin: Actor = {
    id: res.body.me.id,
    email,
    password: PASSWORD,
    role: 'admin',
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
    practiceId: res.body.me.practice.id,
  };
  return { practiceId: admin.practiceId, admin };
}

/** Invites a staff member and accepts the emailed invitation, as a person would. */
export async function createStaff(ctx: TestContext, world: PracticeWorld, role: 'admin' | 'clinician'): Promise<Actor> {
  const email = uniqueEmail(role);
  const invited = await http(ctx)
    .post('/v1/users')
    .set(...bearer(world.admin))
    .send({ email, role, fullName: `A ${role}` })
    .expect(201);
  const token = await ctx.mail.tokenFor(email);
  const accepted = await http(ctx)
    .post('/v1/auth/invitations/accept')
    .send({ token, password: PASSWORD })
    .expect(200);
  return {
    id: invited.body.id,
    email,
    password: PASSWORD,
    role,
    accessToken: accepted.body.accessToken,
    refreshToken: accepted.body.refreshToken,
    practiceId: world.practiceId,
  };
}

export async function login(ctx: TestContext, email: string, password = PASSWORD, extra: Record<string, string> = {}) {
  return http(ctx).post('/v1/auth/login').send({ email, password, ...extra });
}
