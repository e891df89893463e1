import type { calendar_v3 } from '@googleapis/calendar';
import { failureOf, useEmulator, type EmulatorAccount } from './harness';
import { BERLIN, primaryEvents, standup } from './standup';

describe('recurring events through the real Calendar client', () => {
  const emulator = useEmulator();
  let host: EmulatorAccount;
  let api: calendar_v3.Calendar;

  beforeEach(async () => {
    await emulator().reset();
    host = await emulator().createAccount('host@example.com');
    api = emulator().calendarFor(host).api;
  });

  const { insert, items } = primaryEvents(() => api);

  describe('insert', () => {
    it('keeps RRULE, EXDATE and RDATE lines and expands them into instances', async () => {
      const recurrence = ['RRULE:FREQ=DAILY;COUNT=5', 'EXDATE;TZID=Europe/Berlin:20300109T100000', 'RDATE:20300120T090000Z'];
      const series = await insert(standup({ recurrence }));
      expect(series).toMatchObject({ recurrence, start: { dateTime: '2030-01-07T10:00:00+01:00', timeZone: BERLIN } });
      expect(series).not.toHaveProperty('recurringEventId');
      const instances = await items({ singleEvents: true });
      expect(instances.map((instance) => instance.id)).toEqual(
        ['20300107T090000Z', '20300108T090000Z', '20300110T090000Z', '20300111T090000Z', '20300120T090000Z'].map((suffix) => `${series.id}_${suffix}`),
      );
    });

    it('gives each instance the series fields, its recurringEventId, originalStartTime and the series iCalUID, and no recurrence', async () => {
      const series = await insert(standup({ location: 'Room 1', attendees: [{ email: 'guest@other.org' }] }));
      const second = (await items({ singleEvents: true }))[1];
      expect(second).toMatchObject({
        kind: 'calendar#event',
        id: `${series.id}_20300108T090000Z`,
        status: 'confirmed',
        summary: 'Stand-up',
        location: 'Room 1',
        attendees: [{ email: 'guest@other.org', responseStatus: 'needsAction' }],
        recurringEventId: series.id,
        iCalUID: series.iCalUID,
        start: { dateTime: '2030-01-08T10:00:00+01:00', timeZone: BERLIN },
        end: { dateTime: '2030-01-08T10:30:00+01:00', timeZone: BERLIN },
        originalStartTime: { dateTime: '2030-01-08T10:00:00+01:00', timeZone: BERLIN },
      });
      expect(second).not.toHaveProperty('recurrence');
    });

    it('names the instances of an all-day series by their date', async () => {
      const series = await insert({ summary: 'Review', start: { date: '2030-02-01' }, end: { date: '2030-02-02' }, recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'] });
      const instances = await items({ singleEvents: true });
      expect(instances.map((instance) => [instance.id, instance.start, instance.originalStartTime])).toEqual([
        [`${series.id}_20300201`, { date: '2030-02-01' }, { date: '2030-02-01' }],
        [`${series.id}_20300208`, { date: '2030-02-08' }, { date: '2030-02-08' }],
        [`${series.id}_20300215`, { date: '2030-02-15' }, { date: '2030-02-15' }],
      ]);
    });

    it('keeps 10:00 local time across the switch to summer time', async () => {
      // Europe/Berlin moves to UTC+2 on Sunday 2030-03-31.
      const series = await insert(standup({ start: { dateTime: '2030-03-29T10:00:00', timeZone: BERLIN }, end: { dateTime: '2030-03-29T10:30:00', timeZone: BERLIN }, recurrence: ['RRULE:FREQ=DAILY;COUNT=4'] }));
      const instances = await items({ singleEvents: true });
      expect(instances.map((instance) => instance.start?.dateTime)).toEqual([
        '2030-03-29T10:00:00+01:00',
        '2030-03-30T10:00:00+01:00',
        '2030-03-31T10:00:00+02:00',
        '2030-04-01T10:00:00+02:00',
      ]);
      expect(instances.map((instance) => instance.id)).toEqual(
        ['20300329T090000Z', '20300330T090000Z', '20300331T080000Z', '20300401T080000Z'].map((suffix) => `${series.id}_${suffix}`),
      );
    });

    it('refuses a timed recurring event without a time zone with 400 required, as Google does', async () => {
      const failure = await failureOf(
        api.events.insert({
          calendarId: 'primary',
          requestBody: { start: { dateTime: '2030-01-07T10:00:00Z' }, end: { dateTime: '2030-01-07T11:00:00Z' }, recurrence: ['RRULE:FREQ=DAILY'] },
        }),
      );
      expect(failure).toMatchObject({ status: 400, reason: 'required', message: 'Missing time zone definition for start time.' });
    });

    it.each([
      ['an unknown frequency', 'RRULE:FREQ=SOMETIMES'],
      ['no frequency', 'RRULE:COUNT=3'],
      ['an unknown weekday', 'RRULE:FREQ=WEEKLY;BYDAY=XX'],
      ['COUNT and UNTIL together', 'RRULE:FREQ=DAILY;COUNT=3;UNTIL=20300201T000000Z'],
      ['a malformed EXDATE', 'EXDATE:tomorrow'],
      ['a DTSTART line', 'DTSTART:20300107T090000Z'],
      ['an unknown line', 'FOO:BAR'],
    ])('refuses a recurrence with %s with 400 invalid', async (_case, line) => {
      const failure = await failureOf(api.events.insert({ calendarId: 'primary', requestBody: standup({ recurrence: [line] }) }));
      expect(failure).toMatchObject({ status: 400, reason: 'invalid' });
    });

    it('accepts a recurring event through import too', async () => {
      const { data } = await api.events.import({ calendarId: 'primary', requestBody: standup({ iCalUID: 'standup@elsewhere.org' }) });
      expect(data.recurrence).toEqual(['RRULE:FREQ=DAILY;COUNT=5']);
      expect((await items({ singleEvents: true })).map((instance) => instance.iCalUID)).toEqual(Array(5).fill('standup@elsewhere.org'));
    });
  });

  describe('events.list', () => {
    it('returns the series once with its recurrence when singleEvents is not set', async () => {
      const series = await insert(standup());
      const listed = await items();
      expect(listed.map((event) => [event.id, event.recurrence])).toEqual([[series.id, ['RRULE:FREQ=DAILY;COUNT=5']]]);
    });

    it('orders instances and single events together by start time with orderBy=startTime', async () => {
      await insert(standup({ summary: 'Daily', recurrence: ['RRULE:FREQ=DAILY;COUNT=3'] }));
      await insert({ summary: 'Single', start: { dateTime: '2030-01-08T12:00:00Z' }, end: { dateTime: '2030-01-08T13:00:00Z' } });
      await insert({ summary: 'Early', start: { dateTime: '2030-01-07T06:00:00Z' }, end: { dateTime: '2030-01-07T07:00:00Z' } });
      const listed = await items({ singleEvents: true, orderBy: 'startTime' });
      expect(listed.map((event) => `${event.summary} ${event.start?.dateTime}`)).toEqual([
        'Early 2030-01-07T06:00:00Z',
        'Daily 2030-01-07T10:00:00+01:00',
        'Daily 2030-01-08T10:00:00+01:00',
        'Single 2030-01-08T12:00:00Z',
        'Daily 2030-01-09T10:00:00+01:00',
      ]);
    });

    it('expands only the instances within timeMin and timeMax, and pages through them', async () => {
      await insert(standup({ recurrence: ['RRULE:FREQ=DAILY'] }));
      const window = { singleEvents: true, timeMin: '2030-02-01T00:00:00Z', timeMax: '2030-02-08T00:00:00Z' };
      const first = await api.events.list({ calendarId: 'primary', ...window, maxResults: 4 });
      const second = await api.events.list({ calendarId: 'primary', ...window, maxResults: 4, pageToken: first.data.nextPageToken as string });
      const days = [...(first.data.items ?? []), ...(second.data.items ?? [])].map((event) => event.start?.dateTime?.slice(0, 10));
      expect(days).toEqual(['2030-02-01', '2030-02-02', '2030-02-03', '2030-02-04', '2030-02-05', '2030-02-06', '2030-02-07']);
      expect(second.data.nextSyncToken).toEqual(expect.any(String));
    });

    it('lists a series once when any of its instances falls within timeMin and timeMax', async () => {
      const series = await insert(standup());
      expect((await items({ timeMin: '2030-01-10T00:00:00Z', timeMax: '2030-01-10T23:00:00Z' })).map((event) => event.id)).toEqual([series.id]);
      expect(await items({ timeMin: '2030-01-12T00:00:00Z' })).toEqual([]);
    });

    it('stops an endless series after 730 instances when no timeMax bounds it', async () => {
      const series = await insert(standup({ recurrence: ['RRULE:FREQ=DAILY'] }));
      const fromStart = await items({ singleEvents: true });
      expect(fromStart).toHaveLength(730);
      expect(fromStart[729]?.id).toBe(`${series.id}_20320106T090000Z`);
      const later = await items({ singleEvents: true, timeMin: '2040-01-01T00:00:00Z' });
      expect(later).toHaveLength(730);
      expect(later[0]?.start?.dateTime).toBe('2040-01-01T10:00:00+01:00');
    });
  });

  describe('events.instances', () => {
    it('lists the instances of a series within a range, paged, with calendar#events', async () => {
      const series = await insert(standup());
      const first = await api.events.instances({ calendarId: 'primary', eventId: series.id, maxResults: 2 });
      expect(first.data.kind).toBe('calendar#events');
      expect(first.data.items?.map((instance) => instance.id)).toEqual([`${series.id}_20300107T090000Z`, `${series.id}_20300108T090000Z`]);
      const rest = await api.events.instances({ calendarId: 'primary', eventId: series.id, pageToken: first.data.nextPageToken as string });
      expect(rest.data.items).toHaveLength(3);
      expect(rest.data.nextPageToken).toBeUndefined();
      const ranged = await api.events.instances({ calendarId: 'primary', eventId: series.id, timeMin: '2030-01-09T00:00:00Z', timeMax: '2030-01-10T00:00:00Z' });
      expect(ranged.data.items?.map((instance) => instance.id)).toEqual([`${series.id}_20300109T090000Z`]);
    });

    it('finds one instance by its original start', async () => {
      const series = await insert(standup());
      const { data } = await api.events.instances({ calendarId: 'primary', eventId: series.id, originalStart: '2030-01-10T10:00:00+01:00' });
      expect(data.items?.map((instance) => instance.id)).toEqual([`${series.id}_20300110T090000Z`]);
    });

    it('answers 404 notFound for an unknown series', async () => {
      expect(await failureOf(api.events.instances({ calendarId: 'primary', eventId: 'nosuchseries' }))).toMatchObject({ status: 404, reason: 'notFound' });
    });
  });
});
