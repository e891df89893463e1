// Keeps our slots true to a host's calendar: pages through what changed since the calendar's
// sync token, applies each change (./apply-change), and only then saves the next token. A crash
// before the save repeats the changes, which is harmless. 410 → a full resync of our tagged
// events, reconciled both ways, under a fresh token. One sync per calendar at a time, whichever of
// its channels was pushed (./lease, on the calendar's watch: ../channels/watches); the lease is
// checked and extended between pages, and a sync that lost it stops applying. Every Google call
// of a sync ends by the sync's deadline, which is inside its lease. The pushes of a channel that
// reach one instance together take the lease (or mark the calendar dirty) in one round of writes
// (./push-rounds). The same pages keep the calendar's busy time (./keep-busy,
// ../store/busy-store.ts); a full resync rebuilds it.
import { randomUUID } from 'node:crypto';
import type { Transaction } from '@google-cloud/firestore';
import { logEvent } from '../business-events';
import { inviteInFlight } from '../booking/invite-in-flight';
import type { Coverage } from '../busy/busy-plan';
import { busyHorizon } from '../busy/horizon';
import type { ChannelRepository } from '../channels/channel-repository';
import { watchKey, type Watch, type WatchRepository } from '../channels/watches';
import { isChangedSinceRead } from '../store/firestore';
import type { CalendarSession, GoogleEvent } from '../google/calendar';
import { ConnectionRevoked, EventGone, SyncTokenExpired } from '../google/errors';
import { EVENT_TAG, eventIdForSlot } from '../google/event-identity';
import type { Logger } from '../log';
import type { BusyStore } from '../store/busy-store';
import type { Subscriber, SubscriberRepository } from '../store/subscribers';
import { forEachWithin } from '../work-pool';
import { applyEventChange, type ApplyDeps } from './apply-change';
import { busyCoverageOf, busyKept, rebuildBusy, type KeepBusyDeps } from './keep-busy';
import { afterRun, requestLease } from './lease';
import { PushRounds } from './push-rounds';

/** Longer than any sync's budget (webhook 8 s, scheduled 30 s, ops 60 s), extended between pages. */
export const LEASE_MS = 2 * 60_000;
/** How far back a full resync looks for our events. */
const RESYNC_PAST_MS = 30 * 24 * 60 * 60_000;

