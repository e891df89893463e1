// The host confirms or denies a requested slot: from the link in our mail (`carryOutDecision`, the
// token names the slot) or from their bookings page (./host-actions, the signed-in host names it);
// both carry it out here (`decideSlot`), with the same Google calls, mail and answers. Reading
// (GET) changes nothing; acting (POST) first takes the decision in a transaction (so a confirm, a
// deny and a cancel cannot both reach Google), then changes the event at Google, then records the
// transition, then mails. A failure at Google releases the decision so the host can try again;
// repeating a step is harmless, and a repeat sends the mail an earlier attempt may not have. An
// instance that stops half way leaves the step to the scheduled run (../upkeep/stalled-decisions).
import { logEvent, type EventLog } from '../business-events';
import { CalendarError, ConnectionRevoked, EventGone } from '../google/errors';
import type { Logger } from '../log';
import type { SlotRepository } from '../store/slot-repository';
import { SlotMoved, SlotNotFound, type Slot } from '../store/slots';
import type { Subscriber, SubscriberRepository } from '../store/subscribers';
import type { BookingNotices, SlotContext } from './booking-notices';
import { InvalidLink, type DecisionGrant, type DecisionLinks } from './decision-links';
import { HostCalendarUnavailable } from './errors';
import { calendarTarget, type HostCalendars } from './host-calendar';
import { confirmedHold, withHostAccepted } from './invite-events';
import { judgeDecision, STEP_LEASE_MS, type DecisionAction } from './slot-state';
import { takeStep } from './take-step';

export interface DecisionDeps {
  subscribers: SubscriberRepository;
  slots: SlotRepository;
  calendars: HostCalendars;
  notices: BookingNotices;
  links: DecisionLinks;
  now: () => Date;
  log: Logger;
}

export interface DecisionRequest {
  grant: DecisionGrant;
  slotId: string;
  slot: Slot;
  host: Subscriber;
}

export type DecisionOutcome =
  | { kind: 'done'; action: DecisionAction; repeated: boolean; slot: Slot; host: Subscriber }
  | { kind: 'conflict'; slot: Slot; host: Subscriber };

/** Verifies a link and loads what it names. InvalidLink, LinkExpired, SlotNotFound. */
export async function openDecision(deps: Pick<DecisionDeps, 'links' | 'slots' | 'subscribers' | 'now'>, token: string): Promise<DecisionRequest> {
  const grant = deps.links.verify(token, deps.now());
  const slot = await deps.slots.require(grant.slotId);
  const host = await deps.subscribers.get(slot.subscriberId);
  if (!host) throw new SlotNotFound(grant.slotId);
  return { grant, slotId: grant.slotId, slot, host };
}

export async function carryOutDecision(deps: DecisionDeps, token: string, action: DecisionAction): Promise<DecisionOutcome> {
  const { grant, slotId, slot, host } = await openDecision(deps, token);
  // A link is for one action: a confirm link cannot be replayed as a deny.
  if (grant.action !== action) throw new InvalidLink();
  return decideSlot(deps, { slotId, slot, host }, action);
}

/** The host's confirm or deny of one of their slots, whichever way they gave it. */
export async function decideSlot(deps: DecisionDeps, context: SlotContext, action: DecisionAction): Promise<DecisionOutcome> {
  const outcome = await carryOut(deps, context, action);
  logDecision(deps.log, context.slotId, action, outcome, 'host');
  return outcome;
}

/** The `booking.decided` event of a decision or a cancel that reached an outcome (a failure throws instead). */
export function logDecision(log: EventLog, slotId: string, action: string, outcome: { kind: 'done'; repeated: boolean; slot: Slot } | { kind: 'conflict'; slot: Slot }, by: 'host' | 'guest'): void {
  const result = outcome.kind === 'conflict' ? 'conflict' : outcome.repeated ? 'repeated' : 'done';
  logEvent(log, 'booking.decided', { slotId, hostId: outcome.slot.subscriberId, action, outcome: result, status: outcome.slot.status, by });
}

