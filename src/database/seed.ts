import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { hashPassword } from '../common/security/passwords';
import { loadConfig } from '../config/env.schema';
import { DEFAULT_PRACTICE_SETTINGS, Practice } from '../modules/practices/practice.entity';
import { StaffRole, User } from '../modules/users/user.entity';
import { CareTeamMember } from '../modules/care-teams/care-team-member.entity';
import { Client } from '../modules/clients/client.entity';
import { searchNameOf } from '../modules/clients/search-name';
import { Couple, CoupleMember, RecoveryRole } from '../modules/couples/couple.entity';
import { ClinicalSession, SessionParticipant } from '../modules/sessions/clinical-session.entity';
import { DateTime } from 'luxon';
import { FieldEncryption } from '../common/security/field-encryption';
import { Agreement, AgreementAcknowledgement, AgreementRevision } from '../modules/agreements/agreement.entity';
import { serializeWording, wordingAad } from '../modules/agreements/agreement-wording';
import { CheckIn } from '../modules/check-ins/check-in.entity';
import { HomeworkTemplate } from '../modules/framework/homework-template.entity';
import { HomeworkAssignee, HomeworkAssignment, HomeworkInstance, HomeworkSubmission } from '../modules/homework/homework.entity';
import { ONCE_KEY } from '../modules/homework/homework-scheduler';
import { sealAnswers } from '../modules/homework/homework-sealing';
import { FrameworkStep, FrameworkVersion } from '../modules/framework/framework.entity';
import { concernsAad } from '../modules/treatment-plans/plan-sealing';
import { PlanEvent, PlanGoal, PlanObjective, PlanStep, TreatmentPlan } from '../modules/treatment-plans/treatment-plan.entity';
import { typeormOptions } from './typeorm-options';

/**
 * Demo data for a fresh development database: `npm run seed` (or `node dist/src/database/seed.js`
 * in the container). Idempotent: every section looks its rows up by a stable natural key (the
 * practice by its admin's email, people by email) and creates only what is missing, so running
 * it again changes nothing. Later sections (clients, a couple, a plan, homework) add a function
 * below and a line in seedDemo().
 */

export const DEMO_PRACTICE_NAME = 'Kintsugi Demo Practice';
export const DEMO_TIMEZONE = 'America/New_York';
/** 12+ characters and not on the common-password list; for local demos only. */
export const DEMO_PASSWORD = 'golden seams mend 17';

export interface DemoStaff {
  key: 'admin' | 'clinician1' | 'clinician2';
  email: string;
  fullName: string;
  role: StaffRole;
}

export const DEMO_STAFF: readonly DemoStaff[] = [
  { key: 'admin', email: 'admin@demo.kintsugi.test', fullName: 'Dana Whitfield', role: 'admin' },
  { key: 'clinician1', email: 'clinician1@demo.kintsugi.test', fullName: 'Maya Okafor, LMFT', role: 'clinician' },
  { key: 'clinician2', email: 'clinician2@demo.kintsugi.test', fullName: 'Samuel Reyes, PhD', role: 'clinician' },
];

export interface DemoClient {
  key: 'partnerA' | 'partnerB' | 'individual';
  fullName: string;
  preferredName: string;
  pronouns: string;
  email: string;
  /** A portal account with DEMO_PASSWORD, so the client portal can be tried. */
  portal: boolean;
  recoveryRole?: RecoveryRole;
}

/** Fictional people. */
export const DEMO_CLIENTS: readonly DemoClient[] = [
  { key: 'partnerA', fullName: 'Élise Marchand', preferredName: 'Elise', pronouns: 'she/her', email: 'elise@demo.kintsugi.test', portal: true, recoveryRole: 'injured' },
  { key: 'partnerB', fullName: 'Tomás Marchand', preferredName: 'Tom', pronouns: 'he/him', email: 'tom@demo.kintsugi.test', portal: true, recoveryRole: 'involved' },
  { key: 'individual', fullName: 'Priya Raman', preferredName: 'Priya', pronouns: 'she/her', email: 'priya@demo.kintsugi.test', portal: false },
];

export interface SeedLine {
  what: string;
  created: boolean;
}

export interface DemoWorld {
  practice: Practice;
  staff: Record<DemoStaff['key'], User>;
  /** What each section did, for the summary. */
  log: SeedLine[];
}

