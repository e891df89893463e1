// The scheduled run that keeps every host's calendar watched and in sync without a task queue of
// our own (DESIGN §5). Each run, within a time budget below the scheduler's attempt deadline:
//   1. renew   every channel expiring inside the window (new channel first, then the old stopped);
//   2. heal    a watched calendar with no live channel gets one; a channel nobody wants is stopped
//              (./heal: resumes at a cursor: hosts, then channels, then from the start again, at
//              most once per `healIntervalMs`: the walk reads every host and channel);
//   3. reconcile  an incremental sync of every watched calendar not synced within the interval, so
//              a lost push is caught within one scheduler period; a calendar Google says is gone is
//              healed (./reconcile, ./gone-calendars);
//   4. outbox  mail SendGrid did not take is sent again (backoff and giving up are the mailer's);
//   5. invites bookings whose request died while making the invite are completed or released
//              (./stalled-invites).
//   6. steps   a confirm, deny or cancel whose instance stopped is recorded as it would have been
//              (its cause, its mail) if Google has its outcome, else released (./stalled-decisions).
// Renewal, reconciliation and the outbox resume by themselves: what was done leaves their queries.
import { randomUUID } from 'node:crypto';
import { logEvent } from '../business-events';
import type { ExpiryCursor } from '../channels/channel-repository';
import { NoGoogleConnection, type ChannelService } from '../channels/channel-service';
import type { Channel } from '../channels/channels';
import { ConnectionRevoked } from '../google/errors';
import type { Logger } from '../log';
import type { Mailer } from '../mail/mailer';
import { sendDueMail } from '../mail/outbox-job';
import type { MailOutboxRepository } from '../store/mail-outbox';
import type { SubscriberRepository } from '../store/subscribers';
import type { SyncDeps } from '../sync/sync-channel';
import { bucketOf, watchKey } from '../channels/watches';
import { COSTS, type CallPacer } from './call-budget';
import { healDue, needsRenewal } from './decisions';
import type { LiveBookings } from './live-bookings';
import { forEachPaged } from './paged-work';
import { connectionLost, heal } from './heal';
import { reconcile, SYNC_BUDGET_MS } from './reconcile';
import { settleStalledDecisions } from './stalled-decisions';
import { settleStalledInvites, type StalledInviteDeps } from './stalled-invites';
import { emptyTally, mayCall, PAGE, rangeOf, type Pool, type Tally } from './tally';
import { shardName, WHOLE, type Shard } from './shards';
import type { HealCursor, UpkeepStateRepository } from './upkeep-state';

export { reconcile } from './reconcile';

export interface UpkeepDeps {
  channels: ChannelService;
  subscribers: SubscriberRepository;
  state: UpkeepStateRepository;
  sync: SyncDeps;
  mailer: Mailer;
  outbox: MailOutboxRepository;
  /** For bookings whose request died while making the invite (./stalled-invites). */
  invites: StalledInviteDeps;
  now: () => Date;
  log: Logger;
  /** Paces the run's Calendar calls under the project's rate (./call-budget); none: unpaced. */
  pacer?: CallPacer;
  /** Marks the calendars with live bookings, reconciled first (./live-bookings); none: no marks. */
  live?: LiveBookings;
}

export interface UpkeepOptions {
  /** Renew channels expiring within this much time. */
  windowMs: number;
  /** Reconcile calendars with live bookings not synced within this much time. */
  reconcileIntervalMs: number;
  /** Reconcile the other calendars not synced within this much time; by default the same. */
  idleReconcileIntervalMs?: number;
  /** Wall-clock time the run may start work in; in-flight work then finishes. */
  budgetMs: number;
  concurrency: number;
  /** The part of the install this run works on (./shards); by default the whole. */
  shard?: Shard;
  /** Start a new heal cycle once the last began this long ago (./decisions healDue); by default 0: every run. */
  healIntervalMs?: number;
}

