// events.list: filters, ordering, paging and incremental sync, per the parameter reference of
// "Events: list" and the sync guide. Pages continue after the sort key of the last event returned,
// so a change between pages cannot make the listing skip an event; the nextSyncToken on the last
// page stands for the moment the first page was read, so such changes come again next sync.
// With singleEvents a recurring series is listed as its instances in the range; without, once,
// beside its exceptions. A changed series comes in a sync as the series, or as its instances.
import type { Calendar } from './calendars';
import { badRequest, GoogleApiError } from './errors';
import { parseQueryTime, rfc3339, type StoredEvent } from './event-model';
import { cancelledEventStub, eventResource } from './event-resource';
import { isSeries, seriesInstances, seriesOverlaps } from './instances';
import { listingShape, type SyncTokens } from './sync-tokens';

const DEFAULT_PAGE_SIZE = 250;
const MAX_PAGE_SIZE = 2500;

/** Parameters the syncToken documentation says cannot be combined with a sync token. */
const NOT_WITH_SYNC_TOKEN = ['iCalUID', 'orderBy', 'privateExtendedProperty', 'q', 'sharedExtendedProperty', 'timeMin', 'timeMax', 'updatedMin'];

interface ListFilter {
  sinceChange?: number;
  timeMin?: number;
  timeMax?: number;
  updatedMin?: number;
  showDeleted: boolean;
  singleEvents: boolean;
  iCalUID?: string;
  terms: string[];
  privateProperties: [string, string][];
  sharedProperties: [string, string][];
}

export function flag(query: URLSearchParams, name: string): boolean | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (value !== 'true' && value !== 'false') throw badRequest('invalid', `Invalid boolean value for ${name}: ${value}`);
  return value === 'true';
}

function propertyConstraints(query: URLSearchParams, name: string): [string, string][] {
  return query.getAll(name).map((constraint) => {
    const at = constraint.indexOf('=');
    if (at <= 0) throw badRequest('invalid', `Invalid ${name} value: expected propertyName=value.`, { location: name, locationType: 'parameter' });
    return [constraint.slice(0, at), constraint.slice(at + 1)];
  });
}

export function pageSize(query: URLSearchParams): number {
  const raw = query.get('maxResults');
  if (raw === null) return DEFAULT_PAGE_SIZE;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1) throw badRequest('invalid', `Invalid value '${raw}'. Values must be within the range: [1, 2500]`);
  return Math.min(size, MAX_PAGE_SIZE);
}

function searchableText(event: StoredEvent): string {
  return [
    event.summary,
    event.description,
    event.location,
    event.organizer.email,
    event.organizer.displayName,
    ...event.attendees.flatMap((attendee) => [attendee.email, attendee.displayName]),
  ]
    .filter((text): text is string => text !== undefined)
    .join('\n')
    .toLowerCase();
}

/** Whether an event is listed; a series' own times are not its instances', so they are left to the caller. */
function matches(event: StoredEvent, filter: ListFilter): boolean {
  if (filter.sinceChange !== undefined) return event.changeNumber > filter.sinceChange;
  // Deleted events show with showDeleted, and always when updatedMin is given; "cancelled instances
  // of recurring events (but not the underlying recurring event)" also when singleEvents is false.
  const listedCancelled = filter.showDeleted || filter.updatedMin !== undefined || (!filter.singleEvents && event.recurringEventId !== undefined);
  if (event.status === 'cancelled' && !listedCancelled) return false;
  if (!isSeries(event) && filter.timeMin !== undefined && event.endMs <= filter.timeMin) return false;
  if (!isSeries(event) && filter.timeMax !== undefined && event.startMs >= filter.timeMax) return false;
  if (filter.updatedMin !== undefined && event.updatedMs < filter.updatedMin) return false;
  if (filter.iCalUID !== undefined && event.iCalUID !== filter.iCalUID) return false;
  const privateProps = event.extendedProperties?.private ?? {};
  if (!filter.privateProperties.every(([name, value]) => privateProps[name] === value)) return false;
  const sharedProps = event.extendedProperties?.shared ?? {};
  if (!filter.sharedProperties.every(([name, value]) => sharedProps[name] === value)) return false;
  if (filter.terms.length > 0) {
    const text = searchableText(event);
    if (!filter.terms.every((term) => text.includes(term))) return false;
  }
  return true;
}

type SortKey = (event: StoredEvent) => number[];

