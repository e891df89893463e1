// A guest asks for a time. Order matters, so that a failure anywhere leaves a state a retry
// finishes: (1) check the time is offered and free, (2) write the slot and its claim cells in one
// atomic write (no Google call or mail inside it), (3) put the event in the host's calendar,
// (4) tell people, (5) save the answer for the Idempotency-Key. A keyed request holds its key while
// it works (./idempotency): a duplicate meanwhile is told to come back, never booked beside it.
// Until step 3 (./make-invite) is done the slot is the request's alone (./invite-in-flight).
import { randomBytes } from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';
import { DateTime } from 'luxon';
import { logEvent } from '../business-events';
import { eventIdForSlot } from '../google/event-identity';
import type { Logger } from '../log';
import { requestHash, slotIdForKey, type BookingRequestRepository } from '../store/booking-requests';
import type { SlotRepository } from '../store/slot-repository';
import { SlotMoved, TimeTaken, type Guest, type Slot } from '../store/slots';
import type { Subscriber, SubscriberRepository } from '../store/subscribers';
import { findFreeSlot } from './availability';
import { busyTime, findHost } from './availability-service';
import { bufferOf, heldSpan } from './buffers';
import type { BookingNotices } from './booking-notices';
import { HostCalendarUnavailable, IdempotencyKeyInUse, IdempotencyKeyReused, SlotUnavailable } from './errors';
import { calendarTarget, type HostCalendars } from './host-calendar';
import { IN_FLIGHT_RETRY_AFTER_S, judgeRepeat, REQUEST_LEASE_MS, type RepeatVerdict } from './idempotency';
import { busyWithoutOwnEvent } from './invite-in-flight';
import { EventIdUnusable, inviteMade, ownEventStands, putInCalendar } from './make-invite';

export interface BookingDeps {
  db: Firestore;
  subscribers: SubscriberRepository;
  slots: SlotRepository;
  requests: BookingRequestRepository;
  calendars: HostCalendars;
  notices: BookingNotices;
  googleInviteEnabled: boolean;
  now: () => Date;
  log: Logger;
}

export interface BookingInput {
  host: string;
  start: Date;
  guest: Guest;
  message: string | null;
}

export interface BookingAnswer {
  status: number;
  /** `inviteMode`: who sent the guest's invitation (Google, or our mail with an .ics); absent in answers saved before it was added. */
  body: { slotId: string; status: string; start: string; end: string; inviteMode?: Slot['inviteMode'] };
  /** True when this is the saved answer to an earlier request with the same key. */
  replayed: boolean;
}

/** A request's Idempotency-Key, the hash of its body, and its own name as the key's lease holder. */
interface Keyed {
  key: string;
  hash: string;
  holder: string;
}

function newSlotId(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Slot ids one request tries. Each after the first follows an attempt whose event id Google had
 * already used (an earlier attempt under the same key was discarded and its event deleted).
 */
const MAX_ATTEMPTS = 4;

export async function requestBooking(deps: BookingDeps, input: BookingInput, idempotencyKey?: string): Promise<BookingAnswer> {
  const { id: hostId, host } = await findHost(deps.subscribers, input.host);
  const hash = requestHash({ ...input, start: input.start.toISOString() });
  const keyed = idempotencyKey ? { key: idempotencyKey, hash, holder: randomBytes(8).toString('hex') } : undefined;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await attemptBooking(deps, hostId, host, input, keyed, attempt);
    } catch (error) {
      if (!(error instanceof EventIdUnusable)) throw error;
      deps.log.info({ slotId: error.slotId, hostId, attempt }, 'the slot\'s event id is used up at Google; booking again under the next slot id');
      if (attempt + 1 >= MAX_ATTEMPTS) throw new HostCalendarUnavailable('google_unavailable', { cause: error });
    }
  }
}

async function attemptBooking(deps: BookingDeps, hostId: string, host: Subscriber, input: BookingInput, keyed: Keyed | undefined, attempt: number): Promise<BookingAnswer> {
  if (keyed) {
    const earlier = await answerRepeat(deps, hostId, host, keyed);
    if (earlier) return earlier;
  }

  const now = deps.now();
  const end = new Date(input.start.getTime() + host.schedule.slotMinutes * 60_000);
  const day = DateTime.fromJSDate(input.start, { zone: host.timezone }).toISODate() ?? '';
  // The time and the host's buffers around it must be free (./buffers); the slot holds them all.
  const buffer = bufferOf(host.schedule);
  const busy = await busyTime(deps, hostId, host, heldSpan(host.schedule, input.start, end));
  const query = { schedule: host.schedule, timezone: host.timezone, now, fromDate: day, toDate: day, busy };
  if (!findFreeSlot(query, input.start)) {
    // What holds the time may be this very request, made a moment ago under the same key.
    const earlier = keyed && (await answerRepeat(deps, hostId, host, keyed));
    if (earlier) return earlier;
    const offered = findFreeSlot({ ...query, busy: [] }, input.start);
    const own = offered && keyed && (await ownEventStands(deps, hostId, host, slotIdForKey(hostId, keyed.key, attempt), { start: input.start, end }));
    if (!own || !findFreeSlot({ ...query, busy: busyWithoutOwnEvent(busy, { start: input.start, end }) }, input.start)) {
      throw new SlotUnavailable(offered ? 'taken' : 'not_offered');
    }
  }

  const target = calendarTarget(deps.calendars, hostId, host);
  const slotId = keyed ? slotIdForKey(hostId, keyed.key, attempt) : newSlotId();
  const slot: Omit<Slot, 'claimIds'> = {
    subscriberId: hostId,
    start: input.start,
    end,
    guest: input.guest,
    message: input.message,
    status: 'requested',
    inviteMode: deps.googleInviteEnabled && target.kind === 'google' ? 'google' : 'ics',
    calendarId: target.kind === 'none' ? null : target.calendarId,
    eventId: eventIdForSlot(slotId),
    guestResponse: 'needsAction',
    history: [{ from: null, to: 'requested', cause: 'guest_booked', at: now }],
    decision: null,
    notices: [],
    // Until when this request may be at work on the invite: the booking function's time limit.
    inviteInFlight: { until: new Date(now.getTime() + REQUEST_LEASE_MS), changeSeen: false },
    buffer,
    createdAt: now,
    updatedAt: now,
  };
  const lease = keyed && { holder: keyed.holder, until: new Date(now.getTime() + REQUEST_LEASE_MS) };
  const record = keyed
    ? [{ ref: deps.requests.ref(hostId, keyed.key), data: { subscriberId: hostId, requestHash: keyed.hash, slotId, response: null, lease, createdAt: now } }]
    : [];
  try {
    await deps.slots.create(slotId, slot, record);
  } catch (error) {
    if (!(error instanceof TimeTaken)) throw error;
    // Our own key's record may be what existed: the same request is in flight or just finished.
    const earlier = keyed && (await answerRepeat(deps, hostId, host, keyed));
    if (earlier) return earlier;
    throw new SlotUnavailable('taken');
  }
  return finishBooking(deps, hostId, host, slotId, keyed);
}