export interface UpkeepSummary {
  renewed: number;
  healed: number;
  reconciled: number;
  mailed: number;
  /** Bookings whose request died while making the invite, completed or released. */
  invitesSettled: number;
  /** Steps (confirm, deny, cancel) whose instance stopped, recorded or released. */
  stepsSettled: number;
  failed: number;
  /** Work seen but not done in this run's budget: the next run does it. */
  remaining: number;
  /** Another run held the lease: this one did nothing. */
  skipped: boolean;
  durationMs: number;
}

/** 9999-12-31T23:59:59Z, the latest time Firestore stores. */
const LATEST_TIMESTAMP_MS = 253_402_300_799_000;

export async function runUpkeep(deps: UpkeepDeps, options: UpkeepOptions): Promise<UpkeepSummary> {
  const started = Date.now();
  const deadline = started + options.budgetMs;
  const holder = randomUUID();
  // The lease outlives the budget by the time in-flight work may still take.
  const shard = options.shard ?? WHOLE;
  const cursor = await deps.state.begin(holder, deps.now(), options.budgetMs + 2 * SYNC_BUDGET_MS, shard);
  if (!cursor) {
    const summary = { ...emptyTally(), skipped: true, durationMs: Date.now() - started };
    deps.log.info({ upkeep: summary, shard: shardName(shard) }, 'renewal run skipped: another run holds the lease');
    return summary;
  }
  const tally = emptyTally();
  const pool: Pool = { concurrency: options.concurrency, deadline, shard };
  let next: HealCursor = cursor;
  // The channel steps go in order (a heal after the renewals sees their result; a reconcile after
  // the heal syncs what it made). Mail has nothing to do with channels: it goes alongside. Both
  // are awaited whatever happens: nothing may run on after the answer.
  const channelSteps = async (): Promise<void> => {
    add(tally, await renewDue(deps, { ...pool, windowMs: options.windowMs }));
    if (healDue(cursor, deps.now(), options.healIntervalMs ?? 0)) {
      const healed = await heal(deps, pool, cursor);
      add(tally, healed.tally);
      next = healed.cursor;
    }
    await markLive(deps);
    add(tally, await reconcile(deps, { ...pool, intervalMs: options.reconcileIntervalMs, idleIntervalMs: options.idleReconcileIntervalMs }));
  };
  // The outbox and the stalled invites and steps are not sharded (they are few, and two runs on
  // the same mail would send it twice): shard 0 of any count does them.
  const outcomes = await Promise.allSettled([
    channelSteps(),
    ...(shard.index === 0
      ? [
          retryMail(deps, deadline).then((mailed) => add(tally, mailed)),
          settleInvites(deps, pool).then((settled) => add(tally, settled)),
          settleSteps(deps, pool).then((settled) => add(tally, settled)),
        ]
      : []),
  ]);
  await deps.state.end(holder, next, { ...tally }, deps.now(), shard);
  for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
  const summary = { ...tally, skipped: false, durationMs: Date.now() - started };
  const line = { upkeep: summary, shard: shardName(shard) };
  if (summary.failed > 0) deps.log.warn(line, 'renewal run done, with failures');
  else deps.log.info(line, 'renewal run done');
  return summary;
}

/** Calendars whose bookings became live since the last run are marked; a failure only delays it. */
async function markLive(deps: UpkeepDeps): Promise<void> {
  try {
    await deps.live?.markChanged(deps.now());
  } catch (error) {
    deps.log.warn({ err: error }, 'could not mark the calendars with live bookings; the next run tries again');
  }
}

function add(into: Tally, part: Tally): void {
  for (const key of Object.keys(part) as (keyof Tally)[]) into[key] += part[key];
}

/**
 * Every channel whose expiration falls within the window (or every channel, for ops `--all`),
 * read a page at a time as the renewals go (./paged-work): the run holds two pages, not them all.
 */
