// freeBusy.query: the busy time of each requested calendar within [timeMin, timeMax), from its
// events that are neither cancelled nor transparent ("Freebusy: query"; `transparency`: whether
// the event "blocks time on the calendar", Events reference) nor declined by the calendar's owner,
// a recurring series counting by its instances in the range and its exceptions at their own times.
// Declined: the attendee entry of the calendar itself (the one Google marks `self`) answered no.
// Google shows such an event in its owner's calendar but not as busy time, which is what every
// free/busy service does with a declined invitation (Google's reference has no sentence on it;
// nextcloud/server#46984 and linagora/esn-sabre#172 are servers fixed to the same rule). All-day
// events are busy from midnight to midnight in the calendar's zone, as Google reports them and
// as stored here (event-model.ts places a `date` in the calendar's zone). Overlapping events make one
// busy period, clipped to the range. A calendar the caller cannot see answers with a notFound error
// in its entry, not a failure of the whole query.
import type { Account } from './accounts';
import type { Calendar, Calendars } from './calendars';
import { badRequest, GoogleApiError } from './errors';
import { parseQueryTime, type StoredEvent } from './event-model';
import { isSeries, seriesInstances } from './instances';

interface FreeBusyRequest {
  timeMin?: unknown;
  timeMax?: unknown;
  items?: unknown;
}

/** Google writes free/busy instants as RFC 3339 UTC without fractional seconds. */
function instant(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The calendar's own attendee entry (event-resource.ts marks it `self`) said no. */
function declinedByOwner(event: StoredEvent, calendar: Calendar): boolean {
  const self = calendar.id.toLowerCase();
  return event.attendees.some((attendee) => attendee.email === self && attendee.responseStatus === 'declined');
}

function busyPeriods(calendar: Calendar, fromMs: number, toMs: number): { start: string; end: string }[] {
  const periods: [number, number][] = [];
  for (const event of calendar.events.values()) {
    if (event.status === 'cancelled' || event.transparency === 'transparent' || declinedByOwner(event, calendar)) continue;
    for (const busy of isSeries(event) ? seriesInstances(calendar, event, { fromMs, toMs }) : [event]) {
      if (busy.startMs >= toMs || busy.endMs <= fromMs) continue;
      periods.push([Math.max(busy.startMs, fromMs), Math.min(busy.endMs, toMs)]);
    }
  }
  periods.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const period of periods) {
    const last = merged[merged.length - 1];
    if (last && period[0] <= last[1]) last[1] = Math.max(last[1], period[1]);
    else merged.push([period[0], period[1]]);
  }
  return merged.map(([start, end]) => ({ start: instant(start), end: instant(end) }));
}

export function queryFreeBusy(account: Account, calendars: Calendars, body: unknown): unknown {
  const request = (body ?? {}) as FreeBusyRequest;
  if (typeof request.timeMin !== 'string') throw badRequest('required', 'Missing timeMin parameter.', { location: 'timeMin', locationType: 'parameter' });
  if (typeof request.timeMax !== 'string') throw badRequest('required', 'Missing timeMax parameter.', { location: 'timeMax', locationType: 'parameter' });
  const fromMs = parseQueryTime(request.timeMin, 'timeMin');
  const toMs = parseQueryTime(request.timeMax, 'timeMax');
  if (toMs <= fromMs) throw new GoogleApiError(400, 'timeRangeEmpty', 'The specified time range is empty.', { domain: 'calendar', location: 'timeMax', locationType: 'parameter' });
  const items = Array.isArray(request.items) ? (request.items as { id?: unknown }[]) : [];
  const result: Record<string, unknown> = {};
  for (const item of items) {
    if (typeof item.id !== 'string') throw badRequest('required', 'Missing calendar id in items.');
    let calendar: Calendar;
    try {
      calendar = calendars.visibleTo(account, item.id);
    } catch (error) {
      if (!(error instanceof GoogleApiError)) throw error;
      result[item.id] = { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] };
      continue;
    }
    result[item.id] = { busy: busyPeriods(calendar, fromMs, toMs) };
  }
  return { kind: 'calendar#freeBusy', timeMin: instant(fromMs), timeMax: instant(toMs), calendars: result };
}
