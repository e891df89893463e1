// The scheduled renewal of every host's watch channel against the Google Calendar emulator with
// 20 ms injected on every call, as Google's own latency, at concurrency 32: wall time, channels per
// second, time per renewal, Calendar calls and Firestore round trips per channel, and the memory
// of the process doing the renewal (./renewal-run.ts, a process of its own, as the function is).
// Two strategies side by side on the same channels: every due channel read first (before), and
// renewDue as deployed, a page at a time. Firestore is the real emulator. After each, every host
// must have exactly one live channel at Google, the one its Firestore pointer names, and a new one.
// BENCH_RENEWAL_CHANNELS sets the number of hosts (default 10,000) for a quick run.
// RENEW_HEAP_SNAPSHOT_DIR: the renewing process writes a heap snapshot there at the end of its run.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { services } from '../../functions/services';
import { newChannelId, REQUESTED_TTL_SECONDS } from '../../shared/channels/channel-service';
import { FRESH_STATE } from '../../shared/channels/watches';
import { channelSchema, hashChannelToken } from '../../shared/channels/channels';
import { CalendarGateway } from '../../shared/google/calendar';
import { subscriberSchema } from '../../shared/store/subscribers';
import { forEachWithin } from '../../shared/work-pool';
import type { TestSystem } from '../support/system';
import { withLocalSystem } from './local-system';
import { ratio, round } from './stats';
import { stopOnExit } from './stop-on-exit';

const HOSTS = Number(process.env.BENCH_RENEWAL_CHANNELS ?? 10_000);
const INJECTED_MS = 20;
/**
 * The old-space cap of a 256 MiB function: room left for code, buffers and the young generation.
 * BENCH_RENEWAL_HEAP_MB sets another, to see what the cap, not the renewal, makes of the peak.
 */
const FUNCTION_HEAP_MB = Number(process.env.BENCH_RENEWAL_HEAP_MB ?? 192);
/**
 * The young generation's cap: Node 24 lets each semi-space grow to 64 MB whatever the old-space cap
 * (heap_size_limit is the cap + 192 MB), and a run allocating fast fills it with garbage. Issue 15's
 * run at 10,000 peaked at RSS 319 MB with ~50 MB live. The functions are deployed with
 * NODE_OPTIONS=--max-semi-space-size=8 (cloudbuild.yaml); BENCH_RENEWAL_SEMI_MB sets another (64: Node's).
 */
const FUNCTION_SEMI_SPACE_MB = Number(process.env.BENCH_RENEWAL_SEMI_MB ?? 8);
/** Seeding is not measured: a few more at a time than the renewal, still within Firestore's reach. */
const SEED_CONCURRENCY = 16;
/** Longer than the 30 days we ask Google for: every channel is due. */
const EVERY_CHANNEL_MS = 31 * 24 * 3_600_000;

const NINE_TO_FIVE = [{ start: '09:00', end: '17:00' }];
/** Hosts per batch: three writes each (host, channel, pointer) within Firestore's 500 per batch. */
const CHUNK = 160;

/** Runs `work` over the items, a few at a time; the first failure is thrown once all have settled. */
async function eachAtMost<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const failures: unknown[] = [];
  await forEachWithin(items, { concurrency, deadline: Number.POSITIVE_INFINITY }, (item) => work(item).catch((error: unknown) => void failures.push(error)));
  if (failures.length > 0) throw failures[0];
}

/**
 * Hosts as first-time setup leaves them, CHUNK at a time, each chunk written in one batch:
 * - the Google account through the emulator's control API;
 * - the subscriber document as putHost builds it (refresh token sealed by the TokenCipher, checked
 *   by its schema). Not putHost itself: its slug check is a query inside a transaction, which the
 *   Firestore emulator serialises (~50 ms a host alone, lock timeouts at 16 at once);
 * - the channel as ensureChannel leaves it: events.watch and the initial sync token through the
 *   same gateway, then the active channel document and the (host, calendar) pointer. Batched, not
 *   ensureChannel one by one: that made ~14 hosts/s here (two transactions per host, counting the
 *   webhook's for the `sync` message), twelve minutes for 10,000 before anything is measured.
 *   The `sync` messages now reach the webhook before the documents exist and are refused: harmless.
 * Only one chunk is held in memory at a time.
 */
