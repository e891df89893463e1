import type { calendar_v3 } from '@googleapis/calendar';
import { failureOf, pause, timedEvent, useEmulator, WebhookReceiver, type EmulatorAccount } from './harness';

describe('the control API', () => {
  const emulator = useEmulator();
  let host: EmulatorAccount;
  let api: calendar_v3.Calendar;

  beforeEach(async () => {
    await emulator().reset();
    host = await emulator().createAccount('host@example.com');
    api = emulator().calendarFor(host).api;
  });

  describe('accounts', () => {
    it('creates an account whose primary calendar id is its address, lowercased', async () => {
      const created = await emulator().createAccount('Mixed.Case@Example.com', 'Mixed');
      expect(created).toEqual({ email: 'mixed.case@example.com', subject: expect.stringMatching(/^[1-9]\d{20}$/), refreshToken: expect.any(String), calendarId: 'mixed.case@example.com' });
    });

    it("gives an address to a new Google account: a new subject, the old account's grants and calendars gone", async () => {
      const { data } = await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1) });
      const receiver = await WebhookReceiver.start();
      try {
        await api.events.watch({ calendarId: 'primary', requestBody: { id: 'old-owner', type: 'web_hook', address: receiver.url } });
        const reassigned = await emulator().control<{ email: string; subject: string; refreshToken: string; calendarId: string }>('POST', 'accounts/host@example.com/reassign');
        expect(reassigned.status).toBe(200);
        expect(reassigned.body).toMatchObject({ email: 'host@example.com', calendarId: 'host@example.com' });
        expect(reassigned.body.subject).not.toBe(host.subject);

        const refresh = await fetch(`${emulator().url}/token`, {
          method: 'POST',
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: host.refreshToken, client_id: 'a', client_secret: 'b' }),
        });
        expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
        expect((await emulator().control<unknown[]>('GET', 'channels')).body).toEqual([]);
        const fresh = emulator().calendarFor(reassigned.body).api;
        expect((await fresh.events.list({ calendarId: 'primary' })).data.items).toEqual([]);
        expect((await failureOf(fresh.events.get({ calendarId: 'primary', eventId: data.id as string }))).status).toBe(404);
        expect((await emulator().createAccount('host@example.com')).subject).toBe(reassigned.body.subject);
        expect((await emulator().control('POST', 'accounts/nobody@example.com/reassign')).status).toBe(404);
      } finally {
        await receiver.close();
      }
    });

    it('returns the existing account with a fresh valid refresh token, the old one still working', async () => {
      const { data } = await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1) });
      const again = await emulator().createAccount('host@example.com');
      expect(again.calendarId).toBe(host.calendarId);
      expect(again.refreshToken).not.toBe(host.refreshToken);
      const fresh = emulator().calendarFor(again).api;
      expect((await fresh.events.get({ calendarId: 'primary', eventId: data.id as string })).data.id).toBe(data.id);
      expect((await emulator().calendarFor(host).api.calendarList.list()).status).toBe(200);
    });

    it('refuses bad input with 400 and a message', async () => {
      const missing = await emulator().control<{ message: string }>('POST', 'accounts', { name: 'No email' });
      expect(missing.status).toBe(400);
      expect(missing.body.message).toContain('email');
      expect((await emulator().control('POST', 'accounts', { email: 'not-an-address' })).status).toBe(400);
      expect((await emulator().control('POST', 'accounts/host@example.com/calendars', {})).status).toBe(400);
      expect((await emulator().control('POST', 'accounts/host@example.com/calendars', { summary: 'x', timeZone: 'Mars/Base' })).status).toBe(400);
      expect((await emulator().control('POST', 'accounts/nobody@example.com/calendars', { summary: 'x' })).status).toBe(404);
    });
  });

  describe('faults', () => {
    it.each([
      [429, undefined, 'rateLimitExceeded'],
      [403, 'rateLimitExceeded', 'rateLimitExceeded'],
      [403, 'userRateLimitExceeded', 'userRateLimitExceeded'],
      [500, undefined, 'backendError'],
      [503, undefined, 'backendError'],
    ])('fails the next matching call with %i %s in Google error JSON', async (status, reason, expectedReason) => {
      await emulator().control('POST', 'faults', { method: 'POST', pathContains: '/events', status, ...(reason ? { reason } : {}), count: 1 });
      const failure = await failureOf(api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1) }));
      expect(failure).toMatchObject({ status, reason: expectedReason });
      expect(failure.body).toMatchObject({ error: { code: status, errors: [{ reason: expectedReason }], status: expect.any(String) } });
      expect((await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1) })).status).toBe(200);
    });

    it('fails exactly count calls, and only those matching method and path', async () => {
      await emulator().control('POST', 'faults', { method: 'POST', pathContains: '/events', status: 500, count: 2 });
      expect((await api.calendarList.list()).status).toBe(200);
      expect((await failureOf(api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1) }))).status).toBe(500);
      expect((await failureOf(api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1) }))).status).toBe(500);
      expect((await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1) })).status).toBe(200);
    });

    it('delays a call without failing it when no status is given', async () => {
      await emulator().control('POST', 'faults', { pathContains: 'calendarList', delayMs: 300, count: 1 });
      const started = Date.now();
      expect((await api.calendarList.list()).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    });

    it('delays, then fails, when given both', async () => {
      await emulator().control('POST', 'faults', { method: 'POST', pathContains: '/events', status: 503, delayMs: 200, count: 1 });
      const started = Date.now();
      expect((await failureOf(api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1) }))).status).toBe(503);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    });

    it('applies to the token endpoint', async () => {
      await emulator().control('POST', 'faults', { pathContains: '/token', status: 400, reason: 'invalid_request', count: 1 });
      const response = await fetch(`${emulator().url}/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: host.refreshToken, client_id: 'a', client_secret: 'b' }),
      });
      expect(response.status).toBe(400);
    });

    it('never applies to the control API', async () => {
      await emulator().control('POST', 'faults', { status: 500, count: 5 });
      expect((await emulator().control('GET', 'clock')).status).toBe(200);
      expect((await emulator().control('GET', 'mail')).status).toBe(200);
    });

    it('are all cleared by DELETE', async () => {
      await emulator().control('POST', 'faults', { status: 500, count: 5 });
      expect((await emulator().control('DELETE', 'faults')).status).toBe(204);
      expect((await api.calendarList.list()).status).toBe(200);
    });

    it('refuses a fault without count or without status and delay', async () => {
      expect((await emulator().control('POST', 'faults', { status: 500 })).status).toBe(400);
      expect((await emulator().control('POST', 'faults', { count: 1 })).status).toBe(400);
    });
  });

  describe('clock', () => {
    it('is set and advanced, and read back', async () => {
      const set = await emulator().control<{ nowMs: number }>('POST', 'clock', { nowMs: Date.UTC(2035, 0, 1) });
      expect(set.body.nowMs).toBeGreaterThanOrEqual(Date.UTC(2035, 0, 1));
      const advanced = await emulator().control<{ nowMs: number }>('POST', 'clock', { advanceMs: 3_600_000 });
      expect(advanced.body.nowMs).toBeGreaterThanOrEqual(Date.UTC(2035, 0, 1, 1));
      expect(advanced.body.nowMs).toBeLessThan(Date.UTC(2035, 0, 1, 1) + 5000);
      const read = await emulator().control<{ nowMs: number }>('GET', 'clock');
      expect(read.body.nowMs).toBeGreaterThanOrEqual(advanced.body.nowMs);
      expect((await emulator().control('POST', 'clock', {})).status).toBe(400);
    });
  });

  describe('requests', () => {
    it('counts API calls by operation', async () => {
      await api.calendarList.list();
      await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1) });
      await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(2) });
      await api.events.list({ calendarId: 'primary' });
      const { body } = await emulator().control<{ total: number; byOperation: Record<string, number> }>('GET', 'requests');
      expect(body.byOperation).toEqual({ 'oauth.token': 1, 'calendarList.list': 1, 'events.insert': 2, 'events.list': 1 });
      expect(body.total).toBe(5);
    });
  });

  describe('reset', () => {
    it('clears accounts, events, channels, mail, faults, push mode, counters and the clock', async () => {
      const receiver = await WebhookReceiver.start();
      try {
        await api.events.insert({ calendarId: 'primary', sendUpdates: 'all', requestBody: timedEvent(1, { attendees: [{ email: 'g@other.org' }] }) });
        await api.events.watch({ calendarId: 'primary', requestBody: { id: 'before-reset', type: 'web_hook', address: receiver.url } });
        await emulator().control('POST', 'faults', { pathContains: '/nothing-matches', status: 500, count: 1 });
        await emulator().control('POST', 'push', { mode: 'drop' });
        await emulator().control('POST', 'clock', { advanceMs: 10 * 365 * 24 * 3_600_000 });

        expect((await emulator().control('POST', 'reset')).status).toBe(204);

        expect((await emulator().control<unknown[]>('GET', 'mail')).body).toEqual([]);
        expect((await emulator().control<unknown[]>('GET', 'channels')).body).toEqual([]);
        expect((await emulator().control<{ total: number }>('GET', 'requests')).body.total).toBe(0);
        expect(Math.abs((await emulator().control<{ nowMs: number }>('GET', 'clock')).body.nowMs - Date.now())).toBeLessThan(5000);
        const refresh = await fetch(`${emulator().url}/token`, {
          method: 'POST',
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: host.refreshToken, client_id: 'a', client_secret: 'b' }),
        });
        expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });

        const again = await emulator().createAccount('host@example.com');
        const fresh = emulator().calendarFor(again).api;
        expect((await fresh.events.list({ calendarId: 'primary' })).data.items).toEqual([]);
        receiver.clear();
        await fresh.events.watch({ calendarId: 'primary', requestBody: { id: 'before-reset', type: 'web_hook', address: receiver.url } });
        expect(await receiver.waitFor(1)).toHaveLength(1);
        await pause(20);
      } finally {
        await receiver.close();
      }
    });
  });
});
