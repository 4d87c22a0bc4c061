import type { Response } from 'supertest';
import { routesOf } from '../../src/bootstrap';
import { asPracticeId } from '../../src/common/tenancy/request-context';
import { MyHomeworkService } from '../../src/modules/homework/my-homework.service';
import { Actor, createPractice, createStaff, http, login, PASSWORD, PracticeWorld, uniqueEmail } from '../factories';
import { enrolTotp, freshSession, inviteOnly, mailCount, nextMailToken, snapshotPractice, totpCode } from '../factories/access';
import { createPortalClient } from '../factories/portal';
import { startTestApp, TestContext } from '../setup/test-app';
import {
  book,
  buildMatrixWorld,
  checkIn,
  DAP,
  insertPracticeTemplate,
  MatrixPlan,
  MatrixWorld,
  newAgreement,
  newClient,
  newCouple,
  newGoal,
  newPlan,
  nextSlot,
  PlanStage,
  PortalPerson,
  portalPlans,
  raiseFlag,
  rotateFeed,
  signNote,
  tag,
  writeNote,
} from './authorization-matrix.world';
import { insertNotification } from './notifications.world';
import { OneTapService } from '../../src/modules/one-tap/one-tap.service';
import { insertClient } from '../factories/clinical';

/**
 * Every route the router registered × every kind of caller. A route without a row fails the
 * suite, and so does a row whose route no longer exists.
 *
 * The callers: nobody; another practice's admin (with this practice's ids); this practice's
 * admin (on no care team, except where a row says it joins one to show that membership is not
 * enough); the assigned clinician (on the care team of whatever the row's call is about); an
 * unassigned clinician of the same practice; the portal account of partner A of a couple
 * (`client`) and that of partner B (`partner`). To add one, add it to ActorKey and
 * ACTORS: the compiler then asks for its column in every row.
 */
type ActorKey = 'anonymous' | 'otherAdmin' | 'admin' | 'clinician' | 'unassignedClinician' | 'client' | 'partner';
const ACTORS: readonly ActorKey[] = ['anonymous', 'otherAdmin', 'admin', 'clinician', 'unassignedClinician', 'client', 'partner'];

/** The exact status expected: 2xx means allowed, 401/403/404 a denial that must change nothing. */
type Expect = 200 | 201 | 202 | 204 | 401 | 403 | 404;

/** Routes outside the bearer-token world: tested on their own below. */
const OUTSIDE_MATRIX = [/^\/docs/, /^\/admin\/queues/];

type World = MatrixWorld;

interface Built {
  /** Values for the route's :params. */
  params?: Record<string, string>;
  /** A query string (filters that pick the row's own records out of a list). */
  query?: Record<string, string>;
  body?: object;
  /** Bearer token, or null for none. */
  token: string | null;
  /** Text a successful (2xx) answer must contain: what the caller may see. */
  shows?: string[];
  /** Text the answer must never contain, whatever its status (records the caller may not see). */
  hidden?: string[];
  /** For a denial: the `code` of the check that must refuse it (where several could). */
  code?: string;
  /** Further checks once the call is answered. */
  after?: (res: Response) => Promise<void>;
}

interface Row {
  expect: Record<ActorKey, Expect>;
  /** Prepares one call for one caller; runs before the "nothing changed" snapshot. */
  build?: (ctx: TestContext, w: World, who: ActorKey) => Promise<Built>;
}

type Columns = Record<ActorKey, Expect>;
const all = (s: Expect): Columns => ({ anonymous: s, otherAdmin: s, admin: s, clinician: s, unassignedClinician: s, client: s, partner: s });

const PUBLIC_200: Columns = all(200);
const ANY_SIGNED_IN = (ok: Expect): Columns => ({ ...all(ok), anonymous: 401 });
/** Staff only; without an id in the path, another practice's admin acts on their own practice. */
const STAFF_OWN = (ok: Expect): Columns => ({ ...ANY_SIGNED_IN(ok), client: 403, partner: 403 });
const ADMIN_ONLY_OWN = (ok: Expect): Columns => ({ ...STAFF_OWN(ok), clinician: 403, unassignedClinician: 403 });
const ADMIN_ONLY_BY_ID = (ok: Expect): Columns => ({ ...ADMIN_ONLY_OWN(ok), otherAdmin: 404 });
/** A client's or couple's record (demographics, care team, schedule): the admin and the care team; anyone else of the practice 404. */
const RECORD = (ok: Expect): Columns => ({ ...STAFF_OWN(ok), otherAdmin: 404, unassignedClinician: 404 });
/** Clinical content (notes, safety flags): the care team; an admin off the team sees the record exists (403). */
const CLINICAL = (ok: Expect): Columns => ({ ...RECORD(ok), admin: 403 });
/** A clinician's act on clinical content (@Roles('clinician')): every admin is refused by role first. */
const CLINICIAN_ACT = (ok: Expect): Columns => ({ ...CLINICAL(ok), otherAdmin: 403 });
/** A clinician's own things (their calendar feed): any clinician, on a care team or not. */
const OWN_AS_CLINICIAN = (ok: Expect): Columns => ({ ...all(403), anonymous: 401, clinician: ok, unassignedClinician: ok });
/** The client portal: only the portal accounts, each to their own record. */
const PORTAL = (ok: Expect): Columns => ({ ...all(403), anonymous: 401, client: ok, partner: ok });

const isPortal = (who: ActorKey): who is 'client' | 'partner' => who === 'client' || who === 'partner';

function actorOf(w: World, who: ActorKey): Actor | null {
  switch (who) {
    case 'anonymous':
      return null;
    case 'otherAdmin':
      return w.b.admin;
    case 'admin':
      return w.a.admin;
    case 'clinician':
      return w.a.clinician;
    case 'unassignedClinician':
      return w.a.unassigned;
    case 'client':
      return w.a.client.actor;
    case 'partner':
      return w.a.partner.actor;
  }
}

const tokenOf = (w: World, who: ActorKey): string | null => actorOf(w, who)?.accessToken ?? null;

function worldOf(w: World, who: ActorKey): PracticeWorld {
  return who === 'otherAdmin' ? w.b : w.a;
}

/** The portal person the caller is, if any. */
function selfOf(w: World, who: ActorKey): PortalPerson | null {
  return who === 'client' ? w.a.client : who === 'partner' ? w.a.partner : null;
}

/** The other partner of a portal caller. */
function otherOf(w: World, who: ActorKey): PortalPerson | null {
  return who === 'client' ? w.a.partner : who === 'partner' ? w.a.client : null;
}

/** For a portal caller: their own record's id and zone must show, the other partner's zone must not. */
function ownRecord(w: World, who: ActorKey, withId: boolean): Pick<Built, 'shows' | 'hidden'> {
  const self = selfOf(w, who);
  const other = otherOf(w, who);
  if (!self || !other) return {};
  return { shows: withId ? [self.clientId, self.timezone] : [self.timezone], hidden: [other.timezone] };
}

const preferencesOf = async (ctx: TestContext, clientId: string): Promise<unknown> =>
  (await ctx.db.query(`SELECT reminder_preferences, version FROM clients WHERE id = $1`, [clientId]))[0];

/** Whatever a caller is answered, it never shows these (the other practice; the other partner). */
function neverShown(w: World, who: ActorKey): string[] {
  const person = (p: PortalPerson) => [p.clientId, p.actor.id, p.actor.email, p.fullName];
  switch (who) {
    case 'otherAdmin':
      // Beyond ids they sent themselves, which their own audit trail may show back to them.
      return [w.a.practiceId, w.a.admin.id, w.a.admin.email, w.a.clinician.email, w.a.unassigned.email, w.a.client.actor.email, w.a.partner.actor.email];
    case 'client':
      return person(w.a.partner);
    case 'partner':
      return person(w.a.client);
    default:
      return [];
  }
}

/** A disposable account with the caller's role in the caller's practice (for calls that change the caller). */
async function stand_in(ctx: TestContext, w: World, who: ActorKey): Promise<Actor> {
  if (isPortal(who)) return (await createPortalClient(ctx, w.a.practiceId, w.a.admin.id, `Stand-in ${tag()}`)).actor;
  const role = who === 'clinician' || who === 'unassignedClinician' ? 'clinician' : 'admin';
  return createStaff(ctx, worldOf(w, who), role);
}

/**
 * The client a call is about: for the portal accounts, partner A's own record (a staff route
 * refuses them even their own, and partner B's refusal must not echo partner A); for staff, a
 * fresh client with the assigned clinician on its care team.
 */
async function subjectClient(ctx: TestContext, w: World, who: ActorKey, over: Parameters<typeof newClient>[2] = {}): Promise<string> {
  return isPortal(who) ? w.a.client.clientId : (await newClient(ctx, w, over)).id;
}

/** Likewise for a couple: the portal accounts' own couple, or a fresh one with the assigned clinician on its team. */
async function subjectCouple(ctx: TestContext, w: World, who: ActorKey, alsoOnTeam: Actor[] = []): Promise<string> {
  return isPortal(who) ? w.a.coupleId : (await newCouple(ctx, w, alsoOnTeam)).id;
}

/** A session of the assigned clinician: individual (a fresh client) or couple (a fresh couple); the portal accounts' couple session for them. */
async function subjectSession(ctx: TestContext, w: World, who: ActorKey, kind: 'individual' | 'couple'): Promise<{ id: string; version: number }> {
  if (isPortal(who)) return book(ctx, w, { coupleId: w.a.coupleId });
  return kind === 'couple' ? book(ctx, w, { coupleId: (await newCouple(ctx, w)).id }) : book(ctx, w, { clientId: (await newClient(ctx, w)).id });
}

/** A record's text: the admin and the assigned clinician receive it (in a list too), nobody else. */
const seen = (who: ActorKey, ...ids: string[]): string[] => (who === 'admin' || who === 'clinician' ? ids : []);
const unseen = (who: ActorKey, ...ids: string[]): string[] => (who === 'admin' || who === 'clinician' ? [] : ids);
/** Clinical text: nobody but the assigned clinician receives it (not even this practice's admin). */
const unseenClinical = (who: ActorKey, ...ids: string[]): string[] => (who === 'clinician' ? [] : ids);
/** …and the assigned clinician does receive it (in a list too). */
const seenClinical = (who: ActorKey, ...ids: string[]): string[] => (who === 'clinician' ? ids : []);

