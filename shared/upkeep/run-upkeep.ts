// The scheduled run that keeps every host's calendar watched and in sync without a task queue of
// our own (DESIGN §5). Each run, within a time budget below the scheduler's attempt deadline:
//   1. renew   every channel expiring inside the window (new channel first, then the old stopped);
//   2. heal    a watched calendar with no live channel gets one; a channel nobody wants is stopped
//              (resumes at a cursor: hosts, then channels, then from the start again);
//   3. reconcile  an incremental sync of every channel not synced within the interval, so a lost
//              push is caught within one scheduler period;
//   4. outbox  mail SendGrid did not take is sent again (backoff and giving up are the mailer's).
// Renewal, reconciliation and the outbox resume by themselves: what was done leaves their queries.
import { randomUUID } from 'node:crypto';
import { isUsable, NoGoogleConnection, type ChannelService } from '../channels/channel-service';
import type { Channel } from '../channels/channels';
import { watchKey, type Watch } from '../channels/watches';
import { CalendarNotFound, ConnectionRevoked } from '../google/errors';
import type { Logger } from '../log';
import type { Mailer } from '../mail/mailer';
import { sendDueMail } from '../mail/outbox-job';
import type { MailOutboxRepository } from '../store/mail-outbox';
import type { Subscriber, SubscriberRepository } from '../store/subscribers';
import { syncCalendar, type SyncDeps } from '../sync/sync-channel';
import { channelVerdict, needsReconcile, needsRenewal, watchedCalendarOf } from './decisions';
import { calendarGone, healIfCalendarGone } from './gone-calendars';
import { settleStalledInvites, type StalledInviteDeps } from './stalled-invites';
import { START, type HealCursor, type UpkeepStateRepository } from './upkeep-state';
import { forEachWithin } from '../work-pool';

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
}

export interface UpkeepOptions {
  /** Renew channels expiring within this much time. */
  windowMs: number;
  /** Reconcile channels not synced within this much time. */
  reconcileIntervalMs: number;
  /** Wall-clock time the run may start work in; in-flight work then finishes. */
  budgetMs: number;
  concurrency: number;
}

export interface UpkeepSummary {
  renewed: number;
  healed: number;
  reconciled: number;
  mailed: number;
  /** Bookings whose request died while making the invite, completed or released. */
  invitesSettled: number;
  failed: number;
  /** Work seen but not done in this run's budget: the next run does it. */
  remaining: number;
  /** Another run held the lease: this one did nothing. */
  skipped: boolean;
  durationMs: number;
}

type Tally = Omit<UpkeepSummary, 'skipped' | 'durationMs'>;

const PAGE = 500;
/** 9999-12-31T23:59:59Z, the latest time Firestore stores. */
const LATEST_TIMESTAMP_MS = 253_402_300_799_000;
/** The most one reconciliation sync may take; its own budget stops it (it stays dirty). */
const SYNC_BUDGET_MS = 30_000;

function emptyTally(): Tally {
  return { renewed: 0, healed: 0, reconciled: 0, mailed: 0, invitesSettled: 0, failed: 0, remaining: 0 };
}

