// `channels backfill | list | renew | sync`: the watch channels, as an operator sees and steers
// them. Each command calls the same domain operation the functions and the scheduled run call.
import { services, syncDeps, upkeepDeps } from '../../functions/services';
import { backfillChannels } from '../../shared/channels/backfill';
import { watchKey, type Watch } from '../../shared/channels/watches';
import type { SyncReport } from '../../shared/sync/sync-channel';
import { syncChannel } from '../../shared/sync/sync-channel';
import { renewDue } from '../../shared/upkeep/run-upkeep';
import { progressBar } from './progress';

export async function channelsBackfill(options: { dryRun: boolean; concurrency: number; json: boolean }): Promise<void> {
  const { dryRun, concurrency, json } = options;
  const s = services();
  const bar = progressBar('channels {bar} {value}/{total} hosts', json);
  const report = await backfillChannels(
    { subscribers: s.subscribers, channels: s.channels },
    {
      dryRun,
      concurrency,
      onProgress: (done, total) => {
        if (done === 0) bar?.start(total, 0);
        else bar?.update(done);
      },
    },
  );
  bar?.stop();
  if (json) {
    console.log(JSON.stringify({ dryRun, ...report }));
  } else {
    const verb = dryRun ? 'would create' : 'created';
    console.log(`${report.eligible} hosts with a connected Google default calendar: ${verb} ${dryRun ? report.missing : report.created}, already watched ${report.alreadyWatched}, failed ${report.failed.length}`);
    for (const failure of report.failed) console.log(`  failed ${failure.subscriberId}: ${failure.error}`);
  }
  if (report.failed.length > 0) process.exitCode = 1;
}

/** One line of `channels list`; dates as ISO strings in --json. */
interface ChannelRow {
  channelId: string;
  subscriberId: string;
  calendarId: string;
  state: 'pending' | 'active';
  expiration: string | null;
  /** Negative once expired; null while pending (Google has not answered the watch yet). */
  expiresInMs: number | null;
  lastSyncedAt: string | null;
  dirty: boolean;
  errorCount: number;
}

export async function channelsList(json: boolean): Promise<void> {
  const s = services();
  const now = s.now().getTime();
  const channels = await s.channels.channels.all();
  // The sync state is the calendar's (its watch), shared by its channels.
  const watches = await s.channels.watches.getMany([...new Set(channels.map(({ channel }) => watchKey(channel.subscriberId, channel.calendarId)))]);
  const rows: ChannelRow[] = channels.map(({ id, channel }) => ({
    channelId: id,
    subscriberId: channel.subscriberId,
    calendarId: channel.calendarId,
    state: channel.state,
    expiration: channel.expiration?.toISOString() ?? null,
    expiresInMs: channel.expiration ? channel.expiration.getTime() - now : null,
    ...syncColumns(watches.get(watchKey(channel.subscriberId, channel.calendarId))),
  }));
  // Soonest expiry first; pending channels (no expiry yet) last.
  rows.sort((a, b) => (a.expiresInMs ?? Infinity) - (b.expiresInMs ?? Infinity) || a.channelId.localeCompare(b.channelId));
  if (json) {
    console.log(JSON.stringify(rows));
    return;
  }
  if (rows.length === 0) {
    console.log('no channels');
    return;
  }
  const cells = rows.map((row) => [
    row.channelId,
    row.subscriberId,
    row.calendarId,
    row.state,
    row.expiresInMs === null ? '-' : row.expiresInMs <= 0 ? 'expired' : humanDuration(row.expiresInMs),
    row.lastSyncedAt === null ? 'never' : `${humanDuration(now - Date.parse(row.lastSyncedAt))} ago`,
    row.dirty ? 'yes' : 'no',
    String(row.errorCount),
  ]);
  console.log(table(['CHANNEL', 'HOST', 'CALENDAR', 'STATE', 'EXPIRES IN', 'LAST SYNCED', 'DIRTY', 'ERRORS'], cells));
}

function syncColumns(watch: Watch | undefined): Pick<ChannelRow, 'lastSyncedAt' | 'dirty' | 'errorCount'> {
  return { lastSyncedAt: watch?.lastSyncedAt?.toISOString() ?? null, dirty: watch?.dirty ?? false, errorCount: watch?.errorCount ?? 0 };
}

/** `1d 4h`, `3h 12m`, `12m`, `40s`: the two largest units, enough to read at a glance. */
export function humanDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const [days, hours] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60)];
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes % 60}m`;
  if (minutes > 0) return `${minutes}m`;
  return `${Math.max(0, Math.floor(ms / 1000))}s`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
  return [header, ...rows].map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

export async function channelsRenew(options: { all: boolean; concurrency: number; json: boolean }): Promise<void> {
  const s = services();
  // An infinite window makes every active channel due (renewDue ends its query at Firestore's latest time).
  const windowMs = options.all ? Number.POSITIVE_INFINITY : s.config.renewal.windowMs;
  const bar = progressBar('renewing {bar} {value}/{total} channels', options.json);
  // No deadline: an operator waits for the whole job, where the scheduled run stops in its budget.
  const tally = await renewDue(upkeepDeps(), {
    windowMs,
    concurrency: options.concurrency,
    deadline: Number.POSITIVE_INFINITY,
    onProgress: (done, total) => {
      if (done === 0) bar?.start(total, 0);
      else bar?.update(done);
    },
  });
  bar?.stop();
  const windowHours = options.all ? null : windowMs / 3_600_000;
  if (options.json) {
    // The scheduled run's names: `healed` are channels stopped because their host has no working grant.
    console.log(JSON.stringify({ all: options.all, windowHours, renewed: tally.renewed, healed: tally.healed, failed: tally.failed }));
  } else {
    const scope = options.all ? 'every active channel' : `channels expiring within ${windowHours}h`;
    console.log(`${scope}: renewed ${tally.renewed}, stopped for want of a working Google connection ${tally.healed}, failed ${tally.failed}`);
  }
  if (tally.failed > 0) process.exitCode = 1;
}

/** Long enough for a calendar with many changes; what does not fit stays dirty, and says so. */
const SYNC_BUDGET_MS = 60_000;

const OUTCOMES: Record<Exclude<SyncReport['outcome'], 'unknown_channel'>, string> = {
  synced: 'synced',
  queued: 'another sync holds the lease; it runs once more for this request',
  left_dirty: 'not finished (Google or Firestore failed, or time ran out); left dirty for the next push or scheduled run',
  connection_lost: "the host's Google grant is revoked: connection marked broken, channel stopped, host told",
};

export async function channelsSync(channelId: string, json: boolean): Promise<void> {
  const report = await syncChannel(syncDeps(), channelId, SYNC_BUDGET_MS);
  if (report.outcome === 'unknown_channel') console.error(`no channel ${channelId} (npm run ops -- channels list shows them)`);
  if (json) console.log(JSON.stringify({ channelId, ...report }));
  else if (report.outcome !== 'unknown_channel') console.log(`${channelId}: ${OUTCOMES[report.outcome]}; ${count(report.changes, 'change')} applied in ${count(report.runs, 'run')}`);
  if (report.outcome !== 'synced' && report.outcome !== 'queued') process.exitCode = 1;
}