/**
 * For a row whose call is a clinician's act on a plan: this practice's admin joins the care team
 * of the row's couple, so the admin's 403 shows that being on the team is not enough (rule 2:
 * a plan changes only by a clinician of the plan).
 */
const adminOnTeam = (w: World, who: ActorKey): Actor[] => (who === 'admin' ? [w.a.admin] : []);
/** The admin on the team is refused by role (the route is @Roles('clinician')), or by the service for a route open to admins. */
const ROLE_REFUSED = 'forbidden';
const NOT_PLAN_CLINICIAN = 'not_plan_clinician';
const adminRefused = (who: ActorKey, code: string): Pick<Built, 'code'> => (who === 'admin' ? { code } : {});

/**
 * The plan a call is about: for the portal accounts their own couple's plan (a staff route
 * refuses them even that); for staff a fresh couple's plan, at the stage the call needs, with the
 * assigned clinician (and, for a clinician's act, the admin) on its care team.
 */
async function subjectPlan(ctx: TestContext, w: World, who: ActorKey, stage: PlanStage, act = false): Promise<MatrixPlan> {
  if (isPortal(who)) return (await portalPlans(ctx, w)).couple;
  return newPlan(ctx, w, stage, { alsoOnTeam: act ? adminOnTeam(w, who) : [] });
}

/** A goal (with one objective) on the plan a call is about. */
async function subjectGoal(ctx: TestContext, w: World, who: ActorKey, act = false) {
  const plan = await subjectPlan(ctx, w, who, 'active', act);
  return { plan, ...(await newGoal(ctx, w, plan.id)) };
}

/** An agreement of the couple a call is about (the portal accounts' own couple for them). */
async function subjectAgreement(ctx: TestContext, w: World, who: ActorKey) {
  return newAgreement(ctx, w, await subjectCouple(ctx, w, who));
}

const inAMonth = () => new Date(Date.now() + 30 * 24 * 3_600_000).toISOString().slice(0, 10);

const NEW_PASSWORD = 'quiet harbour lanterns 58';

const FOUNDATION: Record<string, Row> = {
  // Operations
  'GET /health/live': { expect: PUBLIC_200 },
  'GET /health/ready': { expect: PUBLIC_200 },
  'GET /metrics': { expect: PUBLIC_200 },

  // Sign-up and sign-in: public; a bearer token changes nothing.
  'POST /v1/auth/signup': {
    expect: all(201),
    build: async (_ctx, w, who) => ({
      token: tokenOf(w, who),
      body: { practiceName: 'Another Practice', timezone: 'Europe/Berlin', fullName: 'New Owner', email: uniqueEmail('signup'), password: PASSWORD },
    }),
  },
  'POST /v1/auth/login': {
    expect: PUBLIC_200,
    build: async (_ctx, w, who) => {
      const as = actorOf(w, who) ?? w.a.clinician;
      return { token: tokenOf(w, who), body: { email: as.email, password: as.password } };
    },
  },
  'POST /v1/auth/refresh': {
    expect: PUBLIC_200,
    build: async (ctx, w, who) => {
      const session = await freshSession(ctx, actorOf(w, who) ?? w.a.clinician);
      return { token: tokenOf(w, who), body: { refreshToken: session.refreshToken } };
    },
  },
  'POST /v1/auth/invitations/accept': {
    expect: PUBLIC_200,
    build: async (ctx, w, who) => {
      const invited = await inviteOnly(ctx, worldOf(w, who));
      const token = await nextMailToken(ctx, invited.email, 0);
      return { token: tokenOf(w, who), body: { token, password: PASSWORD } };
    },
  },
  'POST /v1/auth/password-reset/request': {
    expect: all(202),
    build: async (_ctx, w, who) => ({ token: tokenOf(w, who), body: { email: uniqueEmail('nobody') } }),
  },
  'POST /v1/auth/password-reset/confirm': {
    expect: all(204),
    build: async (ctx, w, who) => {
      const person = await stand_in(ctx, w, who);
      const before = mailCount(ctx, person.email);
      await http(ctx).post('/v1/auth/password-reset/request').send({ email: person.email }).expect(202);
      const token = await nextMailToken(ctx, person.email, before);
      return { token: tokenOf(w, who), body: { token, password: NEW_PASSWORD } };
    },
  },
  'POST /v1/auth/logout': {
    expect: ANY_SIGNED_IN(204),
    build: async (ctx, w, who) => {
      const actor = actorOf(w, who);
      return { token: actor ? (await freshSession(ctx, actor)).accessToken : null };
    },
  },

  // The signed-in user's own account (portal accounts included).
  'GET /v1/me': {
    expect: ANY_SIGNED_IN(200),
    build: async (_ctx, w, who) => ({ token: tokenOf(w, who), shows: actorOf(w, who) ? [actorOf(w, who)!.id] : [] }),
  },
  'POST /v1/me/password': {
    expect: ANY_SIGNED_IN(204),
    build: async (ctx, w, who) => ({
      token: who === 'anonymous' ? null : (await stand_in(ctx, w, who)).accessToken,
      body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
    }),
  },
  // TOTP is for staff accounts; the portal is refused by role before anything is read.
  'POST /v1/me/totp': {
    expect: STAFF_OWN(201),
    build: async (ctx, w, who) => ({
      token: who === 'anonymous' || isPortal(who) ? tokenOf(w, who) : (await stand_in(ctx, w, who)).accessToken,
      body: { password: PASSWORD },
    }),
  },
  'POST /v1/me/totp/confirm': {
    expect: STAFF_OWN(200),
    build: async (ctx, w, who) => {
      if (who === 'anonymous' || isPortal(who)) return { token: tokenOf(w, who), body: { code: '123456' } };
      const person = await stand_in(ctx, w, who);
      const begun = await http(ctx).post('/v1/me/totp').set('Authorization', `Bearer ${person.accessToken}`).send({ password: PASSWORD }).expect(201);
      return { token: person.accessToken, body: { code: totpCode(begun.body.secret) } };
    },
  },
  'POST /v1/me/totp/recovery-codes': {
    expect: STAFF_OWN(200),
    build: async (ctx, w, who) => {
      if (who === 'anonymous' || isPortal(who)) return { token: tokenOf(w, who), body: { code: '123456' } };
      const person = await stand_in(ctx, w, who);
      const { secret } = await enrolTotp(ctx, person);
      // The enrolment spent the current step; the next one is still inside the accepted window.
      return { token: person.accessToken, body: { code: totpCode(secret, 30) } };
    },
  },
  'POST /v1/me/totp/disable': {
    expect: STAFF_OWN(204),
    build: async (ctx, w, who) => {
      if (who === 'anonymous' || isPortal(who)) return { token: tokenOf(w, who), body: { password: PASSWORD, recoveryCode: 'abcde-12345' } };
      const person = await stand_in(ctx, w, who);
      const { recoveryCodes } = await enrolTotp(ctx, person);
      return { token: person.accessToken, body: { password: PASSWORD, recoveryCode: recoveryCodes[0] } };
    },
  },

  // The framework: reference data without tenant data, readable by anyone signed in. A
  // practice's own homework template is tenant data: it is never part of the framework.
  'GET /v1/framework': {
    expect: ANY_SIGNED_IN(200),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      shows: ['"key":"stabilization"', '"key":"forgiveness"'],
      hidden: [await insertPracticeTemplate(ctx, w)],
    }),
  },
  'GET /v1/framework/versions': {
    expect: ANY_SIGNED_IN(200),
    build: async (_ctx, w, who) => ({ token: tokenOf(w, who), shows: ['"version":1'] }),
  },
  'GET /v1/framework/versions/:version': {
    expect: ANY_SIGNED_IN(200),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      params: { version: '1' },
      shows: ['"version":1', '"key":"stabilization"'],
      hidden: [await insertPracticeTemplate(ctx, w)],
    }),
  },

  // Practice administration. Without an id in the path, another practice's admin acts on their own.
  'GET /v1/practice': { expect: STAFF_OWN(200) },
  'PATCH /v1/practice': {
    expect: ADMIN_ONLY_OWN(200),
    build: async (_ctx, w, who) => ({
      token: tokenOf(w, who),
      body: { name: `Renamed by ${who}`, settings: { cliniciansSeeAllClients: false } },
    }),
  },
  'GET /v1/audit-events': { expect: ADMIN_ONLY_OWN(200) },
  'GET /v1/users': { expect: ADMIN_ONLY_OWN(200) },
  'POST /v1/users': {
    expect: ADMIN_ONLY_OWN(201),
    build: async (_ctx, w, who) => ({
      token: tokenOf(w, who),
      body: { email: uniqueEmail('matrix-invite'), role: 'clinician', fullName: 'Invited Person' },
    }),
  },
  // With this practice's ids: another practice's admin gets 404 and changes nothing.
  'GET /v1/users/:id': {
    expect: ADMIN_ONLY_BY_ID(200),
    build: async (_ctx, w, who) => ({ token: tokenOf(w, who), params: { id: w.a.clinician.id } }),
  },
  'PATCH /v1/users/:id': {
    expect: ADMIN_ONLY_BY_ID(200),
    build: async (_ctx, w, who) => ({
      token: tokenOf(w, who),
      params: { id: w.a.clinician.id },
      body: { fullName: `Renamed by ${who}`, role: 'clinician', status: 'active' },
    }),
  },
  'POST /v1/users/:id/invitation': {
    expect: ADMIN_ONLY_BY_ID(204),
    build: async (ctx, w, who) => {
      const invited = await inviteOnly(ctx, w.a);
      return { token: tokenOf(w, who), params: { id: invited.id } };
    },
  },
};

