// The events we put in a host's Google Calendar for a slot. Pure: slot in, event body out.
import type { GoogleEvent } from '../google/calendar';
import { eventIdForSlot, privatePropertiesFor } from '../google/event-identity';
import { asOneLine } from '../input/plain-text';
import { calendarUid } from '../mail/ics';
import type { Slot } from '../store/slots';
import type { Subscriber } from '../store/subscribers';

export const HOLD_PREFIX = 'HOLD: ';

/** The host's own entry among the attendees: the calendar itself (Google marks it `self`). */
function hostAttendee(slot: Slot, host: Subscriber): string {
  return slot.calendarId ?? host.email;
}

// Names are one line here whatever was stored: only the guest's message may span lines, so a
// name cannot add lines to the summary or lines of its own to the description.
function summaryOf(slot: Slot, host: Subscriber): string {
  return asOneLine(`${host.name} and ${slot.guest.name}`);
}

function descriptionOf(slot: Slot, host: Subscriber, manageUrl?: string): string {
  const guest = asOneLine(slot.guest.name);
  const lines = [`Booked by ${guest} <${slot.guest.email}> on ${asOneLine(host.name)}'s booking page.`];
  if (slot.message) lines.push('', `Message from ${guest}:`, slot.message);
  if (manageUrl) lines.push('', `${guest}, to cancel or move this booking: ${manageUrl}`);
  return lines.join('\n');
}

function timesOf(slot: Slot, host: Subscriber): Pick<GoogleEvent, 'start' | 'end'> {
  return {
    start: { dateTime: slot.start.toISOString(), timeZone: host.timezone },
    end: { dateTime: slot.end.toISOString(), timeZone: host.timezone },
  };
}

/**
 * The invite Google sends for us (`events.insert`, `sendUpdates=all`): tentative until the host
 * confirms, with the host (the calendar's owner) and the guest as attendees. Auto-confirmed
 * bookings go in confirmed, with the host already accepted.
 */
export function googleInvite(slotId: string, slot: Slot, host: Subscriber, confirmed: boolean, manageUrl?: string): GoogleEvent {
  return {
    id: eventIdForSlot(slotId),
    status: confirmed ? 'confirmed' : 'tentative',
    summary: summaryOf(slot, host),
    // Google mails the guest this description: their manage link (./manage-links) goes in it.
    description: descriptionOf(slot, host, manageUrl),
    ...timesOf(slot, host),
    attendees: [
      { email: hostAttendee(slot, host), displayName: asOneLine(host.name), responseStatus: confirmed ? 'accepted' : 'needsAction' },
      { email: slot.guest.email, displayName: asOneLine(slot.guest.name), responseStatus: 'needsAction' },
    ],
    extendedProperties: { private: privatePropertiesFor(slotId) },
  };
}

/**
 * Flag-off flow: a HOLD event keeps the time in the host's calendar while the request waits
 * (`events.import`: Google sends no mail; the guest gets our .ics). Confirming patches it by its
 * id (`confirmedHold`): never a second import, which real Google refuses with 409 `duplicate`
 * for an iCalUID the calendar holds or once held (gcalcli #712, #730, #784).
 */
export function holdEvent(slotId: string, slot: Slot, host: Subscriber): GoogleEvent & { iCalUID: string } {
  return {
    id: eventIdForSlot(slotId),
    // The same UID as our .ics mail, so both describe one event.
    iCalUID: calendarUid(slotId),
    status: 'confirmed',
    summary: `${HOLD_PREFIX}${summaryOf(slot, host)}`,
    description: descriptionOf(slot, host),
    ...timesOf(slot, host),
    extendedProperties: { private: privatePropertiesFor(slotId) },
  };
}

/**
 * The patch that turns a HOLD event into the booking. No attendees: on an event the host
 * organizes, Google would put its own copy in a Google guest's calendar even with
 * `sendUpdates=none`, beside the one our .ics made.
 */
export function confirmedHold(slot: Slot, host: Subscriber): GoogleEvent {
  return { summary: summaryOf(slot, host), status: 'confirmed' };
}

/** Auto-confirm in the flag-off flow: the booking imported at once, as a private copy (no mail). */
export function confirmedImport(slotId: string, slot: Slot, host: Subscriber): GoogleEvent & { iCalUID: string } {
  return {
    ...holdEvent(slotId, slot, host),
    summary: summaryOf(slot, host),
    attendees: [
      { email: hostAttendee(slot, host), displayName: asOneLine(host.name), responseStatus: 'accepted' },
      { email: slot.guest.email, displayName: asOneLine(slot.guest.name), responseStatus: 'needsAction' },
    ],
  };
}

/** The attendee list with the host (the calendar's own entry) marked accepted. */
export function withHostAccepted(event: GoogleEvent, calendarId: string): GoogleEvent['attendees'] {
  const host = calendarId.toLowerCase();
  return (event.attendees ?? []).map((a) => (a.self || a.email?.toLowerCase() === host ? { ...a, responseStatus: 'accepted' } : a));
}

/**
 * The patch that moves a slot's event to the time the guest rescheduled it to (the slot as it is
 * after the reschedule). Google flow (`sendUpdates=all`): the new time, tentative again while the
 * new time waits for the host (and the host's own answer back to needsAction, or the sync would
 * read the host's earlier acceptance as confirming the new time), and the guest's new manage link
 * in the description Google mails them. .ics flow (`sendUpdates=none`): the HOLD or booked event
 * moved, a HOLD again while it waits for the host; no attendees (see `confirmedHold`).
 */
export function rescheduledEvent(slot: Slot, host: Subscriber, event: GoogleEvent, manageUrl: string): GoogleEvent {
  const confirmed = slot.status === 'booked';
  if (slot.inviteMode === 'ics') {
    return { ...timesOf(slot, host), status: 'confirmed', summary: `${confirmed ? '' : HOLD_PREFIX}${summaryOf(slot, host)}` };
  }
  const calendarId = (slot.calendarId ?? host.email).toLowerCase();
  const attendees = (event.attendees ?? []).map((a) =>
    a.self || a.email?.toLowerCase() === calendarId ? { ...a, responseStatus: confirmed ? 'accepted' : 'needsAction' } : a,
  );
  return {
    ...timesOf(slot, host),
    status: confirmed ? 'confirmed' : 'tentative',
    description: descriptionOf(slot, host, manageUrl),
    attendees,
  };
}
