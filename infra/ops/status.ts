// `status`: the system's figures now (shared/ops/status.ts computes them; the local status page
// shows the same), as lines to read or as one JSON value.
import { services } from '../../functions/services';
import { readOpsStatus, type OpsStatus, type RunStatus } from '../../shared/ops/status';
import { humanDuration } from './channels';

export async function status(json: boolean): Promise<void> {
  const s = services();
  const figures = await readOpsStatus(s.db, s.now());
  console.log(json ? JSON.stringify(figures) : statusText(figures));
}

/** The figures as an operator reads them at a terminal (pure). */
export function statusText(figures: OpsStatus): string {
  const now = Date.parse(figures.at);
  const { channels, runs, outbox, bookings, pushes } = figures;
  const soonest = channels.soonestExpiry ? `soonest expiry in ${humanDuration(Date.parse(channels.soonestExpiry) - now)}` : 'none expiring';
  const runLine = (run: RunStatus) =>
    `${run.running ? 'running now, started' : 'ended'} ${humanDuration(now - Date.parse(run.at))} ago${run.summary ? `: ${Object.entries(run.summary).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ')}` : ''}`;
  // One line per shard's run; an install that never ran says so.
  const runLines = runs.length === 0 ? [`last run      never ran`] : runs.map((run) => `run ${run.shard.padEnd(10)}${runLine(run)}`);
  return [
    `channels      ${channels.total} (active ${channels.byState.active}, pending ${channels.byState.pending}); ${channels.expiringWithin24h} expiring within 24 h, ${channels.expired} expired; ${soonest}`,
    `syncs         ${channels.dirty} calendars left dirty, ${channels.failing} failing`,
    ...runLines,
    `outbox        ${outbox.depth} mails waiting${outbox.oldestAgeSeconds === null ? '' : `, oldest ${humanDuration(outbox.oldestAgeSeconds * 1000)} old`}`,
    `bookings 24h  ${Object.entries(bookings.byStatus).map(([status, n]) => `${status} ${n}`).join(', ')}`,
    `pushes 1h     ${Object.entries(pushes.byOutcome).map(([outcome, n]) => `${outcome} ${n}`).join(', ')}; push→slot lag ${pushes.averageLagMs === null ? '-' : `${pushes.averageLagMs} ms`} on average`,
  ].join('\n');
}