/**
 * The answer to a request whose key is on record (undefined when it is not): the first answer
 * again, 409 while the first request is at work, or the booking finished where the first stopped.
 */
async function answerRepeat(deps: BookingDeps, hostId: string, host: Subscriber, keyed: Keyed): Promise<BookingAnswer | undefined> {
  const now = deps.now();
  const found = await deps.requests.get(hostId, keyed.key);
  if (!found) return undefined;
  let verdict: RepeatVerdict | undefined = judgeRepeat(found, keyed.hash, now);
  if (verdict.kind === 'resume') {
    // The key is taken over in a transaction: of two retries resuming at once, one finishes.
    const lease = { holder: keyed.holder, until: new Date(now.getTime() + REQUEST_LEASE_MS) };
    verdict = await deps.requests.update(hostId, keyed.key, (record) => {
      if (!record) return { result: undefined };
      const again = judgeRepeat(record, keyed.hash, now);
      return { record: again.kind === 'resume' ? { ...record, lease } : undefined, result: again };
    });
  }
  if (!verdict) return undefined;
  if (verdict.kind === 'reused') throw new IdempotencyKeyReused();
  if (verdict.kind === 'in_flight') throw new IdempotencyKeyInUse(IN_FLIGHT_RETRY_AFTER_S);
  if (verdict.kind === 'answered') return { ...(verdict.response as Pick<BookingAnswer, 'status' | 'body'>), replayed: true };
  if (!(await deps.slots.get(found.slotId))) {
    // The scheduled run released the slot of a request that died (./invite-in-flight): book afresh.
    await deps.requests.forget(hostId, keyed.key, keyed.holder);
    return undefined;
  }
  return finishBooking(deps, hostId, host, found.slotId, keyed);
}

/** Steps 3-5, safe to run again for the same slot: each step notices it was already done. */
async function finishBooking(deps: BookingDeps, hostId: string, host: Subscriber, slotId: string, keyed: Keyed | undefined): Promise<BookingAnswer> {
  try {
    let slot = await deps.slots.require(slotId);
    // Still requested: the calendar step may not have happened (a repeat is harmless, see below).
    if (slot.status === 'requested') {
      const made = await putInCalendar(deps, hostId, host, slotId, slot, keyed?.key);
      await inviteMade(deps, host, slotId, made);
      // Read again: the push for our own event may have been synced while Google answered us.
      slot = host.schedule.autoConfirm ? await autoConfirm(deps, slotId) : await deps.slots.require(slotId);
    }
    await deps.notices.bookingMade({ slotId, slot, host });

    const answer: BookingAnswer = {
      status: 201,
      body: { slotId, status: slot.status, start: slot.start.toISOString(), end: slot.end.toISOString(), inviteMode: slot.inviteMode },
      replayed: false,
    };
    if (keyed) await deps.requests.saveResponse(hostId, keyed.key, { status: answer.status, body: answer.body });
    logEvent(deps.log, 'booking.created', { slotId, hostId, status: slot.status, inviteMode: slot.inviteMode });
    return answer;
  } catch (error) {
    // A request that failed (rather than stopped) gives its key back: its retry need not wait.
    if (keyed) {
      await deps.requests
        .release(hostId, keyed.key, keyed.holder)
        .catch((err: unknown) => deps.log.warn({ err, slotId }, 'could not give the Idempotency-Key back; a retry waits for its lease'));
    }
    throw error;
  }
}

/**
 * An auto-confirmed booking goes in as booked, host accepted: the push-driven sync may book the
 * slot first (`host_accepted_in_google`) or move it on before this transition runs. Either way the
 * booking exists, and the slot as it is now is the answer.
 */
async function autoConfirm(deps: BookingDeps, slotId: string): Promise<Slot> {
  try {
    return await deps.slots.transition(slotId, { to: 'booked', cause: 'auto_confirmed', at: deps.now(), from: ['requested'] });
  } catch (error) {
    if (!(error instanceof SlotMoved)) throw error;
    return deps.slots.require(slotId);
  }
}