function compareKeys(a: number[], b: number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** Sort keys end with the original start, which tells apart the instances of one series. */
function sortKeyFor(query: URLSearchParams, incremental: boolean): SortKey {
  // Changes only move an event's change number forward, so an incremental listing ordered by it
  // never loses an event it has not returned yet.
  if (incremental) return (event) => [event.changeNumber, event.originalStartMs ?? 0];
  const orderBy = query.get('orderBy');
  if (orderBy === null) return (event) => [event.ordinal, event.originalStartMs ?? 0];
  if (orderBy === 'updated') return (event) => [event.updatedMs, event.changeNumber, event.originalStartMs ?? 0];
  if (orderBy === 'startTime') {
    // orderBy=startTime is "only available when querying single events" ("Events: list").
    if (query.get('singleEvents') !== 'true') throw badRequest('invalid', 'The requested ordering is not available for the particular query.');
    return (event) => [event.startMs, event.ordinal, event.originalStartMs ?? 0];
  }
  throw badRequest('invalid', `Invalid value for orderBy: ${orderBy}`, { location: 'orderBy', locationType: 'parameter' });
}

function readFilter(query: URLSearchParams, calendar: Calendar, tokens: SyncTokens): ListFilter {
  const syncToken = query.get('syncToken');
  const showDeleted = flag(query, 'showDeleted') ?? false;
  const singleEvents = flag(query, 'singleEvents') ?? false;
  if (syncToken !== null) {
    const forbidden = NOT_WITH_SYNC_TOKEN.find((name) => query.has(name));
    if (forbidden) {
      throw badRequest('invalid', `The parameter ${forbidden} cannot be used together with syncToken.`, { location: forbidden, locationType: 'parameter' });
    }
    // "it is not allowed to set showDeleted to False" with a sync token (events.list, syncToken).
    if (flag(query, 'showDeleted') === false) {
      throw badRequest('invalid', 'showDeleted cannot be false together with syncToken.', { location: 'showDeleted', locationType: 'parameter' });
    }
    return { sinceChange: tokens.read(syncToken, calendar, listingShape(query)), showDeleted: true, singleEvents, terms: [], privateProperties: [], sharedProperties: [] };
  }
  const timeMinText = query.get('timeMin');
  const timeMaxText = query.get('timeMax');
  const updatedMinText = query.get('updatedMin');
  const filter: ListFilter = {
    ...(timeMinText !== null ? { timeMin: parseQueryTime(timeMinText, 'timeMin') } : {}),
    ...(timeMaxText !== null ? { timeMax: parseQueryTime(timeMaxText, 'timeMax') } : {}),
    ...(updatedMinText !== null ? { updatedMin: parseQueryTime(updatedMinText, 'updatedMin') } : {}),
    ...(query.get('iCalUID') !== null ? { iCalUID: query.get('iCalUID') as string } : {}),
    showDeleted,
    singleEvents,
    terms: (query.get('q') ?? '').toLowerCase().split(/\s+/).filter(Boolean),
    privateProperties: propertyConstraints(query, 'privateExtendedProperty'),
    sharedProperties: propertyConstraints(query, 'sharedExtendedProperty'),
  };
  if (filter.timeMin !== undefined && filter.timeMax !== undefined && filter.timeMax <= filter.timeMin) {
    throw new GoogleApiError(400, 'timeRangeEmpty', 'The specified time range is empty.', { domain: 'calendar', location: 'timeMax', locationType: 'parameter' });
  }
  return filter;
}

export function listEvents(calendar: Calendar, query: URLSearchParams, tokens: SyncTokens): Record<string, unknown> {
  const incremental = query.has('syncToken');
  const filter = readFilter(query, calendar, tokens);
  const sortKey = sortKeyFor(query, incremental);
  const size = pageSize(query);
  const pageToken = query.get('pageToken');
  const cursor = pageToken === null ? undefined : tokens.readPage(pageToken);
  const snapshot = cursor?.snapshot ?? calendar.changeCount;

  const candidates: { event: StoredEvent; key: number[] }[] = [];
  for (const listed of listedEvents(calendar, filter)) {
    const key = sortKey(listed);
    if (cursor && compareKeys(key, cursor.after) <= 0) continue;
    candidates.push({ event: listed, key });
  }
  candidates.sort((a, b) => compareKeys(a.key, b.key));
  const page = candidates.slice(0, size);
  const last = page[page.length - 1];
  const more = candidates.length > size && last !== undefined;

  return {
    ...eventsEnvelope(calendar),
    // Only the last page carries nextSyncToken; the others carry nextPageToken (sync guide).
    ...(more ? { nextPageToken: tokens.issuePage({ after: last.key, snapshot }) } : { nextSyncToken: tokens.issue(calendar, snapshot, listingShape(query)) }),
    items: page.map(({ event }) => (event.status === 'cancelled' ? cancelledEventStub(event) : eventResource(event, calendar))),
  };
}

/**
 * The events a listing holds: a series is matched by its own fields (its instances share them), then
 * by its instances' times. Only a series that matches is expanded, and only within the range.
 */
function* listedEvents(calendar: Calendar, filter: ListFilter): Iterable<StoredEvent> {
  const range = { fromMs: filter.timeMin, toMs: filter.timeMax };
  for (const event of calendar.events.values()) {
    if (!matches(event, filter)) continue;
    if (!isSeries(event)) yield event;
    else if (filter.singleEvents) yield* seriesInstances(calendar, event, range);
    else if ((filter.timeMin === undefined && filter.timeMax === undefined) || seriesOverlaps(calendar, event, range)) yield event;
  }
}

/** What every Events collection answer starts with. */
export function eventsEnvelope(calendar: Calendar): Record<string, unknown> {
  return {
    kind: 'calendar#events',
    etag: `"p${calendar.updatedMs * 1000 + (calendar.changeCount % 1000)}"`,
    summary: calendar.summary,
    updated: rfc3339(calendar.updatedMs),
    timeZone: calendar.timeZone,
    accessRole: 'owner',
    defaultReminders: [],
  };
}