/** Serialises concurrent seeds (e.g. two containers starting at once); released at commit. */
const SEED_LOCK_KEY = 7_245_001;

/** The practice, found through its admin's account so a renamed demo practice is still found. */
export async function seedPractice(manager: EntityManager, log: SeedLine[]): Promise<Practice> {
  const admin = DEMO_STAFF.find((s) => s.role === 'admin')!;
  const existingAdmin = await manager.findOne(User, { where: { email: admin.email } });
  if (existingAdmin) {
    const practice = await manager.findOneOrFail(Practice, { where: { id: existingAdmin.practiceId } });
    log.push({ what: `practice "${practice.name}"`, created: false });
    return practice;
  }
  const practice = await manager.save(
    manager.create(Practice, {
      name: DEMO_PRACTICE_NAME,
      timezone: DEMO_TIMEZONE,
      settings: { ...DEFAULT_PRACTICE_SETTINGS },
      status: 'active',
    }),
  );
  log.push({ what: `practice "${practice.name}"`, created: true });
  return practice;
}

/** One admin and two clinicians, active, with argon2id hashes of DEMO_PASSWORD. */
export async function seedStaff(manager: EntityManager, practice: Practice, log: SeedLine[]): Promise<DemoWorld['staff']> {
  const staff = {} as DemoWorld['staff'];
  let passwordHash: string | null = null;
  for (const person of DEMO_STAFF) {
    const existing = await manager.findOne(User, { where: { email: person.email } });
    if (existing) {
      if (existing.practiceId !== practice.id) {
        throw new Error(`${person.email} already belongs to another practice; refusing to move it`);
      }
      staff[person.key] = existing;
      log.push({ what: `${person.role} ${person.email}`, created: false });
      continue;
    }
    passwordHash ??= await hashPassword(DEMO_PASSWORD);
    staff[person.key] = await manager.save(
      manager.create(User, {
        practiceId: practice.id,
        email: person.email,
        fullName: person.fullName,
        role: person.role,
        status: 'active',
        passwordHash,
        passwordChangedAt: new Date(),
      }),
    );
    log.push({ what: `${person.role} ${person.email}`, created: true });
  }
  return staff;
}

/**
 * Clients (a couple in recovery and one individual client) on clinician1's care team, with
 * portal accounts for the couple and one couple session a week from now.
 */
export interface DemoCouple {
  coupleId: string;
  partnerA: Client;
  partnerB: Client;
}

