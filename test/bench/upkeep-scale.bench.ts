// The upkeep at scale (issue 16): BENCH_UPKEEP_CHANNELS hosts (default 1,000), one calendar and
// channel each, over BENCH_UPKEEP_SHARDS shards (default 4), BENCH_UPKEEP_DAYS simulated days
// (default 2) of hourly scheduled runs of every shard at once: the real runUpkeep against the real
// Firestore emulator and our Calendar emulator, their clocks moved together an hour at a time.
// Every push is lost (only the runs see changes), Google fails some watches and lists each hour
// (500, 503, 429), hosts with live bookings see guests decline and hosts delete the event at
// random times, and idle hosts change their calendars. Checked as it goes, and the bench exits 1
// if any breaks:
//   - no channel dead: every host's calendar has a channel live at Google beyond the next check;
//   - every lost change applied in time: a change on a calendar with live bookings by the next run;
//     one on an idle calendar within RECONCILE_IDLE_HOURS plus one scheduler period;
//   - the Calendar calls of all shards together within the quota: what the runs reserved
//     (upkeepCalls) in every window, and what the emulator received (its per-window counts) in
//     every two windows running (a renewal reserved at the end of one window makes its calls in
//     the next: at 1 s windows a few hundred ms of Firestore in between crosses often);
//   - the busiest hour's calls fit what 240 s of a real run allows: 4 windows of quota.
//
// The reduced clock. Between runs the simulated clock jumps an hour. Within a run, the pacing
// window of a minute is BENCH_UPKEEP_WINDOW_MS of real time (default 1,000: the quota's clock goes
// 60 times as fast), and the quota per window is CALENDAR_CALLS_PER_MINUTE's share for this many
// hosts (6,000 a minute for 100,000, so 60 for 1,000): the same quota per host as at full size.
// The run's budget is not compressed alike (BENCH_UPKEEP_BUDGET_MS, default 60 s): the Firestore
// emulator's round trips are not 60 times faster, and a run of 4 windows (240 s / 60) spent most
// of them on reads on this machine. What a real run's 240 s allows is checked instead from the
// calls: the busiest hour's Calendar calls against 4 windows of quota. Channels live
// BENCH_UPKEEP_TTL_DAYS (default 7, what Google grants by default; the most is 30), so each is
// renewed about every 5 days with the 48 h window.
//
// Sizes: BENCH_UPKEEP_CHANNELS, BENCH_UPKEEP_SHARDS, BENCH_UPKEEP_DAYS, BENCH_UPKEEP_TTL_DAYS,
// BENCH_UPKEEP_WINDOW_MS, BENCH_UPKEEP_BUDGET_MS, BENCH_UPKEEP_CALLS_PER_WINDOW (the quota per
// window, if not the share),
// BENCH_UPKEEP_FAULT_RATE (the share of an hour's expected watches and lists that fail, 0.05),
// BENCH_UPKEEP_HEAL_HOURS (the heal's walk of every host and channel at most this often, 24; 0:
// every run, which at 1,000 hosts made a run with nothing to do take 20 s of reads on this machine).
// The defaults are small so that `npm run bench` (every bench) ends: the size,
// `BENCH_UPKEEP_CHANNELS=100000 BENCH_UPKEEP_DAYS=30 npm run bench upkeep-scale`, does not fit
// this 2-core machine: at ~10 renewals and reconciles a second it would take about 115 hours, and
// the Firestore emulator's queries slow with every host (it scans; 100,000 hosts seed in ~9 min,
// and the first run's walk of them made no call in 15 min). 2,000 × 7 days took 32 min.
// docs/benchmarks.md has the readings.
import { services, upkeepDeps } from '../../functions/services';
import { watchKey } from '../../shared/channels/watches';
import { eventIdForSlot } from '../../shared/google/event-identity';
import { BLOCK, CallPacer } from '../../shared/upkeep/call-budget';
import { firestoreReserve } from '../../shared/upkeep/call-budget-store';
import { LiveBookings } from '../../shared/upkeep/live-bookings';
import { runUpkeep, type UpkeepOptions, type UpkeepSummary } from '../../shared/upkeep/run-upkeep';
import { simClock, type SimClock } from '../support/sim-clock';
import type { TestSystem } from '../support/system';
import { withLocalSystem } from './local-system';
import { round } from './stats';
import { seedHosts, type SeededHost } from './upkeep-scale-seed';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const env = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number, not ${process.env[name]}`);
  return value;
};

const CHANNELS = Math.max(1, Math.round(env('BENCH_UPKEEP_CHANNELS', 1_000)));
const SHARDS = Math.max(1, Math.round(env('BENCH_UPKEEP_SHARDS', 4)));
const DAYS = env('BENCH_UPKEEP_DAYS', 2);
const TTL_DAYS = env('BENCH_UPKEEP_TTL_DAYS', 7);
const WINDOW_MS = Math.max(10, Math.round(env('BENCH_UPKEEP_WINDOW_MS', 1_000)));
const FAULT_RATE = env('BENCH_UPKEEP_FAULT_RATE', 0.05);
/** As deployed: CALENDAR_CALLS_PER_MINUTE for 100,000 hosts, the same share per host here. */
const QUOTA_PER_MINUTE = 6_000;
const QUOTA_HOSTS = 100_000;
const LIMIT = Math.max(10, Math.round(env('BENCH_UPKEEP_CALLS_PER_WINDOW', (QUOTA_PER_MINUTE * CHANNELS) / QUOTA_HOSTS)));
/** The deployed block of 50 of 6,000, in proportion: a shard does not take the whole window at once. */
const PACE_BLOCK = Math.max(2, Math.round((BLOCK * LIMIT) / QUOTA_PER_MINUTE));
/** The deployed settings (RENEWAL_WINDOW_HOURS, RECONCILE_INTERVAL_MINUTES 0, RECONCILE_IDLE_HOURS 24, RENEWAL_CONCURRENCY). */
const IDLE_HOURS = 24;
/** Quota windows a real run's budget spans: RENEWAL_BUDGET_SECONDS 240 s is 4 minutes. */
const BUDGET_WINDOWS = 240 / 60;
const BUDGET_MS = Math.round(env('BENCH_UPKEEP_BUDGET_MS', 60_000));
/** The heal's full walk (every host and channel) at most this often; 0: every run, as the default setting. */
const HEAL_HOURS = env('BENCH_UPKEEP_HEAL_HOURS', 24);
const OPTIONS: UpkeepOptions = {
  windowMs: 48 * HOUR,
  reconcileIntervalMs: 0,
  idleReconcileIntervalMs: IDLE_HOURS * HOUR,
  budgetMs: BUDGET_MS,
  concurrency: 8,
  healIntervalMs: HEAL_HOURS * HOUR,
};
/** A change on an idle calendar is applied within this (its reconcile interval, plus a period). */
const IDLE_BOUND_MS = (IDLE_HOURS + 1) * HOUR;
/** Hosts that take bookings: 1 in 100 (the rest are idle all month). */
const BOOKABLE = Math.max(4, Math.round(CHANNELS / 100));
/** Idle calendars changed by their owner each hour. */
const IDLE_CHANGES_PER_HOUR = Math.max(1, Math.round(CHANNELS / 2_000));
/** Checking every channel at Google reads them all: every hour up to 20,000, else every 6 hours. */
const CHECK_EVERY_HOURS = CHANNELS <= 20_000 ? 1 : 6;

interface Booking {
  slotId: string;
  host: SeededHost;
  guest: string;
  /** When the guest declines or the host deletes the event (sim ms); none: it just ends. */
  changeAt?: number;
  change?: 'declined' | 'deleted';
  /** When the change was made, once made (sim ms), and the hour the next run had to apply it by. */
  changedAt?: number;
  changedInHour?: number;
  start: number;
}

interface IdleChange {
  host: SeededHost;
  at: number;
}

interface Totals {
  runs: number;
  renewed: number;
  reconciled: number;
  healed: number;
  failed: number;
  maxRemaining: number;
  skipped: number;
  slowestRunMs: number;
}

/** A deterministic generator, so two runs of the bench make the same world. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function call(sys: TestSystem, method: 'DELETE', path: string): Promise<void> {
  const res = await fetch(`${sys.google.url}/emulator/v1${path}`, { method });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}`);
}

