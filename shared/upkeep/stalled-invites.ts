// The scheduled run's step for bookings whose request died while making the invite (Cloud Run
// ends a request at its time limit, wherever it is): the slot holds its time with no event known
// and no mail sent, and only a retry with the same key would finish it. Once the request's time is
// long over (shared/booking/invite-in-flight), the run looks at Google: the event stands and is the
// booking → the booking is completed as the request would have (the event applied, auto-confirm,
// the host mailed); no such event → the slot is released and its time freed. A later retry with
// the key finds its slot gone and books afresh.
import type { Firestore } from '@google-cloud/firestore';
import type { BookingNotices } from '../booking/booking-notices';
import { calendarTarget, type HostCalendars } from '../booking/host-calendar';
import { isStalled, judgeStalledInvite, STALLED_AFTER_MS, type InviteFound } from '../booking/invite-in-flight';
import { finishStalledReschedule, isRescheduleInFlight } from '../booking/reschedule-booking';
import type { CalendarSession, GoogleEvent } from '../google/calendar';
import { ConnectionRevoked, EventGone } from '../google/errors';
import type { Logger } from '../log';
import type { SlotRepository } from '../store/slot-repository';
import { SlotMoved, type Slot } from '../store/slots';
import type { Subscriber, SubscriberRepository } from '../store/subscribers';
import { applyEventChange } from '../sync/apply-change';
import type { PoolOptions } from '../work-pool';
import { settleStalled, type SettleOutcome, type SettleReport } from './settle-stalled';

export interface StalledInviteDeps {
  db: Firestore;
  slots: SlotRepository;
  subscribers: SubscriberRepository;
  calendars: HostCalendars;
  notices: BookingNotices;
  now: () => Date;
  log: Logger;
}

/** Finished: the event stood (or there was none to make), and the host was told; released: no event came to be, the time is free again. */
export type StalledInviteReport = SettleReport;

/** Every slot whose invite has stalled, a few at a time until the deadline. */
export async function settleStalledInvites(deps: StalledInviteDeps, pool: PoolOptions): Promise<StalledInviteReport> {
  const cutoff = new Date(deps.now().getTime() - STALLED_AFTER_MS);
  return settleStalled<{ slotId: string; until: Date }>(
    {
      page: (after, size) => deps.slots.invitesInFlightBefore(cutoff, size, after),
      cursorOf: ({ slotId, slot }) => (slot.inviteInFlight ? { slotId, until: slot.inviteInFlight.until } : undefined),
      settle: (slotId, slot) => settle(deps, slotId, slot),
      failure: 'a stalled booking could not be settled; the next run tries again',
    },
    pool,
    deps.log,
  );
}

async function settle(deps: StalledInviteDeps, slotId: string, slot: Slot): Promise<SettleOutcome> {
  const host = await deps.subscribers.get(slot.subscriberId);
  // A guest's reschedule, not a booking: its event stands (at the old time or the new); finish the move.
  if (isRescheduleInFlight(slot)) {
    if (!host) return 'left';
    await finishStalledReschedule(deps, slotId, slot, host);
    deps.log.warn({ slotId, hostId: slot.subscriberId }, 'a reschedule whose request stopped before its event was moved: moved, the host told');
    return 'finished';
  }
  const { found, session } = host ? await lookUp(deps, slot, host) : { found: { kind: 'calendar_unavailable' } as const, session: undefined };
  const verdict = judgeStalledInvite(slotId, slot, found);
  if (verdict.kind === 'release') {
    if (verdict.deleteEvent && session && slot.calendarId) {
      await session.deleteEvent(slot.calendarId, slot.eventId, 'all').catch((error: unknown) => {
        if (!(error instanceof EventGone)) throw error;
      });
    }
    // Only if still stalled: a late retry with the key may have finished it meanwhile.
    if (!(await deps.slots.discard(slotId, [], (current) => isStalled(current, deps.now())))) return 'left';
    deps.log.warn({ slotId, hostId: slot.subscriberId, reason: verdict.reason }, 'a booking whose request died before its invite was made: released, its time freed');
    return 'released';
  }
  const mark = await deps.slots.update(slotId, (current) => {
    if (!isStalled(current, deps.now())) return { result: undefined };
    return { slot: { ...current, inviteInFlight: null }, result: current.inviteInFlight ?? undefined };
  });
  if (!mark || !host) return 'left';
  // What happened to the event meanwhile (a sync left it to the request) is applied as a sync would.
  if (found.kind === 'event' && session && slot.calendarId) await applyEventChange(deps, session, host, slot.calendarId, found.event);
  let now = await deps.slots.require(slotId);
  if (host.schedule.autoConfirm && now.status === 'requested') now = await autoConfirm(deps, slotId);
  // Unless the request told the host already (it only failed its last read of the event): the
  // host may have decided since, and a booked slot's mail would say it was confirmed by itself.
  if (now.notices.length === 0) await deps.notices.bookingMade({ slotId, slot: now, host });
  deps.log.warn({ slotId, hostId: slot.subscriberId }, 'a booking whose request died after its invite was made: completed, the host told');
  return 'finished';
}

/** What Google has for the slot, with the session that reached it. */
async function lookUp(deps: StalledInviteDeps, slot: Slot, host: Subscriber): Promise<{ found: InviteFound; session?: CalendarSession }> {
  if (!slot.calendarId) return { found: { kind: 'no_calendar' } };
  const target = calendarTarget(deps.calendars, slot.subscriberId, host);
  if (target.kind !== 'google') return { found: { kind: 'calendar_unavailable' } };
  try {
    const event: GoogleEvent = await target.session.getEvent(slot.calendarId, slot.eventId);
    return { found: { kind: 'event', event }, session: target.session };
  } catch (error) {
    if (error instanceof EventGone) return { found: { kind: 'no_event' }, session: target.session };
    if (error instanceof ConnectionRevoked) return { found: { kind: 'calendar_unavailable' } };
    throw error;
  }
}

async function autoConfirm(deps: StalledInviteDeps, slotId: string): Promise<Slot> {
  try {
    return await deps.slots.transition(slotId, { to: 'booked', cause: 'auto_confirmed', at: deps.now(), from: ['requested'] });
  } catch (error) {
    if (!(error instanceof SlotMoved)) throw error;
    return deps.slots.require(slotId);
  }
}