export async function seedClinicalRecords(
  manager: EntityManager,
  practice: Practice,
  staff: DemoWorld['staff'],
  log: SeedLine[],
): Promise<DemoCouple> {
  const clinician = staff.clinician1;
  const clients = {} as Record<DemoClient['key'], Client>;
  for (const person of DEMO_CLIENTS) {
    let client = await manager.findOne(Client, { where: { practiceId: practice.id, email: person.email } });
    log.push({ what: `client ${person.email}`, created: !client });
    if (!client) {
      let portalUserId: string | null = null;
      if (person.portal) {
        const account = await manager.save(
          manager.create(User, {
            practiceId: practice.id,
            email: person.email,
            fullName: null,
            role: 'client',
            status: 'active',
            passwordHash: await hashPassword(DEMO_PASSWORD),
            passwordChangedAt: new Date(),
          }),
        );
        portalUserId = account.id;
      }
      client = await manager.save(
        manager.create(Client, {
          practiceId: practice.id,
          fullName: person.fullName,
          preferredName: person.preferredName,
          pronouns: person.pronouns,
          email: person.email,
          timezone: practice.timezone,
          reminderPreferences: { channels: null, quietHours: null },
          status: 'active',
          searchName: searchNameOf(person.fullName, person.preferredName),
          portalUserId,
          createdBy: clinician.id,
        }),
      );
      await manager.insert(CareTeamMember, { practiceId: practice.id, clinicianId: clinician.id, clientId: client.id, addedBy: clinician.id });
    }
    clients[person.key] = client;
  }

  const partners = DEMO_CLIENTS.filter((c) => c.recoveryRole);
  const existingCouple = await manager.findOne(CoupleMember, { where: { clientId: clients.partnerA.id, active: true } });
  log.push({ what: 'couple Elise & Tom (injured / involved)', created: !existingCouple });
  if (existingCouple) return { coupleId: existingCouple.coupleId, partnerA: clients.partnerA, partnerB: clients.partnerB };
  const couple = await manager.save(
    manager.create(Couple, {
      practiceId: practice.id,
      status: 'active',
      privacyPolicy: 'no_secrets',
      privacyConsentedOn: DateTime.now().minus({ days: 7 }).toISODate(),
      createdBy: clinician.id,
    }),
  );
  for (const p of partners) {
    await manager.insert(CoupleMember, { coupleId: couple.id, clientId: clients[p.key].id, practiceId: practice.id, recoveryRole: p.recoveryRole!, active: true });
  }
  await manager.insert(CareTeamMember, { practiceId: practice.id, clinicianId: clinician.id, coupleId: couple.id, addedBy: clinician.id });

  const startsAt = DateTime.now().setZone(practice.timezone).plus({ weeks: 1 }).set({ hour: 17, minute: 0, second: 0, millisecond: 0 });
  const session = await manager.save(
    manager.create(ClinicalSession, {
      practiceId: practice.id,
      kind: 'couple',
      clinicianId: clinician.id,
      coupleId: couple.id,
      startsAt: startsAt.toJSDate(),
      endsAt: startsAt.plus({ minutes: 80 }).toJSDate(),
      timezone: practice.timezone,
      telehealthUrl: 'https://telehealth.example/demo-room',
      status: 'scheduled',
      createdBy: clinician.id,
    }),
  );
  await manager.insert(
    SessionParticipant,
    partners.map((p) => ({ sessionId: session.id, clientId: clients[p.key].id, practiceId: practice.id })),
  );
  log.push({ what: `couple session on ${startsAt.toFormat('ccc d LLL, HH:mm ZZZZ')}`, created: true });
  return { coupleId: couple.id, partnerA: clients.partnerA, partnerB: clients.partnerB };
}

/**
 * The couple's treatment plan three weeks in: stabilization completed, accountability and
 * transparency under way, a check-in goal, a transparency agreement both have acknowledged, and
 * two weeks of daily check-ins whose trust scores climb slowly.
 */
