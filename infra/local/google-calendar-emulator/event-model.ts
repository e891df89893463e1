// The event resource (Calendar API reference, "Events"): what callers may write, how a write is
// validated and normalized, and how patch semantics merge a partial body into an event.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { badRequest, GoogleApiError } from './errors';
import { checkRecurrence } from './recurrence';

export type ResponseStatus = 'needsAction' | 'declined' | 'tentative' | 'accepted';
export type EventStatus = 'confirmed' | 'tentative' | 'cancelled';

export interface EventTime {
  date?: string;
  dateTime?: string;
  timeZone?: string;
}

export interface Attendee {
  email: string;
  displayName?: string;
  optional?: boolean;
  resource?: boolean;
  responseStatus: ResponseStatus;
  comment?: string;
  additionalGuests?: number;
}

/** The fields a caller writes; everything else of an event is the server's. */
export interface EventFields {
  status: EventStatus;
  summary?: string;
  description?: string;
  location?: string;
  colorId?: string;
  start: EventTime;
  end: EventTime;
  attendees: Attendee[];
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> };
  transparency?: 'opaque' | 'transparent';
  visibility?: 'default' | 'public' | 'private' | 'confidential';
  reminders?: { useDefault?: boolean; overrides?: { method: 'email' | 'popup'; minutes: number }[] };
  guestsCanModify?: boolean;
  guestsCanInviteOthers?: boolean;
  guestsCanSeeOtherGuests?: boolean;
  /** RRULE, EXRULE, RDATE and EXDATE lines: set on a recurring series only. */
  recurrence?: string[];
}

export interface StoredEvent extends EventFields {
  id: string;
  calendarId: string;
  iCalUID: string;
  sequence: number;
  /** Creation order in its calendar: the stable default order of events.list. */
  ordinal: number;
  createdMs: number;
  updatedMs: number;
  /** The calendar's change count at this event's last change (see sync tokens). */
  changeNumber: number;
  creatorEmail: string;
  organizer: { email: string; displayName?: string };
  startMs: number;
  endMs: number;
  /** On an instance of a recurring series: the series' id, and the start the series gives it. */
  recurringEventId?: string;
  originalStartTime?: EventTime;
  originalStartMs?: number;
}

const eventTimeSchema = z.object({ date: z.string().optional(), dateTime: z.string().optional(), timeZone: z.string().optional() });

const responseStatusSchema = z.enum(['needsAction', 'declined', 'tentative', 'accepted']);

const attendeeSchema = z.object({
  email: z.string().optional(),
  displayName: z.string().optional(),
  optional: z.boolean().optional(),
  resource: z.boolean().optional(),
  responseStatus: responseStatusSchema.optional(),
  comment: z.string().optional(),
  additionalGuests: z.number().int().min(0).optional(),
});

const writableSchema = z.object({
  status: z.enum(['confirmed', 'tentative', 'cancelled']).optional(),
  summary: z.string().optional(),
  description: z.string().optional(),
  location: z.string().optional(),
  colorId: z.string().optional(),
  start: eventTimeSchema.optional(),
  end: eventTimeSchema.optional(),
  attendees: z.array(attendeeSchema).optional(),
  extendedProperties: z
    .object({ private: z.record(z.string(), z.string()).optional(), shared: z.record(z.string(), z.string()).optional() })
    .optional(),
  transparency: z.enum(['opaque', 'transparent']).optional(),
  visibility: z.enum(['default', 'public', 'private', 'confidential']).optional(),
  reminders: z
    .object({
      useDefault: z.boolean().optional(),
      overrides: z.array(z.object({ method: z.enum(['email', 'popup']), minutes: z.number().int().min(0).max(40320) })).optional(),
    })
    .optional(),
  guestsCanModify: z.boolean().optional(),
  guestsCanInviteOthers: z.boolean().optional(),
  guestsCanSeeOtherGuests: z.boolean().optional(),
  recurrence: z.array(z.string()).optional(),
});

const WRITABLE_KEYS = new Set(Object.keys(writableSchema.shape));

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Patch semantics as Google documents them ("Events: patch", performance guide): fields given
 * replace the stored ones, fields left out stay, `null` clears a field, nested objects merge
 * field by field (so `extendedProperties.private` keeps keys not named), and arrays such as
 * `attendees` are replaced whole.
 */
export function mergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  const merged: JsonObject = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else if (isJsonObject(value)) merged[key] = mergePatch(isJsonObject(merged[key]) ? merged[key] : {}, value);
    else if (Array.isArray(value)) merged[key] = value.map((item) => (isJsonObject(item) ? mergePatch({}, item) : item));
    else merged[key] = value;
  }
  return merged;
}

/** Keeps only the fields a caller may write, so read-only fields in a body are ignored. */
export function writablePart(body: unknown): JsonObject {
  if (!isJsonObject(body)) throw badRequest('parseError', 'Parse Error');
  return Object.fromEntries(Object.entries(body).filter(([key]) => WRITABLE_KEYS.has(key)));
}

