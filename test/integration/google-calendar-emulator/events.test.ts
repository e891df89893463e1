import type { calendar_v3 } from '@googleapis/calendar';
import { failureOf, timedEvent, useEmulator, type EmulatorAccount } from './harness';

describe('events through the real Calendar client', () => {
  const emulator = useEmulator();
  let host: EmulatorAccount;
  let api: calendar_v3.Calendar;

  beforeEach(async () => {
    await emulator().reset();
    host = await emulator().createAccount('host@example.com', 'Host');
    api = emulator().calendarFor(host).api;
  });

  it('inserts an event with the fields Google returns', async () => {
    const { data } = await api.events.insert({
      calendarId: 'primary',
      requestBody: timedEvent(10, {
        description: 'Bring notes',
        location: 'Room 1',
        attendees: [{ email: 'Guest@Other.org', displayName: 'Guest' }, { email: 'HOST@example.com' }],
        extendedProperties: { private: { booking: 'b1' } },
      }),
    });
    expect(data).toMatchObject({
      kind: 'calendar#event',
      status: 'confirmed',
      summary: 'Event at 10',
      description: 'Bring notes',
      location: 'Room 1',
      sequence: 0,
      creator: { email: 'host@example.com', self: true },
      organizer: { email: 'host@example.com', self: true },
      start: { dateTime: '2030-01-01T10:00:00.000Z' },
      end: { dateTime: '2030-01-01T11:00:00.000Z' },
      extendedProperties: { private: { booking: 'b1' } },
      attendees: [
        { email: 'guest@other.org', displayName: 'Guest', responseStatus: 'needsAction' },
        { email: 'host@example.com', organizer: true, self: true, responseStatus: 'needsAction' },
      ],
    });
    expect(data.id).toMatch(/^[a-v0-9]{5,1024}$/);
    expect(data.iCalUID).toBe(`${data.id}@google.com`);
    expect(data.etag).toMatch(/^"\d+"$/);
    expect(data.htmlLink).toMatch(/^https:\/\/www\.google\.com\/calendar\/event\?eid=/);
    expect(data.updated).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(data.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
    expect(data.attendees?.[0]).not.toHaveProperty('self');
  });

  it('keeps a client-chosen id and refuses it again with 409 duplicate, also after the event was deleted', async () => {
    const id = 'booking0123456789';
    const { data } = await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1, { id }) });
    expect(data.id).toBe(id);
    expect(await failureOf(api.events.insert({ calendarId: 'primary', requestBody: timedEvent(2, { id }) }))).toMatchObject({
      status: 409,
      reason: 'duplicate',
    });
    await api.events.delete({ calendarId: 'primary', eventId: id });
    expect(await failureOf(api.events.insert({ calendarId: 'primary', requestBody: timedEvent(2, { id }) }))).toMatchObject({
      status: 409,
      reason: 'duplicate',
    });
  });

  it.each([
    ['upper-case letters', 'ABCDEF12'],
    ['letters after v', 'wxyz1234'],
    ['fewer than 5 characters', 'abcd'],
    ['more than 1024 characters', 'a'.repeat(1025)],
    ['punctuation', 'abc-def-123'],
  ])('refuses an id with %s with 400 invalid', async (_case, id) => {
    expect(await failureOf(api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1, { id }) }))).toMatchObject({
      status: 400,
      reason: 'invalid',
    });
  });

  it.each(['start', 'end'] as const)('refuses an event without its %s, with 400 required', async (missing) => {
    const body = timedEvent(1);
    delete body[missing];
    expect(await failureOf(api.events.insert({ calendarId: 'primary', requestBody: body }))).toMatchObject({ status: 400, reason: 'required' });
  });

  it('refuses an event that does not end after it starts, with 400 timeRangeEmpty', async () => {
    const backwards = { ...timedEvent(5), end: timedEvent(4).start };
    expect(await failureOf(api.events.insert({ calendarId: 'primary', requestBody: backwards }))).toMatchObject({
      status: 400,
      reason: 'timeRangeEmpty',
      message: 'The specified time range is empty.',
    });
    const empty = { ...timedEvent(5), end: timedEvent(5).start };
    expect((await failureOf(api.events.insert({ calendarId: 'primary', requestBody: empty }))).reason).toBe('timeRangeEmpty');
  });

  it('refuses a dateTime without offset or time zone, and a start and end of different kinds', async () => {
    const noZone = { ...timedEvent(1), start: { dateTime: '2030-01-01T10:00:00' } };
    expect((await failureOf(api.events.insert({ calendarId: 'primary', requestBody: noZone }))).status).toBe(400);
    const mixed = { ...timedEvent(1), start: { date: '2030-01-01' } };
    expect((await failureOf(api.events.insert({ calendarId: 'primary', requestBody: mixed }))).status).toBe(400);
  });

  it('accepts a local dateTime with a timeZone, answering it with the offset of that zone, and an all-day event', async () => {
    const zoned = await api.events.insert({
      calendarId: 'primary',
      requestBody: { start: { dateTime: '2030-06-01T10:00:00', timeZone: 'Europe/Paris' }, end: { dateTime: '2030-06-01T11:00:00', timeZone: 'Europe/Paris' } },
    });
    expect(zoned.data.start).toEqual({ dateTime: '2030-06-01T10:00:00+02:00', timeZone: 'Europe/Paris' });
    const allDay = await api.events.insert({ calendarId: 'primary', requestBody: { start: { date: '2030-06-02' }, end: { date: '2030-06-03' } } });
    expect(allDay.data.start).toEqual({ date: '2030-06-02' });
  });

  it('refuses a recurring event whose start has no time zone, as Google does (more in recurrence.test.ts)', async () => {
    const failure = await failureOf(api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1, { recurrence: ['RRULE:FREQ=DAILY'] }) }));
    expect(failure).toMatchObject({ status: 400, reason: 'required', message: 'Missing time zone definition for start time.' });
  });

  it('gets a deleted event back with status cancelled, and a second delete answers 410 deleted', async () => {
    const { data } = await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1) });
    const deleted = await api.events.delete({ calendarId: 'primary', eventId: data.id as string });
    expect(deleted.status).toBe(204);
    const again = await api.events.get({ calendarId: 'primary', eventId: data.id as string });
    expect(again.data).toMatchObject({ id: data.id, status: 'cancelled', summary: 'Event at 1', sequence: 1 });
    expect(await failureOf(api.events.delete({ calendarId: 'primary', eventId: data.id as string }))).toMatchObject({
      status: 410,
      reason: 'deleted',
    });
  });

  it('answers 404 notFound for an unknown event', async () => {
    expect(await failureOf(api.events.get({ calendarId: 'primary', eventId: 'nosuchevent' }))).toMatchObject({ status: 404, reason: 'notFound' });
  });

  describe('patch', () => {
    it('changes the fields given, keeps the others, and clears a field set to null', async () => {
      const { data } = await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1, { description: 'd', location: 'l' }) });
      const { data: patched } = await api.events.patch({
        calendarId: 'primary',
        eventId: data.id as string,
        requestBody: { summary: 'Renamed', location: null },
      });
      expect(patched).toMatchObject({ summary: 'Renamed', description: 'd', start: data.start, end: data.end });
      expect(patched).not.toHaveProperty('location');
      expect(patched.etag).not.toBe(data.etag);
    });

    it('replaces the attendee list but keeps the answer of an attendee listed again', async () => {
      const { data } = await api.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent(1, { attendees: [{ email: 'a@other.org' }, { email: 'b@other.org' }] }),
      });
      await emulator().control('POST', `calendars/${host.calendarId}/events/${data.id}/respond`, { email: 'a@other.org', responseStatus: 'accepted' });
      const { data: patched } = await api.events.patch({
        calendarId: 'primary',
        eventId: data.id as string,
        requestBody: { attendees: [{ email: 'a@other.org' }, { email: 'c@other.org' }] },
      });
      expect(patched.attendees).toEqual([
        { email: 'a@other.org', responseStatus: 'accepted' },
        { email: 'c@other.org', responseStatus: 'needsAction' },
      ]);
    });

    it('merges extendedProperties key by key, a null value removing its key', async () => {
      const { data } = await api.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent(1, { extendedProperties: { private: { a: '1', b: '2' }, shared: { s: 'x' } } }),
      });
      const { data: patched } = await api.events.patch({
        calendarId: 'primary',
        eventId: data.id as string,
        requestBody: { extendedProperties: { private: { b: null as unknown as string, c: '3' } } },
      });
      expect(patched.extendedProperties).toEqual({ private: { a: '1', c: '3' }, shared: { s: 'x' } });
    });

    it('bumps sequence when the time or status changes, not when the title does', async () => {
      const { data } = await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1) });
      const renamed = await api.events.patch({ calendarId: 'primary', eventId: data.id as string, requestBody: { summary: 'x' } });
      expect(renamed.data.sequence).toBe(0);
      const moved = await api.events.patch({ calendarId: 'primary', eventId: data.id as string, requestBody: { start: timedEvent(2).start, end: timedEvent(2).end } });
      expect(moved.data.sequence).toBe(1);
      const confirmed = await api.events.patch({ calendarId: 'primary', eventId: data.id as string, requestBody: { status: 'tentative' } });
      expect(confirmed.data.sequence).toBe(2);
    });

    it('stamps created and updated with the emulator clock', async () => {
      const setAt = Date.UTC(2032, 4, 6, 7, 8, 9, 123);
      await emulator().control('POST', 'clock', { nowMs: setAt });
      const { data } = await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1) });
      await emulator().control('POST', 'clock', { advanceMs: 60_000 });
      const { data: patched } = await api.events.patch({ calendarId: 'primary', eventId: data.id as string, requestBody: { summary: 'x' } });
      const created = Date.parse(patched.created as string);
      const updated = Date.parse(patched.updated as string);
      expect(created).toBeGreaterThanOrEqual(setAt - 1000);
      expect(created).toBeLessThan(setAt + 5000);
      expect(updated).toBeGreaterThanOrEqual(setAt + 60_000);
      expect(updated).toBeLessThan(setAt + 65_000);
    });

    it('validates the merged event, so a patch cannot move the end before the start', async () => {
      const { data } = await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(5) });
      const failure = await failureOf(api.events.patch({ calendarId: 'primary', eventId: data.id as string, requestBody: { end: timedEvent(1).end } }));
      expect(failure).toMatchObject({ status: 400, reason: 'timeRangeEmpty' });
    });
  });

  describe('import', () => {
    it('needs an iCalUID', async () => {
      expect(await failureOf(api.events.import({ calendarId: 'primary', requestBody: timedEvent(1) }))).toMatchObject({ status: 400, reason: 'required' });
    });

    it('adds an event with the given iCalUID and organizer', async () => {
      const first = await api.events.import({
        calendarId: 'primary',
        requestBody: timedEvent(1, { iCalUID: 'abc@elsewhere.org', organizer: { email: 'boss@elsewhere.org' }, attendees: [{ email: 'host@example.com' }] }),
      });
      expect(first.data).toMatchObject({ iCalUID: 'abc@elsewhere.org', organizer: { email: 'boss@elsewhere.org' } });
      expect(first.data.organizer).not.toHaveProperty('self');
      const list = await api.events.list({ calendarId: 'primary', iCalUID: 'abc@elsewhere.org' });
      expect(list.data.items).toHaveLength(1);
    });

    // Real Google answers 409 duplicate to a second import of an iCalUID (gcalcli #712, #730, #784);
    // it documents no update in place, so the emulator gives the answer our code must survive.
    it('answers 409 duplicate to an import of an iCalUID the calendar already holds, and changes nothing', async () => {
      const first = await api.events.import({ calendarId: 'primary', requestBody: timedEvent(1, { iCalUID: 'again@elsewhere.org', summary: 'First' }) });
      const failure = await failureOf(api.events.import({ calendarId: 'primary', requestBody: timedEvent(3, { iCalUID: 'again@elsewhere.org', summary: 'Moved' }) }));
      expect(failure).toMatchObject({ status: 409, reason: 'duplicate' });
      expect((await api.events.get({ calendarId: 'primary', eventId: first.data.id as string })).data).toMatchObject({ summary: 'First', start: timedEvent(1).start });
    });

    it('answers 409 duplicate to an import of the iCalUID of a deleted event', async () => {
      const first = await api.events.import({ calendarId: 'primary', requestBody: timedEvent(1, { iCalUID: 'gone@elsewhere.org' }) });
      await api.events.delete({ calendarId: 'primary', eventId: first.data.id as string });
      const failure = await failureOf(api.events.import({ calendarId: 'primary', requestBody: timedEvent(1, { iCalUID: 'gone@elsewhere.org' }) }));
      expect(failure).toMatchObject({ status: 409, reason: 'duplicate' });
    });
  });

  describe('calendars', () => {
    it('lists the primary and secondary calendars of the account, with maxResults paging', async () => {
      const created = await emulator().control<{ calendarId: string }>('POST', 'accounts/host@example.com/calendars', { summary: 'Bookings', timeZone: 'Europe/Paris' });
      expect(created.body.calendarId).toMatch(/@group\.calendar\.google\.com$/);
      const { data } = await api.calendarList.list();
      expect(data.items).toEqual([
        expect.objectContaining({ id: 'host@example.com', summary: 'host@example.com', primary: true, accessRole: 'owner', timeZone: 'UTC' }),
        expect.objectContaining({ id: created.body.calendarId, summary: 'Bookings', accessRole: 'owner', timeZone: 'Europe/Paris' }),
      ]);
      expect(data.items?.[1]).not.toHaveProperty('primary');
      const first = await api.calendarList.list({ maxResults: 1 });
      expect(first.data.items).toHaveLength(1);
      const second = await api.calendarList.list({ maxResults: 1, pageToken: first.data.nextPageToken as string });
      expect(second.data.items?.[0]?.id).toBe(created.body.calendarId);
      expect(second.data.nextPageToken).toBeUndefined();
    });

    it('gets a calendar by id or as primary', async () => {
      expect((await api.calendars.get({ calendarId: 'primary' })).data).toMatchObject({ kind: 'calendar#calendar', id: 'host@example.com' });
      expect((await api.calendars.get({ calendarId: 'host@example.com' })).data.id).toBe('host@example.com');
    });

    it('answers 404 notFound for a calendar the account cannot see', async () => {
      const other = await emulator().createAccount('other@example.com');
      expect(await failureOf(api.calendars.get({ calendarId: other.calendarId }))).toMatchObject({ status: 404, reason: 'notFound' });
      expect(await failureOf(api.events.insert({ calendarId: other.calendarId, requestBody: timedEvent(1) }))).toMatchObject({ status: 404, reason: 'notFound' });
    });

    it('makes a secondary calendar the organizer of its events, by its id and name', async () => {
      const created = await emulator().control<{ calendarId: string }>('POST', 'accounts/host@example.com/calendars', { summary: 'Bookings' });
      const { data } = await api.events.insert({ calendarId: created.body.calendarId, requestBody: timedEvent(1, { attendees: [{ email: 'host@example.com' }] }) });
      expect(data.organizer).toEqual({ email: created.body.calendarId, displayName: 'Bookings', self: true });
      expect(data.creator).toEqual({ email: 'host@example.com' });
      expect(data.attendees).toEqual([{ email: 'host@example.com', responseStatus: 'needsAction' }]);
    });
  });

  describe('freeBusy', () => {
    it('reports merged busy periods of confirmed, opaque events within the range', async () => {
      await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(9, {}, 2) });
      await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(10, {}, 2) });
      await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(14, { transparency: 'transparent' }) });
      const cancelled = await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(16) });
      await api.events.delete({ calendarId: 'primary', eventId: cancelled.data.id as string });
      await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(30) });
      const { data } = await api.freebusy.query({
        requestBody: { timeMin: '2030-01-01T08:00:00Z', timeMax: '2030-01-02T00:00:00Z', items: [{ id: 'host@example.com' }] },
      });
      expect(data.calendars?.['host@example.com']).toEqual({ busy: [{ start: '2030-01-01T09:00:00Z', end: '2030-01-01T12:00:00Z' }] });
    });

    it('answers notFound inside the entry of a calendar the account cannot see', async () => {
      const other = await emulator().createAccount('other@example.com');
      const { data } = await api.freebusy.query({
        requestBody: { timeMin: '2030-01-01T00:00:00Z', timeMax: '2030-01-02T00:00:00Z', items: [{ id: other.calendarId }] },
      });
      expect(data.calendars?.[other.calendarId]).toEqual({ errors: [{ domain: 'global', reason: 'notFound' }], busy: [] });
    });
  });
});
