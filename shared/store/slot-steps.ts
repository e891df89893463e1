// Slots holding a step (`decision`) taken before a time: the scheduled run's query for steps whose
// instance stopped (shared/upkeep/stalled-decisions). Few at any time: a step is cleared in the
// write that records it, within seconds.
import { FieldPath, type Firestore } from '@google-cloud/firestore';
import { withDates } from './firestore';
import { slotSchema, type Slot } from './slots';

/** The step's time and slot id of the last slot of a page, to read the next after it. */
export type StepCursor = { slotId: string; at: Date };

/** Slots whose step was taken at or before `cutoff`, oldest first, a page after `after`. */
export async function stepsTakenBefore(db: Firestore, cutoff: Date, limit: number, after?: StepCursor): Promise<{ slotId: string; slot: Slot }[]> {
  let query = db.collection('slots').where('decision.at', '<=', cutoff).orderBy('decision.at').orderBy(FieldPath.documentId());
  if (after) query = query.startAfter(after.at, after.slotId);
  const found = await query.limit(limit).get();
  return found.docs.map((doc) => ({ slotId: doc.id, slot: slotSchema.parse(withDates(doc.data())) }));
}