export async function seedTreatmentPlan(
  manager: EntityManager,
  practice: Practice,
  staff: DemoWorld['staff'],
  couple: DemoCouple,
  crypto: FieldEncryption,
  log: SeedLine[],
): Promise<void> {
  const existing = await manager.findOne(TreatmentPlan, { where: { coupleId: couple.coupleId } });
  log.push({ what: 'treatment plan for Elise & Tom (active, week 3)', created: !existing });
  if (existing) return;
  const framework = await manager.findOne(FrameworkVersion, { where: { isCurrent: true } });
  if (!framework) throw new Error('no current framework version: run the migrations first');
  const clinician = staff.clinician1;
  const zone = practice.timezone;
  const now = DateTime.now().setZone(zone);
  const at = (daysAgo: number) => now.minus({ days: daysAgo }).toJSDate();

  const plan = await manager.save(
    manager.create(TreatmentPlan, {
      practiceId: practice.id,
      coupleId: couple.coupleId,
      ownerId: clinician.id,
      status: 'active',
      frameworkVersion: framework.version,
      activatedAt: at(21),
      createdBy: clinician.id,
    }),
  );
  await manager.update(TreatmentPlan, { id: plan.id }, {
    presentingConcernsCiphertext: crypto.encrypt(
      'Discovery of a months-long emotional affair six weeks before intake. Both want to try; sleep and daily routines are disrupted.',
      concernsAad(plan.id),
    ),
  });
  const steps = await manager.find(FrameworkStep, { where: { version: framework.version }, order: { position: 'ASC' } });
  const state: Record<string, { state: 'completed' | 'active'; daysAgo: number }> = {
    stabilization: { state: 'completed', daysAgo: 10 },
    accountability: { state: 'active', daysAgo: 9 },
    transparency: { state: 'active', daysAgo: 7 },
  };
  await manager.insert(
    PlanStep,
    steps.map((st) => ({
      planId: plan.id,
      stepKey: st.key,
      practiceId: practice.id,
      position: st.position,
      state: state[st.key]?.state ?? 'not_started',
      changedBy: state[st.key] ? clinician.id : null,
      changedAt: state[st.key] ? at(state[st.key].daysAgo) : null,
    })),
  );
  const event = (kind: PlanEvent['kind'], daysAgo: number, extra: Partial<PlanEvent> = {}) => ({
    practiceId: practice.id, planId: plan.id, kind, actorId: clinician.id, occurredAt: at(daysAgo), stepKey: null, fromState: null, toState: null, reason: null, ...extra,
  });
  await manager.insert(PlanEvent, [
    event('plan_created', 22),
    event('plan_activated', 21, { fromState: 'draft', toState: 'active' }),
    event('step_activated', 21, { stepKey: 'stabilization', fromState: 'not_started', toState: 'active' }),
    event('step_completed', 10, { stepKey: 'stabilization', fromState: 'active', toState: 'completed' }),
    event('step_activated', 9, { stepKey: 'accountability', fromState: 'not_started', toState: 'active' }),
    event('step_activated', 7, { stepKey: 'transparency', fromState: 'not_started', toState: 'active' }),
  ]);

  const goal = await manager.save(
    manager.create(PlanGoal, { practiceId: practice.id, planId: plan.id, title: 'Daily check-ins become a shared habit', stepKey: 'consistency', position: 0, status: 'open' }),
  );
  await manager.insert(PlanObjective, {
    practiceId: practice.id,
    goalId: goal.id,
    description: 'Each partner checks in on at least 5 of 7 days, four weeks running',
    metric: 'checkin_days',
    params: { daysPerWeek: 5, weeks: 4 },
  });

  const agreement = await manager.save(
    manager.create(Agreement, {
      practiceId: practice.id,
      coupleId: couple.coupleId,
      planId: plan.id,
      stepKey: 'transparency',
      kind: 'transparency',
      status: 'active',
      reviewOn: now.plus({ days: 83 }).toISODate(),
      currentRevision: 1,
      createdBy: clinician.id,
    }),
  );
  await manager.insert(AgreementRevision, {
    practiceId: practice.id,
    agreementId: agreement.id,
    revision: 1,
    bodyCiphertext: crypto.encrypt(
      serializeWording({
        title: 'Open phone for ninety days',
        items: [
          'Tom hands over his phone whenever Elise asks, without sighing or deleting first.',
          'Tom tells Elise the same day if the affair partner makes any contact.',
          'Elise asks in a calm moment, not in the middle of an argument.',
        ],
      }),
      wordingAad(agreement.id, 1),
    ),
    createdBy: clinician.id,
  });
  await manager.insert(AgreementAcknowledgement, [
    { agreementId: agreement.id, revision: 1, clientId: couple.partnerA.id, practiceId: practice.id },
    { agreementId: agreement.id, revision: 1, clientId: couple.partnerB.id, practiceId: practice.id },
  ]);

  const rows = [];
  for (let daysAgo = 14; daysAgo >= 1; daysAgo -= 1) {
    for (const [client, base] of [[couple.partnerA, 3], [couple.partnerB, 6]] as const) {
      if (client === couple.partnerA && daysAgo % 6 === 0) continue; // Elise misses a day now and then.
      const day = now.minus({ days: daysAgo }).set({ hour: 20, minute: 30 });
      const rise = Math.floor((14 - daysAgo) / 4);
      rows.push({
        practiceId: practice.id,
        clientId: client.id,
        coupleId: couple.coupleId,
        submittedAt: day.toJSDate(),
        localDate: day.toISODate()!,
        trust: Math.min(10, base + rise),
        safety: Math.min(10, base + 1 + rise),
        connection: Math.min(10, base - 1 + rise),
        mood: Math.min(5, 2 + Math.floor(rise / 2)),
        agreementsKept: daysAgo === 9 ? ('partly' as const) : ('yes' as const),
        forgivenessReadiness: null,
        feelsUnsafe: false,
        freeTextCiphertext: null,
      });
    }
  }
  await manager.insert(CheckIn, rows);
  log.push({ what: `${rows.length} check-ins over the last two weeks, a goal and a transparency agreement`, created: true });
  await seedHomework(manager, practice, clinician, plan.id, couple, crypto, log);
}

/**
 * Accountability-step homework from the starter library: Elise's impact letter, answered three
 * days ago, and Tom's accountability letter, due in five days.
 */