export interface SyncDeps extends ApplyDeps {
  channels: ChannelRepository;
  watches: WatchRepository;
  subscribers: SubscriberRepository;
  /** The calendar's busy time, kept from the same pages (../store/busy-store.ts). */
  busy: BusyStore;
  /** The host's Google session; with a `deadline` (epoch ms), its every call (retries included) ends by then. */
  sessionFor(subscriberId: string, host: Subscriber, deadline?: number): CalendarSession | undefined;
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

/** Another sync took the calendar's lease (ours ran out): whatever we hold is older than theirs. */
class LeaseLost extends Error {
  constructor(readonly key: string) {
    super(`the sync lease of ${key} was taken over`);
    this.name = 'LeaseLost';
  }
}

/** The sync's budget is spent: the rest is left dirty for the next push or scheduled run. */
class SyncOutOfTime extends Error {
  constructor(readonly key: string) {
    super(`the sync of ${key} ran out of time`);
    this.name = 'SyncOutOfTime';
  }
}

type Taken = 'acquired' | 'queued' | 'unknown';

/** This instance's rounds of pushes, by channel (module scope: instances are reused). */
const pushRounds = new PushRounds<number | undefined, { key: string; taken: Taken } | undefined>();

/**
 * A push's (or an operator's) sync: the channel's calendar is synced, under its one lease. The
 * pushes of the channel that come while this instance is taking its lease share the next round:
 * the one that opened it syncs (if the lease was free), the others are covered by that sync.
 */
export async function syncChannel(deps: SyncDeps, channelId: string, budgetMs: number, messageNumber?: number): Promise<SyncReport> {
  const holder = randomUUID();
  const { result, opened } = await pushRounds.join(channelId, messageNumber, (numbers) => recordAndTake(deps, channelId, holder, numbers));
  if (!result || result.taken === 'unknown') return { outcome: 'unknown_channel', runs: 0, changes: 0 };
  if (result.taken === 'queued' || !opened) return report(deps, result.key, { outcome: 'queued', runs: 0, changes: 0 });
  return report(deps, result.key, await syncHeld(deps, result.key, holder, budgetMs));
}

/**
 * The round's writes: the highest message number of its pushes, then the lease (or the dirty mark
 * for the holder). The number is for monitoring only (pushes may come reordered), never a
 * watermark: a write conditioned on the channel as read, skipped when another instance wrote first.
 */
async function recordAndTake(deps: SyncDeps, channelId: string, holder: string, numbers: readonly (number | undefined)[]): Promise<{ key: string; taken: Taken } | undefined> {
  const snap = await deps.channels.ref(channelId).get();
  if (!snap.exists) return undefined;
  const key = watchKey(String(snap.get('subscriberId')), String(snap.get('calendarId')));
  const highest = Math.max(0, ...numbers.filter((n) => n !== undefined));
  if (highest > Number(snap.get('lastMessageNumber') ?? 0)) {
    await deps.channels.ref(channelId).update({ lastMessageNumber: highest }, { lastUpdateTime: snap.updateTime! }).catch((error: unknown) => {
      if (!isChangedSinceRead(error)) throw error;
    });
  }
  return { key, taken: await takeLease(deps, key, holder) };
}

/**
 * Runs the calendar's sync within `budgetMs` (Cloud Run throttles work after the response, so
 * nothing runs after we return): what does not fit stays marked dirty for the next push or the
 * scheduler's reconciliation.
 */
export async function syncCalendar(deps: SyncDeps, key: string, budgetMs: number): Promise<SyncReport> {
  const holder = randomUUID();
  const taken = await takeLease(deps, key, holder);
  if (taken === 'unknown') return report(deps, key, { outcome: 'unknown_channel', runs: 0, changes: 0 });
  if (taken === 'queued') return report(deps, key, { outcome: 'queued', runs: 0, changes: 0 });
  return report(deps, key, await syncHeld(deps, key, holder, budgetMs));
}

/** `failed`: the last run ended on an error; `failuresInARow`: the watch's error count after it. */
type HeldReport = SyncReport & { failed?: boolean; failuresInARow?: number };

function report(deps: SyncDeps, key: string, held: HeldReport): SyncReport {
  logEvent(deps.log, 'sync.result', { watch: key, outcome: held.outcome, runs: held.runs, changes: held.changes, failed: held.failed === true, failuresInARow: held.failuresInARow ?? 0 });
  return { outcome: held.outcome, runs: held.runs, changes: held.changes };
}

/**
 * Runs the calendar's sync, again while notifications come during it and time is left, under the
 * lease `holder` took. The budget counts from here, not from the push's arrival: when Firestore is
 * slow to grant the lease, a budget already spent would take the lease only to give it back dirty,
 * and no sync would progress while the slowness lasted.
 */
async function syncHeld(deps: SyncDeps, key: string, holder: string, budgetMs: number): Promise<HeldReport> {
  const deadline = Date.now() + budgetMs;
  let runs = 0;
  let changes = 0;
  let failuresInARow = 0;
  for (;;) {
    runs += 1;
    // The watermark the reconcile trusts: changes made before this moment are in this run's list.
    // Not the end of the run: a change made while it applied the list is not in it.
    const listedFrom = deps.now();
    let ended: 'done' | 'failed' | 'out_of_time' = 'done';
    try {
      changes += await runOnce(deps, key, holder, deadline);
    } catch (error) {
      if (error instanceof ConnectionRevoked) {
        // Released, still dirty: the watch outlives the channels dropped now, and a reconnect's
        // first sync must find the calendar free and what was not applied still to do.
        const watch = await releaseDirty(deps, key, holder);
        if (watch) await deps.connectionLost(watch.subscriberId, watch.channelId ?? undefined);
        return { outcome: 'connection_lost', runs, changes };
      }
      if (error instanceof LeaseLost) {
        deps.log.warn({ watch: key }, 'sync lease taken over: this sync stops; the holder syncs');
        return { outcome: 'left_dirty', runs, changes };
      }
      if (error instanceof SyncOutOfTime || Date.now() >= deadline) ended = 'out_of_time';
      else {
        // Google or Firestore failed after retries: keep the need to sync, let the next push or run do it.
        deps.log.warn({ err: error, watch: key }, 'sync failed; the calendar stays dirty');
        ended = 'failed';
      }
    }
    const next = await endRun(deps, key, holder, async (tx) => {
      const watch = await deps.watches.getIn(tx, key);
      if (!watch) return 'lost' as const;
      const state = ended === 'done' ? watch : { ...watch, dirty: true };
      failuresInARow = ended === 'failed' ? watch.errorCount + 1 : ended === 'done' ? 0 : watch.errorCount;
      const timeLeft = ended === 'done' && Date.now() < deadline;
      const verdict = afterRun(state, holder, deps.now(), LEASE_MS, timeLeft);
      if (verdict.kind === 'lost') return 'lost' as const;
      tx.update(deps.watches.ref(key), {
        lease: verdict.next.lease,
        dirty: verdict.next.dirty,
        ...(ended === 'failed' ? { errorCount: watch.errorCount + 1 } : ended === 'done' ? { errorCount: 0, lastSyncedAt: listedFrom } : {}),
      });
      return verdict.kind === 'again' ? ('again' as const) : verdict.next.dirty ? ('left_dirty' as const) : ('synced' as const);
    });
    if (next === 'again') continue;
    return { outcome: next === 'lost' ? 'left_dirty' : next, runs, changes, failed: ended === 'failed', failuresInARow };
  }
}

/**
 * Records how a run ended, in a transaction. If that transaction cannot commit (Firestore under
 * contention answers a lock timeout after its retries), the lease is still given back, by a write
 * conditioned on the watch being unchanged, with the calendar left dirty: otherwise every push for
 * the lease's remaining life would find it held and count itself covered, and nothing would sync.
 */
async function endRun(deps: SyncDeps, key: string, holder: string, record: (tx: Transaction) => Promise<'again' | 'lost' | 'left_dirty' | 'synced'>): Promise<'again' | 'lost' | 'left_dirty' | 'synced'> {
  try {
    return await deps.db.runTransaction(record);
  } catch (error) {
    deps.log.warn({ err: error, watch: key }, 'could not record the end of a sync; its lease is given back and the calendar stays dirty');
    await giveBackLease(deps, key, holder);
    return 'left_dirty';
  }
}

/** Gives the lease back if still ours, the calendar dirty; not a transaction (see takeLease). */
async function giveBackLease(deps: SyncDeps, key: string, holder: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const read = await deps.watches.snapshot(key);
    if (read?.watch.lease?.holder !== holder) return;
    try {
      await deps.watches.ref(key).update({ lease: null, dirty: true }, { lastUpdateTime: read.updateTime });
      return;
    } catch (error) {
      if (!isChangedSinceRead(error)) throw error;
    }
  }
}

