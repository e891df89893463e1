// The emulator checked against Google's own description of the Calendar API v3, the vendored
// discovery document: every route it serves is a method there, at the same HTTP method and path
// template, and every response our code consumes has that method's response schema (field names,
// types, formats, documented values, `kind`, `etag`). A route added to the emulator needs a case in
// RESPONSE_CASES: the coverage test names the missing one.
import type { calendar_v3 } from '@googleapis/calendar';
import { calendarDiscovery as loadDiscovery } from '../../support/google-discovery';
import { timedEvent, useEmulator, WebhookReceiver, type Emulator, type EmulatorAccount } from './harness';

/** What the real client hands back: the request it made and the body it got. */
interface ClientResponse {
  status: number;
  data: unknown;
  config: { url?: string | URL; method?: string };
}

interface CaseContext {
  emulator: Emulator;
  host: EmulatorAccount;
  api: calendar_v3.Calendar;
  receiver: WebhookReceiver;
}

interface ResponseCase {
  name: string;
  /** The discovery method every response of the case answers. */
  methodId: string;
  run(context: CaseContext): Promise<ClientResponse[]>;
}

const calendarDiscovery = loadDiscovery();
const VERBS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The method a response answered, as the discovery document names it, and how it differs from it. */
function conformance(response: ClientResponse): { methodId: string | undefined; problems: string[] } {
  const url = new URL(String(response.config.url));
  const path = url.pathname.slice(`/${calendarDiscovery.servicePath}`.length);
  const method = calendarDiscovery.methodAt(response.config.method ?? 'GET', path);
  if (!method) return { methodId: undefined, problems: [`${response.config.method} ${url.pathname} is no Calendar v3 method`] };
  return { methodId: method.id, problems: calendarDiscovery.responseProblems(method.id, response.data) };
}

async function insertTimed(api: calendar_v3.Calendar, startHour: number, fields: calendar_v3.Schema$Event = {}): Promise<calendar_v3.Schema$Event> {
  return (await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(startHour, fields) })).data;
}

const INVITE: calendar_v3.Schema$Event = {
  id: 'slot0123456789abcdefghijklmnopqrs',
  status: 'tentative',
  description: 'Booked through our page',
  location: 'Video call',
  colorId: '5',
  attendees: [{ email: 'guest@example.org', displayName: 'Guest', responseStatus: 'needsAction' }],
  extendedProperties: { private: { slotId: 'slot-1', app: 'calendar-invites' } },
  reminders: { useDefault: false, overrides: [{ method: 'email', minutes: 60 }] },
  transparency: 'opaque',
  visibility: 'private',
  guestsCanModify: false,
  guestsCanInviteOthers: false,
  guestsCanSeeOtherGuests: true,
};

/** A daily stand-up, five times from Monday 2030-01-07, at 10:00 in Berlin. */
const STANDUP: calendar_v3.Schema$Event = {
  summary: 'Stand-up',
  start: { dateTime: '2030-01-07T10:00:00', timeZone: 'Europe/Berlin' },
  end: { dateTime: '2030-01-07T10:30:00', timeZone: 'Europe/Berlin' },
  recurrence: ['RRULE:FREQ=DAILY;COUNT=5', 'EXDATE;TZID=Europe/Berlin:20300109T100000'],
};