export async function renewDue(
  deps: UpkeepDeps,
  options: { windowMs: number; concurrency: number; deadline: number; shard?: Shard; onProgress?: (done: number, total: number) => void },
): Promise<Tally> {
  const now = deps.now();
  const repository = deps.channels.channels;
  // An infinite window (ops `channels renew --all`) ends at Firestore's latest timestamp.
  const horizon = new Date(Math.min(now.getTime() + options.windowMs, LATEST_TIMESTAMP_MS));
  // The channels this run makes: with a window longer than Google grants (`--all`), they come
  // after the cursor and would be renewed again. Made after the run began (a page read ahead may
  // hold one whose renewal has not returned yet), or named by a renewal that returned.
  const made = new Set<string>();
  const madeByThisRun = (id: string, channel: Channel) => made.has(id) || channel.createdAt.getTime() > now.getTime();
  const range = rangeOf(options.shard);
  const total = options.onProgress ? await repository.countExpiringBefore(horizon, undefined, range) : 0;
  const tally = emptyTally();
  let done = 0;
  options.onProgress?.(done, total);
  const walk = await forEachPaged(
    async (after: ExpiryCursor | undefined) => {
      const page = await repository.expiringBefore(horizon, PAGE, after, range);
      const last = page.at(-1);
      return {
        items: page.filter(({ id, channel }) => !madeByThisRun(id, channel) && needsRenewal(channel, now, options.windowMs)),
        next: page.length === PAGE && last ? { expiration: last.channel.expiration!, bucket: bucketOf(watchKey(last.channel.subscriberId, last.channel.calendarId)), id: last.id } : undefined,
      };
    },
    options,
    async ({ id, channel }) => {
      if (made.has(id)) return;
      if (!(await mayCall(deps, COSTS.renew, options.deadline))) {
        tally.remaining += 1;
        return;
      }
      try {
        // Where the channel is, as listed: the renewal reads channel, watch and host in one round trip.
        const renewed = await deps.channels.renewChannel(id, { subscriberId: channel.subscriberId, calendarId: channel.calendarId });
        if (renewed) {
          made.add(renewed.channelId);
          tally.renewed += 1;
        }
      } catch (error) {
        if (error instanceof NoGoogleConnection) {
          // The host has no working grant: nothing to renew with; the channel goes.
          await deps.channels.stopChannel(id).catch(() => undefined);
          tally.healed += 1;
        } else if (error instanceof ConnectionRevoked) {
          await connectionLost(deps, channel.subscriberId, id, tally);
        } else {
          deps.log.warn({ err: error, channelId: id }, 'renewal failed; the old channel stays and the next run tries again');
          logEvent(deps.log, 'channel.upkeep_failed', { step: 'renew', channelId: id, hostId: channel.subscriberId });
          tally.failed += 1;
        }
      }
      done += 1;
      options.onProgress?.(done, total);
    },
  );
  const unread = walk.more ? await repository.countExpiringBefore(horizon, walk.more, range) : 0;
  return { ...tally, remaining: walk.left + unread };
}

/** Bookings whose request died while making the invite: completed, or their time freed. */
async function settleInvites(deps: UpkeepDeps, pool: Pool): Promise<Tally> {
  const report = await settleStalledInvites(deps.invites, pool);
  return { ...emptyTally(), invitesSettled: report.finished + report.released, failed: report.failed, remaining: report.remaining };
}

/** Steps whose instance stopped: recorded as they would have been, or released. */
async function settleSteps(deps: UpkeepDeps, pool: Pool): Promise<Tally> {
  const report = await settleStalledDecisions(deps.invites, pool);
  return { ...emptyTally(), stepsSettled: report.finished + report.released, failed: report.failed, remaining: report.remaining };
}

/** Mail waiting in the outbox, sent again until none is due or the budget is spent. */
async function retryMail(deps: UpkeepDeps, deadline: number): Promise<Tally> {
  const tally = emptyTally();
  for (;;) {
    const report = await sendDueMail({ mailer: deps.mailer, outbox: deps.outbox, now: deps.now }, { limit: 100, deadline });
    tally.mailed += report.mailed;
    tally.failed += report.failed;
    const progressed = report.mailed + report.failed + report.stillWaiting > 0;
    if (!report.remaining) return tally;
    if (!progressed || Date.now() >= deadline) return { ...tally, remaining: await deps.outbox.countDue(deps.now()) };
  }
}
