// What our Calendar wrapper sends, checked against Google's own description of the API (the
// vendored Calendar v3 discovery document): every request it makes is a method there, its query
// parameters are ones that method (or every method) lists, with values of their type, and its
// body is the method's request schema. The event bodies are the ones the booking flows build.
import { confirmedHold, confirmedImport, googleInvite, holdEvent, withHostAccepted } from '../../../shared/booking/invite-events';
import { CalendarGateway, type CalendarSession } from '../../../shared/google/calendar';
import type { Slot } from '../../../shared/store/slots';
import type { Subscriber } from '../../../shared/store/subscribers';
import { startGoogleCalendarEmulator, type RunningGoogleCalendarEmulator } from '../../../infra/local/google-calendar-emulator';
import { calendarDiscovery } from '../../support/google-discovery';

interface SentRequest {
  method: string;
  url: URL;
  body: unknown;
}

const host = { name: 'Jo Host', email: 'host@example.test', timezone: 'Europe/Berlin' } as Subscriber;

function slotAt(start: string, minutes = 30): Slot {
  const startDate = new Date(start);
  return {
    start: startDate,
    end: new Date(startDate.getTime() + minutes * 60_000),
    calendarId: host.email,
    guest: { name: 'Guest', email: 'guest@example.org' },
    message: 'See you',
  } as unknown as Slot;
}

let emulator: RunningGoogleCalendarEmulator;
let session: CalendarSession;
let sent: SentRequest[];

beforeAll(async () => {
  emulator = await startGoogleCalendarEmulator({ port: 0, pushRetry: { initialDelayMs: 10, maxAttempts: 1 } });
  const account = (await (
    await fetch(`${emulator.url}/emulator/v1/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: host.email, name: host.name }) })
  ).json()) as { refreshToken: string };
  // The gateway takes the global fetch when it is made: the spy sees every request it sends.
  const realFetch = globalThis.fetch;
  sent = [];
  jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const text = typeof init?.body === 'string' ? init.body : undefined;
    if (url.pathname.startsWith(`/${calendarDiscovery().servicePath}`)) {
      sent.push({ method: (init?.method ?? 'GET').toUpperCase(), url, body: text ? JSON.parse(text) : undefined });
    }
    return realFetch(input, init);
  });
  const gateway = new CalendarGateway({ apiRoot: emulator.url, tokenUrl: emulator.tokenUrl, authUrl: emulator.authUrl, clientId: 'test-client', clientSecret: 'test-secret' });
  session = gateway.session({ id: 'host', refreshToken: account.refreshToken });
});
afterAll(async () => {
  jest.restoreAllMocks();
  await emulator.close();
});

async function drain(pages: AsyncGenerator<{ nextSyncToken?: string }>): Promise<string | undefined> {
  let token: string | undefined;
  for await (const page of pages) token = page.nextSyncToken ?? token;
  return token;
}

/** Every operation of the wrapper, the way the booking, decision, sync and channel code calls it. */
async function everyOperation(): Promise<void> {
  const calendarId = host.email;
  const invited = await session.insertEvent(calendarId, googleInvite('slot-a', slotAt('2030-03-04T09:00:00Z'), host, false), 'all');
  await session.insertEvent(calendarId, googleInvite('slot-b', slotAt('2030-03-04T10:00:00Z'), host, true), 'all');
  await session.patchEvent(calendarId, invited.id as string, { status: 'confirmed', attendees: withHostAccepted(invited, calendarId) }, 'all');
  const held = await session.importEvent(calendarId, holdEvent('slot-c', slotAt('2030-03-04T11:00:00Z'), host));
  await session.importEvent(calendarId, confirmedImport('slot-d', slotAt('2030-03-04T12:00:00Z'), host));
  await session.getEvent(calendarId, invited.id as string);
  const token = await session.syncToken(calendarId, 2);
  await session.patchEvent(calendarId, held.id as string, confirmedHold(slotAt('2030-03-04T11:00:00Z'), host), 'none');
  await session.deleteEvent(calendarId, invited.id as string, 'all');
  await drain(session.changesSince(calendarId, token as string, 1));
  await drain(
    session.events(calendarId, {
      timeMin: new Date('2030-03-01T00:00:00Z'),
      timeMax: new Date('2030-04-01T00:00:00Z'),
      privateProperties: { app: 'calendar-invites' },
      showDeleted: true,
      pageSize: 1,
    }),
  );
  const channel = await session.watchEvents(calendarId, { channelId: 'channel-1', address: 'https://example.org/googleWebhook', token: 'secret', ttlSeconds: 3600 });
  await session.stopChannel(channel.channelId, channel.resourceId);
  await session.freeBusy([calendarId], new Date('2030-03-04T00:00:00Z'), new Date('2030-03-05T00:00:00Z'));
  await session.calendarList();
}

describe('the requests of the Calendar wrapper, against the discovery document', () => {
  it('are methods of the document with its query parameters and request schemas', async () => {
    await everyOperation();
    const discovery = calendarDiscovery();
    const checked = sent.map(({ method, url, body }) => {
      const found = discovery.methodAt(method, url.pathname.slice(`/${discovery.servicePath}`.length));
      if (!found) return { request: `${method} ${url.pathname}`, problems: ['no Calendar v3 method'] };
      return { request: `${found.id} ${url.search}`, problems: [...discovery.queryProblems(found.id, url.searchParams), ...discovery.requestProblems(found.id, body)] };
    });
    expect(checked.filter(({ problems }) => problems.length > 0)).toEqual([]);
    const methods = new Set(checked.map(({ request }) => request.split(' ')[0]));
    expect([...methods].sort()).toEqual([
      'calendar.calendarList.list',
      'calendar.channels.stop',
      'calendar.events.delete',
      'calendar.events.get',
      'calendar.events.import',
      'calendar.events.insert',
      'calendar.events.list',
      'calendar.events.patch',
      'calendar.events.watch',
      'calendar.freebusy.query',
    ]);
    // Paging and incremental sync were among them.
    expect(sent.some(({ url }) => url.searchParams.has('syncToken') && url.searchParams.has('pageToken'))).toBe(true);
  });
});
