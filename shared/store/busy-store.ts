// A watched calendar's busy time as Firestore data, written only by its sync (under the
// calendar's lease: one writer at a time, ../sync/sync-channel.ts) and read by availability.
//
//   busyCalendars/{watchKey}/days/{YYYY-MM-DD}   one per UTC day of the covered range:
//       {intervals: {eventId: [{start, end}]}, expireAt}  (epoch ms; a series' instances under its id)
//   busyCalendars/{watchKey}/sources/{eventId}    what each event blocks (../busy/busy-plan.ts):
//       single events ending after the covered start, and every series with what its exceptions took
//
// A range of days is one `getAll` (one round trip) for every calendar of a host at once. An
// event's change rewrites its source and its entries on the days it touched and touches now; a
// moved horizon is expanded from the sources with no Google call. Days behind the range are read
// no more; `expireAt` lets a Firestore TTL policy delete them (infra/firestore).
//
// Our own booking events are kept like any other event: the busy time mirrors the calendar as
// Google has it (the differential test holds it to freeBusy). Availability leaves out those of the
// host's own slots and counts those slots from their claim cells instead, which change in the same
// write as our own cancel, deny or reschedule, not when Google's push of it comes back
// (../busy/booking-events.ts).
import { createHash } from 'node:crypto';
import { FieldValue, type DocumentReference, type Firestore, type WriteBatch } from '@google-cloud/firestore';
import { z } from 'zod';
import type { ListedEvent } from '../busy/busy-event';
import type { StoredEvent } from '../busy/booking-events';
import { DAY_MS, daysOf, planExtension, planPage, type BusySource, type Coverage, type Interval } from '../busy/busy-plan';

const eventTimeSchema = z.object({ date: z.string().optional(), dateTime: z.string().optional(), timeZone: z.string().optional() });

const sourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('single'), start: z.number(), end: z.number() }),
  z.object({
    kind: z.literal('series'),
    timing: z.object({ start: eventTimeSchema, end: eventTimeSchema, recurrence: z.array(z.string()), calendarTimeZone: z.string() }).nullable(),
    blocks: z.boolean(),
    overridden: z.array(z.string()),
  }),
]);

const sourceDocumentSchema = z.object({ eventId: z.string(), source: sourceSchema, until: z.number() });

const dayDocumentSchema = z.object({ intervals: z.record(z.string(), z.array(z.object({ start: z.number(), end: z.number() }))) });

/** Firestore's latest time: a series has no known end. */
const FOREVER = 253_402_300_799_000;
/** Days stay a little past their end: a view of "today" reads them until the horizon moves on. */
const EXPIRE_AFTER_MS = 2 * DAY_MS;
/** A page lists up to 2,500 events: their sources are read in parallel requests of this many. */
const READ_LIMIT = 500;
/** Firestore takes at most 500 writes in one batch. */
const BATCH_LIMIT = 450;

/** A document id for an event id (Google's are base32hex, but ids of imported events may hold more). */
function sourceDocId(eventId: string): string {
  return /^[A-Za-z0-9_-]{1,500}$/.test(eventId) && !/^__.*__$/.test(eventId) ? eventId : `h-${createHash('sha256').update(eventId).digest('hex')}`;
}

function expiryOf(day: string): Date {
  return new Date(Date.parse(day) + DAY_MS + EXPIRE_AFTER_MS);
}

function untilOf(source: BusySource): number {
  return source.kind === 'single' ? source.end : FOREVER;
}

export class BusyStore {
  constructor(private readonly db: Firestore) {}

  private calendar(key: string): DocumentReference {
    return this.db.collection('busyCalendars').doc(key);
  }

  dayRef(key: string, day: string): DocumentReference {
    return this.calendar(key).collection('days').doc(day);
  }

  private sourceRef(key: string, eventId: string): DocumentReference {
    return this.calendar(key).collection('sources').doc(sourceDocId(eventId));
  }

  /** Every stored busy document of the calendar deleted: a full resync rebuilds from nothing. */
  async reset(key: string): Promise<void> {
    await this.db.recursiveDelete(this.calendar(key));
  }

