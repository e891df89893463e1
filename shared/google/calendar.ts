// The one door to Google Calendar: the operations the system needs over `@googleapis/calendar`
// (the per-API package: a fraction of the `googleapis` umbrella's import time, which is our cold
// start). Every failure leaves here as a typed error from ./errors; retries with backoff happen
// inside the client (./retry); access tokens are cached per connection (./connections).
import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { logEvent, type EventLog } from '../business-events';
import { ConnectionCache, type GoogleConnection, type OAuthSettings } from './connections';
import { ConnectionRevoked, CalendarNotFound, statusOf, toCalendarError, type Operation } from './errors';
import { DEFAULT_RETRY_POLICY, retryConfigFor, type RetryPolicy } from './retry';

export type GoogleEvent = calendar_v3.Schema$Event;
export type SendUpdates = 'all' | 'externalOnly' | 'none';

/**
 * The one parameter set of every listing that issues or uses a sync token. Series unexpanded
 * (`singleEvents=false`): a calendar full of endless daily series lists each once, and a change to
 * a series comes as one item, not as its every instance. Deleted events included, as a token
 * listing must ("it is not allowed to set showDeleted to False").
 */
const SYNC_LISTING = { singleEvents: false, showDeleted: true } as const;
/** Google's largest page (events.list `maxResults`): the fewest round trips. */
const SYNC_PAGE_SIZE = 2500;

/** How long one request may take, unless the gateway is told otherwise. */
const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;

export interface EventPage {
  events: GoogleEvent[];
  /** Present on the last page only: the watermark for the next incremental sync. */
  nextSyncToken?: string;
  /** The calendar's time zone, as every page of a listing says (where all-day events' days fall). */
  timeZone?: string;
}

export interface EventQuery {
  timeMin?: Date;
  timeMax?: Date;
  /** Every pair must match (`privateExtendedProperty=key=value`, repeated). */
  privateProperties?: Record<string, string>;
  showDeleted?: boolean;
  pageSize?: number;
}

export interface WatchRequest {
  channelId: string;
  address: string;
  token: string;
  /** Google caps it; the expiration it answers with is the one to trust. */
  ttlSeconds?: number;
}

export interface WatchedChannel {
  channelId: string;
  resourceId: string;
  resourceUri: string;
  expiration: Date;
}

export interface BusyInterval {
  start: string;
  end: string;
}

export interface CalendarListEntry {
  id: string;
  summary: string;
  primary: boolean;
  accessRole: string;
  timeZone: string | undefined;
}

export interface CalendarGatewaySettings extends OAuthSettings {
  /** Origin of the Calendar API (the client keeps only the origin of its rootUrl). */
  apiRoot: string;
  retry?: Partial<RetryPolicy>;
  requestTimeoutMs?: number;
  /** Aborts every request of this gateway when it fires (see `until`). */
  signal?: AbortSignal;
  /** Where each call that failed after its retries is written (`calendar.error`, by Google's status). */
  log?: EventLog;
}

export class CalendarGateway {
  private readonly api: calendar_v3.Calendar;
  private readonly connections: ConnectionCache;

  constructor(
    private readonly settings: CalendarGatewaySettings,
    connections?: ConnectionCache,
  ) {
    this.connections = connections ?? new ConnectionCache(settings);
    this.api = calendar({
      version: 'v3',
      rootUrl: `${settings.apiRoot}/`,
      timeout: settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      signal: settings.signal,
      // Node's own fetch, as for the token requests (./connections).
      fetchImplementation: fetch,
      retryConfig: retryConfigFor({ ...DEFAULT_RETRY_POLICY, ...settings.retry }),
    });
  }

  /**
   * The same connections (and cached access tokens) with another retry budget: for work inside a
   * request that must be answered quickly, where giving up early is better than waiting.
   */
  withRetry(retry: Partial<RetryPolicy>): CalendarGateway {
    return new CalendarGateway({ ...this.settings, retry: { ...this.settings.retry, ...retry } }, this.connections);
  }

