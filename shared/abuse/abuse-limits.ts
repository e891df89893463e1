// The abuse limits, checked before a booking or an availability view reaches Google. One client
// booked 282 slots in 22 s; every booking makes Google mail an invite, with text the client chose,
// to any address it names; every availability view is a freeBusy call on the host's quota (600 a
// minute per user). So one client address may ask only so often, and the requests waiting for a
// host's answer are bounded per guest and per host. The decision is ./decide-limit; the counts
// are kept in Firestore, because instances share no memory.
import { findHost } from '../booking/availability-service';
import type { AbuseLimits } from '../config';
import type { BookingRequestRepository } from '../store/booking-requests';
import type { PendingRequests } from '../store/pending-requests';
import type { RateLimitCounters } from '../store/rate-limit-counters';
import type { SubscriberRepository } from '../store/subscribers';
import { decideLimits, windowAt, type LimitName, type LimitVerdict } from './decide-limit';

const MESSAGES: Record<LimitName, (seconds: number) => string> = {
  booking_attempts_per_address: (seconds) => `Too many booking requests from your network just now. Please try again in ${seconds} seconds.`,
  availability_views_per_address: (seconds) => `Too many requests for free times from your network just now. Please try again in ${seconds} seconds.`,
  pending_per_guest: () => 'You already have as many requests waiting for this host as we accept. Please wait for the host to answer them.',
  pending_per_host: () => 'This host has as many requests waiting for an answer as we accept. Please try again later.',
};

/** Over an abuse limit: nothing was done; the client may try again after `retryAfterSeconds`. */
export class RateLimited extends Error {
  constructor(
    readonly limit: LimitName,
    readonly retryAfterSeconds: number,
  ) {
    super(MESSAGES[limit](retryAfterSeconds));
    this.name = 'RateLimited';
  }
}

export interface AbuseDeps {
  rateLimitCounters: RateLimitCounters;
  pendingRequests: PendingRequests;
  subscribers: SubscriberRepository;
  requests: BookingRequestRepository;
  limits: AbuseLimits;
  now: () => Date;
}

const MINUTE_MS = 60_000;

function enforce(verdict: LimitVerdict): void {
  if (!verdict.allowed) throw new RateLimited(verdict.name, verdict.retryAfterSeconds);
}

/** Counts a request of one client in this minute's window; RateLimited once over `max`. */
async function countPerMinute(deps: AbuseDeps, name: LimitName, client: string, max: number): Promise<void> {
  const now = deps.now();
  const window = windowAt(now, MINUTE_MS);
  const counter = { scope: name, client, window };
  const judge = (count: number) => enforce(decideLimits([{ name, max, count, resetsAt: window.end }], now));
  // Read first: a client already over is refused without a write, so a flood from one address
  // queues no writes on its counter (Firestore keeps up about one write a second on a document).
  judge((await deps.rateLimitCounters.read(counter)) + 1);
  judge(await deps.rateLimitCounters.add(counter));
}

/** Before an availability view (a Google freeBusy call): per client address and minute. */
export async function admitAvailabilityView(deps: AbuseDeps, client: string): Promise<void> {
  await countPerMinute(deps, 'availability_views_per_address', client, deps.limits.availabilityViewsPerMinute);
}

export interface BookingAttempt {
  /** The client's address key (./client-address). */
  client: string;
  /** The host's booking link name. */
  host: string;
  /** As the booking stores it (lower case). */
  guestEmail: string;
  idempotencyKey?: string | undefined;
}

/**
 * Before a booking request: attempts per client address and minute, then the requests waiting
 * for this host's answer, the guest's and all of them. An unknown host is UnknownHost, as booking.
 */
export async function admitBookingAttempt(deps: AbuseDeps, attempt: BookingAttempt): Promise<void> {
  await countPerMinute(deps, 'booking_attempts_per_address', attempt.client, deps.limits.bookingAttemptsPerMinute);
  const { id: hostId } = await findHost(deps.subscribers, attempt.host);
  // A retry with the key of a request already made waits for nothing new: it gets that request's answer.
  if (attempt.idempotencyKey && (await deps.requests.get(hostId, attempt.idempotencyKey))) return;
  const [ofGuest, ofHost] = await Promise.all([deps.pendingRequests.ofGuest(hostId, attempt.guestEmail), deps.pendingRequests.ofHost(hostId)]);
  enforce(
    decideLimits(
      [
        { name: 'pending_per_guest', max: deps.limits.pendingPerGuest, count: ofGuest + 1, resetsAt: null },
        { name: 'pending_per_host', max: deps.limits.pendingPerHost, count: ofHost + 1, resetsAt: null },
      ],
      deps.now(),
    ),
  );
}