export async function runUpkeep(deps: UpkeepDeps, options: UpkeepOptions): Promise<UpkeepSummary> {
  const started = Date.now();
  const deadline = started + options.budgetMs;
  const holder = randomUUID();
  // The lease outlives the budget by the time in-flight work may still take.
  const cursor = await deps.state.begin(holder, deps.now(), options.budgetMs + 2 * SYNC_BUDGET_MS);
  if (!cursor) {
    const summary = { ...emptyTally(), skipped: true, durationMs: Date.now() - started };
    deps.log.info({ upkeep: summary }, 'renewal run skipped: another run holds the lease');
    return summary;
  }
  const tally = emptyTally();
  const pool: Pool = { concurrency: options.concurrency, deadline };
  let next: HealCursor = cursor;
  // The channel steps go in order (a heal after the renewals sees their result; a reconcile after
  // the heal syncs what it made). Mail has nothing to do with channels: it goes alongside. Both
  // are awaited whatever happens: nothing may run on after the answer.
  const channelSteps = async (): Promise<void> => {
    add(tally, await renewDue(deps, { ...pool, windowMs: options.windowMs }));
    const healed = await heal(deps, pool, cursor);
    add(tally, healed.tally);
    next = healed.cursor;
    add(tally, await reconcile(deps, { ...pool, intervalMs: options.reconcileIntervalMs }));
  };
  const outcomes = await Promise.allSettled([
    channelSteps(),
    retryMail(deps, deadline).then((mailed) => add(tally, mailed)),
    settleInvites(deps, pool).then((settled) => add(tally, settled)),
  ]);
  await deps.state.end(holder, next, { ...tally }, deps.now());
  for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
  const summary = { ...tally, skipped: false, durationMs: Date.now() - started };
  const line = { upkeep: summary };
  if (summary.failed > 0) deps.log.warn(line, 'renewal run done, with failures');
  else deps.log.info(line, 'renewal run done');
  return summary;
}

function add(into: Tally, part: Tally): void {
  for (const key of Object.keys(part) as (keyof Tally)[]) into[key] += part[key];
}

/** Every channel whose expiration falls within the window (or every channel, for ops `--all`). */
export async function renewDue(
  deps: UpkeepDeps,
  options: { windowMs: number; concurrency: number; deadline: number; onProgress?: (done: number, total: number) => void },
): Promise<Tally> {
  const now = deps.now();
  const due: { id: string; channel: Channel }[] = [];
  // An infinite window (ops `channels renew --all`) ends at Firestore's latest timestamp.
  const horizon = new Date(Math.min(now.getTime() + options.windowMs, LATEST_TIMESTAMP_MS));
  for (let page = await deps.channels.channels.expiringBefore(horizon, PAGE); ; ) {
    due.push(...page.filter(({ channel }) => needsRenewal(channel, now, options.windowMs)));
    const last = page.at(-1);
    if (page.length < PAGE || !last) break;
    page = await deps.channels.channels.expiringBefore(horizon, PAGE, { expiration: last.channel.expiration!, id: last.id });
  }
  const tally = emptyTally();
  let done = 0;
  options.onProgress?.(done, due.length);
  const started = await forEachWithin(due, options, async ({ id, channel }) => {
    try {
      if (await deps.channels.renewChannel(id)) tally.renewed += 1;
    } catch (error) {
      if (error instanceof NoGoogleConnection) {
        // The host has no working grant: nothing to renew with; the channel goes.
        await deps.channels.stopChannel(id).catch(() => undefined);
        tally.healed += 1;
      } else if (error instanceof ConnectionRevoked) {
        await connectionLost(deps, channel.subscriberId, id, tally);
      } else {
        deps.log.warn({ err: error, channelId: id }, 'renewal failed; the old channel stays and the next run tries again');
        tally.failed += 1;
      }
    }
    done += 1;
    options.onProgress?.(done, due.length);
  });
  return { ...tally, remaining: due.length - started };
}

/** The host revoked us: marked broken, channels dropped, host told (as a sync does it). */
async function connectionLost(deps: UpkeepDeps, subscriberId: string, channelId: string | undefined, tally: Tally): Promise<void> {
  try {
    await deps.sync.connectionLost(subscriberId, channelId);
    tally.healed += 1;
  } catch (error) {
    deps.log.warn({ err: error, subscriberId }, 'could not record the revoked Google connection; the next run tries again');
    tally.failed += 1;
  }
}

