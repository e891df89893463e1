// A booking request that comes with an Idempotency-Key already on record: a retry, a double
// submit, or the same request sent twice at once. What it gets is decided from the key's record
// alone. Pure: tested as a table.
import type { BookingRequestRecord } from '../store/booking-requests';

/**
 * How long a request holds its key (and its slot's invite is its own) while it works: the booking
 * function's time limit (`--timeout=60s`, infra/deploy/function-limits.ts). A holder still at work
 * after that has been cut off, so a retry may take the key over and finish the booking.
 */
export const REQUEST_LEASE_MS = 60_000;

/**
 * How long after a booking request begins its Google calls may run: each is ended then, retries
 * included (functions/booking). Well inside the function's limit, so that a request Google keeps
 * waiting still undoes its slot (or finishes it) and answers, instead of being cut off.
 */
export const GOOGLE_DEADLINE_MS = 45_000;

/**
 * What a duplicate of a request still at work is told to wait, in seconds (Retry-After). A booking
 * usually answers within a second or two; asking again is one read.
 */
export const IN_FLIGHT_RETRY_AFTER_S = 1;

export type RepeatVerdict =
  /** The key came with another body: refused. */
  | { kind: 'reused' }
  /** The first request answered: this one gets the same answer. */
  | { kind: 'answered'; response: NonNullable<BookingRequestRecord['response']> }
  /** The first request is still at work (it holds the key): this one must ask again later. */
  | { kind: 'in_flight'; until: Date }
  /** The first request stopped half way (it failed, or its lease ran out): this one finishes it. */
  | { kind: 'resume' };

export function judgeRepeat(record: Pick<BookingRequestRecord, 'requestHash' | 'response' | 'lease'>, requestHash: string, now: Date): RepeatVerdict {
  if (record.requestHash !== requestHash) return { kind: 'reused' };
  if (record.response) return { kind: 'answered', response: record.response };
  if (record.lease && record.lease.until.getTime() > now.getTime()) return { kind: 'in_flight', until: record.lease.until };
  return { kind: 'resume' };
}
