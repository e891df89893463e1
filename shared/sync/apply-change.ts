// Applies one changed event to its slot: the slot's new state in a transaction (decided there
// again on the fresh slot, so concurrent syncs cannot both act), then the effects at Google and
// in our mail. Every step is safe to repeat.
import type { Firestore } from '@google-cloud/firestore';
import { leftToItsRequest } from '../booking/invite-in-flight';
import type { CalendarSession, GoogleEvent } from '../google/calendar';
import { EventGone } from '../google/errors';
import { slotIdForEvent } from '../google/event-identity';
import type { Logger } from '../log';
import type { SlotRepository } from '../store/slot-repository';
import type { Slot } from '../store/slots';
import type { Subscriber } from '../store/subscribers';
import { decideChange, MOVED_IN_GOOGLE, type ChangeEffect, type SlotChange } from './decide-change';

export type SyncNotice = Extract<ChangeEffect, { kind: 'notify' }>['notice'];

export interface SyncNotices {
  /** Sends one of our notices about a slot, once per slot and notice. */
  notify(context: { slotId: string; slot: Slot; host: Subscriber }, notice: SyncNotice): Promise<void>;
}

export interface ApplyDeps {
  db: Firestore;
  slots: SlotRepository;
  notices: SyncNotices;
  now: () => Date;
  log: Logger;
}

/**
 * Returns whether the event was one of ours that needed anything. Only the host's default
 * calendar is ours to change: the others we watch (checked for conflicts) are read for busy time
 * and never written, even where an event there carries our id (a guest's copy of the invitation,
 * a booking made while that calendar was the default).
 */
export async function applyEventChange(deps: ApplyDeps, session: CalendarSession, host: Subscriber, calendarId: string, event: GoogleEvent): Promise<boolean> {
  if (!isBookingCalendar(host, calendarId)) return false;
  // Recognised by the id alone: a cancelled event may carry nothing else.
  const slotId = event.id ? slotIdForEvent(event.id) : undefined;
  if (!slotId) return false;
  const known = await deps.slots.get(slotId);
  if (!known) {
    // Ours by its id but no slot: a booking whose Google step failed after Google wrote the event.
    if (event.status === 'cancelled') return false;
    deps.log.warn({ slotId, calendarId }, 'our event has no slot (a failed booking): removing it');
    await deleteEvent(session, calendarId, event.id ?? '', 'all');
    return true;
  }
  if (known.calendarId !== calendarId) return false;

  const now = deps.now();
  const decided = await deps.slots.update(slotId, (slot) => {
    // Its invite is still being made: the slot is its request's to judge, which reads the event again.
    const left = leftToItsRequest(slot);
    if (left) return { slot: left, result: { change: { effects: [] } as SlotChange, slot } };
    const change = decideChange(slot, event, now);
    if (!change.transition && !change.guestResponse) return { result: { change, slot } };
    const next: Slot = { ...slot, updatedAt: now };
    if (change.guestResponse) next.guestResponse = change.guestResponse;
    if (change.transition) {
      next.status = change.transition.to;
      next.history = [...slot.history, { from: slot.status, to: change.transition.to, cause: change.transition.cause, at: now }];
    }
    return { slot: next, result: { change, slot: next } };
  });
  await carryOut(deps, session, host, calendarId, slotId, decided.slot, decided.change);
  return decided.change.effects.length > 0 || !!decided.change.transition || !!decided.change.guestResponse || !!decided.change.moved;
}

async function carryOut(deps: ApplyDeps, session: CalendarSession, host: Subscriber, calendarId: string, slotId: string, decided: Slot, change: SlotChange): Promise<void> {
  // The notices that follow describe the slot as it is after the move, the move included.
  const slot = change.moved ? await deps.slots.move(slotId, change.moved.start, change.moved.end, MOVED_IN_GOOGLE, deps.now()) : decided;
  for (const effect of change.effects) {
    if (effect.kind === 'deleteEvent') await deleteEvent(session, calendarId, slot.eventId, effect.sendUpdates);
    else if (effect.kind === 'confirmEvent') await session.patchEvent(calendarId, slot.eventId, { status: 'confirmed' }, 'all');
    else await deps.notices.notify({ slotId, slot, host }, effect.notice);
  }
}

async function deleteEvent(session: CalendarSession, calendarId: string, eventId: string, sendUpdates: 'all' | 'none'): Promise<void> {
  try {
    await session.deleteEvent(calendarId, eventId, sendUpdates);
  } catch (error) {
    if (!(error instanceof EventGone)) throw error;
  }
}

/** The calendar bookings go into: the only one whose events the sync may change. */
function isBookingCalendar(host: Subscriber, calendarId: string): boolean {
  return host.defaultCalendar?.provider === 'google' && host.defaultCalendar.calendarId === calendarId;
}
