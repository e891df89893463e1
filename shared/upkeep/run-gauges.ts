// The figures an operator's alerts watch, read once at the end of each scheduled run and written
// on its `upkeep.run` line (shared/business-events.ts), where Cloud Logging's metrics read them
// as gauges (infra/monitoring). Aggregation queries (count()) and one single-document read: the
// cost does not grow with the install.
import type { Firestore, Query } from '@google-cloud/firestore';
import { withDates } from '../store/firestore';

const HOUR_MS = 3_600_000;

export interface RunGauges {
  channelsPending: number;
  channelsActive: number;
  /** Live channels whose expiration is within 24 h (renewed ones have moved on by 7 days). */
  channelsExpiringWithin24h: number;
  /** Within 12 h: the run renews everything inside its 48 h window, so any here was not renewed. */
  channelsExpiringWithin12h: number;
  outboxDepth: number;
  /** Age of the oldest mail still pending, 0 when none. */
  oldestMailAgeSeconds: number;
}

export async function readRunGauges(db: Firestore, now: Date): Promise<RunGauges> {
  const channels = db.collection('googleCalendarChannels');
  const pending = db.collection('mailOutbox').where('status', '==', 'pending');
  const count = async (query: Query) => (await query.count().get()).data().count;
  const within = (hours: number) => channels.where('expiration', '>=', now).where('expiration', '<', new Date(now.getTime() + hours * HOUR_MS));
  const [channelsPending, channelsActive, channelsExpiringWithin24h, channelsExpiringWithin12h, outboxDepth, oldest] = await Promise.all([
    count(channels.where('state', '==', 'pending')),
    count(channels.where('state', '==', 'active')),
    count(within(24)),
    count(within(12)),
    count(pending),
    // Uses the (status, createdAt) index of infra/firestore/firestore.indexes.json.
    pending.orderBy('createdAt').limit(1).get(),
  ]);
  const createdAt = oldest.empty ? undefined : withDates(oldest.docs[0]?.get('createdAt'));
  const oldestMailAgeSeconds = createdAt instanceof Date ? Math.max(0, Math.floor((now.getTime() - createdAt.getTime()) / 1000)) : 0;
  return { channelsPending, channelsActive, channelsExpiringWithin24h, channelsExpiringWithin12h, outboxDepth, oldestMailAgeSeconds };
}