const CLIENTS: Record<string, Row> = {
  // A list answers everyone on staff, each with what they may see: filtered to the row's client.
  'GET /v1/clients': {
    expect: STAFF_OWN(200),
    build: async (ctx, w, who) => {
      const c = await newClient(ctx, w);
      return { token: tokenOf(w, who), query: { q: c.fullName }, shows: seen(who, c.id), hidden: unseen(who, c.id, c.fullName) };
    },
  },
  // Another practice's admin creates in their own practice; a clinician joins the new client's team.
  'POST /v1/clients': {
    expect: STAFF_OWN(201),
    build: async (_ctx, w, who) => ({ token: tokenOf(w, who), body: { fullName: `Created by ${who} ${tag()}`, timezone: 'Europe/Paris' } }),
  },
  'GET /v1/clients/:id': {
    expect: RECORD(200),
    build: async (ctx, w, who) => {
      const id = await subjectClient(ctx, w, who);
      return { token: tokenOf(w, who), params: { id }, shows: [id] };
    },
  },
  'PATCH /v1/clients/:id': {
    expect: RECORD(200),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      params: { id: await subjectClient(ctx, w, who) },
      body: { version: 1, preferredName: `Renamed by ${who}` },
    }),
  },
  'POST /v1/clients/:id/archive': {
    expect: RECORD(200),
    build: async (ctx, w, who) => ({ token: tokenOf(w, who), params: { id: await subjectClient(ctx, w, who) } }),
  },
  'POST /v1/clients/:id/unarchive': {
    expect: RECORD(200),
    build: async (ctx, w, who) => ({ token: tokenOf(w, who), params: { id: await subjectClient(ctx, w, who, { archived: true }) } }),
  },
  // The care team may invite its client to the portal, not only an admin.
  'POST /v1/clients/:id/invite': {
    expect: RECORD(200),
    build: async (ctx, w, who) => ({ token: tokenOf(w, who), params: { id: await subjectClient(ctx, w, who, { email: true }) } }),
  },

  // The client portal: each portal account reaches its own record and nothing else.
  'GET /v1/me/client': {
    expect: PORTAL(200),
    build: async (_ctx, w, who) => ({ token: tokenOf(w, who), ...ownRecord(w, who, true) }),
  },
  'GET /v1/me/preferences': {
    expect: PORTAL(200),
    build: async (_ctx, w, who) => ({ token: tokenOf(w, who), ...ownRecord(w, who, false) }),
  },
  // Changes the caller's own preferences, and never the other partner's.
  'PATCH /v1/me/preferences': {
    expect: PORTAL(200),
    build: async (ctx, w, who) => {
      const other = otherOf(w, who);
      const before = other ? await preferencesOf(ctx, other.clientId) : null;
      const own = ownRecord(w, who, false);
      return {
        token: tokenOf(w, who),
        body: { channels: ['in_app'], quietHours: { start: '21:30', end: '07:30' } },
        shows: own.shows ? [...own.shows, '21:30'] : undefined,
        hidden: own.hidden,
        after: async () => {
          if (other) expect(await preferencesOf(ctx, other.clientId)).toEqual(before);
        },
      };
    },
  },
};

const CARE_TEAMS: Record<string, Row> = {
  'GET /v1/clients/:id/care-team': {
    expect: RECORD(200),
    build: async (ctx, w, who) => ({ token: tokenOf(w, who), params: { id: await subjectClient(ctx, w, who) }, shows: [w.a.clinician.id] }),
  },
  // Admins manage every team; a clinician only the teams they are on.
  'POST /v1/clients/:id/care-team': {
    expect: RECORD(201),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      params: { id: await subjectClient(ctx, w, who) },
      body: { clinicianId: w.a.colleague.id },
    }),
  },
  'DELETE /v1/clients/:id/care-team/:clinicianId': {
    expect: RECORD(204),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      params: { id: await subjectClient(ctx, w, who, { alsoOnTeam: [w.a.colleague] }), clinicianId: w.a.colleague.id },
    }),
  },
  'GET /v1/couples/:id/care-team': {
    expect: RECORD(200),
    build: async (ctx, w, who) => ({ token: tokenOf(w, who), params: { id: await subjectCouple(ctx, w, who) }, shows: [w.a.clinician.id] }),
  },
  'POST /v1/couples/:id/care-team': {
    expect: RECORD(201),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      params: { id: await subjectCouple(ctx, w, who) },
      body: { clinicianId: w.a.colleague.id },
    }),
  },
  'DELETE /v1/couples/:id/care-team/:clinicianId': {
    expect: RECORD(204),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      params: { id: await subjectCouple(ctx, w, who, [w.a.colleague]), clinicianId: w.a.colleague.id },
    }),
  },
};

const COUPLES: Record<string, Row> = {
  'GET /v1/couples': {
    expect: STAFF_OWN(200),
    build: async (ctx, w, who) => {
      const c = await newCouple(ctx, w);
      return { token: tokenOf(w, who), query: { clientId: c.partnerIds[0] }, shows: seen(who, c.id), hidden: unseen(who, c.id) };
    },
  },
  // Partners must be clients the caller can see: another practice's admin and the unassigned clinician get 404.
  'POST /v1/couples': {
    expect: RECORD(201),
    build: async (ctx, w, who) => {
      const partners = isPortal(who)
        ? [w.a.client.clientId, w.a.partner.clientId]
        : [(await newClient(ctx, w)).id, (await newClient(ctx, w)).id];
      return {
        token: tokenOf(w, who),
        body: { partners: [{ clientId: partners[0], role: 'injured' }, { clientId: partners[1], role: 'involved' }], privacyPolicy: 'no_secrets' },
      };
    },
  },
  'GET /v1/couples/:id': {
    expect: RECORD(200),
    build: async (ctx, w, who) => {
      const id = await subjectCouple(ctx, w, who);
      return { token: tokenOf(w, who), params: { id }, shows: [id] };
    },
  },
  'PATCH /v1/couples/:id': {
    expect: RECORD(200),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      params: { id: await subjectCouple(ctx, w, who) },
      body: { version: 1, privacyPolicy: 'limited_secrets' },
    }),
  },
  'POST /v1/couples/:id/dissolve': {
    expect: RECORD(200),
    build: async (ctx, w, who) => ({ token: tokenOf(w, who), params: { id: await subjectCouple(ctx, w, who) }, body: { version: 1 } }),
  },
};

const SAFETY_FLAGS: Record<string, Row> = {
  'GET /v1/clients/:id/safety-flags': {
    expect: CLINICAL(200),
    build: async (ctx, w, who) => {
      const id = await subjectClient(ctx, w, who);
      const flagId = await raiseFlag(ctx, w, id);
      return { token: tokenOf(w, who), params: { id }, shows: [flagId], hidden: unseenClinical(who, flagId, 'drinking') };
    },
  },
  'POST /v1/clients/:id/safety-flags': {
    expect: CLINICIAN_ACT(201),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      params: { id: await subjectClient(ctx, w, who) },
      body: { kind: 'self_harm_risk', severity: 'moderate', note: 'Passive ideation mentioned; safety plan agreed.' },
    }),
  },
  'POST /v1/clients/:id/safety-flags/:flagId/resolve': {
    expect: CLINICIAN_ACT(200),
    build: async (ctx, w, who) => {
      const id = await subjectClient(ctx, w, who);
      return { token: tokenOf(w, who), params: { id, flagId: await raiseFlag(ctx, w, id) }, body: { note: 'Reviewed with the client; resolved.' } };
    },
  },
};

const SESSIONS: Record<string, Row> = {
  // An admin books for the assigned clinician; a clinician books for themselves.
  'POST /v1/sessions': {
    expect: RECORD(201),
    build: async (ctx, w, who) => {
      const clientId = await subjectClient(ctx, w, who);
      return {
        token: tokenOf(w, who),
        body: {
          kind: 'individual',
          participantClientIds: [clientId],
          ...(who === 'clinician' || who === 'unassignedClinician' ? {} : { clinicianId: w.a.clinician.id }),
          ...nextSlot(),
          timezone: 'America/New_York',
        },
      };
    },
  },
  'GET /v1/sessions': {
    expect: STAFF_OWN(200),
    build: async (ctx, w, who) => {
      const clientId = (await newClient(ctx, w)).id;
      const s = await book(ctx, w, { clientId });
      return { token: tokenOf(w, who), query: { clientId }, shows: seen(who, s.id), hidden: unseen(who, s.id) };
    },
  },
  'GET /v1/sessions/:id': {
    expect: RECORD(200),
    build: async (ctx, w, who) => {
      const s = await subjectSession(ctx, w, who, 'individual');
      return { token: tokenOf(w, who), params: { id: s.id }, shows: [s.id] };
    },
  },
  'PATCH /v1/sessions/:id': {
    expect: RECORD(200),
    build: async (ctx, w, who) => {
      const s = await subjectSession(ctx, w, who, 'individual');
      return { token: tokenOf(w, who), params: { id: s.id }, body: { version: s.version, location: `Room moved by ${who}` } };
    },
  },
  'POST /v1/sessions/:id/status': {
    expect: RECORD(200),
    build: async (ctx, w, who) => {
      const s = await subjectSession(ctx, w, who, 'individual');
      return { token: tokenOf(w, who), params: { id: s.id }, body: { status: 'cancelled', reason: 'Client asked to move it', version: s.version } };
    },
  },

  // The portal's schedule: the couple's sessions and the caller's own, never the other partner's individual ones.
  'GET /v1/me/sessions': {
    expect: PORTAL(200),
    build: async (ctx, w, who) => {
      if (!isPortal(who)) return { token: tokenOf(w, who) };
      const joint = await book(ctx, w, { coupleId: w.a.coupleId }, 'soon');
      const mine = await book(ctx, w, { clientId: selfOf(w, who)!.clientId }, 'soon');
      const theirs = await book(ctx, w, { clientId: (who === 'client' ? w.a.partner : w.a.client).clientId }, 'soon');
      return { token: tokenOf(w, who), query: { limit: '100' }, shows: [joint.id, mine.id], hidden: [theirs.id] };
    },
  },

  // A clinician's calendar feed is their own; admins and the portal have none.
  'POST /v1/me/calendar-feed': {
    expect: OWN_AS_CLINICIAN(201),
    build: async (_ctx, w, who) => ({ token: tokenOf(w, who), body: { includeClientNames: false } }),
  },
  'GET /v1/me/calendar-feed': {
    expect: OWN_AS_CLINICIAN(200),
    build: async (_ctx, w, who) => ({ token: tokenOf(w, who) }),
  },
  'DELETE /v1/me/calendar-feed': {
    expect: OWN_AS_CLINICIAN(204),
    build: async (ctx, w, who) => {
      if (who === 'clinician' || who === 'unassignedClinician') await rotateFeed(ctx, actorOf(w, who)!);
      return { token: tokenOf(w, who) };
    },
  },
  /**
   * The secret feed URL: the token in the path is the only credential, and a bearer token neither
   * grants nor is needed. Nobody with the current token → 200 (no client names: not opted in); the
   * clinician with their own current token → 200; everyone else holds a token that does not work
   * (never issued, rotated away, revoked) → 404, whatever bearer token they add.
   */
  'GET /v1/calendar/:token.ics': {
    expect: { ...all(404), anonymous: 200, clinician: 200 },
    build: async (ctx, w, who) => {
      await book(ctx, w, { coupleId: w.a.coupleId });
      const names = [w.a.client.fullName, w.a.partner.fullName];
      if (who === 'anonymous' || who === 'clinician') {
        return { token: tokenOf(w, who), params: { token: await rotateFeed(ctx, w.a.clinician) }, shows: ['BEGIN:VCALENDAR'], hidden: names };
      }
      let token = 'A'.repeat(43);
      if (who === 'admin' || who === 'client') {
        token = await rotateFeed(ctx, w.a.clinician);
        await rotateFeed(ctx, w.a.clinician);
      } else if (who === 'unassignedClinician' || who === 'partner') {
        token = await rotateFeed(ctx, w.a.unassigned);
        await http(ctx).delete('/v1/me/calendar-feed').set('Authorization', `Bearer ${w.a.unassigned.accessToken}`).expect(204);
      }
      return { token: tokenOf(w, who), params: { token }, hidden: names };
    },
  },
};

