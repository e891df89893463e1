// The emulator's errors against the bodies of Google's "Handle API errors" guide for Calendar
// (developers.google.com/workspace/calendar/api/guides/errors): the same code, message and
// `errors` entry (domain, reason, message, location). Errors the emulator meets by itself are
// provoked; the rest (rate and usage limits, backend errors) come from injected faults.
import { useEmulator, type Emulator, type EmulatorAccount } from './harness';

interface GuideError {
  code: number;
  message: string;
  errors: { domain: string; reason: string; message: string; locationType?: string; location?: string }[];
}

function guide(code: number, domain: string, reason: string, message: string, location?: { locationType: string; location: string }): GuideError {
  return { code, message, errors: [{ domain, reason, message, ...location }] };
}

/** The guide's bodies, as it shows them. */
const GUIDE = {
  timeRangeEmpty: guide(400, 'calendar', 'timeRangeEmpty', 'The specified time range is empty.', { locationType: 'parameter', location: 'timeMax' }),
  authError: guide(401, 'global', 'authError', 'Invalid Credentials', { locationType: 'header', location: 'Authorization' }),
  userRateLimitExceeded: guide(403, 'usageLimits', 'userRateLimitExceeded', 'User Rate Limit Exceeded'),
  rateLimitExceeded403: guide(403, 'usageLimits', 'rateLimitExceeded', 'Rate Limit Exceeded'),
  quotaExceeded: guide(403, 'usageLimits', 'quotaExceeded', 'Calendar usage limits exceeded.'),
  forbiddenForNonOrganizer: guide(403, 'calendar', 'forbiddenForNonOrganizer', 'Shared properties can only be changed by the organizer of the event.'),
  notFound: guide(404, 'global', 'notFound', 'Not Found'),
  duplicate: guide(409, 'global', 'duplicate', 'The requested identifier already exists.'),
  conflict: guide(409, 'global', 'conflict', 'Conflict'),
  fullSyncRequired: guide(410, 'calendar', 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.', { locationType: 'parameter', location: 'syncToken' }),
  updatedMinTooLongAgo: guide(410, 'calendar', 'updatedMinTooLongAgo', 'The requested minimum modification time lies too far in the past.', {
    locationType: 'parameter',
    location: 'updatedMin',
  }),
  deleted: guide(410, 'global', 'deleted', 'Resource has been deleted'),
  conditionNotMet: guide(412, 'global', 'conditionNotMet', 'Precondition Failed', { locationType: 'header', location: 'If-Match' }),
  rateLimitExceeded429: guide(429, 'usageLimits', 'rateLimitExceeded', 'Rate Limit Exceeded'),
  backendError: guide(500, 'global', 'backendError', 'Backend Error'),
};

interface Caller {
  emulator: Emulator;
  host: EmulatorAccount;
  /** A Calendar API call with the host's access token (or the one given). */
  call(method: string, path: string, body?: unknown, token?: string): Promise<Response>;
}

const EVENT = { start: { dateTime: '2030-01-01T10:00:00Z' }, end: { dateTime: '2030-01-01T11:00:00Z' } };

async function insertEvent(caller: Caller, fields: Record<string, unknown> = {}): Promise<string> {
  const response = await caller.call('POST', 'calendars/primary/events', { ...EVENT, ...fields });
  return ((await response.json()) as { id: string }).id;
}

async function inject(caller: Caller, status: number, reason?: string): Promise<void> {
  await caller.emulator.control('POST', 'faults', { pathContains: '/calendar/v3/', status, ...(reason ? { reason } : {}), count: 1 });
}

const MET_BY_ITSELF: [string, GuideError, (caller: Caller) => Promise<Response>][] = [
  ['an events.list whose timeMax is not after timeMin', GUIDE.timeRangeEmpty, (c) => c.call('GET', 'calendars/primary/events?timeMin=2030-01-02T00:00:00Z&timeMax=2030-01-01T00:00:00Z')],
  ['a freeBusy.query whose timeMax is not after timeMin', GUIDE.timeRangeEmpty, (c) => c.call('POST', 'freeBusy', { timeMin: '2030-01-02T00:00:00Z', timeMax: '2030-01-01T00:00:00Z', items: [] })],
  ['an access token the emulator did not grant', GUIDE.authError, (c) => c.call('GET', 'calendars/primary/events', undefined, 'ya29.not-granted')],
  ['an event id the calendar never had', GUIDE.notFound, (c) => c.call('GET', 'calendars/primary/events/nosuchevent')],
  ['a calendar the account cannot see', GUIDE.notFound, (c) => c.call('GET', 'calendars/someone-else%40example.com/events')],
  [
    'an insert with the id of an existing event',
    GUIDE.duplicate,
    async (c) => {
      await insertEvent(c, { id: 'booking12345' });
      return c.call('POST', 'calendars/primary/events', { ...EVENT, id: 'booking12345' });
    },
  ],
  ['a sync token the calendar never issued', GUIDE.fullSyncRequired, (c) => c.call('GET', 'calendars/primary/events?syncToken=CPDAlvWDx70CEPDAlvWDx70CGAU%3D')],
  [
    'a sync token from before the calendar forgot its tokens',
    GUIDE.fullSyncRequired,
    async (c) => {
      const listing = (await (await c.call('GET', 'calendars/primary/events')).json()) as { nextSyncToken: string };
      await c.emulator.control('POST', `calendars/${encodeURIComponent(c.host.calendarId)}/sync-tokens/invalidate`, {});
      return c.call('GET', `calendars/primary/events?syncToken=${encodeURIComponent(listing.nextSyncToken)}`);
    },
  ],
  [
    'a delete of an event already deleted',
    GUIDE.deleted,
    async (c) => {
      const id = await insertEvent(c);
      await c.call('DELETE', `calendars/primary/events/${id}`);
      return c.call('DELETE', `calendars/primary/events/${id}`);
    },
  ],
];

const INJECTED: [string, GuideError, (caller: Caller) => Promise<void>][] = [
  ['403 userRateLimitExceeded', GUIDE.userRateLimitExceeded, (c) => inject(c, 403, 'userRateLimitExceeded')],
  ['403 rateLimitExceeded', GUIDE.rateLimitExceeded403, (c) => inject(c, 403, 'rateLimitExceeded')],
  ['403 without a reason', GUIDE.rateLimitExceeded403, (c) => inject(c, 403)],
  ['403 quotaExceeded', GUIDE.quotaExceeded, (c) => inject(c, 403, 'quotaExceeded')],
  ['403 forbiddenForNonOrganizer', GUIDE.forbiddenForNonOrganizer, (c) => inject(c, 403, 'forbiddenForNonOrganizer')],
  ['409 conflict', GUIDE.conflict, (c) => inject(c, 409, 'conflict')],
  ['410 updatedMinTooLongAgo', GUIDE.updatedMinTooLongAgo, (c) => inject(c, 410, 'updatedMinTooLongAgo')],
  ['412 conditionNotMet', GUIDE.conditionNotMet, (c) => inject(c, 412, 'conditionNotMet')],
  ['429 without a reason', GUIDE.rateLimitExceeded429, (c) => inject(c, 429)],
  ['500 without a reason', GUIDE.backendError, (c) => inject(c, 500)],
];

describe("the emulator's errors, as the Calendar errors guide shows them", () => {
  const emulator = useEmulator();
  let caller: Caller;

  beforeEach(async () => {
    await emulator().reset();
    const host = await emulator().createAccount('host@example.com');
    const { token } = await emulator().calendarFor(host).auth.getAccessToken();
    caller = {
      emulator: emulator(),
      host,
      call: (method, path, body, accessToken = token ?? '') =>
        fetch(`${emulator().url}/calendar/v3/${path}`, {
          method,
          headers: { authorization: `Bearer ${accessToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        }),
    };
  });

  async function expectGuideBody(response: Response, expected: GuideError): Promise<void> {
    expect(response.status).toBe(expected.code);
    const { error } = (await response.json()) as { error: Record<string, unknown> };
    // Beside the guide's fields the emulator sends only `status`, the canonical name of the code.
    expect(Object.keys(error).filter((key) => key !== 'status').sort()).toEqual(['code', 'errors', 'message']);
    expect({ code: error.code, message: error.message, errors: error.errors }).toEqual(expected);
  }

  it.each(MET_BY_ITSELF)('answers %s with the guide body', async (_name, expected, provoke) => {
    await expectGuideBody(await provoke(caller), expected);
  });

  it.each(INJECTED)('answers an injected %s with the guide body', async (_name, expected, injectFault) => {
    await injectFault(caller);
    await expectGuideBody(await caller.call('GET', 'calendars/primary/events'), expected);
  });
});
