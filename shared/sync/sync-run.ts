// One run of a calendar's sync, under its lease: the pages of changes since the sync token, each
// change applied (./apply-change) and the busy time kept from the same pages (./keep-busy), then
// the next token saved; or, on 410 or with no token, the full resync. The lease is checked and
// extended between pages (./held-lease).
import { logEvent } from '../business-events';
import { inviteInFlight } from '../booking/invite-in-flight';
import type { Coverage } from '../busy/busy-plan';
import { busyHorizon } from '../busy/horizon';
import type { Watch } from '../channels/watches';
import type { CalendarSession, GoogleEvent } from '../google/calendar';
import { ConnectionRevoked, EventGone, SyncTokenExpired } from '../google/errors';
import { EVENT_TAG, eventIdForSlot } from '../google/event-identity';
import type { Subscriber } from '../store/subscribers';
import { forEachWithin } from '../work-pool';
import { applyEventChange } from './apply-change';
import { keepLease, updateWhileHeld } from './held-lease';
import { busyCoverageOf, busyKept, rebuildBusy, type KeepBusyDeps } from './keep-busy';
import type { SyncDeps } from './sync-deps';

/** How far back a full resync looks for our events. */
const RESYNC_PAST_MS = 30 * 24 * 60 * 60_000;

/** One run under the lease `holder` holds, within `deadline`: how many changes needed anything. */
export async function runOnce(deps: SyncDeps, key: string, holder: string, deadline: number): Promise<number> {
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