class Simulation {
  private readonly rand = random(16);
  private readonly bookings: Booking[] = [];
  private readonly idleChanges: IdleChange[] = [];
  private guests = 0;
  readonly problems: string[] = [];
  readonly totals: Totals = { runs: 0, renewed: 0, reconciled: 0, healed: 0, failed: 0, maxRemaining: 0, skipped: 0, slowestRunMs: 0 };
  readonly waits = { liveChanges: 0, liveLongestRuns: 0, idleChanges: 0, idleLongestMs: 0, bookings: 0, bookingsRefused: 0 };
  readonly calls = { peakReceived: 0, peakTwoWindows: 0, twoWindowsOverQuota: 0, busiestHour: 0, received: 0, byOperation: {} as Record<string, number> };
  deadChecks = 0;
  deadChannels = 0;

  constructor(
    private readonly sys: TestSystem,
    private readonly clock: SimClock,
    private readonly hosts: SeededHost[],
  ) {}

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rand() * items.length)]!;
  }

  /** A few bookings a day on the hosts that take them, 2 to 6 days ahead, each with its fate. */
  async book(count: number): Promise<void> {
    for (let n = 0; n < count; n += 1) {
      const host = this.hosts[Math.floor(this.rand() * BOOKABLE)]!;
      const now = this.clock.now().getTime();
      // A half hour between 08:00 and 15:30 UTC (inside the all-day Berlin schedule), 2 to 6 days on.
      const day = Math.floor(now / DAY) + 2 + Math.floor(this.rand() * 5);
      const start = day * DAY + 8 * HOUR + Math.floor(this.rand() * 16) * 30 * 60_000;
      const guest = `guest-${(this.guests += 1)}@example.org`;
      const res = await fetch(`${this.sys.functionsUrl}/booking/bookings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ host: host.slug, start: new Date(start).toISOString(), guest: { name: 'Guest', email: guest, timezone: 'Europe/Berlin' } }),
      });
      if (res.status !== 201) {
        // A time the host already has booked: another time another day.
        this.waits.bookingsRefused += 1;
        await res.body?.cancel();
        continue;
      }
      const { slotId } = (await res.json()) as { slotId: string };
      this.waits.bookings += 1;
      const fate = this.rand();
      const change = fate < 0.5 ? ('declined' as const) : fate < 0.75 ? ('deleted' as const) : undefined;
      const changeAt = change ? now + HOUR + this.rand() * (start - now - 2 * HOUR) : undefined;
      this.bookings.push({ slotId, host, guest, start, ...(change ? { change, changeAt } : {}) });
    }
  }

  /** The guests and hosts whose time has come change their bookings in Google; pushes are lost. */
  async changeBookings(hour: number): Promise<void> {
    const now = this.clock.now().getTime();
    for (const booking of this.bookings) {
      if (!booking.change || booking.changedAt !== undefined || booking.changeAt! > now) continue;
      const eventId = eventIdForSlot(booking.slotId);
      const calendar = encodeURIComponent(booking.host.calendarId);
      if (booking.change === 'declined') await this.sys.control(`/calendars/${calendar}/events/${eventId}/respond`, { email: booking.guest, responseStatus: 'declined' });
      else await this.sys.control(`/calendars/${calendar}/events/${eventId}/delete`, {});
      booking.changedAt = now;
      booking.changedInHour = hour;
      this.waits.liveChanges += 1;
    }
  }

  /** Idle hosts (never booked) add an event of their own in Google; pushes are lost. */
  async changeIdleCalendars(): Promise<void> {
    const idle = this.hosts.slice(BOOKABLE);
    if (idle.length === 0) return;
    for (let n = 0; n < IDLE_CHANGES_PER_HOUR; n += 1) {
      const host = this.pick(idle);
      const at = this.clock.now().getTime();
      const start = new Date(at + 3 * DAY);
      await this.sys.control(`/calendars/${encodeURIComponent(host.calendarId)}/events`, {
        summary: 'Busy',
        start: { dateTime: start.toISOString() },
        end: { dateTime: new Date(start.getTime() + HOUR).toISOString() },
      });
      this.idleChanges.push({ host, at });
    }
  }

  /** Google fails a share of the hour's watches and lists: each is tried again by a later run. */
  async injectFaults(hour: number): Promise<void> {
    if (FAULT_RATE === 0) return;
    const watches = Math.ceil((FAULT_RATE * CHANNELS) / ((TTL_DAYS - 2) * 24));
    const lists = Math.ceil((FAULT_RATE * CHANNELS) / IDLE_HOURS);
    const status = [500, 503, 429][hour % 3]!;
    await this.sys.control('/faults', { pathContains: '/watch', status, count: watches });
    await this.sys.control('/faults', { method: 'GET', pathContains: '/events?', status, count: lists });
  }

  /** Every shard's run at once, paced under one quota; the Calendar calls counted per window. */
  async runShards(): Promise<void> {
    const s = services();
    const deps = { ...upkeepDeps(), live: new LiveBookings(s.db) };
    const pace = { limit: LIMIT, windowMs: WINDOW_MS, block: PACE_BLOCK, now: Date.now, sleep: (ms: number) => new Promise<void>((wake) => setTimeout(wake, ms)) };
    await this.sys.control('/requests/windows', { windowMs: WINDOW_MS });
    const before = await this.sys.control<{ total: number; byOperation: Record<string, number> }>('/requests');
    const summaries = await Promise.all(
      Array.from({ length: SHARDS }, (_, index) =>
        runUpkeep({ ...deps, pacer: new CallPacer(firestoreReserve(s.db, LIMIT), pace) }, { ...OPTIONS, shard: { index, count: SHARDS } }).catch((error: unknown) => {
          this.problems.push(`shard ${index} run threw: ${error instanceof Error ? error.message : String(error)}`);
          return undefined;
        }),
      ),
    );
    const windows = await this.sys.control<{ windows: { startMs: number; count: number }[] }>('/requests/windows');
    await this.sys.control('/requests/windows', { windowMs: 0 });
    const after = await this.sys.control<{ total: number; byOperation: Record<string, number> }>('/requests');
    for (const [operation, count] of Object.entries(after.byOperation)) {
      const spent = count - (before.byOperation[operation] ?? 0);
      if (spent > 0 && !operation.startsWith('oauth.')) this.calls.byOperation[operation] = (this.calls.byOperation[operation] ?? 0) + spent;
    }
    const byStart = new Map(windows.windows.map(({ startMs, count }) => [startMs, count]));
    let hour = 0;
    for (const { startMs, count } of windows.windows) {
      hour += count;
      this.calls.peakReceived = Math.max(this.calls.peakReceived, count);
      const two = count + (byStart.get(startMs + WINDOW_MS) ?? 0);
      this.calls.peakTwoWindows = Math.max(this.calls.peakTwoWindows, two);
      if (two > 2 * LIMIT) this.calls.twoWindowsOverQuota += 1;
    }
    this.calls.received += hour;
    this.calls.busiestHour = Math.max(this.calls.busiestHour, hour);
    for (const summary of summaries.filter((found): found is UpkeepSummary => found !== undefined)) this.tally(summary);
    if (process.env.BENCH_UPKEEP_VERBOSE) console.error(JSON.stringify({ summaries, windows: windows.windows.map(({ count }) => count) }));
  }

  private tally(summary: UpkeepSummary): void {
    const t = this.totals;
    t.runs += 1;
    t.renewed += summary.renewed;
    t.reconciled += summary.reconciled;
    t.healed += summary.healed;
    t.failed += summary.failed;
    t.maxRemaining = Math.max(t.maxRemaining, summary.remaining);
    t.skipped += summary.skipped ? 1 : 0;
    t.slowestRunMs = Math.max(t.slowestRunMs, summary.durationMs);
  }

  /**
   * Each booking changed before this hour's runs shows the change (its host's calendar has a live
   * booking, so it is reconciled every run). One that does not is a broken invariant, and is
   * followed on until it shows, for how long it waited.
   */
  async checkLiveChanges(hour: number): Promise<void> {
    const s = services();
    for (const booking of this.bookings) {
      if (booking.changedInHour === undefined) continue;
      const waited = hour - booking.changedInHour + 1;
      if ((await s.slots.require(booking.slotId)).status !== 'booked') {
        this.waits.liveLongestRuns = Math.max(this.waits.liveLongestRuns, waited);
        booking.changedInHour = undefined;
      } else if (waited === 1) {
        this.problems.push(`hour ${hour}: booking ${booking.slotId} was ${booking.change} before this run, which did not apply it`);
      }
    }
    // Bookings over or done with leave the list: it stays the size of the live ones.
    const now = this.clock.now().getTime();
    for (let i = this.bookings.length - 1; i >= 0; i -= 1) {
      const booking = this.bookings[i]!;
      if (booking.changedInHour === undefined && (booking.changedAt !== undefined || booking.start < now)) this.bookings.splice(i, 1);
    }
  }

  /** Each idle change is applied once a sync began after it; none may wait past the bound. */
  async checkIdleChanges(hour: number): Promise<void> {
    if (this.idleChanges.length === 0) return;
    const watches = await services().channels.watches.getMany([...new Set(this.idleChanges.map(({ host }) => watchKey(host.id, host.calendarId)))]);
    const now = this.clock.now().getTime();
    for (let i = this.idleChanges.length - 1; i >= 0; i -= 1) {
      const change = this.idleChanges[i]!;
      const synced = watches.get(watchKey(change.host.id, change.host.calendarId))?.lastSyncedAt?.getTime() ?? 0;
      if (synced >= change.at) {
        this.waits.idleLongestMs = Math.max(this.waits.idleLongestMs, synced - change.at);
        this.waits.idleChanges += 1;
        this.idleChanges.splice(i, 1);
      } else if (now - change.at > IDLE_BOUND_MS) {
        this.problems.push(`hour ${hour}: ${change.host.id}'s change of ${new Date(change.at).toISOString()} is not applied after ${round((now - change.at) / HOUR)} h`);
        this.idleChanges.splice(i, 1);
      }
    }
  }

  /** Every host's calendar has a channel live at Google until the next check at least. */
  async checkChannels(hour: number): Promise<void> {
    const horizon = this.clock.now().getTime() + CHECK_EVERY_HOURS * HOUR;
    const live = await this.sys.control<{ calendarId: string; expiration: number }[]>('/channels');
    const covered = new Set(live.filter(({ expiration }) => expiration > horizon).map(({ calendarId }) => calendarId.toLowerCase()));
    const dead = this.hosts.filter((host) => !covered.has(host.calendarId.toLowerCase()));
    this.deadChecks += 1;
    this.deadChannels += dead.length;
    if (dead.length > 0) this.problems.push(`hour ${hour}: ${dead.length} calendars without a channel live for the next ${CHECK_EVERY_HOURS} h (${dead.slice(0, 3).map(({ id }) => id).join(', ')}…)`);
  }

  async reserved(): Promise<{ peak: number; total: number }> {
    const windows = (await services().db.collection('upkeepCalls').select('reserved').get()).docs.map((doc) => Number(doc.get('reserved')));
    return { peak: Math.max(0, ...windows), total: windows.reduce((sum, n) => sum + n, 0) };
  }
}