  /**
   * The same, with every call ended by `deadline` (epoch ms), retries included: no retry starts
   * after it and a request still open then is aborted. For a sync, whose calls must all end
   * inside its lease.
   */
  until(deadline: number): CalendarGateway {
    const left = Math.max(0, deadline - Date.now());
    const retry = { ...DEFAULT_RETRY_POLICY, ...this.settings.retry };
    return new CalendarGateway(
      {
        ...this.settings,
        retry: { ...retry, totalTimeoutMs: Math.min(retry.totalTimeoutMs, left), deadline },
        requestTimeoutMs: Math.min(this.settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, left),
        signal: AbortSignal.timeout(left),
      },
      this.connections,
    );
  }

  /** The calendar operations of one host's Google connection. */
  session(connection: GoogleConnection): CalendarSession {
    return new CalendarSession(this.api, this.connections, connection, this.settings.log);
  }
}

export class CalendarSession {
  constructor(
    private readonly api: calendar_v3.Calendar,
    private readonly connections: ConnectionCache,
    private readonly connection: GoogleConnection,
    private readonly log?: EventLog,
  ) {}

  private async call<T>(operation: Operation, request: (auth: ReturnType<ConnectionCache['clientFor']>) => Promise<{ data: T }>): Promise<T> {
    try {
      try {
        return (await request(this.connections.clientFor(this.connection))).data;
      } catch (error) {
        // A 401 on an access token we believed valid (revoked and re-granted, clocks that
        // disagree): one new token, one more try. Only 401: the library's own option would also
        // refresh on every 403, rate limits included.
        if (statusOf(error) !== 401) throw error;
        this.connections.dropAccessToken(this.connection);
        return (await request(this.connections.clientFor(this.connection))).data;
      }
    } catch (error) {
      const failure = toCalendarError(error, operation);
      if (this.log) logEvent(this.log, 'calendar.error', { operation, status: failure.status ?? 0, hostId: this.connection.id });
      if (failure instanceof ConnectionRevoked) this.connections.forget(this.connection.id);
      throw failure;
    }
  }

  /** `events.insert`: Google mails the attendees as `sendUpdates` says. 409 → AlreadyExists. */
  insertEvent(calendarId: string, event: GoogleEvent, sendUpdates: SendUpdates): Promise<GoogleEvent> {
    return this.call('other', (auth) => this.api.events.insert({ auth, calendarId, sendUpdates, requestBody: event }));
  }

  /** `events.import`: a private copy keyed by iCalUID; Google sends no mail. */
  importEvent(calendarId: string, event: GoogleEvent & { iCalUID: string }): Promise<GoogleEvent> {
    return this.call('other', (auth) => this.api.events.import({ auth, calendarId, requestBody: event }));
  }

  /** Cancelled events are returned too (status `cancelled`); an unknown id → EventGone. */
  getEvent(calendarId: string, eventId: string): Promise<GoogleEvent> {
    return this.call('event', (auth) => this.api.events.get({ auth, calendarId, eventId }));
  }

  /** Partial update; `attendees`, when given, replaces the whole list. */
  patchEvent(calendarId: string, eventId: string, patch: GoogleEvent, sendUpdates: SendUpdates): Promise<GoogleEvent> {
    return this.call('event', (auth) => this.api.events.patch({ auth, calendarId, eventId, sendUpdates, requestBody: patch }));
  }

  /** Deleting an event that is already deleted → EventGone (410): for us, already done. */
  async deleteEvent(calendarId: string, eventId: string, sendUpdates: SendUpdates): Promise<void> {
    await this.call('event', (auth) => this.api.events.delete({ auth, calendarId, eventId, sendUpdates }));
  }

  /**
   * A sync token that stands for "now": the last page of a full listing carries it. The listing
   * uses the very parameters of `changesSince` (the `syncToken` reference: other parameters
   * "should be the same as for the initial synchronization to avoid undefined behavior").
   */
  async syncToken(calendarId: string, pageSize = SYNC_PAGE_SIZE): Promise<string | undefined> {
    let token: string | undefined;
    for await (const page of this.fullListing(calendarId, pageSize)) token = page.nextSyncToken ?? token;
    return token;
  }

  /** Every event of the calendar, page by page, as `syncToken` lists them: the last page carries the token. */
  fullListing(calendarId: string, pageSize = SYNC_PAGE_SIZE): AsyncGenerator<EventPage> {
    return this.pages(calendarId, { ...SYNC_LISTING, maxResults: pageSize });
  }

