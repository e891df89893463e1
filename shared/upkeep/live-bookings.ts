// Which calendars have live future bookings (a slot requested or booked that has not ended): the
// only ones whose drift can hurt anyone (a guest's decline not seen, a moved event not followed),
// so the reconcile takes them first and every run (issue 16), the others within a longer bound.
//
// Kept as `liveUntil` on the watch (../channels/watches: the end of its latest live slot), not
// computed from the slots each run: at 100,000 hosts a per-page slots query is one query per host
// per run, while the field costs one read of each slot changed since the last run (the slots'
// `updatedAt`, from a mark in `upkeep/liveBookings`) and one write per calendar that gains a later
// booking. A booking cancelled before its end leaves the mark until that end: its calendar is
// reconciled more often than needed, never less.
import type { Firestore } from '@google-cloud/firestore';
import { watchKey } from '../channels/watches';
import { withDates } from '../store/firestore';
import { slotSchema, type Slot } from '../store/slots';

/** The interval a watched calendar is reconciled within: short while it has live bookings. */
export function reconcileIntervalFor(watch: { liveUntil?: Date | null }, now: Date, intervals: { liveMs: number; idleMs: number }): number {
  return watch.liveUntil && watch.liveUntil > now ? intervals.liveMs : intervals.idleMs;
}

/** The calendar a slot makes live, and until when; none for a slot that is over or not live. */
export function liveMark(slot: Pick<Slot, 'subscriberId' | 'calendarId' | 'status' | 'end'>, now: Date): { key: string; until: Date } | undefined {
  if (slot.calendarId === null || (slot.status !== 'requested' && slot.status !== 'booked') || slot.end <= now) return undefined;
  return { key: watchKey(slot.subscriberId, slot.calendarId), until: slot.end };
}

export class LiveBookings {
  constructor(private readonly db: Firestore) {}

  private get mark() {
    return this.db.collection('upkeep').doc('liveBookings');
  }

  /**
   * Marks the watches of slots changed since the last mark that are live (their `liveUntil` moved
   * to the slot's end if later), then moves the mark. The mark moves to when this read began, so
   * a slot changed while it read is read again next time. Returns how many watches it marked.
   */
  async markChanged(now: Date): Promise<number> {
    const since = (await this.mark.get()).get('until') as { toDate(): Date } | undefined;
    const changed = await this.db
      .collection('slots')
      .where('updatedAt', '>', since?.toDate() ?? new Date(0))
      .get();
    const latest = new Map<string, Date>();
    for (const doc of changed.docs) {
      const parsed = slotSchema.safeParse(withDates(doc.data()));
      const mark = parsed.success ? liveMark(parsed.data, now) : undefined;
      if (mark && (latest.get(mark.key) ?? new Date(0)) < mark.until) latest.set(mark.key, mark.until);
    }
    const watches = this.db.collection('googleCalendarWatches');
    const snaps = latest.size > 0 ? await this.db.getAll(...[...latest.keys()].map((key) => watches.doc(key))) : [];
    await Promise.all(
      snaps.map((snap) => {
        const until = latest.get(snap.id)!;
        const had = (snap.get('liveUntil') as { toDate(): Date } | null | undefined)?.toDate();
        if (!snap.exists || (had && had >= until)) return undefined;
        // The one field: a sync's write in between keeps its own; two marks race to the same max.
        return snap.ref.update({ liveUntil: until });
      }),
    );
    await this.mark.set({ until: now });
    return latest.size;
  }
}
