import request from 'supertest';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope, type ServiceDb } from '@secureevent/shared';
import type { TestEnv } from '@secureevent/shared/testing';
import type { EventsDb } from '../src/db/schema.js';
import { bearer, eventFactory, outboxProbe, startEventService, type StartedEventService } from './fixtures.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const EVIL = '=HYPERLINK("http://evil.example","click")';

/** Supertest keeps a binary answer as one Buffer. */
const binary: Parameters<request.Test['parse']>[0] = (res, done) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

describe('attendee export API (CSV and XLSX)', () => {
  let service: StartedEventService;
  let env: TestEnv;
  let app: StartedEventService['app'];
  let sdb: ServiceDb<EventsDb>;
  let outbox: ReturnType<typeof outboxProbe>;

  beforeAll(async () => {
    service = await startEventService();
    ({ env, app, sdb } = service);
    outbox = outboxProbe(sdb);
  });
  afterAll(() => service.stop());

  const anEvent = (overrides: Record<string, unknown> = {}, options: { publish?: boolean } = {}) =>
    eventFactory(service, {
      capacity: 50,
      questions: [
        { id: 'diet', label: 'Diet', type: 'text' },
        { id: 'evil', label: '@SUM(1+1)', type: 'text' },
        { id: 'photo', label: 'Photos OK', type: 'checkbox' },
      ],
    })(overrides, options);
  /** Tells the event-service who a person is, as the user-service would, and waits until it knows. */
  const announce = async (userId: string, displayName: string, email: string, roles = ['attendee']) => {
    const m = createEnvelope('/secureevent/user-service', {
      type: 'user.registered.v1',
      data: { userId, email, displayName, roles, registeredAt: new Date().toISOString() },
    });
    await env.publishRaw(m.type, m);
    await expect
      .poll(async () => (await sdb.db.selectFrom('people').select('email').where('user_id', '=', userId).executeTakeFirst())?.email, {
        timeout: 10_000,
        interval: 50,
      })
      .toBe(email);
  };
  const register = async (eventId: string, displayName: string, answers: Record<string, unknown>) => {
    const person = await env.tokenFor({ roles: ['attendee'] });
    await announce(person.id, displayName, `${person.id}@example.test`);
    const res = await request(app).post(`/api/events/${eventId}/registrations`).set(bearer(person)).send({ answers });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return { person, reg: res.body as { id: string; ticketCode: string } };
  };
  /** An event with two attendees: one plain and checked in, one whose name and answer are formulas. */
  const seeded = async () => {
    const { id, organizer } = await anEvent();
    const ada = await register(id, 'Ada Lovelace', { diet: 'vegan', photo: true });
    const evil = await register(id, '+cmd|/C calc!A0', { diet: EVIL, evil: '-2+3', photo: false });
    await request(app).post(`/api/events/${id}/checkins`).set(bearer(organizer)).send({ code: ada.reg.ticketCode }).expect(201);
    return { id, organizer, ada, evil };
  };
  const dashed = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

  it('when an organizer exports CSV, then every column is there, answers per question, and formulas are neutralised', async () => {
    const { id, organizer, ada, evil } = await seeded();
    const res = await request(app).get(`/api/events/${id}/attendees/export?format=csv`).set(bearer(organizer));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="attendees-${id}.csv"`);
    expect(res.text.startsWith('\uFEFF')).toBe(true);
    const rows = parse(res.text.slice(1));
    expect(rows[0]).toEqual([
      'Name',
      'Email',
      'Status',
      'Ticket type',
      'Code',
      'Registered at (UTC)',
      'Checked in at (UTC)',
      'Diet',
      "'@SUM(1+1)",
      'Photos OK',
    ]);
    expect(rows).toHaveLength(3);
    const [, first, second] = rows as [string[], string[], string[]];
    expect(first.slice(0, 5)).toEqual([
      'Ada Lovelace',
      `${ada.person.id}@example.test`,
      'confirmed',
      'General admission',
      dashed(ada.reg.ticketCode),
    ]);
    expect(new Date(first[5]!).toISOString()).toBe(first[5]);
    expect(new Date(first[6]!).toISOString()).toBe(first[6]);
    expect(first.slice(7)).toEqual(['vegan', '', 'yes']);
    expect(second[0]).toBe("'+cmd|/C calc!A0");
    expect(second[4]).toBe(dashed(evil.reg.ticketCode));
    expect(second[6]).toBe('');
    expect(second.slice(7)).toEqual([`'${EVIL}`, "'-2+3", 'no']);
    // No cell of the file starts a formula.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@]/);
    const audits = await outbox.audits(id, 'event.attendees_exported');
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorId: organizer.id, outcome: 'success' });
  });

  it('when columns are chosen, then only those are written, in the canonical order', async () => {
    const { id, organizer, ada } = await seeded();
    const res = await request(app).get(`/api/events/${id}/attendees/export?format=csv&columns=code,name`).set(bearer(organizer));
    expect(res.status).toBe(200);
    const rows = parse(res.text.slice(1));
    expect(rows[0]).toEqual(['Name', 'Code']);
    expect(rows[1]).toEqual(['Ada Lovelace', dashed(ada.reg.ticketCode)]);
  });

  it('when an organizer exports XLSX, then the workbook holds the same rows, dates as dates, formulas as apostrophed text', async () => {
    const { id, organizer, ada } = await seeded();
    const res = await request(app).get(`/api/events/${id}/attendees/export?format=xlsx`).set(bearer(organizer)).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain(XLSX);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="attendees-${id}.xlsx"`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.body);
    const sheet = book.getWorksheet('Attendees')!;
    expect(sheet.rowCount).toBe(3);
    const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
    expect(values(1)).toEqual([
      'Name',
      'Email',
      'Status',
      'Ticket type',
      'Code',
      'Registered at (UTC)',
      'Checked in at (UTC)',
      'Diet',
      "'@SUM(1+1)",
      'Photos OK',
    ]);
    const first = values(2);
    expect(first.slice(0, 5)).toEqual([
      'Ada Lovelace',
      `${ada.person.id}@example.test`,
      'confirmed',
      'General admission',
      dashed(ada.reg.ticketCode),
    ]);
    expect(first[5]).toBeInstanceOf(Date);
    expect(first[6]).toBeInstanceOf(Date);
    const second = values(3);
    expect(second[0]).toBe("'+cmd|/C calc!A0");
    expect(second[7]).toBe(`'${EVIL}`);
    expect(second[8]).toBe("'-2+3");
    // Nothing in the workbook is a formula cell.
    sheet.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));
  });

  it('when another organizer, an attendee or a stranger asks, then they are refused, audited, and get no file; a co-organizer gets it', async () => {
    const { id, organizer } = await seeded();
    const other = await env.tokenFor({ roles: ['organizer'] });
    const attendee = await env.tokenFor({ roles: ['attendee'] });
    for (const who of [other, attendee]) {
      const res = await request(app).get(`/api/events/${id}/attendees/export?format=xlsx`).set(bearer(who));
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await request(app).get(`/api/events/${id}/attendees/export`)).status).toBe(401);
    const denied = await outbox.audits(id, 'access.denied');
    expect(denied.map((d) => d.actorId)).toEqual(expect.arrayContaining([other.id, attendee.id]));
    expect(await outbox.audits(id, 'event.attendees_exported')).toHaveLength(0);

    const co = await env.tokenFor({ roles: ['organizer'] });
    await announce(co.id, 'Co Organizer', `${co.id}@example.test`, ['organizer']);
    await request(app).post(`/api/events/${id}/organizers`).set(bearer(organizer)).send({ userId: co.id }).expect(200);
    const res = await request(app).get(`/api/events/${id}/attendees/export?format=csv`).set(bearer(co));
    expect(res.status).toBe(200);
    expect(res.text).toContain('Ada Lovelace');
  });

  it('when a draft of someone else is asked for, then it is not revealed (404)', async () => {
    const { id } = await anEvent({}, { publish: false });
    const other = await env.tokenFor({ roles: ['organizer'] });
    expect((await request(app).get(`/api/events/${id}/attendees/export`).set(bearer(other))).status).toBe(404);
  });

  it('when the format or a column is unknown, then 400 problem+json and nothing is exported', async () => {
    const { id, organizer } = await seeded();
    for (const q of ['format=pdf', 'columns=name,password', 'columns=']) {
      const res = await request(app).get(`/api/events/${id}/attendees/export?${q}`).set(bearer(organizer));
      expect(res.status, q).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(await outbox.audits(id, 'event.attendees_exported')).toHaveLength(0);
  });
});