/** From the cursor to the end of the cycle (hosts, then channels); returns where to resume. */
async function heal(deps: UpkeepDeps, pool: Pool, from: HealCursor): Promise<{ tally: Tally; cursor: HealCursor }> {
  const tally = emptyTally();
  let after = from.after;
  if (from.phase === 'hosts') {
    const walked = await walk((a) => deps.subscribers.page(a, PAGE), after, pool, (hosts) => hostHealer(deps, hosts, tally));
    if (!walked.done) return { tally: { ...tally, remaining: 1 }, cursor: { phase: 'hosts', after: walked.after } };
    after = null;
  }
  const walked = await walk((a) => deps.channels.channels.page(a, PAGE), after, pool, (channels) => channelHealer(deps, channels, tally));
  if (!walked.done) return { tally: { ...tally, remaining: 1 }, cursor: { phase: 'channels', after: walked.after } };
  return { tally, cursor: START };
}

type Pool = { concurrency: number; deadline: number };

/**
 * Pages through a collection in id order from `after`, reading what a page needs in a few round
 * trips (`prepare`), then working on its items a few at a time, until done or out of time; then
 * says where to resume (after the last item started).
 */
async function walk<T extends { id: string }>(
  page: (after: string | null) => Promise<T[]>,
  from: string | null,
  pool: Pool,
  prepare: (items: T[]) => Promise<(item: T) => Promise<void>>,
): Promise<{ done: true } | { done: false; after: string | null }> {
  let after = from;
  for (;;) {
    if (Date.now() >= pool.deadline) return { done: false, after };
    const items = await page(after);
    const started = await forEachWithin(items, pool, await prepare(items));
    if (started < items.length) return { done: false, after: items[started - 1]?.id ?? after };
    const last = items.at(-1);
    if (items.length < PAGE || !last) return { done: true };
    after = last.id;
  }
}

/**
 * A watched calendar with no live channel gets one. A watch still in its pre-deploy shape (the
 * sync state on its channel) is migrated on the way, so the reconcile's queries find it.
 */
async function hostHealer(deps: UpkeepDeps, hosts: { id: string; subscriber: Subscriber }[], tally: Tally) {
  const keys = hosts.flatMap(({ id, subscriber }) => {
    const calendarId = watchedCalendarOf(subscriber);
    return calendarId ? [watchKey(id, calendarId)] : [];
  });
  for (const key of await deps.channels.watches.unmigrated(keys)) await deps.channels.watches.get(key);
  const current = await deps.channels.watches.currentOf(keys);
  const channels = await deps.channels.channels.getMany([...new Set(current.values())]);
  const now = deps.now();
  return async ({ id, subscriber }: { id: string; subscriber: Subscriber }): Promise<void> => {
    const calendarId = watchedCalendarOf(subscriber);
    if (!calendarId) return;
    const channel = channels.get(current.get(watchKey(id, calendarId)) ?? '');
    if (channel && isUsable(channel, now)) return;
    try {
      const { created } = await deps.channels.ensureChannel(id, subscriber, calendarId);
      if (!created) return;
      deps.log.info({ subscriberId: id, calendarId }, 'heal: the watched calendar had no live channel; one was created');
      tally.healed += 1;
    } catch (error) {
      if (error instanceof ConnectionRevoked) return connectionLost(deps, id, undefined, tally);
      // Known and told: the host has to choose another calendar; trying again each pass costs one call.
      if (error instanceof CalendarNotFound) return calendarGone(deps, id, subscriber, calendarId);
      deps.log.warn({ err: error, subscriberId: id }, 'heal: could not create the missing channel');
      tally.failed += 1;
    }
  };
}

/** A channel whose host or calendar is gone, or that an interrupted step left behind, is stopped. */
async function channelHealer(deps: UpkeepDeps, page: { id: string; channel: Channel }[], tally: Tally) {
  const [hosts, current] = await Promise.all([
    deps.subscribers.getMany([...new Set(page.map(({ channel }) => channel.subscriberId))]),
    deps.channels.watches.currentOf(page.map(({ channel }) => watchKey(channel.subscriberId, channel.calendarId))),
  ]);
  const now = deps.now();
  return async ({ id, channel }: { id: string; channel: Channel }): Promise<void> => {
    const verdict = channelVerdict(id, channel, hosts.get(channel.subscriberId), current.get(watchKey(channel.subscriberId, channel.calendarId)), now);
    if (verdict.kind === 'keep') return;
    try {
      if (verdict.kind === 'forget') await deps.channels.forget(id);
      else if ((await deps.channels.stopChannel(id)) === 'kept') {
        tally.failed += 1;
        return;
      }
      deps.log.info({ channelId: id, subscriberId: channel.subscriberId, reason: verdict.reason }, 'heal: channel stopped');
      tally.healed += 1;
    } catch (error) {
      deps.log.warn({ err: error, channelId: id }, 'heal: could not stop the channel');
      tally.failed += 1;
    }
  };
}