async function carryOut(deps: DecisionDeps, { slotId, host }: SlotContext, action: DecisionAction): Promise<DecisionOutcome> {
  const taken = await takeStep(deps, slotId, (slot, now) => {
    const verdict = judgeDecision(slot, action, now);
    // The same decision under way is shared (both patch alike); one whose lease is over is taken
    // afresh, so the scheduled run does not take this attempt for the stopped one (./stalled-step).
    const fresh = !slot.decision || now.getTime() - slot.decision.at.getTime() >= STEP_LEASE_MS;
    return { verdict, claim: verdict.kind === 'apply' && fresh ? { ...slot, decision: { action, at: now, by: 'host' as const } } : undefined };
  });
  if (taken.verdict.kind === 'repeat') {
    // Done before, perhaps by an instance that stopped between saving the transition and mailing:
    // the decision's mail is still owed. The mailer's claim sends it once, whichever attempt asks.
    await deps.notices.decisionMade({ slotId, slot: taken.slot, host }, action);
    return { kind: 'done', action, repeated: true, slot: taken.slot, host };
  }
  if (taken.verdict.kind === 'conflict') return { kind: 'conflict', slot: taken.slot, host };

  try {
    await applyAtGoogle(deps, host, slotId, taken.slot, action);
  } catch (error) {
    await deps.slots.update(slotId, (slot) => ({ slot: slot.decision?.action === action ? { ...slot, decision: null } : undefined, result: null }));
    if (error instanceof EventGone && action === 'confirm' && taken.slot.inviteInFlight) {
      // Not deleted: its request ended before Google had it (cut off at its time limit), and the
      // scheduled run finishes or releases the booking (../upkeep/stalled-invites). Nothing changed.
      throw new HostCalendarUnavailable('google_unavailable', { cause: error });
    }
    if (error instanceof EventGone && action === 'confirm') {
      // The host deleted the event in Google before confirming: the booking is gone.
      const slot = await deps.slots.transition(slotId, { to: 'cancelled', cause: 'event_deleted_in_google', at: deps.now(), from: ['requested'] });
      return { kind: 'conflict', slot, host };
    }
    throw error;
  }

  let slot: Slot;
  try {
    slot = await deps.slots.transition(slotId, {
      to: taken.verdict.to,
      cause: action === 'confirm' ? 'host_confirmed' : 'host_denied',
      at: deps.now(),
      from: ['requested'],
      set: { decision: null },
    });
  } catch (error) {
    // Something else (the guest, via Google) moved the slot on while we were at Google.
    if (error instanceof SlotMoved) return { kind: 'conflict', slot: await deps.slots.require(slotId), host };
    throw error;
  }
  await deps.notices.decisionMade({ slotId, slot, host }, action);
  return { kind: 'done', action, repeated: false, slot, host };
}

async function applyAtGoogle(deps: DecisionDeps, host: Subscriber, slotId: string, slot: Slot, action: DecisionAction): Promise<void> {
  const target = calendarTarget(deps.calendars, slot.subscriberId, host);
  const calendarId = slot.calendarId;
  // No event was ever written for a slot of a host without a Google calendar.
  if (target.kind === 'none' || !calendarId) return;
  if (target.kind === 'google_broken') throw new HostCalendarUnavailable('connection_broken');
  const calendar = target.session;
  try {
    if (action === 'deny') {
      // Google tells the guest (sendUpdates=all) in the invite flow; a HOLD event had no guest.
      await calendar.deleteEvent(calendarId, slot.eventId, slot.inviteMode === 'google' ? 'all' : 'none').catch((error: unknown) => {
        if (!(error instanceof EventGone)) throw error;
      });
    } else {
      // Patching a deleted event would bring it back: read it first.
      const event = await calendar.getEvent(calendarId, slot.eventId);
      if (event.status === 'cancelled') throw new EventGone('the event was deleted in Google', 410, 'deleted');
      if (slot.inviteMode === 'google') {
        await calendar.patchEvent(calendarId, slot.eventId, { status: 'confirmed', attendees: withHostAccepted(event, calendarId) }, 'all');
      } else {
        // The guest hears from our .ics mail; Google mails nobody.
        await calendar.patchEvent(calendarId, slot.eventId, confirmedHold(slot, host), 'none');
      }
    }
  } catch (error) {
    if (error instanceof EventGone) throw error;
    deps.log.warn({ err: error, slotId, action }, 'the host calendar refused the decision; nothing changed');
    if (error instanceof ConnectionRevoked) throw new HostCalendarUnavailable('connection_broken', { cause: error });
    if (error instanceof CalendarError) throw new HostCalendarUnavailable('google_unavailable', { cause: error });
    throw error;
  }
}