/** Notes on couple sessions (the safety flags above cover the individual client's clinical access). */
const NOTES: Record<string, Row> = {
  'GET /v1/sessions/:id/note': {
    expect: CLINICAL(200),
    build: async (ctx, w, who) => {
      const s = await subjectSession(ctx, w, who, 'couple');
      await writeNote(ctx, w, s.id);
      return { token: tokenOf(w, who), params: { id: s.id }, shows: [DAP.plan], hidden: unseenClinical(who, DAP.data, DAP.plan) };
    },
  },
  // Writing and signing are the session clinician's; the admin off the care team is refused first.
  'PUT /v1/sessions/:id/note': {
    expect: CLINICAL(201),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      params: { id: (await subjectSession(ctx, w, who, 'couple')).id },
      body: { form: 'dap', sections: DAP, stepsAddressed: ['stabilization'] },
    }),
  },
  'POST /v1/sessions/:id/note/sign': {
    expect: CLINICAL(200),
    build: async (ctx, w, who) => {
      const s = await subjectSession(ctx, w, who, 'couple');
      await writeNote(ctx, w, s.id);
      return { token: tokenOf(w, who), params: { id: s.id }, body: { version: 1 } };
    },
  },
  'POST /v1/sessions/:id/note/addenda': {
    expect: CLINICAL(201),
    build: async (ctx, w, who) => {
      const s = await subjectSession(ctx, w, who, 'couple');
      await writeNote(ctx, w, s.id);
      await signNote(ctx, w, s.id);
      return { token: tokenOf(w, who), params: { id: s.id }, body: { text: 'Correction: the disclosure conversation was on Tuesday.' } };
    },
  },
};

/**
 * Treatment plans are clinical content: the care team reads them (this practice's admin off the
 * team 403, anyone who cannot see the couple 404). Changing a plan or a step is a clinician's act
 * (@Roles('clinician')): every admin is refused by role first — the admin here is on the team.
 */
const TREATMENT_PLANS: Record<string, Row> = {
  // A list answers all staff, each with the plans whose clinical content they read: filtered to the row's couple.
  'GET /v1/treatment-plans': {
    expect: STAFF_OWN(200),
    build: async (ctx, w, who) => {
      const plan = await newPlan(ctx, w, 'active');
      return { token: tokenOf(w, who), query: { coupleId: plan.coupleId! }, shows: seenClinical(who, plan.id), hidden: unseenClinical(who, plan.id) };
    },
  },
  // Only a clinician on the couple's care team starts a plan.
  'POST /v1/treatment-plans': {
    expect: CLINICIAN_ACT(201),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      body: { coupleId: await subjectCouple(ctx, w, who, adminOnTeam(w, who)), presentingConcerns: 'Affair disclosed three weeks ago; both committed to the work.' },
      ...adminRefused(who, ROLE_REFUSED),
    }),
  },
  'GET /v1/treatment-plans/:id': {
    expect: CLINICAL(200),
    build: async (ctx, w, who) => {
      const plan = await subjectPlan(ctx, w, who, 'stabilizing');
      return { token: tokenOf(w, who), params: { id: plan.id }, shows: [plan.id, plan.concerns, plan.reason!], hidden: unseenClinical(who, plan.concerns, plan.reason!) };
    },
  },
  'GET /v1/treatment-plans/:id/history': {
    expect: CLINICAL(200),
    build: async (ctx, w, who) => {
      const plan = await subjectPlan(ctx, w, who, 'stabilizing');
      return { token: tokenOf(w, who), params: { id: plan.id }, shows: ['plan_created', plan.reason!], hidden: unseenClinical(who, plan.reason!) };
    },
  },
  'PATCH /v1/treatment-plans/:id': {
    expect: CLINICIAN_ACT(200),
    build: async (ctx, w, who) => {
      const plan = await subjectPlan(ctx, w, who, 'active', true);
      return { token: tokenOf(w, who), params: { id: plan.id }, body: { version: plan.version, presentingConcerns: `Rewritten by ${who} ${tag()}` }, ...adminRefused(who, ROLE_REFUSED) };
    },
  },
  'POST /v1/treatment-plans/:id/activate': {
    expect: CLINICIAN_ACT(200),
    build: async (ctx, w, who) => ({ token: tokenOf(w, who), params: { id: (await subjectPlan(ctx, w, who, 'draft', true)).id }, body: { reason: 'Intake complete' }, ...adminRefused(who, ROLE_REFUSED) }),
  },
  'POST /v1/treatment-plans/:id/pause': {
    expect: CLINICIAN_ACT(200),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      params: { id: (await subjectPlan(ctx, w, who, 'active', true)).id },
      body: { reason: 'Couple travelling for a month' },
      ...adminRefused(who, ROLE_REFUSED),
    }),
  },
  'POST /v1/treatment-plans/:id/resume': {
    expect: CLINICIAN_ACT(200),
    build: async (ctx, w, who) => ({ token: tokenOf(w, who), params: { id: (await subjectPlan(ctx, w, who, 'paused', true)).id }, body: {}, ...adminRefused(who, ROLE_REFUSED) }),
  },
  // Rule 5: closing needs an outcome (and a summary); separated is as valid as reconciled.
  'POST /v1/treatment-plans/:id/close': {
    expect: CLINICIAN_ACT(200),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      params: { id: (await subjectPlan(ctx, w, who, 'active', true)).id },
      body: { outcome: 'separated', summary: 'Separated with care; co-parenting agreement in place.' },
      ...adminRefused(who, ROLE_REFUSED),
    }),
  },
  // Rule 2: a step changes only by a clinician of the plan.
  'POST /v1/treatment-plans/:id/steps/:stepKey/activate': {
    expect: CLINICIAN_ACT(200),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      params: { id: (await subjectPlan(ctx, w, who, 'active', true)).id, stepKey: 'stabilization' },
      body: { reason: 'Began safety planning' },
      ...adminRefused(who, ROLE_REFUSED),
    }),
  },
  'POST /v1/treatment-plans/:id/steps/:stepKey/complete': {
    expect: CLINICIAN_ACT(200),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      params: { id: (await subjectPlan(ctx, w, who, 'stabilizing', true)).id, stepKey: 'stabilization' },
      body: { reason: 'No crises for three weeks' },
      ...adminRefused(who, ROLE_REFUSED),
    }),
  },
  'POST /v1/treatment-plans/:id/steps/:stepKey/waive': {
    expect: CLINICIAN_ACT(200),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      params: { id: (await subjectPlan(ctx, w, who, 'active', true)).id, stepKey: 'stabilization' },
      body: { reason: 'Calm and safe at intake' },
      ...adminRefused(who, ROLE_REFUSED),
    }),
  },
  'POST /v1/treatment-plans/:id/steps/:stepKey/reopen': {
    expect: CLINICIAN_ACT(200),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      params: { id: (await subjectPlan(ctx, w, who, 'stabilized', true)).id, stepKey: 'stabilization' },
      body: { reason: 'Old arguments returned after the holidays' },
      ...adminRefused(who, ROLE_REFUSED),
    }),
  },

  // The portal: the couple's plan and the caller's own plan in progress — steps and states only,
  // never the clinical text, and never the other partner's individual plan.
  'GET /v1/me/plan': {
    expect: PORTAL(200),
    build: async (ctx, w, who) => {
      if (!isPortal(who)) return { token: tokenOf(w, who) };
      const plans = await portalPlans(ctx, w);
      const mine = plans[who];
      const theirs = plans[who === 'client' ? 'partner' : 'client'];
      return {
        token: tokenOf(w, who),
        shows: [plans.couple.id, mine.id],
        hidden: [theirs.id, ...[plans.couple, mine, theirs].flatMap((p) => [p.concerns, p.reason!])],
      };
    },
  },
};

