// Step 3 of a booking (./request-booking): the event in the host's calendar, made by the slot's own
// request while the slot is marked in flight (./invite-in-flight). Google keeps a deleted event's
// id for good, so an event already under the slot's id is the booking only if it stands and is
// ours at the slot's time; otherwise the slot id is used up and the request books under the next.
import type { CalendarSession, GoogleEvent } from '../google/calendar';
import { AlreadyExists, CalendarError, ConnectionRevoked, EventGone } from '../google/errors';
import { eventIdForSlot } from '../google/event-identity';
import type { Slot } from '../store/slots';
import type { Subscriber } from '../store/subscribers';
import { applyEventChange } from '../sync/apply-change';
import { HostCalendarUnavailable } from './errors';
import { calendarTarget } from './host-calendar';
import { confirmedImport, googleInvite, holdEvent } from './invite-events';
import { judgeExistingEvent } from './invite-in-flight';
import type { BookingDeps } from './request-booking';

/**
 * Google already holds a deleted (or another) event under the slot's event id, so this slot can
 * never have its event: the attempt was discarded and the next one books under a new slot id.
 */
export class EventIdUnusable extends Error {
  constructor(readonly slotId: string) {
    super(`the event id of slot ${slotId} is taken at Google by an event that is not this booking`);
    this.name = 'EventIdUnusable';
  }
}

/**
 * Whether Google holds this slot id's event, standing at this time: an earlier attempt under the
 * key that Google wrote although we discarded it (our client gave up on the insert), not yet
 * removed by the sync. It makes the time look taken; it is this booking.
 */
export async function ownEventStands(deps: BookingDeps, hostId: string, host: Subscriber, slotId: string, time: { start: Date; end: Date }): Promise<boolean> {
  const target = calendarTarget(deps.calendars, hostId, host);
  if (target.kind !== 'google') return false;
  try {
    return judgeExistingEvent(slotId, time, await target.session.getEvent(target.calendarId, eventIdForSlot(slotId))) === 'ours';
  } catch (error) {
    if (error instanceof CalendarError) return false;
    throw error;
  }
}

/** The host's calendar and the event it now holds for the slot. */
export interface MadeInvite {
  session: CalendarSession;
  calendarId: string;
  event: GoogleEvent;
}

/**
 * Google path: `events.insert` with `sendUpdates=all`, so Google mails the guest the invite.
 * Flag-off path: a silent HOLD event (`events.import`). A repeated insert answers 409 for our
 * derived id: done if the event there is this booking (./invite-in-flight). Any other failure
 * frees the time again and answers an error. Undefined: the host has no calendar we write to.
 */
export async function putInCalendar(deps: BookingDeps, hostId: string, host: Subscriber, slotId: string, slot: Slot, idempotencyKey: string | undefined): Promise<MadeInvite | undefined> {
  const target = calendarTarget(deps.calendars, hostId, host);
  if (target.kind === 'none') return undefined;
  try {
    if (target.kind === 'google_broken') throw new HostCalendarUnavailable('connection_broken');
    const event = await writeEvent(target.session, target.calendarId, slotId, slot, host, deps.notices.manageUrl(slotId, slot));
    return { session: target.session, calendarId: target.calendarId, event };
  } catch (error) {
    deps.log.warn({ err: error, slotId, hostId }, 'the host calendar refused the booking; the slot is discarded and its time freed');
    // If Google did write the event before failing to answer, the sync removes it: it names no slot.
    await deps.slots.discard(slotId, idempotencyKey ? [deps.requests.ref(hostId, idempotencyKey)] : []);
    if (error instanceof HostCalendarUnavailable || error instanceof EventIdUnusable) throw error;
    if (error instanceof ConnectionRevoked) throw new HostCalendarUnavailable('connection_broken', { cause: error });
    if (error instanceof CalendarError) throw new HostCalendarUnavailable('google_unavailable', { cause: error });
    throw error;
  }
}

/** The event written, or the one Google already has when it is this booking (our own earlier insert). */
async function writeEvent(session: CalendarSession, calendarId: string, slotId: string, slot: Slot, host: Subscriber, manageUrl: string | undefined): Promise<GoogleEvent> {
  try {
    if (slot.inviteMode === 'google') return await session.insertEvent(calendarId, googleInvite(slotId, slot, host, host.schedule.autoConfirm, manageUrl), 'all');
    if (host.schedule.autoConfirm) return await session.importEvent(calendarId, confirmedImport(slotId, slot, host));
    return await session.importEvent(calendarId, holdEvent(slotId, slot, host));
  } catch (error) {
    if (!(error instanceof AlreadyExists)) throw error;
    // Google keeps a deleted event's id: a 409 is our booking only if its event stands.
    const existing = await session.getEvent(calendarId, slot.eventId);
    if (judgeExistingEvent(slotId, slot, existing) === 'ours') return existing;
    throw new EventIdUnusable(slotId);
  }
}

/**
 * The invite is made: the slot is open to every judge again. If a sync met its event meanwhile and
 * left it to us, the event as Google has it now is applied, as that sync would have. If Google does
 * not answer that read, the slot goes back to being in flight as if its request had ended now: the
 * scheduled run applies the event (../upkeep/stalled-invites), and the booking answers as made.
 */
export async function inviteMade(deps: BookingDeps, host: Subscriber, slotId: string, made: MadeInvite | undefined): Promise<void> {
  const mark = await deps.slots.update(slotId, (slot) => ({ slot: slot.inviteInFlight ? { ...slot, inviteInFlight: null } : undefined, result: slot.inviteInFlight }));
  if (!mark?.changeSeen || !made) return;
  const eventId = made.event.id ?? '';
  try {
    const event = await made.session.getEvent(made.calendarId, eventId).catch((error: unknown): GoogleEvent => {
      if (error instanceof EventGone) return { id: eventId, status: 'cancelled' };
      throw error;
    });
    await applyEventChange(deps, made.session, host, made.calendarId, event);
  } catch (error) {
    deps.log.warn({ err: error, slotId }, 'could not apply the change a sync left to this booking; the scheduled run applies it');
    const ended = { until: deps.now(), changeSeen: true };
    await deps.slots.update(slotId, (slot) => ({ slot: { ...slot, inviteInFlight: ended }, result: undefined }));
  }
}