/** The writable fields of a stored event as JSON, the base a patch merges into. */
export function writableDocument(event: EventFields): JsonObject {
  return JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(event).filter(([key]) => WRITABLE_KEYS.has(key))))) as JsonObject;
}

export interface NormalizedEvent {
  fields: EventFields;
  startMs: number;
  endMs: number;
}

/**
 * Validates a whole writable document (after any merge) into stored fields. `previousAttendees`
 * keeps an attendee's answer when a write lists them again without a responseStatus.
 */
export function normalizeEvent(document: JsonObject, calendarTimeZone: string, previousAttendees: Attendee[] = []): NormalizedEvent {
  const parsed = writableSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    throw badRequest('invalid', `Invalid value for: ${field}${issue ? ` (${issue.message})` : ''}`);
  }
  const input = parsed.data;
  if (!input.start) throw badRequest('required', 'Missing start time.');
  if (!input.end) throw badRequest('required', 'Missing end time.');
  const start = eventInstant(input.start, 'start', calendarTimeZone);
  const end = eventInstant(input.end, 'end', calendarTimeZone);
  if (start.allDay !== end.allDay) throw badRequest('invalid', 'Start and end times must either both be date or both be dateTime.');
  // Google answers timeRangeEmpty for any event that does not end after it starts.
  if (end.ms <= start.ms) throw new GoogleApiError(400, 'timeRangeEmpty', 'The specified time range is empty.', { domain: 'calendar' });
  const recurrence = input.recurrence && input.recurrence.length > 0 ? input.recurrence : undefined;
  if (recurrence) checkRecurrence({ start: input.start, end: input.end, recurrence, calendarTimeZone });

  const { recurrence: _recurrence, attendees, status, start: _start, end: _end, ...rest } = input;
  return {
    fields: {
      ...rest,
      status: status ?? 'confirmed',
      start: input.start,
      end: input.end,
      attendees: normalizeAttendees(attendees ?? [], previousAttendees),
      ...(recurrence ? { recurrence } : {}),
    },
    startMs: start.ms,
    endMs: end.ms,
  };
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function normalizeAttendees(attendees: z.infer<typeof attendeeSchema>[], previous: Attendee[]): Attendee[] {
  const previousByEmail = new Map(previous.map((attendee) => [attendee.email, attendee]));
  const seen = new Set<string>();
  const result: Attendee[] = [];
  for (const attendee of attendees) {
    if (!attendee.email) throw badRequest('required', 'Missing attendee email.');
    if (!EMAIL.test(attendee.email.trim())) throw badRequest('invalid', `Invalid attendee email: ${attendee.email}`);
    const email = attendee.email.trim().toLowerCase();
    if (seen.has(email)) continue;
    seen.add(email);
    const { email: _email, responseStatus, ...rest } = attendee;
    result.push({ email, ...rest, responseStatus: responseStatus ?? previousByEmail.get(email)?.responseStatus ?? 'needsAction' });
  }
  return result;
}

const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

function eventInstant(time: EventTime, which: 'start' | 'end', calendarTimeZone: string): { ms: number; allDay: boolean } {
  if (time.timeZone !== undefined && !DateTime.local().setZone(time.timeZone).isValid) {
    throw badRequest('timeZoneInvalid', `Invalid time zone definition for ${which} time.`);
  }
  if (time.date !== undefined && time.dateTime !== undefined) throw badRequest('invalid', `Invalid ${which} time.`);
  if (time.dateTime !== undefined) {
    if (!HAS_OFFSET.test(time.dateTime) && time.timeZone === undefined) {
      throw badRequest('required', `Missing time zone definition for ${which} time.`);
    }
    const parsed = DateTime.fromISO(time.dateTime, { zone: time.timeZone ?? 'UTC' });
    if (!parsed.isValid) throw badRequest('invalid', `Invalid ${which} time.`);
    return { ms: parsed.toMillis(), allDay: false };
  }
  if (time.date !== undefined) {
    const parsed = /^\d{4}-\d{2}-\d{2}$/.test(time.date) ? DateTime.fromISO(time.date, { zone: time.timeZone ?? calendarTimeZone }) : undefined;
    if (!parsed?.isValid) throw badRequest('invalid', `Invalid ${which} time.`);
    return { ms: parsed.toMillis(), allDay: true };
  }
  throw badRequest('required', `Missing ${which} time.`);
}

/** RFC 3339 with milliseconds, as Google stamps `updated`. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}

/** Parses a query timestamp that must carry an offset (events.list timeMin/timeMax/updatedMin). */
export function parseQueryTime(value: string, parameter: string): number {
  const parsed = HAS_OFFSET.test(value) ? DateTime.fromISO(value, { setZone: true }) : undefined;
  if (!parsed?.isValid) throw badRequest('invalid', `Bad Request: invalid ${parameter}`, { location: parameter, locationType: 'parameter' });
  return parsed.toMillis();
}