/** Goals and objectives: read by the care team; changed only by a clinician of the plan (the admin here is on the team). */
const PLAN_GOALS: Record<string, Row> = {
  'GET /v1/treatment-plans/:id/goals': {
    expect: CLINICAL(200),
    build: async (ctx, w, who) => {
      const goal = await subjectGoal(ctx, w, who);
      return { token: tokenOf(w, who), params: { id: goal.plan.id }, shows: [goal.id, goal.title, goal.objective], hidden: unseenClinical(who, goal.title, goal.objective) };
    },
  },
  'POST /v1/treatment-plans/:id/goals': {
    expect: CLINICAL(201),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      params: { id: (await subjectPlan(ctx, w, who, 'active', true)).id },
      body: {
        title: 'Feel safe enough to talk about the affair',
        stepKey: 'stabilization',
        objectives: [{ description: 'Felt safety averages 6 or more', metric: 'measure_average', params: { measure: 'safety', threshold: 6, weeks: 3 } }],
      },
      ...adminRefused(who, NOT_PLAN_CLINICIAN),
    }),
  },
  'PATCH /v1/treatment-plans/:id/goals/:goalId': {
    expect: CLINICAL(200),
    build: async (ctx, w, who) => {
      const goal = await subjectGoal(ctx, w, who, true);
      return { token: tokenOf(w, who), params: { id: goal.plan.id, goalId: goal.id }, body: { status: 'met' }, ...adminRefused(who, NOT_PLAN_CLINICIAN) };
    },
  },
  'POST /v1/treatment-plans/:id/goals/:goalId/objectives': {
    expect: CLINICAL(201),
    build: async (ctx, w, who) => {
      const goal = await subjectGoal(ctx, w, who, true);
      return {
        token: tokenOf(w, who),
        params: { id: goal.plan.id, goalId: goal.id },
        body: { description: 'Agreements kept in 80% of check-ins', metric: 'agreement_kept', params: { percent: 80, weeks: 4 } },
        ...adminRefused(who, NOT_PLAN_CLINICIAN),
      };
    },
  },
  'DELETE /v1/treatment-plans/:id/goals/:goalId/objectives/:objectiveId': {
    expect: CLINICAL(204),
    build: async (ctx, w, who) => {
      const goal = await subjectGoal(ctx, w, who, true);
      return { token: tokenOf(w, who), params: { id: goal.plan.id, goalId: goal.id, objectiveId: goal.objectiveId }, ...adminRefused(who, NOT_PLAN_CLINICIAN) };
    },
  },
};

/** Progress reports: clinical content, for the care team. */
const PROGRESS: Record<string, Row> = {
  'GET /v1/couples/:id/progress': {
    expect: CLINICAL(200),
    build: async (ctx, w, who) => {
      const plan = await subjectPlan(ctx, w, who, 'stabilizing');
      return { token: tokenOf(w, who), params: { id: plan.coupleId! }, shows: [plan.coupleId!, plan.id, plan.reason!], hidden: unseenClinical(who, plan.reason!) };
    },
  },
  'GET /v1/clients/:id/progress': {
    expect: CLINICAL(200),
    build: async (ctx, w, who) => {
      const clientId = await subjectClient(ctx, w, who);
      const plan = isPortal(who) ? (await portalPlans(ctx, w)).client : await newPlan(ctx, w, 'stabilizing', { subject: { clientId } });
      return { token: tokenOf(w, who), params: { id: clientId }, shows: [clientId, plan.id, plan.reason!], hidden: unseenClinical(who, plan.reason!) };
    },
  },
};

/**
 * Check-ins: the care team reads the couple's (free text included); each partner writes and reads
 * only their own through the portal — partner B never receives partner A's, nor A B's.
 */
const CHECK_INS: Record<string, Row> = {
  'GET /v1/check-ins': {
    expect: CLINICAL(200),
    build: async (ctx, w, who) => {
      const a = await checkIn(ctx, w.a.client);
      const b = await checkIn(ctx, w.a.partner);
      return {
        token: tokenOf(w, who),
        query: { coupleId: w.a.coupleId, limit: '100' },
        shows: [a.id, b.id, a.freeText, b.freeText],
        hidden: unseenClinical(who, a.freeText, b.freeText),
      };
    },
  },
  // Open "I feel unsafe" alerts of the cases whose clinical content the caller reads: everyone on staff gets a list, each their own.
  'GET /v1/check-ins/alerts': {
    expect: STAFF_OWN(200),
    build: async (ctx, w, who) => {
      const alert = await checkIn(ctx, w.a.client, { feelsUnsafe: true });
      return { token: tokenOf(w, who), query: { limit: '100' }, shows: seenClinical(who, alert.id), hidden: unseenClinical(who, alert.id, alert.freeText) };
    },
  },
  'POST /v1/check-ins/:id/acknowledge-alert': {
    expect: CLINICAL(200),
    build: async (ctx, w, who) => {
      const alert = await checkIn(ctx, w.a.client, { feelsUnsafe: true });
      return { token: tokenOf(w, who), params: { id: alert.id }, shows: [alert.id], hidden: unseenClinical(who, alert.freeText) };
    },
  },

  // The caller's own check-in: recorded for them, in their couple, and for nobody else.
  'POST /v1/me/check-ins': {
    expect: PORTAL(201),
    build: async (ctx, w, who) => {
      const freeText = `Checked in by ${who} ${tag()}`;
      const self = selfOf(w, who);
      return {
        token: tokenOf(w, who),
        body: { trust: 5, safety: 7, connection: 4, mood: 3, agreementsKept: 'yes', feelsUnsafe: false, freeText },
        shows: [freeText],
        after: async (res) => {
          if (!self) return;
          const rows = await ctx.db.query(`SELECT client_id, couple_id FROM check_ins WHERE id = $1`, [res.body.id]);
          expect(rows).toEqual([{ client_id: self.clientId, couple_id: w.a.coupleId }]);
        },
      };
    },
  },
  'GET /v1/me/check-ins': {
    expect: PORTAL(200),
    build: async (ctx, w, who) => {
      if (!isPortal(who)) return { token: tokenOf(w, who) };
      const mine = await checkIn(ctx, selfOf(w, who)!);
      const theirs = await checkIn(ctx, otherOf(w, who)!);
      return { token: tokenOf(w, who), query: { limit: '100' }, shows: [mine.id, mine.freeText], hidden: [theirs.id, theirs.freeText] };
    },
  },
};