/** Every RPC the functions' Firestore client sends, by method, with the time it took to answer or first stream. */
function timeRoundTrips(): Record<string, { n: number; ms: number }> {
  const counts: Record<string, { n: number; ms: number }> = {};
  const db = services().db as unknown as Record<'request' | 'requestStream', (method: string, ...rest: unknown[]) => unknown>;
  for (const name of ['request', 'requestStream'] as const) {
    const original = db[name].bind(db);
    db[name] = (method: string, ...rest: unknown[]) => {
      const entry = (counts[method] ??= { n: 0, ms: 0 });
      entry.n += 1;
      const from = performance.now();
      const result = original(method, ...rest) as Promise<unknown>;
      void Promise.resolve(result).then(() => (entry.ms += performance.now() - from), () => undefined);
      return result;
    };
  }
  return counts;
}

export function run(): Promise<Record<string, unknown>[]> {
  return withLocalSystem({ GOOGLE_INVITE_ENABLED: 'true', LOG_LEVEL: 'silent' }, async (sys) => {
    const clock = simClock(sys);
    try {
      const started = performance.now();
      await sys.control('/push', { mode: 'drop' });
      await sys.control('/channel-policy', { maxTtlSeconds: TTL_DAYS * 24 * 3600 });
      const now = clock.now().getTime();
      const hosts = await seedHosts(
        sys,
        { hosts: CHANNELS, expiresFrom: now + OPTIONS.windowMs + HOUR, expirySpreadMs: (TTL_DAYS * 24 - 48) * HOUR, syncSpreadMs: IDLE_HOURS * HOUR },
        (done) => {
          if (done % 10_000 === 0 || done === CHANNELS) console.error(`upkeep-scale: ${done}/${CHANNELS} hosts seeded, ${round((performance.now() - started) / 1000)} s`);
        },
      );
      const seedS = (performance.now() - started) / 1000;
      const roundTrips = process.env.BENCH_UPKEEP_VERBOSE ? timeRoundTrips() : undefined;
      const sim = new Simulation(sys, clock, hosts);
      const hours = Math.round(DAYS * 24);
      const bookingsPerDay = Math.max(2, Math.round(BOOKABLE / 2));
      const simStarted = performance.now();
      await sim.checkChannels(-1);
      // Where the wall time goes: the world's changes, the runs, the checks.
      const spent = { world: 0, runs: 0, checks: 0 };
      const timed = async (part: keyof typeof spent, work: () => Promise<void>) => {
        const from = performance.now();
        await work();
        spent[part] += performance.now() - from;
      };
      for (let hour = 0; hour < hours; hour += 1) {
        await timed('world', async () => {
          if (hour % 24 === 0) await sim.book(bookingsPerDay);
          await sim.changeBookings(hour);
          await sim.changeIdleCalendars();
          await sim.injectFaults(hour);
        });
        await timed('runs', () => sim.runShards());
        await timed('checks', async () => {
          await call(sys, 'DELETE', '/faults');
          await sim.checkLiveChanges(hour);
          await sim.checkIdleChanges(hour);
          await clock.advance(HOUR);
          if ((hour + 1) % CHECK_EVERY_HOURS === 0) await sim.checkChannels(hour);
        });
        if ((hour + 1) % 24 === 0) {
          const t = sim.totals;
          console.error(
            `upkeep-scale: day ${(hour + 1) / 24}/${DAYS}, ${round((performance.now() - simStarted) / 1000)} s: renewed ${t.renewed}, reconciled ${t.reconciled}, healed ${t.healed}, failed ${t.failed}, most left by a run ${t.maxRemaining}, slowest run ${round(t.slowestRunMs)} ms, problems ${sim.problems.length}; wall s in world ${round(spent.world / 1000)}, runs ${round(spent.runs / 1000)}, checks ${round(spent.checks / 1000)}`,
          );
        }
      }
      // A run shorter than the check period is still checked at its end.
      if (hours % CHECK_EVERY_HOURS !== 0) await sim.checkChannels(hours);
      const simS = (performance.now() - simStarted) / 1000;
      if (roundTrips) console.error(JSON.stringify({ roundTrips }));
      const reserved = await sim.reserved();
      if (reserved.peak > LIMIT) sim.problems.push(`a window reserved ${reserved.peak} calls, over the quota of ${LIMIT}`);
      if (sim.calls.twoWindowsOverQuota > 0) sim.problems.push(`${sim.calls.twoWindowsOverQuota} times two windows running received more Calendar calls than twice the quota of ${LIMIT} (peak ${sim.calls.peakTwoWindows})`);
      if (sim.calls.busiestHour > BUDGET_WINDOWS * LIMIT) sim.problems.push(`the busiest hour made ${sim.calls.busiestHour} calls: more than the ${BUDGET_WINDOWS * LIMIT} of a real run's 4 minutes of quota`);
      const t = sim.totals;
      const row = {
        benchmark: 'upkeep at scale, simulated',
        channels: CHANNELS,
        shards: SHARDS,
        days: DAYS,
        channelTtlDays: TTL_DAYS,
        healEveryH: HEAL_HOURS,
        seedS: round(seedS),
        simulationS: round(simS),
        wallSPerSimDay: round(simS / DAYS),
        runs: t.runs,
        renewed: t.renewed,
        reconciled: t.reconciled,
        healed: t.healed,
        failed: t.failed,
        mostLeftByARun: t.maxRemaining,
        slowestRunMs: round(t.slowestRunMs),
        runBudgetMs: OPTIONS.budgetMs,
        quotaPerWindow: LIMIT,
        windowMs: WINDOW_MS,
        peakReservedPerWindow: reserved.peak,
        peakReceivedPerWindow: sim.calls.peakReceived,
        peakReceivedPerTwoWindows: sim.calls.peakTwoWindows,
        busiestHourCalls: sim.calls.busiestHour,
        realRunCapacity: BUDGET_WINDOWS * LIMIT,
        calendarCalls: sim.calls.received,
        callsPerCallReserved: round(sim.calls.received / Math.max(1, reserved.total), 2),
        callsByOperation: Object.entries(sim.calls.byOperation)
          .map(([operation, n]) => `${operation} ${n}`)
          .join(', '),
        bookings: sim.waits.bookings,
        liveChanges: sim.waits.liveChanges,
        liveLongestWaitRuns: sim.waits.liveLongestRuns,
        idleChanges: sim.waits.idleChanges,
        idleLongestWaitH: round(sim.waits.idleLongestMs / HOUR),
        idleBoundH: IDLE_BOUND_MS / HOUR,
        channelChecks: sim.deadChecks,
        channelsDead: sim.deadChannels,
        problems: sim.problems.length,
      };
      console.error(JSON.stringify(row));
      if (sim.problems.length > 0) {
        console.table([row]);
        throw new Error(`upkeep-scale: ${sim.problems.length} invariants broken:\n${sim.problems.slice(0, 30).join('\n')}`);
      }
      return [row];
    } finally {
      clock.restore();
    }
  });
}
