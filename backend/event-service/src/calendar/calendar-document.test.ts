import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { calendarUid, renderCalendar, sequenceOf, type CalendarEntry } from './calendar-document.js';
import { feedTokenHash, isFeedTokenShaped, newFeedToken } from './feed-token.js';
import { belongsInFeed } from './read-calendar.js';

const entry = (overrides: Partial<CalendarEntry> = {}): CalendarEntry => ({
  id: 'evt_0000000000000000000000001',
  title: 'Workshop',
  description: 'Bring a laptop.',
  startsAt: new Date('2030-07-01T16:00:00Z'),
  endsAt: new Date('2030-07-01T18:30:00Z'),
  timeZone: 'Europe/Berlin',
  venue: 'Room 2',
  onlineUrl: null,
  status: 'published',
  updatedAt: new Date('2030-01-01T00:00:00Z'),
  ...overrides,
});

/** Parses with ical.js, registering every VTIMEZONE so that zoned times convert to instants. */
function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const vtz of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(vtz);
  const vevents = calendar.getAllSubcomponents('vevent');
  return { calendar, vevents, event: new ICAL.Event(vevents[0]) };
}

describe('calendar document', () => {
  it('when an event is in Europe/Berlin in summer, then DTSTART is 18:00 local with TZID and a matching VTIMEZONE', () => {
    const { calendar, vevents, event } = parse(renderCalendar([entry()]));
    expect(calendar.getFirstPropertyValue('prodid')).toBe('-//SecureEvent//EN');
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid'))).toEqual(['Europe/Berlin']);
    expect(vevents[0]!.getFirstProperty('dtstart')!.getParameter('tzid')).toBe('Europe/Berlin');
    expect([event.startDate.hour, event.startDate.minute, event.endDate.hour, event.endDate.minute]).toEqual([18, 0, 20, 30]);
    expect(event.startDate.toJSDate().toISOString()).toBe('2030-07-01T16:00:00.000Z');
    expect(event.uid).toBe('evt_0000000000000000000000001@secureevent');
  });

  it('when a zone is an alias, then TZID names the canonical zone the VTIMEZONE describes', () => {
    const { calendar, vevents, event } = parse(renderCalendar([entry({ timeZone: 'Asia/Calcutta' })]));
    expect(calendar.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid'))).toEqual(['Asia/Kolkata']);
    expect(vevents[0]!.getFirstProperty('dtstart')!.getParameter('tzid')).toBe('Asia/Kolkata');
    expect([event.startDate.hour, event.startDate.minute]).toEqual([21, 30]);
  });

  it('when events use several zones, then each zone gets exactly one VTIMEZONE', () => {
    const text = renderCalendar([
      entry(),
      entry({ id: 'evt_0000000000000000000000002', timeZone: 'America/New_York' }),
      entry({ id: 'evt_0000000000000000000000003' }),
    ]);
    const { calendar } = parse(text);
    const zones = calendar.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid'));
    expect(zones.sort()).toEqual(['America/New_York', 'Europe/Berlin']);
  });

  it('when text holds commas, semicolons, backslashes, new lines and long lines, then a parser reads it back unchanged', () => {
    const title = 'Q&A; pizza, drinks \\ more – ünïcödé '.repeat(5).trim();
    const description = 'Line one,\nline two; with a \\backslash\n\n' + 'x'.repeat(300);
    const text = renderCalendar([entry({ title, description, venue: 'Hall 1, Floor 2; Door B' })]);
    expect(text.split('\r\n').every((line) => Buffer.byteLength(line, 'utf8') <= 75)).toBe(true);
    const { event } = parse(text);
    expect(event.summary).toBe(title);
    expect(event.description).toBe(description);
    expect(event.location).toBe('Hall 1, Floor 2; Door B');
  });

  it('when the event is cancelled, then STATUS is CANCELLED; a draft is TENTATIVE; published and completed are CONFIRMED', () => {
    const statusOf = (status: CalendarEntry['status']) =>
      parse(renderCalendar([entry({ status })])).vevents[0]!.getFirstPropertyValue('status');
    expect(statusOf('cancelled')).toBe('CANCELLED');
    expect(statusOf('draft')).toBe('TENTATIVE');
    expect(statusOf('published')).toBe('CONFIRMED');
    expect(statusOf('completed')).toBe('CONFIRMED');
  });

  it('when a public URL is configured, then URL is the event page and the online link moves into the description', () => {
    const online = entry({ venue: null, onlineUrl: 'https://meet.example.org/abc' });
    const withBase = parse(renderCalendar([online], { publicUrl: 'https://events.example.org/' })).vevents[0]!;
    expect(withBase.getFirstPropertyValue('url')).toBe('https://events.example.org/events/evt_0000000000000000000000001');
    expect(withBase.getFirstPropertyValue('location')).toBe('https://meet.example.org/abc');
    expect(withBase.getFirstPropertyValue('description')).toContain('Join online: https://meet.example.org/abc');
    const withoutBase = parse(renderCalendar([online])).vevents[0]!;
    expect(withoutBase.getFirstPropertyValue('url')).toBe('https://meet.example.org/abc');
  });

  it('when an event is edited later, then its SEQUENCE is higher and stays a 32-bit integer', () => {
    const before = sequenceOf(new Date('2030-01-01T00:00:00Z'));
    const after = sequenceOf(new Date('2030-01-01T00:00:01Z'));
    expect(after).toBeGreaterThan(before);
    expect(sequenceOf(new Date('2090-01-01T00:00:00Z'))).toBeLessThan(2 ** 31);
    const vevent = parse(renderCalendar([entry()])).vevents[0]!;
    expect(vevent.getFirstPropertyValue('sequence')).toBe(before);
    expect(calendarUid('evt_x')).toBe('evt_x@secureevent');
  });
});

describe('feed membership', () => {
  const eventCancelledAt = new Date('2030-03-01T10:00:00.020Z');
  it.each([
    { label: 'a confirmed registration', reg: 'confirmed', event: 'published', regCancelledAt: null, shown: true },
    { label: 'a waitlisted registration', reg: 'waitlisted', event: 'published', regCancelledAt: null, shown: true },
    {
      label: 'a registration its holder cancelled',
      reg: 'cancelled',
      event: 'published',
      regCancelledAt: '2030-03-01T10:00:00Z',
      shown: false,
    },
    {
      label: 'a registration released when its event was cancelled',
      reg: 'cancelled',
      event: 'cancelled',
      regCancelledAt: '2030-03-01T10:00:00.010Z',
      shown: true,
    },
    {
      label: 'a registration cancelled weeks before its event was',
      reg: 'cancelled',
      event: 'cancelled',
      regCancelledAt: '2030-02-01T10:00:00Z',
      shown: false,
    },
  ] as const)('when the feed considers $label, then shown is $shown', ({ reg, event, regCancelledAt, shown }) => {
    expect(
      belongsInFeed({
        registration_status: reg,
        registration_cancelled_at: regCancelledAt ? new Date(regCancelledAt) : null,
        status: event,
        cancelled_at: event === 'cancelled' ? eventCancelledAt : null,
      }),
    ).toBe(shown);
  });
});

describe('feed tokens', () => {
  it('when a token is made, then it is 32 random bytes in base64url and only its SHA-256 hex is the stored form', () => {
    const a = newFeedToken();
    const b = newFeedToken();
    expect(a.token).not.toBe(b.token);
    expect(Buffer.from(a.token, 'base64url')).toHaveLength(32);
    expect(isFeedTokenShaped(a.token)).toBe(true);
    expect(a.hash).toBe(feedTokenHash(a.token));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(isFeedTokenShaped('../../etc/passwd')).toBe(false);
    expect(isFeedTokenShaped(a.token + 'x')).toBe(false);
  });
});