async function seedHomework(
  manager: EntityManager,
  practice: Practice,
  clinician: User,
  planId: string,
  couple: DemoCouple,
  crypto: FieldEncryption,
  log: SeedLine[],
): Promise<void> {
  const now = DateTime.now().setZone(practice.timezone);
  const template = (key: string) => manager.findOneOrFail(HomeworkTemplate, { where: { libraryKey: key, practiceId: IsNull() } });
  const give = async (key: string, client: Client, dueAt: Date) => {
    const t = await template(key);
    const assignment = await manager.save(
      manager.create(HomeworkAssignment, {
        practiceId: practice.id,
        planId,
        stepKey: t.stepKey,
        templateId: t.id,
        title: t.title,
        instructionsCiphertext: null,
        kind: t.kind,
        questions: t.questions,
        dueAt,
        reminderPolicy: { promptAt: null, dueSoonMinutes: 120 },
        visibility: 'shared',
        status: 'active',
        createdBy: clinician.id,
      }),
    );
    await manager.insert(HomeworkAssignee, { assignmentId: assignment.id, clientId: client.id, practiceId: practice.id });
    return manager.save(
      manager.create(HomeworkInstance, { practiceId: practice.id, assignmentId: assignment.id, clientId: client.id, occurrenceKey: ONCE_KEY, dueAt, state: 'pending' }),
    );
  };

  const impact = await give('impact-letter', couple.partnerA, now.minus({ days: 2 }).set({ hour: 20, minute: 0 }).toJSDate());
  const submittedAt = now.minus({ days: 3 }).set({ hour: 21, minute: 15 }).toJSDate();
  const submission = manager.create(HomeworkSubmission, { practiceId: practice.id, instanceId: impact.id, clientId: couple.partnerA.id, late: false, submittedAt, answersCiphertext: '' });
  submission.id = randomUUID();
  submission.answersCiphertext = sealAnswers(crypto, submission.id, {
    impact: 'I check his phone in my head all day. I stopped sleeping through the night and I cannot focus at work.',
    losses: 'The story of our last two years. I do not know which memories were real.',
    need_understood: 'That this is not something I can decide to get over by a certain date.',
    sharing: 'Read it together in a session',
  });
  await manager.insert(HomeworkSubmission, submission);
  await manager.update(HomeworkInstance, { id: impact.id }, { state: 'submitted', stateChangedAt: submittedAt, stateChangedBy: null });

  await give('accountability-letter', couple.partnerB, now.plus({ days: 5 }).set({ hour: 20, minute: 0 }).toJSDate());
  log.push({ what: 'homework: Elise’s impact letter (answered), Tom’s accountability letter (due in 5 days)', created: true });
}

/** Every section, in dependency order, in one transaction. */
export async function seedDemo(dataSource: DataSource, crypto = new FieldEncryption(loadConfig().ENCRYPTION_KEYS)): Promise<DemoWorld> {
  return dataSource.transaction(async (manager) => {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
    const log: SeedLine[] = [];
    const practice = await seedPractice(manager, log);
    const staff = await seedStaff(manager, practice, log);
    const couple = await seedClinicalRecords(manager, practice, staff, log);
    await seedTreatmentPlan(manager, practice, staff, couple, crypto, log);
    return { practice, staff, log };
  });
}

function printSummary(world: DemoWorld): void {
  console.log('Demo seed:');
  for (const line of world.log) console.log(`  ${line.created ? 'created ' : 'exists  '} ${line.what}`);
  console.log('');
  console.log(`Demo logins for "${world.practice.name}" (${world.practice.timezone}), local development only:`);
  for (const person of DEMO_STAFF) {
    console.log(`  ${person.role.padEnd(9)}  ${person.email.padEnd(30)}  ${DEMO_PASSWORD}`);
  }
  for (const person of DEMO_CLIENTS.filter((c) => c.portal)) {
    console.log(`  ${'client'.padEnd(9)}  ${person.email.padEnd(30)}  ${DEMO_PASSWORD}  (portal of ${person.preferredName})`);
  }
  if (world.log.some((l) => !l.created)) {
    console.log('  (accounts that already existed were left as they were, password included)');
  }
}

async function main(): Promise<void> {
  const dataSource = new DataSource(typeormOptions(loadConfig().DATABASE_URL));
  await dataSource.initialize();
  try {
    printSummary(await seedDemo(dataSource));
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