async function seedHosts(sys: TestSystem, count: number): Promise<void> {
  const s = services();
  const gateway = new CalendarGateway(s.config.google);
  const address = `${s.config.publicBaseUrl}/googleWebhook`;
  for (let first = 0; first < count; first += CHUNK) {
    const batch = s.db.batch();
    const indexes = Array.from({ length: Math.min(CHUNK, count - first) }, (_, i) => first + i);
    await eachAtMost(indexes, SEED_CONCURRENCY, async (i) => {
      const subscriberId = `renew-host-${i}`;
      const email = `renew-${i}@hosts.example.test`;
      const account = await sys.control<{ email: string; refreshToken: string; calendarId: string }>('/accounts', { email, name: `Host ${i}` });
      const now = s.now();
      const subscriber = subscriberSchema.parse({
        name: `Host ${i}`,
        email,
        timezone: 'Europe/Berlin',
        google: { accountEmail: account.email, refreshToken: s.cipher.encrypt(account.refreshToken), status: 'ok', connectedAt: now },
        defaultCalendar: { provider: 'google', calendarId: account.calendarId },
        schedule: { slug: subscriberId, slotMinutes: 30, weekly: { monday: NINE_TO_FIVE, wednesday: NINE_TO_FIVE } },
        createdAt: now,
        updatedAt: now,
      });
      const session = gateway.session({ id: subscriberId, refreshToken: account.refreshToken });
      const channelId = newChannelId();
      const token = randomBytes(32).toString('base64url');
      const watched = await session.watchEvents(account.calendarId, { channelId, address, token, ttlSeconds: REQUESTED_TTL_SECONDS });
      const syncToken = (await session.syncToken(account.calendarId)) ?? null;
      const channel = channelSchema.parse({
        subscriberId,
        calendarId: account.calendarId,
        state: 'active',
        resourceId: watched.resourceId,
        resourceUri: watched.resourceUri,
        expiration: watched.expiration,
        tokenHash: hashChannelToken(token),
        lastMessageNumber: 0,
        createdAt: now,
        updatedAt: now,
      });
      batch.set(s.db.collection('subscribers').doc(subscriberId), subscriber);
      batch.set(s.channels.channels.ref(channelId), channel);
      batch.set(s.channels.watches.refOf(subscriberId, account.calendarId), { ...FRESH_STATE, syncToken, lastSyncedAt: now, subscriberId, calendarId: account.calendarId, channelId, watched: true, updatedAt: now });
    });
    await batch.commit();
    const done = first + indexes.length;
    if (done % 2000 < CHUNK && done < count) console.error(`renewal bench: ${done}/${count} hosts seeded`);
  }
}

type Counts = { total: number; byOperation: Record<string, number> };

/** The (host, calendar) pointers, a page at a time, channel and calendar ids only. */
async function pointers(): Promise<{ channelId: string; calendarId: string }[]> {
  const found: { channelId: string; calendarId: string }[] = [];
  const watches = services().db.collection('googleCalendarWatches').orderBy('__name__').select('channelId', 'calendarId');
  for (let page = await watches.limit(1000).get(); ; page = await watches.startAfter(page.docs.at(-1)!).limit(1000).get()) {
    for (const doc of page.docs) found.push({ channelId: String(doc.get('channelId')), calendarId: String(doc.get('calendarId')) });
    if (page.size < 1000) return found;
  }
}

/**
 * Every host has exactly one live channel at Google, it is the one the pointer names, it is
 * active in Firestore, it is not one of `before`, and nothing else is tracked or live.
 */
