// Event writes: insert, import, patch, delete and an attendee's answer. Each write stamps the event,
// counts one change of its calendar (what sync tokens and push notifications follow) and records
// the mail Google would send.
import { randomBytes } from 'node:crypto';
import type { Accounts } from './accounts';
import type { Calendar } from './calendars';
import type { EmulatorClock } from './clock';
import { badRequest, GoogleApiError, notFound } from './errors';
import {
  mergePatch,
  normalizeEvent,
  writableDocument,
  writablePart,
  type NormalizedEvent,
  type ResponseStatus,
  type StoredEvent,
} from './event-model';
import { exceptionsOf, isSeries, unstoredInstance } from './instances';
import { eventMail, mailRecipients, replyMail, type Audience, type Mailbox, type SendUpdates } from './mail';

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';
/** Client-chosen ids: base32hex characters, 5 to 1024 of them ("Events" reference, `id`). */
const CLIENT_EVENT_ID = /^[a-v0-9]{5,1024}$/;

function generatedEventId(): string {
  return Array.from(randomBytes(26), (byte) => BASE32HEX[byte % 32]).join('');
}

function checkClientId(id: unknown): string | undefined {
  if (id === undefined || id === null) return undefined;
  if (typeof id !== 'string' || !CLIENT_EVENT_ID.test(id)) throw badRequest('invalid', 'Invalid resource id value.');
  return id;
}

function duplicate(): GoogleApiError {
  return new GoogleApiError(409, 'duplicate', 'The requested identifier already exists.');
}

function defaultOrganizer(calendar: Calendar): StoredEvent['organizer'] {
  return calendar.primary ? { email: calendar.ownerEmail } : { email: calendar.id.toLowerCase(), displayName: calendar.summary };
}

/** Fields whose change an attendee sees, and so is worth an "updated invitation". */
const SEEN_BY_ATTENDEES = ['start', 'end', 'status', 'summary', 'description', 'location'] as const;
/** Fields whose change bumps the iCalendar SEQUENCE. */
const RESCHEDULING = ['start', 'end', 'status'] as const;

function changed(before: StoredEvent, after: NormalizedEvent['fields'], fields: readonly (keyof NormalizedEvent['fields'])[]): boolean {
  return fields.some((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]));
}

export class EventService {
  constructor(
    private readonly clock: EmulatorClock,
    private readonly accounts: Accounts,
    private readonly mailbox: Mailbox,
    private readonly calendarChanged: (calendar: Calendar) => void,
  ) {}

  /** A stored event, or an instance of a recurring series as the series makes it. */
  get(calendar: Calendar, eventId: string): StoredEvent {
    const event = calendar.events.get(eventId) ?? unstoredInstance(calendar, eventId);
    if (!event) throw notFound();
    return event;
  }

  insert(calendar: Calendar, creatorEmail: string, body: unknown, sendUpdates: SendUpdates): StoredEvent {
    const writable = writablePart(body);
    const { id: requestedId, iCalUID: requestedICalUID } = body as { id?: unknown; iCalUID?: unknown };
    const id = checkClientId(requestedId) ?? generatedEventId();
    // An id stays taken after its event is deleted: deleted events remain as "cancelled".
    if (calendar.events.has(id)) throw duplicate();
    const iCalUID = typeof requestedICalUID === 'string' && requestedICalUID !== '' ? requestedICalUID : `${id}@google.com`;
    if (calendar.eventIdsByICalUID.has(iCalUID)) throw duplicate();
    const normalized = normalizeEvent(mergePatch({}, writable), calendar.timeZone);
    const event = this.create(calendar, id, iCalUID, creatorEmail, defaultOrganizer(calendar), normalized);
    for (const to of mailRecipients(event.attendees, sendUpdates, this.audience(event, calendar))) {
      this.mailbox.record(eventMail('invitation', to, { event, calendar, sentAtMs: this.clock.now() }));
    }
    return event;
  }

  /**
   * events.import adds a private copy of an existing event and sends no mail. An iCalUID the
   * calendar already holds, even a deleted event's, is 409 duplicate: what real Google answers
   * (gcalcli #712, #730, #784), where the reference documents no update in place.
   */
  import(calendar: Calendar, creatorEmail: string, body: unknown): StoredEvent {
    const writable = writablePart(body);
    const input = body as { iCalUID?: unknown; id?: unknown; organizer?: { email?: unknown; displayName?: unknown } };
    if (typeof input.iCalUID !== 'string' || input.iCalUID === '') throw badRequest('required', 'Missing iCalUID.');
    const organizer =
      typeof input.organizer?.email === 'string'
        ? {
            email: input.organizer.email.trim().toLowerCase(),
            ...(typeof input.organizer.displayName === 'string' ? { displayName: input.organizer.displayName } : {}),
          }
        : defaultOrganizer(calendar);
    if (calendar.eventIdsByICalUID.has(input.iCalUID)) throw duplicate();
    const id = checkClientId(input.id) ?? generatedEventId();
    if (calendar.events.has(id)) throw duplicate();
    const normalized = normalizeEvent(mergePatch({}, writable), calendar.timeZone);
    return this.create(calendar, id, input.iCalUID, creatorEmail, organizer, normalized);
  }

