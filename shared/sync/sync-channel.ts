// Keeps our slots true to a host's calendar: pages through what changed since the channel's
// sync token, applies each change (./apply-change), and only then saves the next token. A crash
// before the save repeats the changes, which is harmless. 410 → a full resync of our tagged
// events, reconciled both ways, under a fresh token. One sync per channel at a time (./lease).
import { randomUUID } from 'node:crypto';
import type { ChannelRepository } from '../channels/channel-service';
import { channelSchema, type Channel } from '../channels/channels';
import { isChangedSinceRead, withDates } from '../store/firestore';
import type { CalendarSession, GoogleEvent } from '../google/calendar';
import { ConnectionRevoked, EventGone, SyncTokenExpired } from '../google/errors';
import { EVENT_TAG, eventIdForSlot } from '../google/event-identity';
import type { Logger } from '../log';
import type { Subscriber, SubscriberRepository } from '../store/subscribers';
import { forEachWithin } from '../work-pool';
import { applyEventChange, type ApplyDeps } from './apply-change';
import { afterRun, requestLease } from './lease';

export const LEASE_MS = 2 * 60_000;
/** How far back a full resync looks for our events. */
const RESYNC_PAST_MS = 30 * 24 * 60 * 60_000;

export interface SyncDeps extends ApplyDeps {
  channels: ChannelRepository;
  subscribers: SubscriberRepository;
  sessionFor(subscriberId: string, host: Subscriber): CalendarSession | undefined;
  /** What to do when the host's grant is gone: mark it broken, stop its channels, tell the host once. */
  connectionLost(subscriberId: string, channelId: string | undefined): Promise<void>;
  log: Logger;
}

export interface SyncReport {
  /** `queued`: another sync holds the lease and will run again for us. */
  outcome: 'synced' | 'queued' | 'unknown_channel' | 'left_dirty' | 'connection_lost';
  runs: number;
  changes: number;
}

/**
 * Runs the channel's sync within `budgetMs` (Cloud Run throttles work after the response, so
 * nothing runs after we return): what does not fit stays marked dirty for the next push or the
 * scheduler's reconciliation.
 */
export async function syncChannel(deps: SyncDeps, channelId: string, budgetMs: number, messageNumber?: number): Promise<SyncReport> {
  const holder = randomUUID();
  const started = Date.now();
  const taken = await takeLease(deps, channelId, holder, messageNumber);
  if (taken === 'unknown') return { outcome: 'unknown_channel', runs: 0, changes: 0 };
  if (taken === 'queued') return { outcome: 'queued', runs: 0, changes: 0 };

  let runs = 0;
  let changes = 0;
  for (;;) {
    runs += 1;
    // The watermark the reconcile trusts: changes made before this moment are in this run's list.
    // Not the end of the run: a change made while it applied the list is not in it.
    const listedFrom = deps.now();
    let failed = false;
    try {
      changes += await runOnce(deps, channelId, holder);
    } catch (error) {
      if (error instanceof ConnectionRevoked) {
        const channel = await deps.channels.get(channelId);
        if (channel) await deps.connectionLost(channel.subscriberId, channelId);
        return { outcome: 'connection_lost', runs, changes };
      }
      // Google or Firestore failed after retries: keep the need to sync, let the next push or run do it.
      deps.log.warn({ err: error, channelId }, 'sync failed; the channel stays dirty');
      failed = true;
    }
    const next = await deps.db.runTransaction(async (tx) => {
      const channel = await deps.channels.getIn(tx, channelId);
      if (!channel) return 'lost' as const;
      const state = failed ? { ...channel, dirty: true } : channel;
      const timeLeft = !failed && Date.now() - started < budgetMs;
      const verdict = afterRun(state, holder, deps.now(), LEASE_MS, timeLeft);
      if (verdict.kind === 'lost') return 'lost' as const;
      tx.update(deps.channels.ref(channelId), {
        lease: verdict.next.lease,
        dirty: verdict.next.dirty,
        ...(failed ? { errorCount: channel.errorCount + 1 } : { errorCount: 0, lastSyncedAt: listedFrom }),
      });
      return verdict.kind === 'again' ? ('again' as const) : verdict.next.dirty ? ('left_dirty' as const) : ('synced' as const);
    });
    if (next === 'again') continue;
    return { outcome: next === 'lost' ? 'left_dirty' : next, runs, changes };
  }
}

/**
 * Takes the lease, or marks the channel dirty for the holder. Not a transaction: a write
 * conditioned on the document being unchanged since we read it. Under a burst, one push wins each
 * round and the others read again, find the channel already dirty, and write nothing — where a
 * hundred transactions on one document would abort each other (DESIGN: contention).
 */