async function verifyRenewed(sys: TestSystem, before: Set<string>): Promise<Set<string>> {
  const live = new Map<string, string[]>();
  const emulated = await sys.control<{ id: string; calendarId: string }[]>('/channels');
  for (const { id, calendarId } of emulated) live.set(calendarId, [...(live.get(calendarId) ?? []), id]);
  const current = await pointers();
  const problems: string[] = [];
  if (current.length !== HOSTS) problems.push(`${current.length} pointers for ${HOSTS} hosts`);
  if (emulated.length !== HOSTS) problems.push(`${emulated.length} live channels at Google for ${HOSTS} hosts`);
  const channels = services().db.collection('googleCalendarChannels');
  const tracked = (await channels.count().get()).data().count;
  const active = (await channels.where('state', '==', 'active').count().get()).data().count;
  if (tracked !== HOSTS || active !== HOSTS) problems.push(`${tracked} channel documents, ${active} active, for ${HOSTS} hosts`);
  let notOne = 0;
  let notRenewed = 0;
  for (const { channelId, calendarId } of current) {
    const ids = live.get(calendarId) ?? [];
    if (ids.length !== 1 || ids[0] !== channelId) notOne += 1;
    if (before.has(channelId)) notRenewed += 1;
  }
  if (notOne > 0) problems.push(`${notOne} hosts without exactly one live channel, the one the pointer names`);
  if (notRenewed > 0) problems.push(`${notRenewed} hosts still on the channel they had before the run`);
  if (problems.length > 0) throw new Error(`renewal bench: ${problems.join('; ')}`);
  return new Set(current.map((p) => p.channelId));
}

/** process.memoryUsage() in MB, as one cell: rss, heapTotal, heapUsed, external, arrayBuffers. */
function breakdown(mb: Record<string, number>): string {
  return Object.entries(mb)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
}

function perChannel(after: Counts, before: Counts, channels: number, operation: string): number {
  return round(((after.byOperation[operation] ?? 0) - (before.byOperation[operation] ?? 0)) / channels, 2);
}

interface ChildRun {
  renewed: number;
  failed: number;
  ms: number;
  renewalP50Ms: number;
  renewalP99Ms: number;
  roundTrips: Record<string, number>;
  rssAtStartMb: number;
  peakRssMb: number;
  heapAtStartMb: number;
  peakHeapMb: number;
  memoryAtStartMb: Record<string, number>;
  memoryAtPeakRssMb: Record<string, number>;
}