const RESPONSE_CASES: ResponseCase[] = [
  {
    name: 'events.insert: an invite with an attendee, private properties and reminders',
    methodId: 'calendar.events.insert',
    run: async ({ api }) => [await api.events.insert({ calendarId: 'primary', sendUpdates: 'all', requestBody: timedEvent(1, INVITE) })],
  },
  {
    name: 'events.insert: a local time in a time zone',
    methodId: 'calendar.events.insert',
    run: async ({ api }) => [
      await api.events.insert({
        calendarId: 'primary',
        requestBody: { summary: 'Local', start: { dateTime: '2030-06-01T10:00:00', timeZone: 'Europe/Paris' }, end: { dateTime: '2030-06-01T11:00:00', timeZone: 'Europe/Paris' } },
      }),
    ],
  },
  {
    name: 'events.insert: an all-day event',
    methodId: 'calendar.events.insert',
    run: async ({ api }) => [await api.events.insert({ calendarId: 'primary', requestBody: { summary: 'Away', start: { date: '2030-01-02' }, end: { date: '2030-01-03' } } })],
  },
  {
    name: 'events.get: an event and a deleted one',
    methodId: 'calendar.events.get',
    run: async ({ api }) => {
      const kept = await insertTimed(api, 1, { attendees: [{ email: 'guest@example.org' }] });
      const gone = await insertTimed(api, 2);
      await api.events.delete({ calendarId: 'primary', eventId: gone.id as string });
      return [await api.events.get({ calendarId: 'primary', eventId: kept.id as string }), await api.events.get({ calendarId: 'primary', eventId: gone.id as string })];
    },
  },
  {
    name: 'events.patch: a confirmation',
    methodId: 'calendar.events.patch',
    run: async ({ api }) => {
      const event = await insertTimed(api, 1, INVITE);
      return [await api.events.patch({ calendarId: 'primary', eventId: event.id as string, sendUpdates: 'all', requestBody: { status: 'confirmed' } })];
    },
  },
  {
    name: 'events.list: a full listing in pages, filtered by time and private property',
    methodId: 'calendar.events.list',
    run: async ({ api }) => {
      for (const hour of [1, 2, 3]) await insertTimed(api, hour, { extendedProperties: { private: { app: 'x' } } });
      const query = { calendarId: 'primary', timeMin: '2030-01-01T00:00:00Z', timeMax: '2030-01-02T00:00:00Z', privateExtendedProperty: ['app=x'], maxResults: 2 };
      const first = await api.events.list(query);
      return [first, await api.events.list({ ...query, pageToken: first.data.nextPageToken as string })];
    },
  },
  {
    name: 'events.list: incremental with a sync token, a changed and a cancelled event',
    methodId: 'calendar.events.list',
    run: async ({ api }) => {
      const changed = await insertTimed(api, 1, INVITE);
      const gone = await insertTimed(api, 2);
      const full = await api.events.list({ calendarId: 'primary', singleEvents: false, showDeleted: true, maxResults: 2500 });
      await api.events.patch({ calendarId: 'primary', eventId: changed.id as string, requestBody: { summary: 'Moved' } });
      await api.events.delete({ calendarId: 'primary', eventId: gone.id as string });
      const incremental = await api.events.list({ calendarId: 'primary', singleEvents: false, showDeleted: true, maxResults: 2500, syncToken: full.data.nextSyncToken as string });
      expect((incremental.data as calendar_v3.Schema$Events).items?.map((item) => item.status)).toEqual(['tentative', 'cancelled']);
      return [full, incremental];
    },
  },
  {
    name: 'events.list: deleted events shown with showDeleted',
    methodId: 'calendar.events.list',
    run: async ({ api }) => {
      const gone = await insertTimed(api, 1);
      await api.events.delete({ calendarId: 'primary', eventId: gone.id as string });
      return [await api.events.list({ calendarId: 'primary', showDeleted: true })];
    },
  },
  {
    name: 'events.import: a private copy keyed by iCalUID',
    methodId: 'calendar.events.import',
    run: async ({ api }) => [await api.events.import({ calendarId: 'primary', requestBody: timedEvent(1, { iCalUID: 'booking-1@example.org', status: 'confirmed' }) })],
  },
  {
    name: 'events.watch: a channel with a token and a ttl',
    methodId: 'calendar.events.watch',
    run: async ({ api, receiver }) => [
      await api.events.watch({ calendarId: 'primary', requestBody: { id: 'channel-1', type: 'web_hook', address: receiver.url, token: 'secret', params: { ttl: '3600' } } }),
    ],
  },
  {
    name: 'channels.stop: no body',
    methodId: 'calendar.channels.stop',
    run: async ({ api, receiver }) => {
      const channel = await api.events.watch({ calendarId: 'primary', requestBody: { id: 'channel-2', type: 'web_hook', address: receiver.url } });
      return [await api.channels.stop({ requestBody: { id: 'channel-2', resourceId: channel.data.resourceId as string } })];
    },
  },
  {
    name: 'events.delete: no body',
    methodId: 'calendar.events.delete',
    run: async ({ api }) => {
      const event = await insertTimed(api, 1);
      return [await api.events.delete({ calendarId: 'primary', eventId: event.id as string, sendUpdates: 'all' })];
    },
  },
  {
    name: 'freebusy.query: busy time of a visible calendar and an error for one it cannot see',
    methodId: 'calendar.freebusy.query',
    run: async ({ api, emulator, host }) => {
      const stranger = await emulator.createAccount('stranger@example.com');
      await insertTimed(api, 1);
      await insertTimed(api, 3, { transparency: 'transparent' });
      return [
        await api.freebusy.query({
          requestBody: { timeMin: '2030-01-01T00:00:00Z', timeMax: '2030-01-02T00:00:00Z', items: [{ id: host.calendarId }, { id: stranger.calendarId }] },
        }),
      ];
    },
  },
  {
    name: 'calendarList.list: the primary and a secondary calendar, in two pages',
    methodId: 'calendar.calendarList.list',
    run: async ({ api, emulator, host }) => {
      await emulator.control('POST', `accounts/${encodeURIComponent(host.email)}/calendars`, { summary: 'Team', timeZone: 'Europe/Paris' });
      const first = await api.calendarList.list({ maxResults: 1 });
      return [first, await api.calendarList.list({ maxResults: 1, pageToken: first.data.nextPageToken as string })];
    },
  },
  {
    name: 'events.insert: a recurring series in a time zone',
    methodId: 'calendar.events.insert',
    run: async ({ api }) => [await api.events.insert({ calendarId: 'primary', requestBody: STANDUP })],
  },
  {
    name: 'events.list: single events, a moved and a cancelled instance among them',
    methodId: 'calendar.events.list',
    run: async ({ api }) => {
      const series = (await api.events.insert({ calendarId: 'primary', requestBody: STANDUP })).data;
      const [, second, third] = (await api.events.instances({ calendarId: 'primary', eventId: series.id as string })).data.items ?? [];
      await api.events.patch({ calendarId: 'primary', eventId: second?.id as string, requestBody: { start: { dateTime: '2030-01-08T11:00:00+01:00' }, end: { dateTime: '2030-01-08T11:30:00+01:00' } } });
      await api.events.delete({ calendarId: 'primary', eventId: third?.id as string });
      return [await api.events.list({ calendarId: 'primary', singleEvents: true, orderBy: 'startTime', showDeleted: true }), await api.events.list({ calendarId: 'primary', showDeleted: true })];
    },
  },
  {
    name: 'events.instances: the instances of a series, one of them cancelled',
    methodId: 'calendar.events.instances',
    run: async ({ api }) => {
      const series = (await api.events.insert({ calendarId: 'primary', requestBody: STANDUP })).data;
      const first = await api.events.instances({ calendarId: 'primary', eventId: series.id as string, maxResults: 2 });
      await api.events.delete({ calendarId: 'primary', eventId: first.data.items?.[0]?.id as string });
      return [first, await api.events.instances({ calendarId: 'primary', eventId: series.id as string, showDeleted: true, timeMin: '2030-01-01T00:00:00Z', timeMax: '2030-02-01T00:00:00Z' })];
    },
  },
  {
    name: 'calendars.get: the primary calendar',
    methodId: 'calendar.calendars.get',
    run: async ({ api }) => [await api.calendars.get({ calendarId: 'primary' })],
  },
];

