import type { calendar_v3 } from '@googleapis/calendar';
import { failureOf, useEmulator, WebhookReceiver, type EmulatorAccount } from './harness';
import { BERLIN, primaryEvents, standup } from './standup';

describe('changes to recurring events through the real Calendar client', () => {
  const emulator = useEmulator();
  let host: EmulatorAccount;
  let api: calendar_v3.Calendar;

  beforeEach(async () => {
    await emulator().reset();
    host = await emulator().createAccount('host@example.com');
    api = emulator().calendarFor(host).api;
  });

  const { insert, items } = primaryEvents(() => api);

  async function busy(timeMin: string, timeMax: string): Promise<calendar_v3.Schema$TimePeriod[]> {
    const { data } = await api.freebusy.query({ requestBody: { timeMin, timeMax, items: [{ id: 'host@example.com' }] } });
    return data.calendars?.['host@example.com']?.busy ?? [];
  }

  describe('changing one instance', () => {
    it('gets an instance by its id', async () => {
      const series = await insert(standup());
      const { data } = await api.events.get({ calendarId: 'primary', eventId: `${series.id}_20300108T090000Z` });
      expect(data).toMatchObject({ id: `${series.id}_20300108T090000Z`, recurringEventId: series.id, start: { dateTime: '2030-01-08T10:00:00+01:00' } });
      expect(await failureOf(api.events.get({ calendarId: 'primary', eventId: `${series.id}_20300108T100000Z` }))).toMatchObject({ status: 404 });
    });

    it('makes a patched instance an exception at its new time, keeping its original start', async () => {
      const series = await insert(standup());
      const instanceId = `${series.id}_20300108T090000Z`;
      const { data: moved } = await api.events.patch({
        calendarId: 'primary',
        eventId: instanceId,
        requestBody: { summary: 'Moved', start: { dateTime: '2030-01-08T15:00:00', timeZone: BERLIN }, end: { dateTime: '2030-01-08T15:30:00', timeZone: BERLIN } },
      });
      expect(moved).toMatchObject({
        id: instanceId,
        summary: 'Moved',
        recurringEventId: series.id,
        iCalUID: series.iCalUID,
        originalStartTime: { dateTime: '2030-01-08T10:00:00+01:00', timeZone: BERLIN },
      });
      const instances = await items({ singleEvents: true, orderBy: 'startTime' });
      expect(instances.map((event) => `${event.summary} ${event.start?.dateTime}`)).toEqual([
        'Stand-up 2030-01-07T10:00:00+01:00',
        'Moved 2030-01-08T15:00:00+01:00',
        'Stand-up 2030-01-09T10:00:00+01:00',
        'Stand-up 2030-01-10T10:00:00+01:00',
        'Stand-up 2030-01-11T10:00:00+01:00',
      ]);
      expect((await items()).map((event) => [event.id, event.recurringEventId])).toEqual([
        [series.id, undefined],
        [instanceId, series.id],
      ]);
      expect((await api.events.get({ calendarId: 'primary', eventId: instanceId })).data.summary).toBe('Moved');
    });

    it('refuses a recurrence on an instance with 400 invalid', async () => {
      const series = await insert(standup());
      const failure = await failureOf(api.events.patch({ calendarId: 'primary', eventId: `${series.id}_20300108T090000Z`, requestBody: { recurrence: ['RRULE:FREQ=DAILY'] } }));
      expect(failure).toMatchObject({ status: 400, reason: 'invalid' });
    });

    it('makes a deleted instance a cancelled exception, left out of expansion and free/busy', async () => {
      const series = await insert(standup());
      const instanceId = `${series.id}_20300108T090000Z`;
      expect((await api.events.delete({ calendarId: 'primary', eventId: instanceId })).status).toBe(204);
      expect((await items({ singleEvents: true })).map((event) => event.id)).not.toContain(instanceId);
      const withDeleted = await items({ singleEvents: true, showDeleted: true });
      expect(withDeleted.find((event) => event.id === instanceId)).toEqual({
        kind: 'calendar#event',
        etag: expect.any(String),
        id: instanceId,
        status: 'cancelled',
        recurringEventId: series.id,
        originalStartTime: { dateTime: '2030-01-08T10:00:00+01:00', timeZone: BERLIN },
      });
      expect((await api.events.get({ calendarId: 'primary', eventId: instanceId })).data.status).toBe('cancelled');
      expect(await busy('2030-01-07T00:00:00Z', '2030-01-09T00:00:00Z')).toEqual([{ start: '2030-01-07T09:00:00Z', end: '2030-01-07T09:30:00Z' }]);
      expect(await failureOf(api.events.delete({ calendarId: 'primary', eventId: instanceId }))).toMatchObject({ status: 410, reason: 'deleted' });
    });

    it('lists cancelled instances beside the series when singleEvents is not set, as the showDeleted reference says', async () => {
      const series = await insert(standup());
      await api.events.delete({ calendarId: 'primary', eventId: `${series.id}_20300108T090000Z` });
      expect((await items()).map((event) => [event.id, event.status])).toEqual([
        [series.id, 'confirmed'],
        [`${series.id}_20300108T090000Z`, 'cancelled'],
      ]);
    });
  });

  describe('changing the series', () => {
    it('changes every instance but keeps an exception as it is', async () => {
      const series = await insert(standup());
      await api.events.patch({ calendarId: 'primary', eventId: `${series.id}_20300109T090000Z`, requestBody: { summary: 'Special' } });
      await api.events.patch({ calendarId: 'primary', eventId: series.id, requestBody: { summary: 'Daily sync' } });
      expect((await items({ singleEvents: true })).map((event) => event.summary).sort()).toEqual(['Daily sync', 'Daily sync', 'Daily sync', 'Daily sync', 'Special']);
    });

    it('moves every instance when the series start moves', async () => {
      const series = await insert(standup());
      await api.events.patch({
        calendarId: 'primary',
        eventId: series.id,
        requestBody: { start: { dateTime: '2030-01-07T11:00:00', timeZone: BERLIN }, end: { dateTime: '2030-01-07T11:30:00', timeZone: BERLIN } },
      });
      expect((await items({ singleEvents: true })).map((event) => event.start?.dateTime?.slice(11))).toEqual(Array(5).fill('11:00:00+01:00'));
    });

    it('cancels the series, its instances and its exceptions when the series is deleted', async () => {
      const series = await insert(standup());
      await api.events.patch({ calendarId: 'primary', eventId: `${series.id}_20300109T090000Z`, requestBody: { summary: 'Special' } });
      await api.events.delete({ calendarId: 'primary', eventId: series.id });
      expect(await items({ singleEvents: true })).toEqual([]);
      expect((await api.events.get({ calendarId: 'primary', eventId: `${series.id}_20300109T090000Z` })).data.status).toBe('cancelled');
      expect(await busy('2030-01-07T00:00:00Z', '2030-01-12T00:00:00Z')).toEqual([]);
    });
  });

  describe('freeBusy', () => {
    it('counts every instance in the range, exceptions at their own times, and skips cancelled and transparent ones', async () => {
      const series = await insert(standup());
      await insert(standup({ summary: 'Optional', transparency: 'transparent', recurrence: ['RRULE:FREQ=DAILY;COUNT=5'] }));
      await api.events.patch({
        calendarId: 'primary',
        eventId: `${series.id}_20300108T090000Z`,
        requestBody: { start: { dateTime: '2030-01-08T14:00:00Z' }, end: { dateTime: '2030-01-08T15:00:00Z' } },
      });
      await api.events.delete({ calendarId: 'primary', eventId: `${series.id}_20300109T090000Z` });
      expect(await busy('2030-01-07T09:15:00Z', '2030-01-10T00:00:00Z')).toEqual([
        { start: '2030-01-07T09:15:00Z', end: '2030-01-07T09:30:00Z' },
        { start: '2030-01-08T14:00:00Z', end: '2030-01-08T15:00:00Z' },
      ]);
    });
  });

  describe('incremental sync', () => {
    it('reports a changed series as the series, and a changed instance as its exception', async () => {
      const series = await insert(standup());
      const full = await api.events.list({ calendarId: 'primary' });
      await api.events.patch({ calendarId: 'primary', eventId: series.id, requestBody: { summary: 'Renamed' } });
      const afterSeries = await api.events.list({ calendarId: 'primary', syncToken: full.data.nextSyncToken as string });
      expect(afterSeries.data.items?.map((event) => [event.id, event.summary])).toEqual([[series.id, 'Renamed']]);

      await api.events.delete({ calendarId: 'primary', eventId: `${series.id}_20300110T090000Z` });
      const afterInstance = await api.events.list({ calendarId: 'primary', syncToken: afterSeries.data.nextSyncToken as string });
      expect(afterInstance.data.items?.map((event) => [event.id, event.status, event.recurringEventId])).toEqual([
        [`${series.id}_20300110T090000Z`, 'cancelled', series.id],
      ]);
    });

    it('reports a changed series as its instances when the sync lists single events', async () => {
      const series = await insert(standup());
      await api.events.patch({ calendarId: 'primary', eventId: `${series.id}_20300108T090000Z`, requestBody: { summary: 'Special' } });
      const full = await api.events.list({ calendarId: 'primary', singleEvents: true });
      await api.events.patch({ calendarId: 'primary', eventId: series.id, requestBody: { summary: 'Renamed' } });
      const delta = await api.events.list({ calendarId: 'primary', singleEvents: true, syncToken: full.data.nextSyncToken as string });
      expect(delta.data.items?.map((event) => [event.id, event.summary])).toEqual(
        ['20300107T090000Z', '20300109T090000Z', '20300110T090000Z', '20300111T090000Z'].map((suffix) => [`${series.id}_${suffix}`, 'Renamed']),
      );
    });

    it('sends a push notification when an instance changes', async () => {
      const receiver = await WebhookReceiver.start();
      try {
        const series = await insert(standup());
        await api.events.watch({ calendarId: 'primary', requestBody: { id: 'recurrence-channel', type: 'web_hook', address: receiver.url } });
        await receiver.waitFor(1, 'recurrence-channel');
        await api.events.patch({ calendarId: 'primary', eventId: `${series.id}_20300108T090000Z`, requestBody: { summary: 'Special' } });
        await api.events.delete({ calendarId: 'primary', eventId: `${series.id}_20300109T090000Z` });
        const received = await receiver.waitFor(3, 'recurrence-channel');
        expect(received.map((notification) => notification.state)).toEqual(['sync', 'exists', 'exists']);
      } finally {
        await receiver.close();
      }
    });
  });
});