  /**
   * Every event changed since `syncToken`, page by page, cancelled ones included. The last page
   * carries `nextSyncToken`: save it only after the pages before it are applied. An invalid or
   * invalidated token → SyncTokenExpired (410): do a full sync.
   */
  changesSince(calendarId: string, syncToken: string, pageSize = SYNC_PAGE_SIZE): AsyncGenerator<EventPage> {
    return this.pages(calendarId, { ...SYNC_LISTING, syncToken, maxResults: pageSize });
  }

  /**
   * Events matching a query, page by page (a query, not a sync: its token is not for keeping).
   * Recurring series come back once, as series: our own events are never recurring.
   */
  events(calendarId: string, query: EventQuery = {}): AsyncGenerator<EventPage> {
    return this.pages(calendarId, {
      timeMin: query.timeMin?.toISOString(),
      timeMax: query.timeMax?.toISOString(),
      privateExtendedProperty: query.privateProperties
        ? Object.entries(query.privateProperties).map(([key, value]) => `${key}=${value}`)
        : undefined,
      showDeleted: query.showDeleted,
      maxResults: query.pageSize,
    });
  }

  private async *pages(calendarId: string, params: calendar_v3.Params$Resource$Events$List): AsyncGenerator<EventPage> {
    let pageToken: string | undefined;
    do {
      const page = await this.call('list', (auth) => this.api.events.list({ ...params, auth, calendarId, pageToken }));
      pageToken = page.nextPageToken ?? undefined;
      yield { events: page.items ?? [], nextSyncToken: pageToken ? undefined : (page.nextSyncToken ?? undefined), timeZone: page.timeZone ?? undefined };
    } while (pageToken);
  }

  /** `events.watch`: Google starts POSTing to `address` (first a `sync` message). */
  async watchEvents(calendarId: string, request: WatchRequest): Promise<WatchedChannel> {
    const channel = await this.call('calendar', (auth) =>
      this.api.events.watch({
        auth,
        calendarId,
        requestBody: {
          id: request.channelId,
          type: 'web_hook',
          address: request.address,
          token: request.token,
          params: request.ttlSeconds ? { ttl: String(request.ttlSeconds) } : undefined,
        },
      }),
    );
    return {
      channelId: channel.id ?? request.channelId,
      resourceId: channel.resourceId ?? '',
      resourceUri: channel.resourceUri ?? '',
      expiration: new Date(Number(channel.expiration)),
    };
  }

  /** `channels.stop`. A channel Google does not know (expired, stopped before) is `unknown`, not an error. */
  async stopChannel(channelId: string, resourceId: string): Promise<'stopped' | 'unknown'> {
    try {
      await this.call('calendar', (auth) => this.api.channels.stop({ auth, requestBody: { id: channelId, resourceId } }));
      return 'stopped';
    } catch (error) {
      if (error instanceof CalendarNotFound) return 'unknown';
      throw error;
    }
  }

  /** Busy intervals per calendar; a calendar this account cannot see → CalendarNotFound. */
  async freeBusy(calendarIds: string[], timeMin: Date, timeMax: Date): Promise<Map<string, BusyInterval[]>> {
    const answer = await this.call('calendar', (auth) =>
      this.api.freebusy.query({
        auth,
        requestBody: { timeMin: timeMin.toISOString(), timeMax: timeMax.toISOString(), items: calendarIds.map((id) => ({ id })) },
      }),
    );
    const busy = new Map<string, BusyInterval[]>();
    for (const id of calendarIds) {
      const entry = answer.calendars?.[id];
      const failure = entry?.errors?.[0]?.reason;
      if (!entry || failure) {
        throw new CalendarNotFound(`Google Calendar: free/busy of ${id} failed (${failure ?? 'missing'})`, 404, failure ?? undefined);
      }
      busy.set(
        id,
        (entry.busy ?? []).map((b) => ({ start: b.start ?? '', end: b.end ?? '' })),
      );
    }
    return busy;
  }

  /** Every calendar in the account's list, all pages. */
  async calendarList(): Promise<CalendarListEntry[]> {
    const entries: CalendarListEntry[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.call('calendar', (auth) => this.api.calendarList.list({ auth, pageToken }));
      for (const item of page.items ?? []) {
        entries.push({
          id: item.id ?? '',
          summary: item.summaryOverride ?? item.summary ?? '',
          primary: item.primary === true,
          accessRole: item.accessRole ?? '',
          timeZone: item.timeZone ?? undefined,
        });
      }
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    return entries;
  }
}
