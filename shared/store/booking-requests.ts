// `bookingRequests/{id}`: what a booking request with an Idempotency-Key was, and what we
// answered. The same key returns the first answer and books nothing more; while the first request
// works it holds the key (a lease), so a duplicate is told to come back rather than booking or
// mailing beside it; a request that stopped half way (its answer not saved, its lease given back
// or run out) is finished by the retry, under the same slot id. See shared/booking/idempotency.
import { createHash } from 'node:crypto';
import type { DocumentReference, Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import { withDates } from './firestore';

export const bookingRequestSchema = z.object({
  subscriberId: z.string(),
  /** Hash of the request body: the same key with another body is refused. */
  requestHash: z.string(),
  slotId: z.string(),
  response: z.object({ status: z.number().int(), body: z.record(z.string(), z.unknown()) }).nullable(),
  /** The request at work on this key, until when; null once it answered or failed. Absent on records made before leases. */
  lease: z.object({ holder: z.string(), until: z.date() }).nullable().default(null),
  createdAt: z.date(),
});
export type BookingRequestRecord = z.infer<typeof bookingRequestSchema>;

function digest(...parts: string[]): Buffer {
  return createHash('sha256').update(parts.join('\u0000')).digest();
}

/**
 * The slot id a keyed request books under: the same key always names the same slot, so a retry
 * finds (and, at Google, meets the event of) the attempt before it. `attempt` counts the slot ids
 * whose event id Google had already used (shared/booking/request-booking): the first is 0.
 */
export function slotIdForKey(subscriberId: string, key: string, attempt = 0): string {
  const parts = attempt === 0 ? ['slot', subscriberId, key] : ['slot', subscriberId, key, String(attempt)];
  return digest(...parts).toString('base64url').slice(0, 22);
}

export function requestHash(body: unknown): string {
  return digest(JSON.stringify(body)).toString('hex');
}

export class BookingRequestRepository {
  constructor(private readonly db: Firestore) {}

  ref(subscriberId: string, key: string): DocumentReference {
    return this.db.collection('bookingRequests').doc(digest('request', subscriberId, key).toString('hex'));
  }

  async get(subscriberId: string, key: string): Promise<BookingRequestRecord | undefined> {
    const snap = await this.ref(subscriberId, key).get();
    return snap.exists ? bookingRequestSchema.parse(withDates(snap.data())) : undefined;
  }

  /** Reads a record in a transaction, lets `change` decide, and writes what it returns. */
  async update<T>(subscriberId: string, key: string, change: (record: BookingRequestRecord | undefined) => { record?: BookingRequestRecord; result: T }): Promise<T> {
    const ref = this.ref(subscriberId, key);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      const { record, result } = change(snap.exists ? bookingRequestSchema.parse(withDates(snap.data())) : undefined);
      if (record) tx.set(ref, bookingRequestSchema.parse(record));
      return result;
    });
  }

  /** The answer, kept for every later request with the key; the key is free of its lease. */
  async saveResponse(subscriberId: string, key: string, response: { status: number; body: Record<string, unknown> }): Promise<void> {
    await this.ref(subscriberId, key).update({ response, lease: null });
  }

  /** Forgets the key's record, if `holder` holds it: its slot is gone, and the request books afresh. */
  async forget(subscriberId: string, key: string, holder: string): Promise<void> {
    const ref = this.ref(subscriberId, key);
    await this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (snap.exists && bookingRequestSchema.parse(withDates(snap.data())).lease?.holder === holder) tx.delete(ref);
    });
  }

  /** Gives the key back after a failure, if `holder` still holds it, so a retry need not wait the lease out. */
  async release(subscriberId: string, key: string, holder: string): Promise<void> {
    await this.update(subscriberId, key, (record) => ({ record: record?.lease?.holder === holder ? { ...record, lease: null } : undefined, result: undefined }));
  }
}