  /** Applies one listed page: each event's contribution replaced by what it is now. */
  async applyPage(key: string, events: ListedEvent[], calendarTimeZone: string, coverage: Coverage): Promise<void> {
    const ids = new Set<string>();
    for (const event of events) {
      if (event.id) ids.add(event.id);
      if (event.recurringEventId) ids.add(event.recurringEventId);
    }
    if (ids.size === 0) return;
    const stored = new Map<string, BusySource>();
    const refs = [...ids].map((id) => this.sourceRef(key, id));
    const reads = [];
    for (let first = 0; first < refs.length; first += READ_LIMIT) reads.push(this.db.getAll(...refs.slice(first, first + READ_LIMIT)));
    for (const snap of (await Promise.all(reads)).flat()) {
      const parsed = snap.exists ? sourceDocumentSchema.safeParse(snap.data()) : undefined;
      if (parsed?.success) stored.set(parsed.data.eventId, parsed.data.source);
    }
    const plan = planPage(events, stored, calendarTimeZone, coverage);
    // Days before sources: a page cut short between the two comes again (its token is not saved)
    // and, finding the old sources, clears the days they covered.
    const writes: ((batch: WriteBatch) => void)[] = [];
    for (const [day, entries] of plan.days) {
      const intervals = Object.fromEntries([...entries].map(([eventId, value]) => [eventId, value ?? FieldValue.delete()]));
      writes.push((batch) => batch.set(this.dayRef(key, day), { intervals, expireAt: expiryOf(day) }, { merge: true }));
    }
    for (const [eventId, source] of plan.sources) {
      const ref = this.sourceRef(key, eventId);
      // Most of a full listing is past events: nothing stored, nothing to write.
      if (source) writes.push((batch) => batch.set(ref, { eventId, source, until: untilOf(source) }));
      else if (stored.has(eventId)) writes.push((batch) => batch.delete(ref));
    }
    await this.commit(writes);
  }

  /** The days `to` adds to `from`, expanded from the stored sources (no Google call). */
  async extend(key: string, from: Coverage, to: Coverage): Promise<void> {
    if (to.until <= from.until) return;
    const found = await this.calendar(key).collection('sources').where('until', '>', Math.max(from.until, to.from)).get();
    const sources = new Map<string, BusySource>();
    for (const doc of found.docs) {
      const parsed = sourceDocumentSchema.safeParse(doc.data());
      if (parsed.success) sources.set(parsed.data.eventId, parsed.data.source);
    }
    const days = planExtension(sources, from, to);
    await this.commit([...days].map(([day, entries]) => (batch) => batch.set(this.dayRef(key, day), { intervals: Object.fromEntries(entries), expireAt: expiryOf(day) })));
  }

  /** Commits the writes in batches of at most BATCH_LIMIT, in order. */
  private async commit(writes: ((batch: WriteBatch) => void)[]): Promise<void> {
    for (let first = 0; first < writes.length; first += BATCH_LIMIT) {
      const batch = this.db.batch();
      for (const write of writes.slice(first, first + BATCH_LIMIT)) write(batch);
      await batch.commit();
    }
  }

  /** The day documents a range needs, for a caller that reads them with others in one `getAll`. */
  dayRefsFor(key: string, start: Date, end: Date): DocumentReference[] {
    return daysOf(start.getTime(), end.getTime()).map((day) => this.dayRef(key, day));
  }

  /** The busy intervals in [start, end) held by day documents as read (from `dayRefsFor`). */
  static intervalsIn(days: { exists: boolean; data(): unknown }[], start: Date, end: Date): Interval[] {
    return BusyStore.eventsIn(days, start, end).flatMap((event) => event.intervals);
  }

  /** Each event's busy intervals in [start, end), clipped to it, held by day documents as read. */
  static eventsIn(days: { exists: boolean; data(): unknown }[], start: Date, end: Date): StoredEvent[] {
    const [from, to] = [start.getTime(), end.getTime()];
    const byEvent = new Map<string, Interval[]>();
    for (const day of days) {
      const parsed = day.exists ? dayDocumentSchema.safeParse(day.data()) : undefined;
      if (!parsed?.success) continue;
      for (const [eventId, intervals] of Object.entries(parsed.data.intervals)) {
        const within = intervals.filter((i) => i.end > from && i.start < to).map((i) => ({ start: Math.max(i.start, from), end: Math.min(i.end, to) }));
        if (within.length > 0) byEvent.set(eventId, [...(byEvent.get(eventId) ?? []), ...within]);
      }
    }
    return [...byEvent].map(([eventId, intervals]) => ({ eventId, intervals }));
  }
}
