// The query of the bookings page (GET /accounts/bookings, as a form or a JSON client sends it):
//   status     one or more of requested, booked, declined, cancelled: repeated (the form's
//              checkboxes) or comma-separated; none chosen lists every status
//   from, to   YYYY-MM-DD, whole days in the host's time zone, both included
//   pageToken  as the page before gave it
// Empty fields count as absent (a GET form sends them empty); other fields are left alone (the
// page's own notice after an action rides along). Pure: tested in test/unit/accounts/.
import { DateTime } from 'luxon';
import { decodePageToken, InvalidPageToken, type BookingFilter, type PageCursor } from '../../shared/store/host-bookings';
import { SLOT_STATUSES, type SlotStatus } from '../../shared/store/slots';

export interface BookingsQuery {
  /** As chosen, in the order of a booking's life; empty: none chosen. */
  statuses: SlotStatus[];
  from?: string;
  to?: string;
  pageToken?: string;
  /** What to read: the statuses (all when none is chosen) and the start times, as instants. */
  filter: BookingFilter;
  cursor?: PageCursor;
}

export interface QueryIssue {
  path: string[];
  message: string;
}

export type ParsedQuery = { ok: true; query: BookingsQuery } | { ok: false; issues: QueryIssue[] };

/** The one value of a field, undefined when absent or empty; an issue when given more than once. */
function single(params: URLSearchParams, name: string, issues: QueryIssue[]): string | undefined {
  const values = params.getAll(name).filter((v) => v !== '');
  if (values.length > 1) issues.push({ path: [name], message: 'give it once' });
  return values[0];
}

function statusesOf(params: URLSearchParams, issues: QueryIssue[]): SlotStatus[] {
  const given = params.getAll('status').flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  const unknown = given.filter((v) => !(SLOT_STATUSES as readonly string[]).includes(v));
  if (unknown.length > 0) issues.push({ path: ['status'], message: `must be one or more of ${SLOT_STATUSES.join(', ')} (got ${unknown.map((v) => JSON.stringify(v.slice(0, 40))).join(', ')})` });
  return SLOT_STATUSES.filter((s) => given.includes(s));
}

/** The first moment of a day in the zone; an issue when the text is not a day. */
function dayStart(name: string, text: string | undefined, zone: string, issues: QueryIssue[]): DateTime | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    issues.push({ path: [name], message: 'must be a date as YYYY-MM-DD' });
    return undefined;
  }
  const day = DateTime.fromISO(text, { zone });
  if (!day.isValid) issues.push({ path: [name], message: `${text} is not a day of the calendar` });
  return day.isValid ? day.startOf('day') : undefined;
}

export function parseBookingsQuery(params: URLSearchParams, zone: string): ParsedQuery {
  const issues: QueryIssue[] = [];
  const statuses = statusesOf(params, issues);
  const from = single(params, 'from', issues);
  const to = single(params, 'to', issues);
  const pageToken = single(params, 'pageToken', issues);
  const fromDay = dayStart('from', from, zone, issues);
  const toDay = dayStart('to', to, zone, issues);
  if (fromDay && toDay && toDay < fromDay) issues.push({ path: ['to'], message: 'must not be before from' });
  let cursor: PageCursor | undefined;
  try {
    cursor = pageToken === undefined ? undefined : decodePageToken(pageToken);
  } catch (error) {
    if (!(error instanceof InvalidPageToken)) throw error;
    issues.push({ path: ['pageToken'], message: error.message });
  }
  if (issues.length > 0) return { ok: false, issues };
  const filter: BookingFilter = {
    statuses: statuses.length > 0 ? statuses : [...SLOT_STATUSES],
    ...(fromDay ? { from: fromDay.toJSDate() } : {}),
    // The end of the last day: the start of the next, in the zone (23 or 25 hours on a change).
    ...(toDay ? { to: toDay.plus({ days: 1 }).startOf('day').toJSDate() } : {}),
  };
  return { ok: true, query: { statuses, ...(from ? { from } : {}), ...(to ? { to } : {}), ...(pageToken ? { pageToken, cursor } : {}), filter } };
}

/** The query as a URL's search (no `?`), for links to another page of it and back to it. */
export function bookingsQueryString(query: Pick<BookingsQuery, 'statuses' | 'from' | 'to' | 'pageToken'>): string {
  const params = new URLSearchParams();
  for (const status of query.statuses) params.append('status', status);
  if (query.from) params.set('from', query.from);
  if (query.to) params.set('to', query.to);
  if (query.pageToken) params.set('pageToken', query.pageToken);
  return params.toString();
}