/** A practice measure of the given practice, through the API (its admin). */
async function newMeasure(ctx: TestContext, world: PracticeWorld, over: Record<string, unknown> = {}): Promise<{ id: string; key: string; label: string }> {
  const key = `m_${tag()}`;
  const label = `Measure ${tag()}`;
  const res = await http(ctx)
    .post('/v1/practice/check-in-measures')
    .set('Authorization', `Bearer ${world.admin.accessToken}`)
    .send({ key, label, kind: 'scale_0_10', ...over });
  if (res.status !== 201) throw new Error(`measure: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, key, label };
}

/**
 * A practice's own check-in measures hold no client data: admins manage them, staff read them,
 * another practice's admin reads their own and does not find A's; the portal form asks the
 * framework's measures and the caller's practice's active ones.
 */
const CHECK_IN_MEASURES: Record<string, Row> = {
  'GET /v1/practice/check-in-measures': {
    expect: STAFF_OWN(200),
    build: async (ctx, w, who) => {
      const m = await newMeasure(ctx, w.a);
      return { token: tokenOf(w, who), ...(who === 'otherAdmin' ? { hidden: [m.id, m.key] } : { shows: [m.id, m.key] }) };
    },
  },
  'POST /v1/practice/check-in-measures': {
    expect: ADMIN_ONLY_OWN(201),
    build: async (ctx, w, who) => {
      const key = `by_${tag()}`;
      return {
        token: tokenOf(w, who),
        body: { key, label: `Added by ${who}`, kind: 'choice', options: ['yes', 'no'] },
        shows: [key],
        after: async (res) => {
          if (res.status !== 201) return;
          const rows = await ctx.db.query(`SELECT practice_id FROM practice_check_in_measures WHERE key = $1`, [key]);
          expect(rows).toEqual([{ practice_id: worldOf(w, who).practiceId }]);
        },
      };
    },
  },
  'PATCH /v1/practice/check-in-measures/:id': {
    expect: ADMIN_ONLY_BY_ID(200),
    build: async (ctx, w, who) => {
      const label = `Renamed by ${who} ${tag()}`;
      return { token: tokenOf(w, who), params: { id: (await newMeasure(ctx, w.a)).id }, body: { label, active: false }, shows: [label] };
    },
  },
  'GET /v1/me/check-in-form': {
    expect: PORTAL(200),
    build: async (ctx, w, who) => {
      const ours = await newMeasure(ctx, w.a);
      const retired = await newMeasure(ctx, w.a, { active: false });
      const theirs = await newMeasure(ctx, w.b);
      return { token: tokenOf(w, who), shows: ['"key":"trust"', ours.key], hidden: [retired.key, theirs.key] };
    },
  },
};

/** A couple's agreements: the wording is clinical content, for the couple's care team and the two partners. */
const AGREEMENTS: Record<string, Row> = {
  'POST /v1/agreements': {
    expect: CLINICAL(201),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      body: {
        coupleId: await subjectCouple(ctx, w, who),
        stepKey: 'boundaries',
        kind: 'boundary',
        title: 'No contact with the affair partner',
        items: ['All contact ends; any accidental contact is disclosed within 24 hours'],
        reviewOn: inAMonth(),
      },
    }),
  },
  // Everyone on staff gets a list of the agreements of the couples whose clinical content they read.
  'GET /v1/agreements': {
    expect: STAFF_OWN(200),
    build: async (ctx, w, who) => {
      const a = await newAgreement(ctx, w, (await newCouple(ctx, w)).id);
      return { token: tokenOf(w, who), query: { limit: '100' }, shows: seenClinical(who, a.id, a.title), hidden: unseenClinical(who, a.id, a.title, a.item) };
    },
  },
  'GET /v1/agreements/:id': {
    expect: CLINICAL(200),
    build: async (ctx, w, who) => {
      const a = await subjectAgreement(ctx, w, who);
      return { token: tokenOf(w, who), params: { id: a.id }, shows: [a.id, a.title, a.item], hidden: unseenClinical(who, a.title, a.item) };
    },
  },
  'PATCH /v1/agreements/:id': {
    expect: CLINICAL(200),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      params: { id: (await subjectAgreement(ctx, w, who)).id },
      body: { version: 1, items: ['Phones open on request', 'A weekly check on how it feels'], changeNote: 'Added a weekly review' },
    }),
  },
  'POST /v1/agreements/:id/end': {
    expect: CLINICAL(200),
    build: async (ctx, w, who) => ({ token: tokenOf(w, who), params: { id: (await subjectAgreement(ctx, w, who)).id }, body: { version: 1 } }),
  },
  'GET /v1/agreements/:id/adherence': {
    expect: CLINICAL(200),
    build: async (ctx, w, who) => {
      const a = await subjectAgreement(ctx, w, who);
      return { token: tokenOf(w, who), params: { id: a.id }, shows: [a.id], hidden: unseenClinical(who, a.title, a.item) };
    },
  },

  // The portal: the caller's couple's agreements, never another couple's.
  'GET /v1/me/agreements': {
    expect: PORTAL(200),
    build: async (ctx, w, who) => {
      if (!isPortal(who)) return { token: tokenOf(w, who) };
      const ours = await newAgreement(ctx, w, w.a.coupleId);
      const another = await newAgreement(ctx, w, (await newCouple(ctx, w)).id);
      return { token: tokenOf(w, who), query: { limit: '100' }, shows: [ours.id, ours.title], hidden: [another.id, another.title, another.item] };
    },
  },
  // Each partner acknowledges for themselves alone.
  'POST /v1/me/agreements/:id/acknowledge': {
    expect: PORTAL(200),
    build: async (ctx, w, who) => {
      const a = await subjectAgreement(ctx, w, who);
      const self = selfOf(w, who);
      return {
        token: tokenOf(w, who),
        params: { id: a.id },
        body: { revision: 1 },
        shows: [a.id],
        after: async () => {
          if (!self) return;
          const acks = await ctx.db.query(`SELECT client_id, revision FROM agreement_acknowledgements WHERE agreement_id = $1`, [a.id]);
          expect(acks).toEqual([{ client_id: self.clientId, revision: 1 }]);
        },
      };
    },
  },
};

/** The practice's webhook settings, the in-app inbox of whoever is signed in, and the admins' delivery log. */
async function ensureWebhook(ctx: TestContext, world: PracticeWorld): Promise<string> {
  const url = `https://hooks.example.org/${tag()}`;
  await http(ctx).put('/v1/practice/webhook').set('Authorization', `Bearer ${world.admin.accessToken}`).send({ url }).expect(200);
  return url;
}

/** One delivered in-app notification for the caller (their client record, or their user), in their practice. */
async function inboxRowFor(ctx: TestContext, w: World, who: ActorKey): Promise<string | null> {
  const self = selfOf(w, who);
  const actor = actorOf(w, who);
  if (!actor) return null;
  return self
    ? insertNotification(ctx, { practiceId: w.a.practiceId, recipientClientId: self.clientId })
    : insertNotification(ctx, { practiceId: worldOf(w, who).practiceId, recipientUserId: actor.id, reason: 'clinician_alert', subjectType: 'check_in' });
}

const readAtOf = async (ctx: TestContext, id: string): Promise<Date | null> =>
  ((await ctx.db.query(`SELECT read_at FROM notifications WHERE id = $1`, [id]))[0] as { read_at: Date | null }).read_at;

const NOTIFICATIONS: Record<string, Row> = {
  // Without an id in the path, another practice's admin reads and changes their own practice's endpoint.
  'GET /v1/practice/webhook': {
    expect: ADMIN_ONLY_OWN(200),
    build: async (ctx, w, who) => {
      const ours = await ensureWebhook(ctx, w.a);
      if (who !== 'otherAdmin') return { token: tokenOf(w, who), shows: [ours], hidden: ['whsec_'] };
      const theirs = await ensureWebhook(ctx, w.b);
      return { token: tokenOf(w, who), shows: [theirs], hidden: [ours, 'whsec_'] };
    },
  },
  'PUT /v1/practice/webhook': {
    expect: ADMIN_ONLY_OWN(200),
    build: async (ctx, w, who) => {
      const ours = await ensureWebhook(ctx, w.a);
      const url = `https://hooks.example.org/${who}-${tag()}`;
      return {
        token: tokenOf(w, who),
        body: { url, rotateSecret: true },
        shows: [url, 'whsec_'],
        hidden: who === 'otherAdmin' ? [ours] : [],
        after: async (res) => {
          if (res.status !== 200) return;
          const rows: Array<{ url: string }> = await ctx.db.query(`SELECT url FROM webhook_endpoints WHERE practice_id = $1`, [worldOf(w, who).practiceId]);
          expect(rows).toEqual([{ url }]);
        },
      };
    },
  },
  'DELETE /v1/practice/webhook': {
    expect: ADMIN_ONLY_OWN(204),
    build: async (ctx, w, who) => {
      await ensureWebhook(ctx, w.a);
      if (who === 'otherAdmin') await ensureWebhook(ctx, w.b);
      return {
        token: tokenOf(w, who),
        after: async (res) => {
          if (res.status !== 204) return;
          expect(await ctx.db.query(`SELECT 1 FROM webhook_endpoints WHERE practice_id = $1`, [worldOf(w, who).practiceId])).toEqual([]);
        },
      };
    },
  },
  // Everyone signed in has an inbox of their own; partner A's never shows partner B's, nor B's A's.
  'GET /v1/me/notifications': {
    expect: ANY_SIGNED_IN(200),
    build: async (ctx, w, who) => {
      const own = await inboxRowFor(ctx, w, who);
      const other = otherOf(w, who);
      const partners = await Promise.all(
        [w.a.client, w.a.partner].map((p) => insertNotification(ctx, { practiceId: w.a.practiceId, recipientClientId: p.clientId })),
      );
      const notMine = other ? [partners[other === w.a.client ? 0 : 1]] : partners;
      return { token: tokenOf(w, who), query: { limit: '100' }, shows: own ? [own] : [], hidden: notMine };
    },
  },
  'POST /v1/me/notifications/read-all': {
    expect: ANY_SIGNED_IN(200),
    build: async (ctx, w, who) => {
      const own = await inboxRowFor(ctx, w, who);
      const other = otherOf(w, who) ?? w.a.client;
      const theirs = await insertNotification(ctx, { practiceId: w.a.practiceId, recipientClientId: other.clientId });
      return {
        token: tokenOf(w, who),
        after: async (res) => {
          expect(await readAtOf(ctx, theirs)).toBeNull();
          if (res.status === 200 && own) expect(await readAtOf(ctx, own)).not.toBeNull();
        },
      };
    },
  },
  // Partner A's notification: only partner A may mark it read; to everyone else it does not exist.
  'POST /v1/me/notifications/:id/read': {
    expect: { anonymous: 401, otherAdmin: 404, admin: 404, clinician: 404, unassignedClinician: 404, client: 200, partner: 404 },
    build: async (ctx, w, who) => {
      const id = await insertNotification(ctx, { practiceId: w.a.practiceId, recipientClientId: w.a.client.clientId });
      return {
        token: tokenOf(w, who),
        params: { id },
        shows: [id],
        after: async (res) => {
          if (res.status !== 200) expect(await readAtOf(ctx, id)).toBeNull();
          else expect(await readAtOf(ctx, id)).not.toBeNull();
        },
      };
    },
  },
  // The delivery log: the practice's admins; another practice's admin sees their own log.
  'GET /v1/notifications': {
    expect: ADMIN_ONLY_OWN(200),
    build: async (ctx, w, who) => {
      const ours = await insertNotification(ctx, { practiceId: w.a.practiceId, recipientClientId: w.a.client.clientId, channel: 'email', scheduledFor: new Date('2031-01-01T00:00:00.000Z') });
      return { token: tokenOf(w, who), query: { limit: '100' }, ...(who === 'otherAdmin' ? { hidden: [ours] } : { shows: [ours] }) };
    },
  },
  'GET /v1/notifications/:id': {
    expect: ADMIN_ONLY_BY_ID(200),
    build: async (ctx, w, who) => {
      const id = await insertNotification(ctx, { practiceId: w.a.practiceId, recipientClientId: w.a.client.clientId, channel: 'email' });
      return { token: tokenOf(w, who), params: { id }, shows: [id] };
    },
  },
};

/** The client's check-in schedule, set by the assigned clinician (created, or replaced if it exists). */
async function scheduleFor(ctx: TestContext, w: World, clientId: string, localTime = '20:00'): Promise<string> {
  const res = await http(ctx)
    .put(`/v1/clients/${clientId}/check-in-schedule`)
    .set('Authorization', `Bearer ${w.a.clinician.accessToken}`)
    .send({ rrule: 'FREQ=DAILY', localTime });
  if (res.status !== 200 && res.status !== 201) throw new Error(`schedule for ${clientId}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** A fresh open_check_in link of a client of the caller's practice (another practice's admin gets one of their own). */
async function oneTapLink(ctx: TestContext, w: World, who: ActorKey): Promise<string> {
  const world = worldOf(w, who);
  const clientId = who === 'otherAdmin' ? await insertClient(ctx, world.practiceId, world.admin.id, { fullName: `One-tap ${tag()}` }) : w.a.client.clientId;
  return (await ctx.app.get(OneTapService).issue(ctx.db.manager, { practiceId: world.practiceId, clientId, purpose: 'open_check_in', subjectId: clientId })).token;
}

/**
 * Check-in schedules (clinical level, like check-ins) and one-tap links. The one-tap routes are
 * public: a link is its own credential, whoever holds it (an access token neither helps nor
 * hurts); the grant routes answer 401 to every access token — a grant is the only key.
 */
const CHECK_IN_SCHEDULES_AND_ONE_TAP: Record<string, Row> = {
  'GET /v1/clients/:id/check-in-schedule': {
    expect: CLINICAL(200),
    build: async (ctx, w, who) => {
      const id = await subjectClient(ctx, w, who);
      const scheduleId = await scheduleFor(ctx, w, id, '07:13');
      return { token: tokenOf(w, who), params: { id }, shows: [scheduleId, '07:13'], hidden: unseenClinical(who, scheduleId, '07:13') };
    },
  },
  'PUT /v1/clients/:id/check-in-schedule': {
    expect: CLINICAL(201),
    build: async (ctx, w, who) => {
      const id = isPortal(who) ? (await newClient(ctx, w)).id : await subjectClient(ctx, w, who);
      return {
        token: tokenOf(w, who),
        params: { id },
        body: { rrule: 'FREQ=WEEKLY;BYDAY=TU,TH', localTime: '18:45' },
        shows: ['18:45'],
        after: async (res) => {
          if (res.status !== 201) return;
          const planned: Array<{ n: number }> = await ctx.db.query(
            `SELECT count(*)::int AS n FROM notifications WHERE subject_type = 'check_in_schedule' AND subject_id = $1 AND recipient_client_id = $2`,
            [res.body.id, id],
          );
          expect(planned[0].n).toBeGreaterThan(0);
        },
      };
    },
  },
  'DELETE /v1/clients/:id/check-in-schedule': {
    expect: CLINICAL(204),
    build: async (ctx, w, who) => {
      const id = await subjectClient(ctx, w, who);
      await scheduleFor(ctx, w, id);
      return {
        token: tokenOf(w, who),
        params: { id },
        after: async (res) => {
          if (res.status !== 204) return;
          expect(await ctx.db.query(`SELECT 1 FROM check_in_schedules WHERE client_id = $1`, [id])).toEqual([]);
        },
      };
    },
  },
  // The caller's own schedule: each partner's shows their own zone, never the other's.
  'GET /v1/me/check-in-schedule': {
    expect: PORTAL(200),
    build: async (ctx, w, who) => {
      await scheduleFor(ctx, w, w.a.client.clientId);
      await scheduleFor(ctx, w, w.a.partner.clientId);
      return { token: tokenOf(w, who), ...ownRecord(w, who, false) };
    },
  },
  'POST /v1/one-tap/preview': {
    expect: all(200),
    build: async (ctx, w, who) => ({ token: tokenOf(w, who), body: { token: await oneTapLink(ctx, w, who) }, shows: ['open_check_in'] }),
  },
  'POST /v1/one-tap/redeem': {
    expect: all(200),
    build: async (ctx, w, who) => ({ token: tokenOf(w, who), body: { token: await oneTapLink(ctx, w, who) }, shows: ['open_check_in', '"scope":"check_in"'] }),
  },
  'GET /v1/one-tap/check-in': { expect: all(401) },
  'POST /v1/one-tap/check-in': {
    expect: all(401),
    build: async (_ctx, w, who) => ({ token: tokenOf(w, who), body: { trust: 5, safety: 5, connection: 5, mood: 3 } }),
  },
  'GET /v1/one-tap/homework': { expect: all(401) },
  'POST /v1/one-tap/homework/submission': { expect: all(401), build: async (_ctx, w, who) => ({ token: tokenOf(w, who), body: { answers: [] } }) },
};

// ── Homework (issue 5) ─────────────────────────────────────────────────────────────────────

interface MatrixHomework {
  id: string;
  title: string;
  /** Clinical text: for the care team and the assignees only. */
  instructions: string;
  instanceIds: string[];
  clientIds: string[];
}

/** Homework given by the assigned clinician under a plan's active step (ad hoc, one-off, due in two days). */
async function newHomework(ctx: TestContext, w: World, planId: string, stepKey = 'stabilization'): Promise<MatrixHomework> {
  const title = `Homework ${tag()}`;
  const instructions = `Write about one calm moment this week ${tag()}`;
  const res = await http(ctx)
    .post('/v1/homework')
    .set('Authorization', `Bearer ${w.a.clinician.accessToken}`)
    .send({ planId, stepKey, title, instructions, kind: 'journal', questions: [{ key: 'q1', kind: 'text', prompt: 'What did you notice?' }], dueAt: new Date(Date.now() + 48 * 3_600_000).toISOString() });
  if (res.status !== 201) throw new Error(`homework: ${res.status} ${JSON.stringify(res.body)}`);
  const instances = res.body.instances as Array<{ id: string; clientId: string }>;
  return { id: res.body.id, title, instructions, instanceIds: instances.map((i) => i.id), clientIds: instances.map((i) => i.clientId) };
}

/** Homework on a fresh couple's plan of the assigned clinician (the admin joins the team for a clinician's act). */
async function subjectHomework(ctx: TestContext, w: World, who: ActorKey, act = false): Promise<MatrixHomework> {
  const plan = await newPlan(ctx, w, 'stabilizing', { alsoOnTeam: act ? adminOnTeam(w, who) : [] });
  return newHomework(ctx, w, plan.id);
}

/** …with its first instance answered, through the homework module's own submission path. */
async function answeredHomework(ctx: TestContext, w: World, who: ActorKey, act = false): Promise<MatrixHomework & { answer: string; submissionId: string }> {
  const hw = await subjectHomework(ctx, w, who, act);
  const answer = `An answer for the care team ${tag()}`;
  await ctx.app.get(MyHomeworkService).submitAs(asPracticeId(w.a.practiceId), hw.clientIds[0], null, hw.instanceIds[0], { q1: answer });
  const [{ id }]: Array<{ id: string }> = await ctx.db.query(`SELECT id FROM homework_submissions WHERE instance_id = $1`, [hw.instanceIds[0]]);
  return { ...hw, answer, submissionId: id };
}

/** Homework on a portal person's own individual plan: theirs alone (private; never the partner's). */
async function individualHomework(ctx: TestContext, w: World, person: PortalPerson): Promise<MatrixHomework> {
  const plans = await portalPlans(ctx, w);
  return newHomework(ctx, w, (person === w.a.client ? plans.client : plans.partner).id);
}

/** A practice template of practice A, through the API. */
async function newTemplate(ctx: TestContext, w: World): Promise<{ id: string; title: string }> {
  const title = `Practice A template ${tag()}`;
  const res = await http(ctx)
    .post('/v1/homework-templates')
    .set('Authorization', `Bearer ${w.a.clinician.accessToken}`)
    .send({ title, instructions: 'Note one kept promise a day.', kind: 'journal', audience: 'each', stepKey: 'consistency', defaultCadence: 'FREQ=DAILY', questions: [] });
  if (res.status !== 201) throw new Error(`template: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, title };
}

/** Templates hold no client data: any staff member of the practice; another practice's admin does not find them. */
const TEMPLATE_BY_ID = (ok: Expect): Columns => ({ ...STAFF_OWN(ok), otherAdmin: 404 });

const HOMEWORK: Record<string, Row> = {
  // The library and the practice's own; another practice's admin sees the library and theirs, never A's.
  'GET /v1/homework-templates': {
    expect: STAFF_OWN(200),
    build: async (ctx, w, who) => {
      const t = await newTemplate(ctx, w);
      return { token: tokenOf(w, who), query: { limit: '100' }, ...(who === 'otherAdmin' ? { hidden: [t.id, t.title] } : { shows: [t.id, t.title] }) };
    },
  },
  'POST /v1/homework-templates': {
    expect: STAFF_OWN(201),
    build: async (_ctx, w, who) => ({
      token: tokenOf(w, who),
      body: { title: `New template ${tag()}`, instructions: 'Write it down.', kind: 'worksheet', audience: 'injured', stepKey: 'validation', defaultCadence: 'once', questions: [] },
    }),
  },
  'GET /v1/homework-templates/:id': {
    expect: TEMPLATE_BY_ID(200),
    build: async (ctx, w, who) => {
      const t = await newTemplate(ctx, w);
      return { token: tokenOf(w, who), params: { id: t.id }, shows: [t.title], hidden: who === 'otherAdmin' ? [t.title] : [] };
    },
  },
  'PATCH /v1/homework-templates/:id': {
    expect: TEMPLATE_BY_ID(200),
    build: async (ctx, w, who) => ({ token: tokenOf(w, who), params: { id: (await newTemplate(ctx, w)).id }, body: { title: `Renamed ${tag()}` } }),
  },
  'POST /v1/homework-templates/:id/archive': {
    expect: TEMPLATE_BY_ID(200),
    build: async (ctx, w, who) => ({ token: tokenOf(w, who), params: { id: (await newTemplate(ctx, w)).id } }),
  },

  // Giving homework is a clinician-of-the-plan act; the admin on the care team is refused by role.
  'POST /v1/homework': {
    expect: CLINICIAN_ACT(201),
    build: async (ctx, w, who) => {
      const plan = await newPlan(ctx, w, 'stabilizing', { alsoOnTeam: adminOnTeam(w, who) });
      return {
        token: tokenOf(w, who),
        body: { planId: plan.id, stepKey: 'stabilization', title: 'Grounding', kind: 'journal', questions: [], dueAt: new Date(Date.now() + 24 * 3_600_000).toISOString() },
        ...adminRefused(who, ROLE_REFUSED),
      };
    },
  },
  // Everyone on staff gets a list of the homework of the cases whose clinical content they read.
  'GET /v1/homework': {
    expect: STAFF_OWN(200),
    build: async (ctx, w, who) => {
      const hw = await subjectHomework(ctx, w, who);
      return { token: tokenOf(w, who), query: { limit: '100' }, shows: seenClinical(who, hw.id, hw.instructions), hidden: unseenClinical(who, hw.id, hw.instructions) };
    },
  },
  'GET /v1/homework/:id': {
    expect: CLINICAL(200),
    build: async (ctx, w, who) => {
      const hw = await subjectHomework(ctx, w, who);
      return { token: tokenOf(w, who), params: { id: hw.id }, shows: [hw.id, hw.instructions], hidden: unseenClinical(who, hw.instructions) };
    },
  },
  'PATCH /v1/homework/:id': {
    expect: CLINICIAN_ACT(200),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      params: { id: (await subjectHomework(ctx, w, who, true)).id },
      body: { version: 1, title: `Renamed ${tag()}` },
      ...adminRefused(who, ROLE_REFUSED),
    }),
  },
  'POST /v1/homework/:id/pause': {
    expect: CLINICIAN_ACT(200),
    build: async (ctx, w, who) => ({ token: tokenOf(w, who), params: { id: (await subjectHomework(ctx, w, who, true)).id }, body: { version: 1 }, ...adminRefused(who, ROLE_REFUSED) }),
  },
  'POST /v1/homework/:id/resume': {
    expect: CLINICIAN_ACT(200),
    build: async (ctx, w, who) => {
      const hw = await subjectHomework(ctx, w, who, true);
      const paused = await http(ctx).post(`/v1/homework/${hw.id}/pause`).set('Authorization', `Bearer ${w.a.clinician.accessToken}`).send({});
      expect(paused.status).toBe(200);
      return { token: tokenOf(w, who), params: { id: hw.id }, body: {}, ...adminRefused(who, ROLE_REFUSED) };
    },
  },
  'POST /v1/homework/:id/cancel': {
    expect: CLINICIAN_ACT(200),
    build: async (ctx, w, who) => ({ token: tokenOf(w, who), params: { id: (await subjectHomework(ctx, w, who, true)).id }, body: {}, ...adminRefused(who, ROLE_REFUSED) }),
  },
  // An instance with its answers: the care team; the admin off it sees the record exists (403).
  'GET /v1/homework/instances/:id': {
    expect: CLINICAL(200),
    build: async (ctx, w, who) => {
      const hw = await answeredHomework(ctx, w, who);
      return { token: tokenOf(w, who), params: { id: hw.instanceIds[0] }, shows: [hw.instanceIds[0], hw.answer], hidden: unseenClinical(who, hw.answer) };
    },
  },
  'POST /v1/homework/instances/:id/excuse': {
    expect: CLINICIAN_ACT(200),
    build: async (ctx, w, who) => ({
      token: tokenOf(w, who),
      params: { id: (await subjectHomework(ctx, w, who, true)).instanceIds[0] },
      body: { reason: 'Travelling this week' },
      ...adminRefused(who, ROLE_REFUSED),
    }),
  },
  'POST /v1/homework/instances/:id/reopen': {
    expect: CLINICIAN_ACT(200),
    build: async (ctx, w, who) => {
      const hw = await answeredHomework(ctx, w, who, true);
      return { token: tokenOf(w, who), params: { id: hw.instanceIds[0] }, hidden: unseenClinical(who, hw.answer), ...adminRefused(who, ROLE_REFUSED) };
    },
  },
  'POST /v1/homework/submissions/:id/review': {
    expect: CLINICIAN_ACT(200),
    build: async (ctx, w, who) => {
      const hw = await answeredHomework(ctx, w, who, true);
      return { token: tokenOf(w, who), params: { id: hw.submissionId }, body: { comment: 'Thank you; let us talk about it' }, hidden: unseenClinical(who, hw.answer), ...adminRefused(who, ROLE_REFUSED) };
    },
  },

  // The portal: each partner's own homework, never the other's (rule 6).
  'GET /v1/me/homework': {
    expect: PORTAL(200),
    build: async (ctx, w, who) => {
      const self = selfOf(w, who);
      const other = otherOf(w, who);
      if (!self || !other) return { token: tokenOf(w, who) };
      const mine = await individualHomework(ctx, w, self);
      const theirs = await individualHomework(ctx, w, other);
      return { token: tokenOf(w, who), shows: [mine.instanceIds[0], mine.title], hidden: [...theirs.instanceIds, theirs.title, theirs.instructions] };
    },
  },
  'GET /v1/me/homework/:instanceId': {
    expect: PORTAL(200),
    build: async (ctx, w, who) => {
      const mine = await individualHomework(ctx, w, selfOf(w, who) ?? w.a.client);
      const other = otherOf(w, who);
      const theirs = other ? await individualHomework(ctx, w, other) : null;
      return {
        token: tokenOf(w, who),
        params: { instanceId: mine.instanceIds[0] },
        shows: [mine.instructions],
        hidden: [...(theirs ? [theirs.instructions, ...theirs.instanceIds] : []), ...(isPortal(who) ? [] : [mine.instructions])],
      };
    },
  },
  'POST /v1/me/homework/:instanceId/submission': {
    expect: PORTAL(201),
    build: async (ctx, w, who) => {
      const mine = await individualHomework(ctx, w, selfOf(w, who) ?? w.a.client);
      const answer = `My own answer ${tag()}`;
      return {
        token: tokenOf(w, who),
        params: { instanceId: mine.instanceIds[0] },
        body: { answers: { q1: answer } },
        ...(isPortal(who) ? { shows: [answer] } : { hidden: [answer, mine.instructions] }),
        after: async (res) => {
          const rows = await ctx.db.query(`SELECT client_id FROM homework_submissions WHERE instance_id = $1`, [mine.instanceIds[0]]);
          expect(rows).toEqual(res.status === 201 ? [{ client_id: selfOf(w, who)!.clientId }] : []);
        },
      };
    },
  },
};

