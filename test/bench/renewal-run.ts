// One renewal run in a process of its own, as the renewChannels function runs it: what the
// renewal bench measures of "the function" is this process alone (the emulators, the dev server
// and the bench's bookkeeping stay in the parent). Prints one JSON line: the tally, renewal times,
// Firestore round trips by RPC, and the memory it held (sampled every 20 ms).
// Settings come from the environment; RENEW_STRATEGY: `paged` (renewDue, as deployed) or
// `load-all` (every due channel read first, the strategy paging replaced).
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { services, upkeepDeps } from '../../functions/services';
import { ChannelService } from '../../shared/channels/channel-service';
import type { Channel } from '../../shared/channels/channels';
import { CalendarGateway } from '../../shared/google/calendar';
import { needsRenewal } from '../../shared/upkeep/decisions';
import { renewDue } from '../../shared/upkeep/run-upkeep';
import { PAGE } from '../../shared/upkeep/tally';
import { forEachWithin } from '../../shared/work-pool';
import { percentile } from './stats';

const strategy = process.env.RENEW_STRATEGY ?? 'paged';
const concurrency = Number(process.env.RENEW_CONCURRENCY ?? 32);
const windowMs = Number(process.env.RENEW_WINDOW_MS);
/** A directory: a heap snapshot is written there at the end of the run, before anything is let go. */
const snapshotDir = process.env.RENEW_HEAP_SNAPSHOT_DIR;

/** Times each renewal; the run itself is unchanged. */
class TimedChannelService extends ChannelService {
  readonly samples: number[] = [];

  override async renewChannel(oldChannelId: string): Promise<{ channelId: string } | undefined> {
    const started = performance.now();
    try {
      return await super.renewChannel(oldChannelId);
    } finally {
      this.samples.push(performance.now() - started);
    }
  }
}

/**
 * A channel service on a gateway of its own, as on a function instance the scheduler just woke:
 * no cached access tokens. Access tokens live an hour and a channel is renewed once a month, so a
 * real renewal needs a token per host too.
 */
function channelServiceOnNewInstance(): TimedChannelService {
  const s = services();
  const gateway = new CalendarGateway(s.config.google);
  return new TimedChannelService({
    db: s.db,
    subscribers: s.subscribers,
    sessionFor: (id, host) => (host.google ? gateway.session({ id, refreshToken: s.cipher.decrypt(host.google.refreshToken) }) : undefined),
    // The bench's hosts hold no slots: every watch starts from a token taken now, as in production.
    holdsSlotsOn: async () => false,
    webhookUrl: `${s.config.publicBaseUrl}/googleWebhook`,
    now: s.now,
    log: s.log,
  });
}

/** Every RPC the Firestore client sends (unary or streamed), by method: each is a round trip. */
function countRoundTrips(): Record<string, number> {
  const counts: Record<string, number> = {};
  const db = services().db as unknown as Record<'request' | 'requestStream', (method: string, ...rest: unknown[]) => unknown>;
  for (const name of ['request', 'requestStream'] as const) {
    const original = db[name].bind(db);
    db[name] = (method: string, ...rest: unknown[]) => {
      counts[method] = (counts[method] ?? 0) + 1;
      return original(method, ...rest);
    };
  }
  return counts;
}

/** The strategy paging replaced: every due channel read into memory, then renewed. */
async function renewAllLoadedFirst(channels: ChannelService): Promise<{ renewed: number; failed: number }> {
  const now = services().now();
  const horizon = new Date(now.getTime() + windowMs);
  const due: { id: string; channel: Channel }[] = [];
  for (let page = await channels.channels.expiringBefore(horizon, PAGE); ; ) {
    due.push(...page.filter(({ channel }) => needsRenewal(channel, now, windowMs)));
    const last = page.at(-1);
    if (page.length < PAGE || !last) break;
    page = await channels.channels.expiringBefore(horizon, PAGE, { expiration: last.channel.expiration!, id: last.id });
  }
  const tally = { renewed: 0, failed: 0 };
  await forEachWithin(due, { concurrency, deadline: Number.POSITIVE_INFINITY }, async ({ id }) => {
    try {
      if (await channels.renewChannel(id)) tally.renewed += 1;
    } catch {
      tally.failed += 1;
    }
  });
  return tally;
}

function inMb(usage: NodeJS.MemoryUsage): Record<string, number> {
  return Object.fromEntries(Object.entries(usage).map(([name, bytes]) => [name, Math.round((bytes / 1048576) * 10) / 10]));
}

async function main(): Promise<void> {
  const channels = channelServiceOnNewInstance();
  const roundTrips = countRoundTrips();
  global.gc?.();
  const atStart = process.memoryUsage();
  const peak = { rss: atStart.rss, heapUsed: atStart.heapUsed };
  // Where the memory is when RSS peaks: V8's heap (used and reserved), buffers outside it, the rest native.
  let atPeak = atStart;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    if (now.rss > peak.rss) atPeak = now;
    peak.rss = Math.max(peak.rss, now.rss);
    peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed);
  }, 20);
  const started = performance.now();
  const tally =
    strategy === 'load-all'
      ? await renewAllLoadedFirst(channels)
      : await renewDue({ ...upkeepDeps(), channels }, { windowMs, concurrency, deadline: Number.POSITIVE_INFINITY });
  const ms = performance.now() - started;
  clearInterval(sampler);
  if (snapshotDir) console.error(`renewal-run: heap snapshot in ${writeHeapSnapshot(join(snapshotDir, `renewal-${strategy}-${process.pid}.heapsnapshot`))}`);
  const line = JSON.stringify({
      renewed: tally.renewed,
      failed: tally.failed,
      ms,
      renewalP50Ms: percentile(channels.samples, 50),
      renewalP99Ms: percentile(channels.samples, 99),
      roundTrips,
      rssAtStartMb: atStart.rss / 1048576,
      peakRssMb: peak.rss / 1048576,
      heapAtStartMb: atStart.heapUsed / 1048576,
      peakHeapMb: peak.heapUsed / 1048576,
      memoryAtStartMb: inMb(atStart),
      memoryAtPeakRssMb: inMb(atPeak),
    });
  // Written out before the process ends (process.exit does not wait for a piped stdout).
  await new Promise<void>((resolve) => process.stdout.write(`${line}\n`, () => resolve()));
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => process.exit());
