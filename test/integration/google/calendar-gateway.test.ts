// The Calendar wrapper against the Google Calendar emulator, through the real client libraries.
import { CalendarGateway, type CalendarSession, type GoogleEvent } from '../../../shared/google/calendar';
import { AlreadyExists, ConnectionRevoked, EventGone, GoogleUnavailable, SyncTokenExpired, CalendarNotFound } from '../../../shared/google/errors';
import { eventIdForSlot, privatePropertiesFor, EVENT_TAG } from '../../../shared/google/event-identity';
import { startGoogleCalendarEmulator, type RunningGoogleCalendarEmulator } from '../../../infra/local/google-calendar-emulator';

interface Account {
  email: string;
  refreshToken: string;
  calendarId: string;
}

let emulator: RunningGoogleCalendarEmulator;
let gateway: CalendarGateway;

async function control(path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${emulator.url}/emulator/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`control ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

async function account(email = 'host@example.test'): Promise<Account> {
  return (await control('/accounts', { email, name: 'Host' })) as Account;
}

async function tokenGrants(): Promise<number> {
  const stats = (await control('/requests')) as { byOperation: Record<string, number> };
  return Object.entries(stats.byOperation)
    .filter(([operation]) => operation.startsWith('oauth.token'))
    .reduce((sum, [, n]) => sum + n, 0);
}

function invite(slotId: string, guest: string, start = '2026-12-01T09:00:00Z', end = '2026-12-01T09:30:00Z'): GoogleEvent {
  return {
    id: eventIdForSlot(slotId),
    status: 'tentative',
    summary: `Booking ${slotId}`,
    start: { dateTime: start, timeZone: 'UTC' },
    end: { dateTime: end, timeZone: 'UTC' },
    attendees: [{ email: guest, responseStatus: 'needsAction' }],
    extendedProperties: { private: privatePropertiesFor(slotId) },
  };
}

async function collect(pages: AsyncGenerator<{ events: GoogleEvent[]; nextSyncToken?: string }>) {
  const events: GoogleEvent[] = [];
  const syncTokens: (string | undefined)[] = [];
  for await (const page of pages) {
    events.push(...page.events);
    syncTokens.push(page.nextSyncToken);
  }
  return { events, syncTokens };
}

beforeAll(async () => {
  emulator = await startGoogleCalendarEmulator({ port: 0, pushRetry: { initialDelayMs: 10, maxAttempts: 2 } });
  gateway = new CalendarGateway({
    apiRoot: emulator.url,
    tokenUrl: emulator.tokenUrl,
    authUrl: emulator.authUrl,
    clientId: 'test-client',
    clientSecret: 'test-secret',
    retry: { maxRetries: 3, initialDelayMs: 5, maxDelayMs: 20, totalTimeoutMs: 5_000 },
  });
});
afterAll(() => emulator.close());
beforeEach(() => control('/reset', {}));

function sessionOf(host: Account, id = host.email): CalendarSession {
  return gateway.session({ id: `${id}-${host.refreshToken}`, refreshToken: host.refreshToken });
}

describe('the Calendar wrapper', () => {
  it('refreshes a host access token once and reuses it for later calls', async () => {
    const host = await account();
    const calendar = sessionOf(host);
    await calendar.calendarList();
    await calendar.freeBusy([host.calendarId], new Date('2026-12-01T00:00:00Z'), new Date('2026-12-02T00:00:00Z'));
    await calendar.getEvent(host.calendarId, eventIdForSlot('missing')).catch(() => undefined);
    expect(await tokenGrants()).toBe(1);
  });

  it('gets a new access token when Google says 401 to one it believed valid, and carries on', async () => {
    const host = await account();
    const calendar = sessionOf(host);
    await calendar.calendarList();
    // Google's clock passes the token's expiry while ours does not: the next call meets a 401.
    await control('/clock', { advanceMs: 2 * 60 * 60 * 1000 });
    expect(await calendar.calendarList()).toHaveLength(1);
    expect(await tokenGrants()).toBe(2);
  });

  it('inserts an invite that Google mails to the guest, and a retried insert is AlreadyExists, not a second invite', async () => {
    const host = await account();
    const calendar = sessionOf(host);
    const inserted = await calendar.insertEvent(host.calendarId, invite('slot1', 'guest@example.org'), 'all');
    expect(inserted.id).toBe(eventIdForSlot('slot1'));
    await expect(calendar.insertEvent(host.calendarId, invite('slot1', 'guest@example.org'), 'all')).rejects.toBeInstanceOf(AlreadyExists);
    const mail = (await control('/mail?to=guest@example.org')) as { kind: string }[];
    expect(mail.map((m) => m.kind)).toEqual(['invitation']);
  });

  it('rides out 429s and rate-limit 403s on inserts and patches: one event, one invite', async () => {
    const host = await account();
    const calendar = sessionOf(host);
    await control('/faults', { method: 'POST', pathContains: '/events', status: 429, count: 2 });
    await calendar.insertEvent(host.calendarId, invite('slot2', 'guest@example.org'), 'all');
    await control('/faults', { method: 'PATCH', status: 403, reason: 'rateLimitExceeded', count: 1 });
    const patched = await calendar.patchEvent(host.calendarId, eventIdForSlot('slot2'), { status: 'confirmed' }, 'all');
    expect(patched.status).toBe('confirmed');
    const all = await collect(calendar.events(host.calendarId));
    expect(all.events).toHaveLength(1);
    const mail = (await control('/mail?to=guest@example.org')) as { kind: string }[];
    expect(mail.map((m) => m.kind)).toEqual(['invitation', 'update']);
  });

  it('gives up after its retries with GoogleUnavailable when Google stays down', async () => {
    const host = await account();
    await control('/faults', { pathContains: '/events', status: 503, count: 10 });
    await expect(sessionOf(host).getEvent(host.calendarId, eventIdForSlot('x1'))).rejects.toBeInstanceOf(GoogleUnavailable);
  });

  it('does not retry a request Google refused for a reason that retrying cannot fix', async () => {
    const host = await account();
    await control('/faults', { pathContains: '/events', status: 403, reason: 'forbidden', count: 1 });
    await expect(sessionOf(host).getEvent(host.calendarId, eventIdForSlot('x2'))).rejects.toMatchObject({ status: 403, reason: 'forbidden' });
    // The single fault was used by the one attempt: the next call goes through.
    await expect(sessionOf(host).getEvent(host.calendarId, eventIdForSlot('x2'))).rejects.toBeInstanceOf(EventGone);
  });

  it('deleting twice is EventGone; the deleted event is still readable as cancelled', async () => {
    const host = await account();
    const calendar = sessionOf(host);
    const id = eventIdForSlot('slot3');
    await calendar.insertEvent(host.calendarId, invite('slot3', 'guest@example.org'), 'none');
    await calendar.deleteEvent(host.calendarId, id, 'all');
    await expect(calendar.deleteEvent(host.calendarId, id, 'all')).rejects.toBeInstanceOf(EventGone);
    expect((await calendar.getEvent(host.calendarId, id)).status).toBe('cancelled');
  });

  it('pages through changes since a sync token, with the next token on the last page only', async () => {
    const host = await account();
    const calendar = sessionOf(host);
    const token = await calendar.syncToken(host.calendarId);
    expect(token).toBeTruthy();
    for (const n of [1, 2, 3, 4, 5]) await calendar.insertEvent(host.calendarId, invite(`page${n}`, 'g@example.org'), 'none');
    await calendar.deleteEvent(host.calendarId, eventIdForSlot('page1'), 'none');
    const changes = await collect(calendar.changesSince(host.calendarId, token!, 2));
    expect(changes.syncTokens.length).toBe(3);
    expect(changes.syncTokens.slice(0, -1).every((t) => t === undefined)).toBe(true);
    expect(changes.syncTokens.at(-1)).toBeTruthy();
    expect(changes.events.map((e) => e.id).sort()).toEqual([1, 2, 3, 4, 5].map((n) => eventIdForSlot(`page${n}`)).sort());
    expect(changes.events.find((e) => e.id === eventIdForSlot('page1'))?.status).toBe('cancelled');
  });

  it('an invalidated sync token is SyncTokenExpired', async () => {
    const host = await account();
    const calendar = sessionOf(host);
    const token = await calendar.syncToken(host.calendarId);
    await control(`/calendars/${encodeURIComponent(host.calendarId)}/sync-tokens/invalidate`, {});
    await expect(collect(calendar.changesSince(host.calendarId, token!))).rejects.toBeInstanceOf(SyncTokenExpired);
  });

  it('lists only our tagged events in a time range', async () => {
    const host = await account();
    const calendar = sessionOf(host);
    await calendar.insertEvent(host.calendarId, invite('ours', 'g@example.org'), 'none');
    await calendar.insertEvent(host.calendarId, { summary: 'dentist', start: { dateTime: '2026-12-01T10:00:00Z' }, end: { dateTime: '2026-12-01T11:00:00Z' } }, 'none');
    const tagged = await collect(
      calendar.events(host.calendarId, {
        timeMin: new Date('2026-11-30T00:00:00Z'),
        timeMax: new Date('2026-12-02T00:00:00Z'),
        privateProperties: { [EVENT_TAG.key]: EVENT_TAG.value },
      }),
    );
    expect(tagged.events.map((e) => e.id)).toEqual([eventIdForSlot('ours')]);
  });

  it('watches a calendar and stops the channel; stopping again is unknown, not an error', async () => {
    const host = await account();
    const calendar = sessionOf(host);
    const before = Date.now();
    const channel = await calendar.watchEvents(host.calendarId, { channelId: 'chan-1', address: 'http://127.0.0.1:9/hook', token: 'secret-token' });
    expect(channel.resourceId).toBeTruthy();
    expect(channel.expiration.getTime()).toBeGreaterThan(before);
    expect(await calendar.stopChannel('chan-1', channel.resourceId)).toBe('stopped');
    expect(await calendar.stopChannel('chan-1', channel.resourceId)).toBe('unknown');
  });

  it('reports busy time and the calendar list; an unseen calendar is CalendarNotFound', async () => {
    const host = await account();
    const calendar = sessionOf(host);
    await calendar.insertEvent(host.calendarId, invite('busy', 'g@example.org'), 'none');
    const busy = await calendar.freeBusy([host.calendarId], new Date('2026-12-01T00:00:00Z'), new Date('2026-12-02T00:00:00Z'));
    expect(busy.get(host.calendarId)).toEqual([{ start: '2026-12-01T09:00:00Z', end: '2026-12-01T09:30:00Z' }]);
    expect((await calendar.calendarList()).map((c) => ({ id: c.id, primary: c.primary }))).toEqual([{ id: host.calendarId, primary: true }]);
    await expect(calendar.freeBusy(['someone-else@example.test'], new Date('2026-12-01T00:00:00Z'), new Date('2026-12-02T00:00:00Z'))).rejects.toBeInstanceOf(
      CalendarNotFound,
    );
  });

  it('a revoked grant is ConnectionRevoked, and nothing keeps the dead access token', async () => {
    const host = await account();
    const calendar = sessionOf(host);
    await calendar.calendarList();
    await control(`/accounts/${encodeURIComponent(host.email)}/revoke`, {});
    await expect(calendar.calendarList()).rejects.toBeInstanceOf(ConnectionRevoked);
  });
});
