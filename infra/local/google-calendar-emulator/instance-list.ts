// events.instances: the instances of one recurring series, its exceptions among them, in the order
// of their original starts, filtered and paged as "Events: instances" documents timeMin, timeMax,
// originalStart, showDeleted, maxResults and pageToken. timeZone only names the answer's zone: each
// instance keeps the offset of its series' zone. Pages continue after the original start of the last
// instance returned. The answer is an Events collection without nextSyncToken: instances are not
// synced by token.
import { DateTime } from 'luxon';
import type { Calendar } from './calendars';
import { badRequest, GoogleApiError, notFound } from './errors';
import { eventsEnvelope, flag, pageSize } from './event-list';
import { parseQueryTime, type StoredEvent } from './event-model';
import { cancelledEventStub, eventResource } from './event-resource';
import { exceptionsOf, isSeries, seriesInstances } from './instances';
import type { SyncTokens } from './sync-tokens';

function optionalTime(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  return value === null ? undefined : parseQueryTime(value, name);
}

function responseTimeZone(query: URLSearchParams, calendar: Calendar): string {
  const zone = query.get('timeZone');
  if (zone === null) return calendar.timeZone;
  if (!DateTime.local().setZone(zone).isValid) throw badRequest('invalid', `Invalid time zone: ${zone}`, { location: 'timeZone', locationType: 'parameter' });
  return zone;
}

export function listInstances(calendar: Calendar, seriesId: string, query: URLSearchParams, tokens: SyncTokens): Record<string, unknown> {
  const series = calendar.events.get(seriesId);
  if (!series) throw notFound();
  const fromMs = optionalTime(query, 'timeMin');
  const toMs = optionalTime(query, 'timeMax');
  if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs) {
    throw new GoogleApiError(400, 'timeRangeEmpty', 'The specified time range is empty.', { domain: 'calendar', location: 'timeMax', locationType: 'parameter' });
  }
  const originalStartMs = optionalTime(query, 'originalStart');
  const showDeleted = flag(query, 'showDeleted') ?? false;
  const timeZone = responseTimeZone(query, calendar);
  const size = pageSize(query);
  const pageToken = query.get('pageToken');
  const after = pageToken === null ? undefined : tokens.readPage(pageToken).after[0];

  const exceptions = exceptionsOf(calendar, series.id).filter(
    (exception) => (fromMs === undefined || exception.endMs > fromMs) && (toMs === undefined || exception.startMs < toMs),
  );
  // Google documents no instances of a single event; the emulator lists none.
  const instances: StoredEvent[] = isSeries(series) ? [...seriesInstances(calendar, series, { fromMs, toMs }), ...exceptions] : [];
  const listed = instances
    .filter((instance) => showDeleted || instance.status !== 'cancelled')
    .filter((instance) => originalStartMs === undefined || instance.originalStartMs === originalStartMs)
    .filter((instance) => after === undefined || (instance.originalStartMs ?? 0) > after)
    .sort((a, b) => (a.originalStartMs ?? 0) - (b.originalStartMs ?? 0));
  const page = listed.slice(0, size);
  const last = page[page.length - 1];
  return {
    ...eventsEnvelope(calendar),
    timeZone,
    ...(listed.length > size && last ? { nextPageToken: tokens.issuePage({ after: [last.originalStartMs ?? 0], snapshot: calendar.changeCount }) } : {}),
    items: page.map((instance) => (instance.status === 'cancelled' ? cancelledEventStub(instance) : eventResource(instance, calendar))),
  };
}
