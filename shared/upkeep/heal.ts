// The run's heal (step 2): a watched calendar with no live channel gets one; a channel nobody wants
// is stopped. It walks hosts, then channels, from a cursor, so a run out of time resumes there.
import { logEvent } from '../business-events';
import { isUsable } from '../channels/channel-service';
import type { Channel } from '../channels/channels';
import { bucketOf, watchKey } from '../channels/watches';
import { CalendarNotFound, ConnectionRevoked } from '../google/errors';
import type { Subscriber } from '../store/subscribers';
import { forEachWithin } from '../work-pool';
import { channelVerdict, watchedCalendarsOf } from './decisions';
import { calendarGone } from './gone-calendars';
import { COSTS } from './call-budget';
import type { UpkeepDeps } from './run-upkeep';
import { emptyTally, mayCall, PAGE, type Pool, type Tally } from './tally';
import { inShard, WHOLE, type Shard } from './shards';
import { START, type HealCursor } from './upkeep-state';

/** From the cursor to the end of the cycle (hosts, then channels); returns where to resume. */
export async function heal(deps: UpkeepDeps, pool: Pool, from: HealCursor): Promise<{ tally: Tally; cursor: HealCursor }> {
  const tally = emptyTally();
  let after = from.after;
  // A cycle begun now, or the one the cursor is in: the cursors carry when (./decisions healDue).
  const fresh = from.phase === 'hosts' && from.after === null;
  const cycleStartedAt = fresh ? deps.now() : (from.cycleStartedAt ?? null);
  if (from.phase === 'hosts') {
    const walked = await walk((a) => deps.subscribers.page(a, PAGE), after, pool, () => true, (hosts) => hostHealer(deps, hosts, pool.shard ?? WHOLE, tally, pool.deadline));
    if (!walked.done) return { tally: { ...tally, remaining: 1 }, cursor: { phase: 'hosts', after: walked.after, cycleStartedAt } };
    after = null;
  }
  const ours = ({ channel }: { id: string; channel: Channel }) => inShard(bucketOf(watchKey(channel.subscriberId, channel.calendarId)), pool.shard ?? WHOLE);
  const walked = await walk((a) => deps.channels.channels.page(a, PAGE), after, pool, ours, (channels) => channelHealer(deps, channels, tally, pool.deadline));
  if (!walked.done) return { tally: { ...tally, remaining: 1 }, cursor: { phase: 'channels', after: walked.after, cycleStartedAt } };
  return { tally, cursor: { ...START, cycleStartedAt } };
}

/**
 * Pages through a collection in id order from `after`, reading what a page needs in a few round
 * trips (`prepare`), then working on its items in this run's shard (`ours`) a few at a time, until
 * done or out of time; then says where to resume (after the last item started). Hosts carry no
 * bucket to query by (their calendars may be in several): each shard's heal reads every page and
 * works on its own calendars and channels, by the bucket of their watch key, so a calendar, its
 * watch and its channels are one shard's (reads are cheap beside Calendar calls, and the heal
 * resumes at its cursor over as many runs as it needs).
 */
async function walk<T extends { id: string }>(
  page: (after: string | null) => Promise<T[]>,
  from: string | null,
  pool: Pool,
  ours: (item: T) => boolean,
  prepare: (items: T[]) => Promise<(item: T) => Promise<void>>,
): Promise<{ done: true } | { done: false; after: string | null }> {
  let after = from;
  for (;;) {
    if (Date.now() >= pool.deadline) return { done: false, after };
    const read = await page(after);
    const items = read.filter(ours);
    const started = await forEachWithin(items, pool, await prepare(items));
    if (started < items.length) return { done: false, after: items[started - 1]?.id ?? after };
    const last = read.at(-1);
    if (read.length < PAGE || !last) return { done: true };
    after = last.id;
  }
}

/**
 * A watched calendar with no live channel gets one. A watch still in its pre-deploy shape (the
 * sync state on its channel) is migrated on the way, so the reconcile's queries find it.
 */
