// A host's bookings as the bookings page lists them: upcoming first (soonest first), then past
// (latest first), filtered by status and by a range of start times, a page at a time.
//
// A page ends at a cursor (phase, start, slot id), so paging holds however many slots share a
// start and however the slots change between pages. The split between upcoming and past is the
// moment of the first page (`asOf`), carried in the token: a booking that starts while the host
// pages on is not listed twice, or skipped. The token is opaque to clients (base64url JSON, checked
// on the way back); it is not signed because it chooses nothing the host may not see: the host is
// the session's, and any cursor only moves within that host's own slots.
//
// Queries (both need a composite index, infra/firestore/firestore.indexes.json): subscriberId ==,
// status in, a range on start, ordered by start then document name, ascending for upcoming and
// descending for past. Every status filter is an `in` (all four when none is chosen), so one index
// per direction serves every filter.
import { FieldPath, type Firestore, type QuerySnapshot } from '@google-cloud/firestore';
import { z } from 'zod';
import { withDates } from './firestore';
import { slotSchema, type Slot, type SlotStatus } from './slots';

export interface BookingFilter {
  /** At least one. */
  statuses: readonly SlotStatus[];
  /** Slots starting in [from, to); either end open. */
  from?: Date;
  to?: Date;
}

export type Phase = 'upcoming' | 'past';

export interface PageCursor {
  /** Upcoming: starting at or after it; past: before it. Fixed by the first page. */
  asOf: Date;
  phase: Phase;
  /** The last slot of the page before, in this phase. */
  after?: { start: Date; slotId: string };
}

export interface ListedBooking {
  slotId: string;
  slot: Slot;
  phase: Phase;
}

export interface BookingsPage {
  bookings: ListedBooking[];
  next?: PageCursor;
}

/** A page token that is not one of ours, or not whole. */
export class InvalidPageToken extends Error {
  constructor() {
    super('the page token is not one this page gave out');
    this.name = 'InvalidPageToken';
  }
}

const tokenSchema = z.strictObject({
  v: z.literal(1),
  asOf: z.number().int(),
  phase: z.enum(['upcoming', 'past']),
  after: z.tuple([z.number().int(), z.string().min(1).max(200)]).optional(),
});

export function encodePageToken(cursor: PageCursor): string {
  const data: z.infer<typeof tokenSchema> = {
    v: 1,
    asOf: cursor.asOf.getTime(),
    phase: cursor.phase,
    ...(cursor.after ? { after: [cursor.after.start.getTime(), cursor.after.slotId] as [number, string] } : {}),
  };
  return Buffer.from(JSON.stringify(data)).toString('base64url');
}

/** The cursor a token names; InvalidPageToken otherwise. */
export function decodePageToken(token: string): PageCursor {
  let data: z.infer<typeof tokenSchema>;
  try {
    if (!/^[A-Za-z0-9_-]{1,400}$/.test(token)) throw new InvalidPageToken();
    data = tokenSchema.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidPageToken();
  }
  const after = data.after ? { start: new Date(data.after[0]), slotId: data.after[1] } : undefined;
  return { asOf: new Date(data.asOf), phase: data.phase, ...(after ? { after } : {}) };
}

export class HostBookings {
  constructor(private readonly db: Firestore) {}

  /** The page of `hostId`'s bookings at `cursor`, at most `size` long, and where the next begins. */
  async page(hostId: string, filter: BookingFilter, cursor: PageCursor, size: number): Promise<BookingsPage> {
    const found: ListedBooking[] = [];
    let phase: Phase | undefined = cursor.phase;
    let after = cursor.after;
    // One more than the page, to know whether another follows.
    while (phase && found.length <= size) {
      const wanted = size + 1 - found.length;
      const read = phase === 'upcoming' ? await this.upcoming(hostId, filter, cursor.asOf, after, wanted) : await this.past(hostId, filter, cursor.asOf, after, wanted);
      for (const doc of read) found.push({ ...doc, phase });
      if (read.length === wanted) break;
      phase = phase === 'upcoming' ? 'past' : undefined;
      after = undefined;
    }
    const bookings = found.slice(0, size);
    const last = bookings.at(-1);
    if (found.length <= size || !last) return { bookings };
    return { bookings, next: { asOf: cursor.asOf, phase: last.phase, after: { start: last.slot.start, slotId: last.slotId } } };
  }

  private async upcoming(hostId: string, filter: BookingFilter, asOf: Date, after: PageCursor['after'], limit: number): Promise<Omit<ListedBooking, 'phase'>[]> {
    const from = filter.from && filter.from > asOf ? filter.from : asOf;
    if (filter.to && filter.to <= from) return [];
    let query = this.db
      .collection('slots')
      .where('subscriberId', '==', hostId)
      .where('status', 'in', [...filter.statuses])
      .where('start', '>=', from)
      .orderBy('start', 'asc')
      .orderBy(FieldPath.documentId(), 'asc');
    if (filter.to) query = query.where('start', '<', filter.to);
    if (after) query = query.startAfter(after.start, after.slotId);
    return parsed(await query.limit(limit).get());
  }

  private async past(hostId: string, filter: BookingFilter, asOf: Date, after: PageCursor['after'], limit: number): Promise<Omit<ListedBooking, 'phase'>[]> {
    const to = filter.to && filter.to < asOf ? filter.to : asOf;
    if (filter.from && filter.from >= to) return [];
    let query = this.db
      .collection('slots')
      .where('subscriberId', '==', hostId)
      .where('status', 'in', [...filter.statuses])
      .where('start', '<', to)
      .orderBy('start', 'desc')
      .orderBy(FieldPath.documentId(), 'desc');
    if (filter.from) query = query.where('start', '>=', filter.from);
    if (after) query = query.startAfter(after.start, after.slotId);
    return parsed(await query.limit(limit).get());
  }
}

function parsed(snapshot: QuerySnapshot): Omit<ListedBooking, 'phase'>[] {
  return snapshot.docs.map((doc) => ({ slotId: doc.id, slot: slotSchema.parse(withDates(doc.data())) }));
}
