// `bookingRequests/{id}`: what a booking request with an Idempotency-Key was, and what we
// answered. The same key returns the first answer and books nothing more; a request that
// stopped half way (its answer not saved yet) is finished by the retry, under the same slot id.
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
  createdAt: z.date(),
});
export type BookingRequestRecord = z.infer<typeof bookingRequestSchema>;

function digest(...parts: string[]): Buffer {
  return createHash('sha256').update(parts.join('\u0000')).digest();
}

/** The slot id a keyed request books under: the same key always names the same slot. */
export function slotIdForKey(subscriberId: string, key: string): string {
  return digest('slot', subscriberId, key).toString('base64url').slice(0, 22);
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

  async saveResponse(subscriberId: string, key: string, response: { status: number; body: Record<string, unknown> }): Promise<void> {
    await this.ref(subscriberId, key).update({ response });
  }
}