const MATRIX: Record<string, Row> = {
  ...FOUNDATION,
  ...CLIENTS,
  ...CARE_TEAMS,
  ...COUPLES,
  ...SAFETY_FLAGS,
  ...SESSIONS,
  ...NOTES,
  ...TREATMENT_PLANS,
  ...PLAN_GOALS,
  ...PROGRESS,
  ...CHECK_INS,
  ...CHECK_IN_MEASURES,
  ...AGREEMENTS,
  ...NOTIFICATIONS,
  ...CHECK_IN_SCHEDULES_AND_ONE_TAP,
  ...HOMEWORK,
};

function keyOf(r: { method: string; url: string }): string {
  return `${r.method} ${r.url}`;
}

function fill(url: string, params: Record<string, string> = {}): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`no value for :${name} in ${url}`);
    return encodeURIComponent(params[name]);
  });
}

describe('authorization matrix', () => {
  let ctx: TestContext;
  let w: World;

  beforeAll(async () => {
    ctx = await startTestApp();
    w = await buildMatrixWorld(ctx);
  });
  afterAll(() => ctx?.close());

  it('has a row for every route the router registered, and no row for a route that is gone', () => {
    const routed = routesOf(ctx.app)
      .filter((r) => !OUTSIDE_MATRIX.some((re) => re.test(r.url)))
      .map(keyOf);
    expect(routed.length).toBeGreaterThan(0);
    const missing = routed.filter((k) => !(k in MATRIX));
    const stale = Object.keys(MATRIX).filter((k) => !routed.includes(k));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  describe.each(Object.entries(MATRIX))('%s', (key, row) => {
    const [method, url] = key.split(' ');

    it.each(ACTORS.map((who) => [who, row.expect[who]] as const))('%s → %s', async (who, expected) => {
      expect(routesOf(ctx.app).map(keyOf)).toContain(key);
      const built: Built = row.build ? await row.build(ctx, w, who) : { token: tokenOf(w, who) };
      const path = fill(url, built.params);

      // Denials, and anything another practice's admin does, must leave this practice untouched.
      const mustNotChange = expected >= 400 || who === 'otherAdmin';
      const before = mustNotChange ? await snapshotPractice(ctx, w.a.practiceId) : null;

      let req = http(ctx)[method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete'](path);
      if (built.query) req = req.query(built.query);
      if (built.token) req = req.set('Authorization', `Bearer ${built.token}`);
      const res = built.body !== undefined ? await req.send(built.body) : await req;

      expect({ status: res.status, body: res.status === expected ? undefined : res.body }).toEqual({ status: expected, body: undefined });
      if (expected >= 400) {
        expect(res.body).toMatchObject({ statusCode: expected, error: expect.any(String), message: expect.any(String) });
        if (built.code) expect(res.body.code).toBe(built.code);
      }
      if (before) expect(await snapshotPractice(ctx, w.a.practiceId)).toEqual(before);

      const text = res.text ?? '';
      if (res.status < 300) for (const own of built.shows ?? []) expect(text).toContain(own);
      // What the caller may not see appears in no answer: not another practice's, not the other
      // partner's (partner B's portal never receives partner A's ids, nor A's portal B's).
      for (const secret of [...neverShown(w, who), ...(built.hidden ?? [])]) expect(text).not.toContain(secret);
      await built.after?.(res);
    });
  });

  describe('a clinician whose session must enrol TOTP first', () => {
    it('reaches only the routes allowed during enrolment (me, logout, TOTP enrolment)', async () => {
      // A separate practice that requires staff TOTP, so the shared one is not affected.
      const p = await createPractice(ctx, 'Strict Practice');
      const clinician = await createStaff(ctx, p, 'clinician');
      await http(ctx).patch('/v1/practice').set('Authorization', `Bearer ${p.admin.accessToken}`).send({ settings: { requireStaffTotp: true } }).expect(200);
      const signedIn = await login(ctx, clinician.email);
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.totpEnrolmentRequired).toBe(true);
      const token = signedIn.body.accessToken as string;
      await http(ctx).get('/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
      await http(ctx).get('/v1/practice').set('Authorization', `Bearer ${token}`).expect(403);
      await http(ctx).post('/v1/me/totp').set('Authorization', `Bearer ${token}`).send({ password: PASSWORD }).expect(201);
    });
  });

  describe('the calendar feed URL', () => {
    it('answers 404 for a token of the wrong shape or one never issued, without a bearer token', async () => {
      for (const token of ['not-a-token', 'B'.repeat(43)]) {
        const res = await http(ctx).get(`/v1/calendar/${token}.ics`);
        expect(res.status).toBe(404);
      }
    });
  });

  describe('the operators’ queue dashboard (/admin/queues)', () => {
    const operator = () => `Basic ${Buffer.from(`${ctx.config.QUEUE_DASHBOARD_USER}:${ctx.config.QUEUE_DASHBOARD_PASSWORD}`).toString('base64')}`;
    const dashboardRoutes = () => routesOf(ctx.app).filter((r) => /^\/admin\/queues/.test(r.url));
    const sample = (url: string) =>
      url.replace(/\*$/, 'x.js').replace(/:queueName/g, 'heartbeat').replace(/:jobId/g, '1').replace(/:queueStatus/g, 'failed');

    it('is mounted (credentials are configured in tests)', () => {
      expect(ctx.config.QUEUE_DASHBOARD_USER).toBeTruthy();
      expect(ctx.config.QUEUE_DASHBOARD_PASSWORD).toBeTruthy();
      expect(dashboardRoutes().map(keyOf)).toEqual(expect.arrayContaining(['GET /admin/queues', 'GET /admin/queues/api/queues']));
    });

    it('answers 401 on every dashboard route without credentials, with wrong ones, and with a practice admin’s bearer token', async () => {
      const failures: string[] = [];
      for (const r of dashboardRoutes()) {
        const path = sample(r.url);
        const m = r.method.toLowerCase() as 'get' | 'put' | 'post' | 'patch';
        const attempts: Array<[string, string | undefined]> = [
          ['none', undefined],
          ['wrong password', `Basic ${Buffer.from(`${ctx.config.QUEUE_DASHBOARD_USER}:not-the-password-at-all`).toString('base64')}`],
          ['admin bearer', `Bearer ${w.a.admin.accessToken}`],
        ];
        for (const [label, auth] of attempts) {
          let req = http(ctx)[m](path);
          if (auth) req = req.set('Authorization', auth);
          const res = m === 'get' ? await req : await req.send({});
          if (res.status !== 401) failures.push(`${r.method} ${path} with ${label} → ${res.status}`);
        }
      }
      expect(failures).toEqual([]);
      const res = await http(ctx).get('/admin/queues');
      expect(res.headers['www-authenticate']).toMatch(/^Basic /);
    });

    it('opens with the operator credentials from configuration', async () => {
      await http(ctx).get('/admin/queues').set('Authorization', operator()).expect(200);
      const api = await http(ctx).get('/admin/queues/api/queues').set('Authorization', operator()).expect(200);
      expect(Array.isArray(api.body.queues)).toBe(true);
    });
  });
});