  patch(calendar: Calendar, eventId: string, body: unknown, sendUpdates: SendUpdates): StoredEvent {
    const event = this.get(calendar, eventId);
    const before = { ...event, attendees: [...event.attendees] };
    const normalized = normalizeEvent(mergePatch(writableDocument(event), writablePart(body)), calendar.timeZone, event.attendees);
    // "This field is omitted for single events or instances of recurring events" (Events, recurrence).
    if (event.recurringEventId !== undefined && normalized.fields.recurrence) throw badRequest('invalid', 'An instance of a recurring event cannot have a recurrence.');
    if (!calendar.events.has(event.id)) this.storeException(calendar, event);
    this.apply(calendar, event, normalized);
    this.mailAboutChange(calendar, before, event, sendUpdates);
    return event;
  }

  delete(calendar: Calendar, eventId: string, sendUpdates: SendUpdates): void {
    const event = this.get(calendar, eventId);
    if (event.status === 'cancelled') throw new GoogleApiError(410, 'deleted', 'Resource has been deleted');
    if (!calendar.events.has(event.id)) this.storeException(calendar, event);
    event.status = 'cancelled';
    event.sequence += 1;
    this.touch(calendar, event);
    // A deleted series takes its instances with it, the changed ones (exceptions) too.
    for (const exception of isSeries(event) ? exceptionsOf(calendar, event.id) : []) {
      if (exception.status === 'cancelled') continue;
      exception.status = 'cancelled';
      exception.sequence += 1;
      this.touch(calendar, exception);
    }
    for (const to of mailRecipients(event.attendees, sendUpdates, this.audience(event, calendar))) {
      this.mailbox.record(eventMail('cancellation', to, { event, calendar, sentAtMs: this.clock.now() }));
    }
  }

  /** An attendee answers in Google: the organizer gets the reply, whatever sendUpdates said before. */
  respond(calendar: Calendar, eventId: string, email: string, answer: Exclude<ResponseStatus, 'needsAction'>): StoredEvent {
    const event = calendar.events.get(eventId);
    const attendee = event?.status === 'cancelled' ? undefined : event?.attendees.find((candidate) => candidate.email === email.trim().toLowerCase());
    if (!event || !attendee) throw notFound();
    attendee.responseStatus = answer;
    this.touch(calendar, event);
    this.mailbox.record(replyMail(attendee.email, answer, { event, calendar, sentAtMs: this.clock.now() }));
    return event;
  }

  private create(
    calendar: Calendar,
    id: string,
    iCalUID: string,
    creatorEmail: string,
    organizer: StoredEvent['organizer'],
    normalized: NormalizedEvent,
  ): StoredEvent {
    const now = this.clock.now();
    const event: StoredEvent = {
      ...normalized.fields,
      id,
      calendarId: calendar.id,
      iCalUID,
      sequence: 0,
      ordinal: calendar.nextOrdinal++,
      createdMs: now,
      updatedMs: now,
      changeNumber: 0,
      creatorEmail,
      organizer,
      startMs: normalized.startMs,
      endMs: normalized.endMs,
    };
    calendar.events.set(id, event);
    calendar.eventIdsByICalUID.set(iCalUID, id);
    this.touch(calendar, event);
    return event;
  }

  /**
   * A changed or deleted instance is stored as an exception under its instance id, detached from the
   * series' objects. It shares the series' iCalUID, so it is not indexed by it: that stays the series'.
   */
  private storeException(calendar: Calendar, instance: StoredEvent): void {
    Object.assign(instance, structuredClone(instance), { ordinal: calendar.nextOrdinal++ });
    calendar.events.set(instance.id, instance);
  }

  private apply(calendar: Calendar, event: StoredEvent, normalized: NormalizedEvent): void {
    if (changed(event, normalized.fields, RESCHEDULING)) event.sequence += 1;
    for (const key of Object.keys(writableDocument(event))) delete (event as unknown as Record<string, unknown>)[key];
    Object.assign(event, normalized.fields, { startMs: normalized.startMs, endMs: normalized.endMs });
    this.touch(calendar, event);
  }

  private touch(calendar: Calendar, event: StoredEvent): void {
    const now = this.clock.now();
    calendar.changeCount += 1;
    calendar.updatedMs = now;
    event.changeNumber = calendar.changeCount;
    event.updatedMs = now;
    this.calendarChanged(calendar);
  }

  private audience(event: StoredEvent, calendar: Calendar): Audience {
    return {
      organizerEmail: event.organizer.email,
      ownerEmail: calendar.ownerEmail,
      isEmulatorAccount: (email) => this.accounts.has(email),
    };
  }

  /** Added guests are invited, removed ones get a cancellation, the rest an update if they see a change. */
  private mailAboutChange(calendar: Calendar, before: StoredEvent, after: StoredEvent, sendUpdates: SendUpdates): void {
    const audience = this.audience(after, calendar);
    const previous = new Set(before.attendees.map((attendee) => attendee.email));
    const current = new Set(after.attendees.map((attendee) => attendee.email));
    const context = { event: after, calendar, sentAtMs: this.clock.now() };
    const added = after.attendees.filter((attendee) => !previous.has(attendee.email));
    const removed = before.attendees.filter((attendee) => !current.has(attendee.email));
    const kept = after.attendees.filter((attendee) => previous.has(attendee.email));
    const cancelled = after.status === 'cancelled' && before.status !== 'cancelled';
    if (!cancelled) for (const to of mailRecipients(added, sendUpdates, audience)) this.mailbox.record(eventMail('invitation', to, context));
    for (const to of mailRecipients(removed, sendUpdates, audience)) this.mailbox.record(eventMail('cancellation', to, context));
    if (cancelled || changed(before, after, SEEN_BY_ATTENDEES)) {
      for (const to of mailRecipients(kept, sendUpdates, audience)) this.mailbox.record(eventMail(cancelled ? 'cancellation' : 'update', to, context));
    }
  }
}