/**
 * Takes the lease, or marks the calendar dirty for the holder. Not a transaction: a write
 * conditioned on the document being unchanged since we read it. Under a burst, one push wins each
 * round and the others read again, find the calendar already dirty, and write nothing — where a
 * hundred transactions on one document would abort each other (DESIGN: contention).
 */
async function takeLease(deps: SyncDeps, key: string, holder: string): Promise<'acquired' | 'queued' | 'unknown'> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const read = await deps.watches.snapshot(key);
    if (!read) return 'unknown';
    const request = requestLease(read.watch, holder, deps.now(), LEASE_MS);
    if (request.kind === 'queued' && read.watch.dirty) return 'queued';
    try {
      await deps.watches.ref(key).update({ lease: request.next.lease, dirty: request.next.dirty }, { lastUpdateTime: read.updateTime });
      return request.kind;
    } catch (error) {
      if (!isChangedSinceRead(error)) throw error;
    }
  }
  // Still contended after many rounds: someone is writing this calendar's watch continuously,
  // which means a sync is running; ours is covered by the scheduler's reconciliation at worst.
  return 'queued';
}

/** Gives the lease back (if still ours), leaving the calendar dirty. */
async function releaseDirty(deps: SyncDeps, key: string, holder: string): Promise<Watch | undefined> {
  return deps.db.runTransaction(async (tx) => {
    const watch = await deps.watches.getIn(tx, key);
    if (watch?.lease?.holder === holder) tx.update(deps.watches.ref(key), { lease: null, dirty: true });
    return watch;
  });
}

/**
 * Between pages: the lease is still ours (else LeaseLost: stop, the new holder syncs) and runs on
 * for another LEASE_MS; time is left in our budget (else SyncOutOfTime).
 */
async function keepLease(deps: SyncDeps, key: string, holder: string, deadline: number): Promise<void> {
  if (Date.now() >= deadline) throw new SyncOutOfTime(key);
  await deps.db.runTransaction(async (tx) => {
    const watch = await deps.watches.getIn(tx, key);
    if (watch?.lease?.holder !== holder) throw new LeaseLost(key);
    tx.update(deps.watches.ref(key), { lease: { holder, until: new Date(deps.now().getTime() + LEASE_MS) } });
  });
}