/** ./renewal-run.ts in a new process, on this system's settings; its JSON line. */
function renewInChild(sys: TestSystem, strategy: 'load-all' | 'paged', concurrency: number): Promise<ChildRun> {
  // As on a 256 MiB instance: V8's heap capped below it, so the peak is what such an instance holds,
  // not garbage a heap sized for this machine leaves uncollected (a run that does not fit fails).
  const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', `--max-old-space-size=${FUNCTION_HEAP_MB}`, `--max-semi-space-size=${FUNCTION_SEMI_SPACE_MB}`, join(__dirname, 'renewal-run.ts')], {
    env: { ...process.env, ...sys.env, LOG_LEVEL: 'silent', RENEW_STRATEGY: strategy, RENEW_CONCURRENCY: String(concurrency), RENEW_WINDOW_MS: String(EVERY_CHANNEL_MS) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const forget = stopOnExit(async () => void child.kill('SIGKILL'), child.pid);
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      forget();
      if (code !== 0) return reject(new Error(`renewal-run (${strategy}) exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as ChildRun);
    });
  });
}

const STRATEGIES = { 'load-all': 'before: every due channel read first', paged: 'now: a page at a time (renewDue)' } as const;

async function renewAll(sys: TestSystem, strategy: keyof typeof STRATEGIES, concurrency: number, before: Set<string>): Promise<{ row: Record<string, unknown>; current: Set<string> }> {
  const callsBefore = await sys.control<Counts>('/requests');
  const run = await renewInChild(sys, strategy, concurrency);
  const calls = await sys.control<Counts>('/requests');
  const current = await verifyRenewed(sys, before);
  const renewed = run.renewed;
  const ideal = 3 * INJECTED_MS;
  const firestoreTotal = Object.values(run.roundTrips).reduce((sum, n) => sum + n, 0);
  return {
    current,
    row: {
      benchmark: `renewal, ${INJECTED_MS} ms per Google call`,
      strategy: STRATEGIES[strategy],
      concurrency,
      channels: HOSTS,
      renewed,
      failed: run.failed,
      totalS: round(run.ms / 1000),
      channelsPerS: round(renewed / (run.ms / 1000)),
      renewalP50Ms: round(run.renewalP50Ms),
      renewalP99Ms: round(run.renewalP99Ms),
      // watch + stop + token: three calls' worth of injected latency is the floor of one renewal.
      p50OverGoogleFloor: round(run.renewalP50Ms / ideal, 2),
      googleCallsPerChannel: round((calls.total - callsBefore.total) / renewed, 2),
      watch: perChannel(calls, callsBefore, renewed, 'events.watch'),
      stop: perChannel(calls, callsBefore, renewed, 'channels.stop'),
      token: perChannel(calls, callsBefore, renewed, 'oauth.token'),
      firestoreRoundTripsPerChannel: round(firestoreTotal / renewed, 2),
      firestoreByRpc: Object.entries(run.roundTrips)
        .map(([rpc, n]) => `${rpc} ${round(n / renewed, 2)}`)
        .join(', '),
      shareOfBudget: round(run.ms / services().config.renewal.budgetMs, 2),
      // The renewing process alone (as the function): peak RSS and heap, sampled every 20 ms.
      peakRssMb: round(run.peakRssMb),
      rssAtStartMb: round(run.rssAtStartMb),
      peakHeapMb: round(run.peakHeapMb),
      oldSpaceCapMb: FUNCTION_HEAP_MB,
      semiSpaceCapMb: FUNCTION_SEMI_SPACE_MB,
      memoryAtStart: breakdown(run.memoryAtStartMb),
      memoryAtPeakRss: breakdown(run.memoryAtPeakRssMb),
    },
  };
}

export function run(): Promise<Record<string, unknown>[]> {
  return withLocalSystem({}, async (sys) => {
    const seedStarted = performance.now();
    await seedHosts(sys, HOSTS);
    const seedMs = performance.now() - seedStarted;
    let current = await verifyRenewed(sys, new Set());
    const rows: Record<string, unknown>[] = [{ benchmark: 'seeding (no injected latency, not the measure)', channels: HOSTS, totalS: round(seedMs / 1000), channelsPerS: round(HOSTS / (seedMs / 1000)) }];

    // One fault without method or path matches every API call and the token endpoint alike
    // (the emulator applies faults to both; the real token endpoint is no faster than the API).
    await sys.control('/faults', { delayMs: INJECTED_MS, count: 1_000_000_000 });
    const measured: Record<string, unknown>[] = [];
    for (const strategy of ['load-all', 'paged'] as const) {
      const renewal = await renewAll(sys, strategy, 32, current);
      current = renewal.current;
      measured.push(renewal.row);
    }
    const [before, now] = measured as [Record<string, number>, Record<string, number>];
    rows.push(...measured, {
      benchmark: 'renewal: before / now',
      channelsPerS: ratio(now.channelsPerS!, before.channelsPerS!),
      peakRssMb: ratio(before.peakRssMb!, now.peakRssMb!),
      peakHeapMb: ratio(before.peakHeapMb!, now.peakHeapMb!),
      firestoreRoundTripsPerChannel: ratio(before.firestoreRoundTripsPerChannel!, now.firestoreRoundTripsPerChannel!),
    });
    return rows;
  });
}