/**
 * An incremental sync of every watched calendar not synced since `intervalMs` before the run began
 * (with the default 0, every one: a push lost after a calendar's last sync is caught by this run).
 * Oldest first, page by page: a calendar synced here drops out of the query. One whose lease is
 * held is not counted as reconciled: its holder syncs it once more (it is marked dirty), and if
 * the holder dies, the next run finds it dirty with the lease run out. One whose sync fails stays
 * in the queries; Google is then asked whether its calendar is still there (./gone-calendars).
 */
export async function reconcile(deps: UpkeepDeps, options: Pool & { intervalMs: number; pageSize?: number }): Promise<Tally> {
  const now = deps.now();
  const cutoff = new Date(now.getTime() - options.intervalMs);
  const pageSize = options.pageSize ?? PAGE;
  const tally = emptyTally();
  const one = async ({ key, watch }: { key: string; watch: Watch }): Promise<void> => {
    try {
      const budget = Math.max(1_000, Math.min(SYNC_BUDGET_MS, options.deadline - Date.now()));
      const report = await syncCalendar(deps.sync, key, budget);
      if (report.outcome === 'synced') tally.reconciled += 1;
      else if (report.outcome === 'queued') tally.remaining += 1;
      else if (report.outcome === 'connection_lost') tally.healed += 1;
      else if (report.outcome === 'left_dirty') {
        if (await healIfCalendarGone(deps, watch.subscriberId, watch.calendarId)) tally.healed += 1;
        else tally.failed += 1;
      }
    } catch (error) {
      deps.log.warn({ err: error, watch: key }, 'reconcile: the sync could not run');
      tally.failed += 1;
    }
  };
  // A calendar whose sync fails stays at the head of both queries (still dirty, still the longest
  // ago synced). So each read asks for as many more as this run has seen: those take at most one
  // place each, the page reaches past them, and a page with nothing new is the end of the query.
  // Calendars that fail every run cannot keep the others from being reconciled. (Those synced
  // have left the query, so later pages are larger: the run reads each calendar once, plus the
  // failing ones once a page.)
  const seen = new Set<string>();
  const queries = [(limit: number) => deps.channels.watches.awaitingSync(limit), (limit: number) => deps.channels.watches.syncedBefore(cutoff, limit)] as const;
  for (const query of queries) {
    for (;;) {
      const fresh = new Map((await query(pageSize + seen.size)).filter(({ key }) => !seen.has(key)).map((item) => [item.key, item]));
      if (fresh.size === 0) break;
      for (const key of fresh.keys()) seen.add(key);
      const due = [...fresh.values()].filter(({ watch }) => needsReconcile(watch, now, options.intervalMs));
      const started = await forEachWithin(due, options, one);
      if (started < due.length) return { ...tally, remaining: tally.remaining + due.length - started };
      if (Date.now() >= options.deadline) return { ...tally, remaining: tally.remaining + (await queries[1](pageSize + seen.size)).filter(({ key }) => !seen.has(key)).length };
    }
  }
  return tally;
}

/** Bookings whose request died while making the invite: completed, or their time freed. */
async function settleInvites(deps: UpkeepDeps, pool: Pool): Promise<Tally> {
  const report = await settleStalledInvites(deps.invites, pool);
  return { ...emptyTally(), invitesSettled: report.finished + report.released, failed: report.failed, remaining: report.remaining };
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
