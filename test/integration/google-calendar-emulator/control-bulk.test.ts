// The control API's additions for simulations at scale (test/bench/upkeep-scale.bench.ts): many
// accounts with a channel each in one call, a calendar's owner changing it as in Google's own UI
// (no API call counted), and the API calls counted per window of the emulator's clock.
import type { calendar_v3 } from '@googleapis/calendar';
import { timedEvent, useEmulator, type EmulatorAccount } from './harness';

interface BulkAccount extends EmulatorAccount {
  channel?: { id: string; resourceId: string; resourceUri: string; expiration: number };
}

describe('the control API at scale', () => {
  const emulator = useEmulator();

  beforeEach(async () => {
    await emulator().reset();
  });

  it('makes many accounts at once, each with a live channel on its primary calendar expiring when asked', async () => {
    const expiration = (await emulator().control<{ nowMs: number }>('GET', 'clock')).body.nowMs + 3 * 3_600_000;
    const answer = await emulator().control<BulkAccount[]>('POST', 'accounts/bulk', {
      accounts: [
        { email: 'one@example.com', channel: { id: 'bulk-1', token: 't1', address: 'https://hooks.example.com/push', expiration } },
        { email: 'two@example.com', name: 'Two' },
      ],
    });
    expect(answer.status).toBe(200);
    const [one, two] = answer.body;
    expect(one).toMatchObject({ email: 'one@example.com', calendarId: 'one@example.com', refreshToken: expect.any(String), channel: { id: 'bulk-1', resourceId: expect.any(String), expiration } });
    expect(two).toMatchObject({ email: 'two@example.com', calendarId: 'two@example.com' });
    expect(two?.channel).toBeUndefined();
    const live = (await emulator().control<{ id: string; calendarId: string; expiration: number }[]>('GET', 'channels')).body;
    expect(live).toEqual([expect.objectContaining({ id: 'bulk-1', calendarId: 'one@example.com', expiration })]);
    // The accounts work as any other: their refresh tokens get access tokens, their calendars list.
    expect((await emulator().calendarFor(one!).api.events.list({ calendarId: 'primary' })).data.items).toEqual([]);
  });

  it('refuses a bulk request that is empty, too large or names a channel id twice, and makes nothing', async () => {
    expect((await emulator().control('POST', 'accounts/bulk', { accounts: [] })).status).toBe(400);
    const many = Array.from({ length: 1001 }, (_, i) => ({ email: `h${i}@example.com` }));
    expect((await emulator().control('POST', 'accounts/bulk', { accounts: many })).status).toBe(400);
    const twice = { id: 'same', address: 'https://hooks.example.com/push', expiration: Date.now() + 3_600_000 };
    const answer = await emulator().control<{ message: string }>('POST', 'accounts/bulk', { accounts: [{ email: 'a@example.com', channel: twice }, { email: 'b@example.com', channel: twice }] });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/same/);
    expect((await emulator().control<unknown[]>('GET', 'channels')).body).toEqual([]);
    expect((await emulator().control('POST', 'accounts/a@example.com/calendars', { summary: 'x' })).status).toBe(404);
  });

  describe('the owner in Google', () => {
    let host: EmulatorAccount;
    let api: calendar_v3.Calendar;

    beforeEach(async () => {
      host = await emulator().createAccount('host@example.com');
      api = emulator().calendarFor(host).api;
    });

    it('adds and deletes events as in the UI: the changes list, and no API call is counted', async () => {
      const { data: token } = await api.events.list({ calendarId: 'primary' });
      const before = (await emulator().control<{ total: number }>('GET', 'requests')).body.total;
      const added = await emulator().control<calendar_v3.Schema$Event>('POST', `calendars/${host.calendarId}/events`, timedEvent(30, { summary: 'Dentist' }));
      expect(added.status).toBe(200);
      const { data: ours } = await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(40) });
      const afterInsert = (await emulator().control<{ total: number }>('GET', 'requests')).body.total;
      expect((await emulator().control('POST', `calendars/${host.calendarId}/events/${ours.id}/delete`)).status).toBe(200);
      expect((await emulator().control<{ total: number }>('GET', 'requests')).body.total).toBe(afterInsert);
      expect(afterInsert).toBe(before + 1);

      const { data: changes } = await api.events.list({ calendarId: 'primary', syncToken: token.nextSyncToken! });
      // A deleted event lists as Google lists it: its id and status, little else.
      expect(changes.items?.map(({ id, status }) => ({ id, status }))).toEqual([
        { id: added.body.id, status: 'confirmed' },
        { id: ours.id, status: 'cancelled' },
      ]);
      expect(changes.items?.[0]?.summary).toBe('Dentist');
    });

    it('answers 404 for an event or calendar it does not have, and 400 for an event it cannot read', async () => {
      expect((await emulator().control('POST', `calendars/${host.calendarId}/events/nosuchevent1/delete`)).status).toBe(404);
      expect((await emulator().control('POST', 'calendars/nobody@example.com/events', timedEvent(30))).status).toBe(404);
      expect((await emulator().control('POST', `calendars/${host.calendarId}/events`, { summary: 'no times' })).status).toBe(400);
    });
  });

  it('counts the API calls of each window of its clock, not the token endpoint, while asked to', async () => {
    const host = await emulator().createAccount('host@example.com');
    const api = emulator().calendarFor(host).api;
    await api.events.list({ calendarId: 'primary' });
    expect((await emulator().control('POST', 'requests/windows', { windowMs: 60_000 })).status).toBe(200);
    await api.events.list({ calendarId: 'primary' });
    await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(30) });
    const counted = (await emulator().control<{ windowMs: number; windows: { startMs: number; count: number }[] }>('GET', 'requests/windows')).body;
    expect(counted.windowMs).toBe(60_000);
    expect(counted.windows.reduce((sum, { count }) => sum + count, 0)).toBe(2);
    for (const { startMs } of counted.windows) expect(startMs % 60_000).toBe(0);
    expect((await emulator().control('POST', 'requests/windows', { windowMs: 0 })).status).toBe(200);
    await api.events.list({ calendarId: 'primary' });
    expect((await emulator().control<{ windows: unknown[] }>('GET', 'requests/windows')).body.windows).toEqual([]);
    expect((await emulator().control('POST', 'requests/windows', { windowMs: -1 })).status).toBe(400);
  });
});