async function takeLease(deps: SyncDeps, channelId: string, holder: string, messageNumber: number | undefined): Promise<'acquired' | 'queued' | 'unknown'> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const snap = await deps.channels.ref(channelId).get();
    if (!snap.exists) return 'unknown';
    const channel = channelSchema.parse(withDates(snap.data()));
    const request = requestLease(channel, holder, deps.now(), LEASE_MS);
    if (request.kind === 'queued' && channel.dirty) return 'queued';
    try {
      await deps.channels.ref(channelId).update(
        {
          lease: request.next.lease,
          dirty: request.next.dirty,
          // Monitoring only (pushes may come reordered): never used as a watermark.
          ...(messageNumber !== undefined && messageNumber > channel.lastMessageNumber ? { lastMessageNumber: messageNumber } : {}),
        },
        { lastUpdateTime: snap.updateTime! },
      );
      return request.kind;
    } catch (error) {
      if (!isChangedSinceRead(error)) throw error;
    }
  }
  // Still contended after many rounds: someone is writing this channel continuously, which
  // means a sync is running; ours is covered by the scheduler's reconciliation at worst.
  return 'queued';
}

async function runOnce(deps: SyncDeps, channelId: string, holder: string): Promise<number> {
  const channel = await deps.channels.get(channelId);
  if (!channel) return 0;
  const host = await deps.subscribers.get(channel.subscriberId);
  const session = host ? deps.sessionFor(channel.subscriberId, host) : undefined;
  if (!host || !session) return 0;
  if (!channel.syncToken) return fullResync(deps, channelId, channel, host, session, holder);
  try {
    let applied = 0;
    let nextToken: string | undefined;
    for await (const page of session.changesSince(channel.calendarId, channel.syncToken)) {
      applied += await applyAll(page.events, (event) => applyEventChange(deps, session, host, channel.calendarId, event));
      nextToken = page.nextSyncToken ?? nextToken;
    }
    if (nextToken) await saveSyncToken(deps, channelId, holder, nextToken);
    return applied;
  } catch (error) {
    if (!(error instanceof SyncTokenExpired)) throw error;
    deps.log.info({ channelId }, 'sync token expired (410): full resync');
    return fullResync(deps, channelId, channel, host, session, holder);
  }
}

/**
 * How many changes of one page are applied at once. Each event is its own slot (the event id is
 * the slot id), decided again inside its own transaction, so their order does not matter; the
 * bound keeps us well inside Google's per-user rate limit for the deletes and patches they cause.
 */
const APPLY_CONCURRENCY = 8;

/**
 * Applies every item, a few at a time, and waits for all of them: one failure does not leave the
 * others undone. Returns how many needed anything. If any failed, throws (a revoked grant before
 * any other error, since it decides what happens to the channel): the token is then not saved and
 * the whole page comes again, which is harmless because every change is safe to repeat.
 */
async function applyAll<T>(items: readonly T[], apply: (item: T) => Promise<boolean>): Promise<number> {
  let applied = 0;
  const failures: unknown[] = [];
  await forEachWithin(items, { concurrency: APPLY_CONCURRENCY, deadline: Infinity }, async (item) => {
    try {
      if (await apply(item)) applied += 1;
    } catch (error) {
      failures.push(error);
    }
  });
  if (failures.length > 0) throw failures.find((e) => e instanceof ConnectionRevoked) ?? failures[0];
  return applied;
}

/** Saves the watermark, only while the lease is still ours (a takeover means our view is old). */
async function saveSyncToken(deps: SyncDeps, channelId: string, holder: string, syncToken: string): Promise<void> {
  await deps.db.runTransaction(async (tx) => {
    const channel = await deps.channels.getIn(tx, channelId);
    if (channel?.lease?.holder !== holder) return;
    tx.update(deps.channels.ref(channelId), { syncToken, updatedAt: deps.now() });
  });
}

/**
 * 410 Gone, or no token yet: take a fresh token first (so changes made while we reconcile come
 * in the next incremental sync), then reconcile our tagged events from a bounded past to the end
 * of the booking window, and every slot we hold there whose event did not show up (deleted
 * events may come without our tag), then save the token. Changes made while the old token was
 * stale are applied, not skipped.
 */
async function fullResync(deps: SyncDeps, channelId: string, channel: Channel, host: Subscriber, session: CalendarSession, holder: string): Promise<number> {
  const freshToken = await session.syncToken(channel.calendarId);

  const now = deps.now();
  const timeMin = new Date(now.getTime() - RESYNC_PAST_MS);
  const timeMax = new Date(now.getTime() + (host.schedule.maxDaysAhead + 2) * 24 * 60 * 60_000);
  let applied = 0;
  const seen = new Set<string>();
  const tagged = session.events(channel.calendarId, { timeMin, timeMax, privateProperties: { [EVENT_TAG.key]: EVENT_TAG.value }, showDeleted: true, pageSize: 250 });
  for await (const page of tagged) {
    for (const event of page.events) if (event.id) seen.add(event.id);
    applied += await applyAll(page.events, (event) => applyEventChange(deps, session, host, channel.calendarId, event));
  }
  const unseen = (await deps.slots.holdingIn(channel.subscriberId, channel.calendarId, timeMin, timeMax)).filter(({ slot }) => !seen.has(slot.eventId));
  applied += await applyAll(unseen, async ({ slotId, slot }) => {
    const event: GoogleEvent = await session.getEvent(channel.calendarId, eventIdForSlot(slotId)).catch((error: unknown) => {
      if (error instanceof EventGone) return { id: slot.eventId, status: 'cancelled' };
      throw error;
    });
    return applyEventChange(deps, session, host, channel.calendarId, event);
  });
  if (freshToken) await saveSyncToken(deps, channelId, holder, freshToken);
  return applied;
}
