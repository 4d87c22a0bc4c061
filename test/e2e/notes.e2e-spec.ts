import { bearer, createStaff, http } from '../factories';
import { addToCareTeam } from '../factories/clinical';
import { startTestApp, TestContext } from '../setup/test-app';
import { buildSessionsWorld, SessionsWorld, slot } from './sessions.world';

const SOAP = {
  subjective: 'Partner reports intrusive images after discovery; sleep poor.',
  objective: 'Tearful, engaged; no safety concerns voiced.',
  assessment: 'Acute betrayal trauma response; stabilization ongoing.',
  plan: 'Grounding practice daily; revisit transparency agreement next week.',
};
const DAP = { data: 'Couple discussed the timeline letter.', assessment: 'Involved partner defensive at first.', plan: 'Continue accountability work.' };

describe('clinical notes', () => {
  let ctx: TestContext;
  let w: SessionsWorld;
  let days = 0;

  beforeAll(async () => {
    ctx = await startTestApp();
    w = await buildSessionsWorld(ctx);
  });
  afterAll(() => ctx?.close());

  /** A fresh past session of the clinician; each test gets its own. */
  const newSession = async (kind: 'couple' | 'individual' = 'couple'): Promise<string> => {
    days += 1;
    const body = kind === 'couple' ? { kind, coupleId: w.coupleId } : { kind, participantClientIds: [w.soloClientId] };
    return (await http(ctx).post('/v1/sessions').set(...bearer(w.clinician)).send({ ...body, ...slot(-days) }).expect(201)).body.id;
  };
  const put = (actor: { accessToken: string }, sessionId: string, body: Record<string, unknown>) =>
    http(ctx).put(`/v1/sessions/${sessionId}/note`).set(...bearer(actor)).send(body);
  const noteRow = async (sessionId: string) => (await ctx.db.query(`SELECT * FROM clinical_notes WHERE session_id = $1`, [sessionId]))[0];

  describe('PUT /v1/sessions/:id/note', () => {
    it('creates a draft (201), encrypted at rest and bound to the note', async () => {
      const sid = await newSession();
      const res = await put(w.clinician, sid, { form: 'soap', sections: SOAP, stepsAddressed: ['stabilization', 'transparency'] }).expect(201);
      expect(res.body).toMatchObject({
        sessionId: sid,
        form: 'soap',
        sections: SOAP,
        stepsAddressed: ['stabilization', 'transparency'],
        status: 'draft',
        authorId: w.clinician.id,
        signedBy: null,
        signedAt: null,
        version: 1,
        addenda: [],
      });
      const row = await noteRow(sid);
      expect(row.body_ciphertext).toMatch(/^v1\.[a-z0-9_-]+\./);
      for (const text of Object.values(SOAP)) expect(row.body_ciphertext).not.toContain(text);
      expect(row.body_ciphertext).not.toContain('intrusive');
      // Moving the ciphertext onto another note makes it unreadable (bound to the note id).
      const other = await newSession();
      await put(w.clinician, other, { form: 'soap', sections: SOAP }).expect(201);
      await ctx.db.query(`UPDATE clinical_notes SET body_ciphertext = $1 WHERE session_id = $2`, [row.body_ciphertext, other]);
      const swapped = await http(ctx).get(`/v1/sessions/${other}/note`).set(...bearer(w.clinician)).expect(500);
      expect(JSON.stringify(swapped.body)).not.toContain('intrusive');
    });

    it('replaces a draft with the version read (200); a stale save is 409 and changes nothing', async () => {
      const sid = await newSession();
      await put(w.clinician, sid, { form: 'dap', sections: DAP }).expect(201);
      const v2 = await put(w.clinician, sid, { form: 'dap', sections: { ...DAP, plan: 'Revised plan.' }, stepsAddressed: ['accountability'], version: 1 }).expect(200);
      expect(v2.body).toMatchObject({ version: 2, sections: { plan: 'Revised plan.' }, stepsAddressed: ['accountability'] });
      const before = await noteRow(sid);

      const stale = await put(w.clinician, sid, { form: 'dap', sections: { ...DAP, plan: 'Overwrite!' }, version: 1 }).expect(409);
      expect(stale.body.code).toBe('version_conflict');
      expect(JSON.stringify(stale.body)).not.toContain('Overwrite');
      const blind = await put(w.clinician, sid, { form: 'dap', sections: DAP }).expect(409);
      expect(blind.body.code).toBe('version_conflict');
      expect(await noteRow(sid)).toEqual(before);
      const read = await http(ctx).get(`/v1/sessions/${sid}/note`).set(...bearer(w.clinician)).expect(200);
      expect(read.body.sections.plan).toBe('Revised plan.');
    });

    it('lets only one of two concurrent saves of the same version win', async () => {
      const sid = await newSession();
      await put(w.clinician, sid, { form: 'dap', sections: DAP }).expect(201);
      const results = await Promise.all(
        ['first', 'second'].map((who) => put(w.clinician, sid, { form: 'dap', sections: { ...DAP, plan: who }, version: 1 })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = results.find((r) => r.status === 200)!.body.sections.plan;
      const read = await http(ctx).get(`/v1/sessions/${sid}/note`).set(...bearer(w.clinician)).expect(200);
      expect(read.body).toMatchObject({ version: 2, sections: { plan: winner } });
    });

    it('lets only one of two concurrent first saves create the note', async () => {
      const sid = await newSession();
      const results = await Promise.all([put(w.clinician, sid, { form: 'dap', sections: DAP }), put(w.clinician, sid, { form: 'soap', sections: SOAP })]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    });

    it('validates the sections for the form and the step keys, naming the field and never echoing text', async () => {
      const sid = await newSession();
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ form: 'soap', sections: DAP }, /sections\.subjective: is required/],
        [{ form: 'dap', sections: SOAP }, /sections\.subjective: is not a section of a DAP note/],
        [{ form: 'dap', sections: { ...DAP, plan: 7 } }, /^sections\.plan: must be a string/],
        [{ form: 'dap', sections: { ...DAP, data: 'x'.repeat(20_001) } }, /^sections\.data: must be at most 20000 characters/],
        [{ form: 'narrative', sections: DAP }, /^form: must be one of soap, dap/],
        [{ form: 'dap', sections: 'all of it' }, /^sections: must be an object/],
        [{ form: 'dap', sections: DAP, stepsAddressed: ['healing'] }, /^stepsAddressed: must hold framework step keys/],
        [{ form: 'dap', sections: DAP, stepsAddressed: ['validation', 'validation'] }, /^stepsAddressed: must not repeat a step/],
        [{ form: 'dap', sections: DAP, version: 'one' }, /^version: /],
        [{ form: 'dap', sections: DAP, signedBy: w.clinician.id }, /^signedBy: is not an accepted field/],
      ];
      for (const [body, message] of cases) {
        const res = await put(w.clinician, sid, body);
        expect({ status: res.status, message: res.body.message }).toEqual({ status: 400, message: expect.stringMatching(message) });
        for (const text of Object.values(DAP)) expect(JSON.stringify(res.body)).not.toContain(text);
      }
      expect(await noteRow(sid)).toBeUndefined();
    });

    it('is written by the session’s clinician only', async () => {
      const sid = await newSession();
      const cotherapist = await createStaff(ctx, w.practice, 'clinician');
      await addToCareTeam(ctx, w.practice.practiceId, cotherapist.id, { coupleId: w.coupleId });
      const res = await put(cotherapist, sid, { form: 'dap', sections: DAP }).expect(403);
      expect(res.body.code).toBe('not_session_clinician');
    });
  });

  describe('signing and addenda', () => {
    it('signs a complete draft, then refuses edits (API 409, database trigger) and takes addenda', async () => {
      const sid = await newSession();
      await put(w.clinician, sid, { form: 'soap', sections: SOAP, stepsAddressed: ['stabilization'] }).expect(201);
      const stale = await http(ctx).post(`/v1/sessions/${sid}/note/sign`).set(...bearer(w.clinician)).send({ version: 9 }).expect(409);
      expect(stale.body.code).toBe('version_conflict');
      const signed = await http(ctx).post(`/v1/sessions/${sid}/note/sign`).set(...bearer(w.clinician)).send({ version: 1 }).expect(200);
      expect(signed.body).toMatchObject({ status: 'signed', signedBy: w.clinician.id, version: 2, sections: SOAP });
      expect(Date.now() - Date.parse(signed.body.signedAt)).toBeLessThan(60_000);

      const edit = await put(w.clinician, sid, { form: 'soap', sections: { ...SOAP, plan: 'changed' }, version: 2 }).expect(409);
      expect(edit.body.code).toBe('note_signed');
      await http(ctx).post(`/v1/sessions/${sid}/note/sign`).set(...bearer(w.clinician)).send({ version: 2 }).expect(409);

      // The database refuses too, whoever asks.
      await expect(ctx.db.query(`UPDATE clinical_notes SET steps_addressed = '{}' WHERE session_id = $1`, [sid])).rejects.toThrow(/signed note cannot be changed/);
      await expect(ctx.db.query(`DELETE FROM clinical_notes WHERE session_id = $1`, [sid])).rejects.toThrow(/signed note cannot be deleted/);

      const add = await http(ctx).post(`/v1/sessions/${sid}/note/addenda`).set(...bearer(w.clinician)).send({ text: 'Correction: grounding twice daily.' }).expect(201);
      expect(add.body).toMatchObject({ authorId: w.clinician.id, text: 'Correction: grounding twice daily.' });
      const cotherapist = await createStaff(ctx, w.practice, 'clinician');
      await addToCareTeam(ctx, w.practice.practiceId, cotherapist.id, { coupleId: w.coupleId });
      await http(ctx).post(`/v1/sessions/${sid}/note/addenda`).set(...bearer(cotherapist)).send({ text: 'Co-therapist observation.' }).expect(201);

      const read = await http(ctx).get(`/v1/sessions/${sid}/note`).set(...bearer(w.clinician)).expect(200);
      expect(read.body.sections).toEqual(SOAP);
      expect(read.body.addenda.map((a: { text: string; authorId: string }) => [a.text, a.authorId])).toEqual([
        ['Correction: grounding twice daily.', w.clinician.id],
        ['Co-therapist observation.', cotherapist.id],
      ]);
      const rows = await ctx.db.query(`SELECT a.body_ciphertext FROM clinical_note_addenda a JOIN clinical_notes n ON n.id = a.note_id WHERE n.session_id = $1`, [sid]);
      expect(rows).toHaveLength(2);
      for (const r of rows) expect(r.body_ciphertext).not.toMatch(/Correction|observation/);
      await expect(ctx.db.query(`UPDATE clinical_note_addenda SET body_ciphertext = 'x' WHERE note_id = $1`, [read.body.id])).rejects.toThrow(/append-only/);
    });

    it('refuses to sign a note with blank sections, naming them (422)', async () => {
      const sid = await newSession();
      await put(w.clinician, sid, { form: 'dap', sections: { data: 'Something', assessment: ' ', plan: '' } }).expect(201);
      const res = await http(ctx).post(`/v1/sessions/${sid}/note/sign`).set(...bearer(w.clinician)).send({ version: 1 }).expect(422);
      expect(res.body).toMatchObject({ code: 'note_incomplete', blankSections: ['assessment', 'plan'] });
      expect((await noteRow(sid)).status).toBe('draft');
    });

    it('takes addenda only on signed notes; bad input names the field', async () => {
      const sid = await newSession();
      await http(ctx).post(`/v1/sessions/${sid}/note/addenda`).set(...bearer(w.clinician)).send({ text: 'x' }).expect(404);
      await put(w.clinician, sid, { form: 'dap', sections: DAP }).expect(201);
      const draft = await http(ctx).post(`/v1/sessions/${sid}/note/addenda`).set(...bearer(w.clinician)).send({ text: 'x' }).expect(409);
      expect(draft.body.code).toBe('note_not_signed');
      await http(ctx).post(`/v1/sessions/${sid}/note/sign`).set(...bearer(w.clinician)).send({ version: 1 }).expect(200);
      expect((await http(ctx).post(`/v1/sessions/${sid}/note/addenda`).set(...bearer(w.clinician)).send({ text: '' }).expect(400)).body.message).toMatch(/^text: /);
      expect((await http(ctx).post(`/v1/sessions/${sid}/note/addenda`).set(...bearer(w.clinician)).send({}).expect(400)).body.message).toMatch(/^text: /);
      expect((await http(ctx).post(`/v1/sessions/${sid}/note/sign`).set(...bearer(w.clinician)).send({}).expect(400)).body.message).toMatch(/^version: /);
    });
  });

  describe('who may see and write notes', () => {
    let sid: string;
    let soloSid: string;
    let signedSid: string;

    beforeAll(async () => {
      sid = await newSession();
      await put(w.clinician, sid, { form: 'dap', sections: DAP }).expect(201);
      soloSid = await newSession('individual');
      await put(w.clinician, soloSid, { form: 'soap', sections: SOAP }).expect(201);
      signedSid = await newSession();
      await put(w.clinician, signedSid, { form: 'dap', sections: DAP }).expect(201);
      await http(ctx).post(`/v1/sessions/${signedSid}/note/sign`).set(...bearer(w.clinician)).send({ version: 1 }).expect(200);
    });

    const calls = (session: string) => [
      () => http(ctx).get(`/v1/sessions/${session}/note`),
      () => http(ctx).put(`/v1/sessions/${session}/note`).send({ form: 'dap', sections: { data: 'INTRUDER', assessment: 'x', plan: 'y' }, version: 1 }),
      () => http(ctx).post(`/v1/sessions/${session}/note/sign`).send({ version: 1 }),
      () => http(ctx).post(`/v1/sessions/${session}/note/addenda`).send({ text: 'INTRUDER' }),
    ];

    const snapshot = async () => ({
      notes: await ctx.db.query(`SELECT id, version, status, body_ciphertext FROM clinical_notes WHERE session_id = ANY($1::uuid[]) ORDER BY id`, [[sid, soloSid, signedSid]]),
      addenda: await ctx.db.query(`SELECT count(*) AS n FROM clinical_note_addenda`),
    });

    it('an admin off the care team gets 403 (it sees schedules, not notes)', async () => {
      const before = await snapshot();
      for (const session of [sid, soloSid, signedSid]) {
        for (const call of calls(session)) {
          const res = await call().set(...bearer(w.admin));
          expect(res.status).toBe(403);
          expect(res.body.code).toBe('not_on_care_team');
        }
      }
      expect(await snapshot()).toEqual(before);
      await http(ctx).get(`/v1/sessions/${sid}`).set(...bearer(w.admin)).expect(200);
    });

    it('an unassigned clinician and another practice’s admin get 404, and nothing changes', async () => {
      const before = await snapshot();
      for (const actor of [w.unassigned, w.otherAdmin]) {
        for (const session of [sid, soloSid, signedSid]) {
          for (const call of calls(session)) {
            const res = await call().set(...bearer(actor));
            expect(res.status).toBe(404);
            expect(JSON.stringify(res.body)).not.toMatch(/Avery|Blake|Couple discussed/);
          }
        }
      }
      expect(await snapshot()).toEqual(before);
    });

    it('client and partner portal accounts get 403, anonymous 401', async () => {
      const before = await snapshot();
      for (const actor of [w.partnerA.portal, w.partnerB.portal]) {
        for (const call of calls(sid)) expect((await call().set(...bearer(actor))).status).toBe(403);
      }
      for (const call of calls(sid)) expect((await call()).status).toBe(401);
      expect(await snapshot()).toEqual(before);
    });

    it('a clinician added to the care team reads it; a clinician removed loses it', async () => {
      const joiner = await createStaff(ctx, w.practice, 'clinician');
      await http(ctx).get(`/v1/sessions/${soloSid}/note`).set(...bearer(joiner)).expect(404);
      await addToCareTeam(ctx, w.practice.practiceId, joiner.id, { clientId: w.soloClientId });
      const res = await http(ctx).get(`/v1/sessions/${soloSid}/note`).set(...bearer(joiner)).expect(200);
      expect(res.body.sections).toEqual(SOAP);
      await ctx.db.query(`DELETE FROM care_team_members WHERE clinician_id = $1`, [joiner.id]);
      await http(ctx).get(`/v1/sessions/${soloSid}/note`).set(...bearer(joiner)).expect(404);
    });

    it('answers 404 for a session without a note, an unknown session and a malformed id', async () => {
      const empty = await newSession();
      await http(ctx).get(`/v1/sessions/${empty}/note`).set(...bearer(w.clinician)).expect(404);
      await http(ctx).get('/v1/sessions/00000000-0000-4000-8000-000000000000/note').set(...bearer(w.clinician)).expect(404);
      await http(ctx).get('/v1/sessions/nope/note').set(...bearer(w.clinician)).expect(404);
    });

    it('audits every read of a note, allowed and denied, by session', async () => {
      await ctx.flushAudit();
      const count = async () =>
        (await ctx.db.query(
          `SELECT actor_user_id, outcome, count(*)::int AS n FROM audit_events
            WHERE action = 'note.read' AND resource_type = 'session' AND resource_id = $1 GROUP BY 1, 2`,
          [soloSid],
        )) as Array<{ actor_user_id: string; outcome: string; n: number }>;
      const before = await count();
      const n = (actor: string, outcome: string, rows: typeof before) => rows.find((r) => r.actor_user_id === actor && r.outcome === outcome)?.n ?? 0;
      await http(ctx).get(`/v1/sessions/${soloSid}/note`).set(...bearer(w.clinician)).expect(200);
      await http(ctx).get(`/v1/sessions/${soloSid}/note`).set(...bearer(w.clinician)).expect(200);
      await http(ctx).get(`/v1/sessions/${soloSid}/note`).set(...bearer(w.admin)).expect(403);
      await http(ctx).get(`/v1/sessions/${soloSid}/note`).set(...bearer(w.unassigned)).expect(404);
      await ctx.flushAudit();
      const after = await count();
      expect(n(w.clinician.id, 'allowed', after) - n(w.clinician.id, 'allowed', before)).toBe(2);
      expect(n(w.admin.id, 'denied', after) - n(w.admin.id, 'denied', before)).toBe(1);
      expect(n(w.unassigned.id, 'denied', after) - n(w.unassigned.id, 'denied', before)).toBe(1);
      const leaked = await ctx.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE reason ILIKE '%intrusive%' OR action ILIKE '%intrusive%'`);
      expect(leaked[0].n).toBe(0);
    });
  });
});
