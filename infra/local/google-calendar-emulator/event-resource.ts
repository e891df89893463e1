// How a stored event reads back as an Events resource (Calendar API reference, "Events").
import { DateTime } from 'luxon';
import type { Calendar } from './calendars';
import { rfc3339, type EventTime, type StoredEvent } from './event-model';

const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

function eventEtag(event: StoredEvent): string {
  return `"${event.updatedMs * 1000 + (event.changeNumber % 1000)}"`;
}

/** Google's htmlLink carries an `eid`: the event id and calendar id, base64-encoded. */
function htmlLink(event: StoredEvent): string {
  return `https://www.google.com/calendar/event?eid=${Buffer.from(`${event.id} ${event.calendarId}`).toString('base64url')}`;
}

/** The organizer's displayName is the calendar's name on a secondary calendar, as Google shows it. */
function organizerOf(event: StoredEvent, calendar: Calendar): { email: string; displayName?: string; self?: true } {
  const self = event.organizer.email === calendar.id.toLowerCase();
  return { ...event.organizer, ...(self ? { self: true as const } : {}) };
}

/**
 * A time as Google answers it: `dateTime` is RFC 3339 with an offset (`format: date-time` in the
 * discovery document) also when it was written as local time in `timeZone`. The emulator gives the
 * offset of that zone, keeping the instant and the zone it was written in.
 */
function answeredTime(time: EventTime): EventTime {
  if (time.dateTime === undefined || time.timeZone === undefined || HAS_OFFSET.test(time.dateTime)) return time;
  return { ...time, dateTime: DateTime.fromISO(time.dateTime, { zone: time.timeZone }).toISO({ suppressMilliseconds: true }) as string };
}

export function eventResource(event: StoredEvent, calendar: Calendar): Record<string, unknown> {
  const calendarId = calendar.id.toLowerCase();
  const organizerEmail = event.organizer.email;
  return {
    kind: 'calendar#event',
    etag: eventEtag(event),
    id: event.id,
    status: event.status,
    htmlLink: htmlLink(event),
    // Google stamps `created` to the second and `updated` to the millisecond.
    created: rfc3339(Math.floor(event.createdMs / 1000) * 1000),
    updated: rfc3339(event.updatedMs),
    ...(event.summary !== undefined ? { summary: event.summary } : {}),
    ...(event.description !== undefined ? { description: event.description } : {}),
    ...(event.location !== undefined ? { location: event.location } : {}),
    ...(event.colorId !== undefined ? { colorId: event.colorId } : {}),
    // `self` marks the entry that is the calendar this copy of the event is on.
    creator: { email: event.creatorEmail, ...(event.creatorEmail === calendarId ? { self: true } : {}) },
    organizer: organizerOf(event, calendar),
    start: answeredTime(event.start),
    end: answeredTime(event.end),
    ...(event.recurrence !== undefined ? { recurrence: event.recurrence } : {}),
    ...instanceFields(event),
    ...(event.transparency !== undefined ? { transparency: event.transparency } : {}),
    ...(event.visibility !== undefined ? { visibility: event.visibility } : {}),
    iCalUID: event.iCalUID,
    sequence: event.sequence,
    ...(event.attendees.length > 0
      ? {
          attendees: event.attendees.map((attendee) => ({
            email: attendee.email,
            ...(attendee.displayName !== undefined ? { displayName: attendee.displayName } : {}),
            ...(attendee.email === organizerEmail ? { organizer: true } : {}),
            ...(attendee.email === calendarId ? { self: true } : {}),
            ...(attendee.resource !== undefined ? { resource: attendee.resource } : {}),
            ...(attendee.optional !== undefined ? { optional: attendee.optional } : {}),
            responseStatus: attendee.responseStatus,
            ...(attendee.comment !== undefined ? { comment: attendee.comment } : {}),
            ...(attendee.additionalGuests !== undefined ? { additionalGuests: attendee.additionalGuests } : {}),
          })),
        }
      : {}),
    ...(event.extendedProperties !== undefined ? { extendedProperties: event.extendedProperties } : {}),
    ...(event.guestsCanModify !== undefined ? { guestsCanModify: event.guestsCanModify } : {}),
    ...(event.guestsCanInviteOthers !== undefined ? { guestsCanInviteOthers: event.guestsCanInviteOthers } : {}),
    ...(event.guestsCanSeeOtherGuests !== undefined ? { guestsCanSeeOtherGuests: event.guestsCanSeeOtherGuests } : {}),
    reminders: event.reminders ?? { useDefault: true },
    eventType: 'default',
  };
}

/**
 * A cancelled event in a list: Google only guarantees `id` and `status` for deleted events, and
 * `id`, `recurringEventId` and `originalStartTime` for a cancelled instance ("Events" reference,
 * status "cancelled"), so the emulator gives no more than that.
 */
export function cancelledEventStub(event: StoredEvent): Record<string, unknown> {
  return { kind: 'calendar#event', etag: eventEtag(event), id: event.id, status: 'cancelled', ...instanceFields(event) };
}

function instanceFields(event: StoredEvent): Record<string, unknown> {
  return event.recurringEventId !== undefined ? { recurringEventId: event.recurringEventId, originalStartTime: event.originalStartTime && answeredTime(event.originalStartTime) } : {};
}