async function runOnce(deps: SyncDeps, key: string, holder: string, deadline: number): Promise<number> {
  // A plain read (an old pointer is migrated on the way): a transaction would hold the watch while
  // the pushes' rounds wait to write it.
  const watch = (await deps.watches.snapshot(key))?.watch;
  if (!watch) return 0;
  const host = await deps.subscribers.get(watch.subscriberId);
  const session = host ? deps.sessionFor(watch.subscriberId, host, deadline) : undefined;
  if (!host || !session) return 0;
  const stillOurs = () => keepLease(deps, key, holder, deadline);
  const listedFrom = deps.now();
  const horizon = busyHorizon(listedFrom, host.schedule.maxDaysAhead);
  if (!watch.syncToken) return fullResync(deps, key, watch, host, session, holder, stillOurs, horizon);
  const built = busyCoverageOf(watch);
  try {
    // Days passed since it was last kept: the new days come from the stored sources, no Google call.
    if (built) await deps.busy.extend(key, built, horizon);
    let applied = 0;
    let nextToken: string | undefined;
    let timeZone = watch.busyTimeZone ?? host.timezone;
    for await (const page of session.changesSince(watch.calendarId, watch.syncToken)) {
      await stillOurs();
      timeZone = page.timeZone ?? timeZone;
      if (built) await deps.busy.applyPage(key, page.events, timeZone, horizon);
      applied += await applyAll(page.events, (event) => applyEventChange(deps, session, host, watch.calendarId, event));
      nextToken = page.nextSyncToken ?? nextToken;
    }
    if (nextToken) await saveSyncToken(deps, key, holder, nextToken, built ? busyKept(horizon, listedFrom, timeZone) : {});
    // Busy time never built (a calendar watched before it was kept, or a rebuild cut short): built
    // now from a full listing, after the changes to our slots are applied and their token saved,
    // so its cost never holds them back. The listing comes after that token: what changes between
    // the two is in both, and applying a change to busy time twice is harmless.
    if (!built) await updateWhileHeld(deps, key, holder, (await rebuildBusy(busyDeps(deps, key, holder), watch, host, session, stillOurs, horizon)).kept);
    return applied;
  } catch (error) {
    if (!(error instanceof SyncTokenExpired)) throw error;
    logEvent(deps.log, 'sync.resync', { watch: key });
    return fullResync(deps, key, watch, host, session, holder, stillOurs, horizon);
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

/**
 * Saves the watermark (and what the busy time now covers), only while the lease is still ours (a
 * takeover means our view is old).
 */
async function saveSyncToken(deps: SyncDeps, key: string, holder: string, syncToken: string, busy: Partial<Watch>): Promise<void> {
  await updateWhileHeld(deps, key, holder, { syncToken, updatedAt: deps.now(), ...busy });
}

/** What keeping the calendar's busy time needs of this sync: the store, and writes to its watch under its lease. */
function busyDeps(deps: SyncDeps, key: string, holder: string): KeepBusyDeps {
  return { busy: deps.busy, key, now: deps.now, recordOnWatch: (fields) => updateWhileHeld(deps, key, holder, fields) };
}

async function updateWhileHeld(deps: SyncDeps, key: string, holder: string, fields: Partial<Watch>): Promise<void> {
  await deps.db.runTransaction(async (tx) => {
    const watch = await deps.watches.getIn(tx, key);
    if (watch?.lease?.holder !== holder) throw new LeaseLost(key);
    tx.update(deps.watches.ref(key), fields);
  });
}

/**
 * 410 Gone, or no token yet: take a fresh token first (so changes made while we reconcile come
 * in the next incremental sync), from the full listing that also rebuilds the busy time, then
 * reconcile our tagged events from a bounded past to the end of the booking window, and every
 * slot we hold there whose event did not show up (deleted events may come without our tag), then
 * save the token. Changes made while the old token was stale are applied, not skipped.
 */
async function fullResync(deps: SyncDeps, key: string, watch: Watch, host: Subscriber, session: CalendarSession, holder: string, stillOurs: () => Promise<void>, horizon: Coverage): Promise<number> {
  const { token: freshToken, kept } = await rebuildBusy(busyDeps(deps, key, holder), watch, host, session, stillOurs, horizon);

  const now = deps.now();
  const timeMin = new Date(now.getTime() - RESYNC_PAST_MS);
  const timeMax = new Date(now.getTime() + (host.schedule.maxDaysAhead + 2) * 24 * 60 * 60_000);
  let applied = 0;
  const seen = new Set<string>();
  const tagged = session.events(watch.calendarId, { timeMin, timeMax, privateProperties: { [EVENT_TAG.key]: EVENT_TAG.value }, showDeleted: true, pageSize: 250 });
  for await (const page of tagged) {
    for (const event of page.events) if (event.id) seen.add(event.id);
    await stillOurs();
    applied += await applyAll(page.events, (event) => applyEventChange(deps, session, host, watch.calendarId, event));
  }
  // A slot whose invite is still being made may have no event yet: its request judges it, not us.
  const unseen = (await deps.slots.holdingIn(watch.subscriberId, watch.calendarId, timeMin, timeMax)).filter(({ slot }) => !seen.has(slot.eventId) && !inviteInFlight(slot));
  await stillOurs();
  applied += await applyAll(unseen, async ({ slotId, slot }) => {
    const event: GoogleEvent = await session.getEvent(watch.calendarId, eventIdForSlot(slotId)).catch((error: unknown) => {
      if (error instanceof EventGone) return { id: slot.eventId, status: 'cancelled' };
      throw error;
    });
    return applyEventChange(deps, session, host, watch.calendarId, event);
  });
  if (freshToken) await saveSyncToken(deps, key, holder, freshToken, kept);
  return applied;
}
