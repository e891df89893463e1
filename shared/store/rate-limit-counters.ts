// `rateLimitCounters/{scope}_{client hash}_{window start}`: how many requests of one kind one
// client made in one fixed window. One small document per client and window keeps contention
// off any shared document; a count is a blind server-side increment (no transaction to lose a
// race and retry). `expireAt` carries the Firestore TTL policy (infra/firestore): a window's
// document is useless once it ends, and TTL deletes it, usually within a day.
import { createHash } from 'node:crypto';
import { FieldValue, type DocumentReference, type Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import { withDates } from './firestore';

export const rateLimitCounterSchema = z.object({
  scope: z.string().min(1),
  count: z.number().int().min(0),
  windowStart: z.date(),
  expireAt: z.date(),
});
export type RateLimitCounter = z.infer<typeof rateLimitCounterSchema>;

/** One client's count of one kind of request in one window. */
export interface CounterName {
  scope: string;
  /** The client (an address key): stored only as a hash, it is personal data. */
  client: string;
  window: { start: Date; end: Date };
}

export class RateLimitCounters {
  constructor(private readonly db: Firestore) {}

  private ref(name: CounterName) {
    const client = createHash('sha256').update(name.client).digest('hex').slice(0, 32);
    return this.db.collection('rateLimitCounters').doc(`${name.scope}_${client}_${name.window.start.getTime()}`);
  }

  private async countOf(ref: DocumentReference): Promise<number> {
    const snap = await ref.get();
    return snap.exists ? rateLimitCounterSchema.parse(withDates(snap.data())).count : 0;
  }

  /** The count so far; 0 before the first request of the window. */
  read(name: CounterName): Promise<number> {
    return this.countOf(this.ref(name));
  }

  /**
   * Counts one more request and answers the count with it and with any that raced it: read after
   * the write, so of n racing requests the last to read sees n, and a limit is never overrun.
   */
  async add(name: CounterName): Promise<number> {
    const ref = this.ref(name);
    await ref.set({ scope: name.scope, count: FieldValue.increment(1), windowStart: name.window.start, expireAt: name.window.end }, { merge: true });
    return this.countOf(ref);
  }
}