async function hostHealer(deps: UpkeepDeps, hosts: { id: string; subscriber: Subscriber }[], shard: Shard, tally: Tally, deadline: number) {
  // A host's calendars may be in several shards: each shard heals those in its buckets.
  const ours = (id: string) => (calendarId: string) => inShard(bucketOf(watchKey(id, calendarId)), shard);
  const keys = hosts.flatMap(({ id, subscriber }) => watchedCalendarsOf(subscriber).filter(ours(id)).map((calendarId) => watchKey(id, calendarId)));
  for (const key of await deps.channels.watches.unmigrated(keys)) await deps.channels.watches.get(key);
  // Watches from before buckets get theirs here: after one heal cycle every sharded query finds them.
  await deps.channels.watches.writeMissingBuckets(keys);
  const current = await deps.channels.watches.currentOf(keys);
  const channels = await deps.channels.channels.getMany([...new Set(current.values())]);
  const now = deps.now();
  return async ({ id, subscriber }: { id: string; subscriber: Subscriber }): Promise<void> => {
    for (const calendarId of watchedCalendarsOf(subscriber).filter(ours(id))) {
      const channel = channels.get(current.get(watchKey(id, calendarId)) ?? '');
      if (channel && isUsable(channel, now)) continue;
      // A revoked grant ends the host's every watch: no use trying their other calendars.
      if ((await healCalendar(deps, id, subscriber, calendarId, tally, deadline)) === 'connection_lost') return;
    }
  };
}

/** A watched calendar of the host with no live channel gets one. */
async function healCalendar(deps: UpkeepDeps, id: string, subscriber: Subscriber, calendarId: string, tally: Tally, deadline: number): Promise<'done' | 'connection_lost'> {
  // Out of calls for this run: the next heal pass finds the calendar still without a channel.
  if (!(await mayCall(deps, COSTS.heal, deadline))) return 'done';
  try {
    const { created } = await deps.channels.ensureChannel(id, subscriber, calendarId);
    if (!created) return 'done';
    deps.log.info({ subscriberId: id, calendarId }, 'heal: the watched calendar had no live channel; one was created');
    tally.healed += 1;
  } catch (error) {
    if (error instanceof ConnectionRevoked) {
      await connectionLost(deps, id, undefined, tally);
      return 'connection_lost';
    }
    // Known and told (a default) or dropped (a conflict calendar): trying again each pass costs one call.
    if (error instanceof CalendarNotFound) await calendarGone(deps, id, subscriber, calendarId);
    else {
      deps.log.warn({ err: error, subscriberId: id, calendarId }, 'heal: could not create the missing channel');
      logEvent(deps.log, 'channel.upkeep_failed', { step: 'heal', hostId: id });
      tally.failed += 1;
    }
  }
  return 'done';
}

/** A channel whose host or calendar is gone, or that an interrupted step left behind, is stopped. */
async function channelHealer(deps: UpkeepDeps, page: { id: string; channel: Channel }[], tally: Tally, deadline: number) {
  // Channels from before buckets get theirs here, as the watches do in hostHealer.
  await deps.channels.channels.writeMissingBuckets(page.map(({ id }) => id));
  const [hosts, current] = await Promise.all([
    deps.subscribers.getMany([...new Set(page.map(({ channel }) => channel.subscriberId))]),
    deps.channels.watches.currentOf(page.map(({ channel }) => watchKey(channel.subscriberId, channel.calendarId))),
  ]);
  const now = deps.now();
  return async ({ id, channel }: { id: string; channel: Channel }): Promise<void> => {
    const verdict = channelVerdict(id, channel, hosts.get(channel.subscriberId), current.get(watchKey(channel.subscriberId, channel.calendarId)), now);
    if (verdict.kind === 'keep') return;
    if (verdict.kind !== 'forget' && !(await mayCall(deps, COSTS.stop, deadline))) return;
    try {
      if (verdict.kind === 'forget') await deps.channels.forget(id);
      else if ((await deps.channels.stopChannel(id)) === 'kept') {
        logEvent(deps.log, 'channel.upkeep_failed', { step: 'heal', channelId: id, hostId: channel.subscriberId });
        tally.failed += 1;
        return;
      }
      deps.log.info({ channelId: id, subscriberId: channel.subscriberId, reason: verdict.reason }, 'heal: channel stopped');
      tally.healed += 1;
    } catch (error) {
      deps.log.warn({ err: error, channelId: id }, 'heal: could not stop the channel');
      logEvent(deps.log, 'channel.upkeep_failed', { step: 'heal', channelId: id, hostId: channel.subscriberId });
      tally.failed += 1;
    }
  };
}

/** The host revoked us: marked broken, channels dropped, host told (as a sync does it). */
export async function connectionLost(deps: UpkeepDeps, subscriberId: string, channelId: string | undefined, tally: Tally): Promise<void> {
  try {
    await deps.sync.connectionLost(subscriberId, channelId);
    tally.healed += 1;
  } catch (error) {
    deps.log.warn({ err: error, subscriberId }, 'could not record the revoked Google connection; the next run tries again');
    tally.failed += 1;
  }
}