/** A path of the template with a value in each `{parameter}`. */
function samplePath(template: string): string {
  return template.replace(/\{([^}]+)\}/g, (_match, name: string) => (name === 'calendarId' ? 'primary' : `sample${name}`));
}

async function operationCounts(emulator: Emulator): Promise<Record<string, number>> {
  return (await emulator.control<{ byOperation: Record<string, number> }>('GET', 'requests')).body.byOperation;
}

describe('the emulator against the Calendar v3 discovery document', () => {
  const emulator = useEmulator();
  let receiver: WebhookReceiver;
  let host: EmulatorAccount;
  let api: calendar_v3.Calendar;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(() => receiver.close());

  beforeEach(async () => {
    await emulator().reset();
    receiver.clear();
    host = await emulator().createAccount('host@example.com');
    api = emulator().calendarFor(host).api;
  });

  /**
   * Every path template of the document, tried with every HTTP method and no credentials: a route
   * the emulator serves answers 401 (and counts its operation), any other 404.
   */
  async function servedRoutes(): Promise<{ verb: string; path: string; operation: string }[]> {
    const served: { verb: string; path: string; operation: string }[] = [];
    const templates = new Set(calendarDiscovery.methods().map((method) => method.path));
    for (const template of templates) {
      for (const verb of VERBS) {
        const path = samplePath(template);
        const before = await operationCounts(emulator());
        const response = await fetch(`${emulator().url}/${calendarDiscovery.servicePath}${path}`, { method: verb, ...(verb === 'GET' || verb === 'DELETE' ? {} : { body: '{}' }) });
        await response.body?.cancel();
        if (response.status === 404) continue;
        expect({ verb, path, status: response.status }).toEqual({ verb, path, status: 401 });
        const after = await operationCounts(emulator());
        const operation = Object.keys(after).find((name) => after[name] !== before[name]) ?? '(none counted)';
        served.push({ verb, path, operation });
      }
    }
    return served;
  }

  it(`serves each route as the method of the same HTTP method and path (revision ${calendarDiscovery.revision})`, async () => {
    const served = await servedRoutes();
    expect(served.map(({ operation }) => operation)).toEqual(expect.arrayContaining(['events.insert', 'events.list', 'events.watch', 'channels.stop']));
    for (const { verb, path, operation } of served) {
      const method = calendarDiscovery.methodAt(verb, path);
      // The emulator names operations as the document does, less the API prefix; the document's
      // resource is `freebusy` where the path is `freeBusy`.
      expect({ verb, path, method: method?.id.toLowerCase() }).toEqual({ verb, path, method: `calendar.${operation}`.toLowerCase() });
    }
  });

  it('has a response case for every method it serves', async () => {
    const served = new Set((await servedRoutes()).map(({ verb, path }) => calendarDiscovery.methodAt(verb, path)?.id));
    const covered = new Set(RESPONSE_CASES.map((responseCase) => responseCase.methodId));
    expect([...served].filter((id) => !covered.has(id as string))).toEqual([]);
  });

  it.each(RESPONSE_CASES)('answers $name with the schema of the response', async ({ methodId, run }) => {
    const responses = await run({ emulator: emulator(), host, api, receiver });
    expect(responses.length).toBeGreaterThan(0);
    for (const response of responses) expect(conformance(response)).toEqual({ methodId, problems: [] });
  });
});
