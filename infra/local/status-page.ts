// The local status page: the figures of `npm run ops -- status` (shared/ops/status.ts) and a chart
// of the last hour's pushes and push→slot lag (shared/ops/push-metrics.ts). Server-rendered, no
// script: the charts are SVG with a title and a description, and their numbers are in a table too.
// It reloads by a link; reloading by itself (a meta refresh) is what the reader turns on with
// another link, never the default: a page that changes under its reader is a barrier (WCAG 2.2.1,
// axe's meta-refresh rule).
import escapeHtml from 'escape-html';
import type { MinuteCounts } from '../../shared/ops/push-metrics';
import type { OpsStatus } from '../../shared/ops/status';

export const REFRESH_SECONDS = 30;

/** No script, no outside resource: the page's own style only. */
export const STATUS_PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:1.5rem auto;max-width:60rem;padding:0 1rem;color:#1a1a1a;background:#fff}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}h3{font-size:1rem;margin:1rem 0 .25rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #bbb;padding:.25rem .6rem;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
svg{max-width:100%;height:auto;border:1px solid #bbb}
.bar{fill:#1f5fa8}.lag{fill:#8a3b00}.axis{stroke:#444}.grid{stroke:#ddd}text{font-size:12px;fill:#1a1a1a}
a{color:#0b4f9c}`;

function row(label: string, value: string | number): string {
  return `<tr><th scope="row">${escapeHtml(label)}</th><td class="n">${escapeHtml(String(value))}</td></tr>`;
}

function ago(fromIso: string, nowIso: string): string {
  const seconds = Math.max(0, Math.round((Date.parse(nowIso) - Date.parse(fromIso)) / 1000));
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

function hhmm(date: Date): string {
  return date.toISOString().slice(11, 16);
}

function averageLagMs(m: MinuteCounts): number | null {
  return m.lagCount > 0 ? Math.round(m.lagMsSum / m.lagCount) : null;
}

const WIDTH = 720;
const HEIGHT = 200;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

/** A bar chart of one value a minute, in SVG, with its title and description for screen readers. */
export function barChart(options: { id: string; title: string; description: string; unit: string; className: string; values: (number | null)[]; minutes: Date[] }): string {
  const { id, values, minutes } = options;
  const max = Math.max(1, ...values.map((v) => v ?? 0));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const step = plotW / Math.max(1, values.length);
  const bars = values
    .map((v, i) => {
      if (!v) return '';
      const h = (v / max) * plotH;
      return `<rect class="${options.className}" x="${(PAD.left + i * step + 1).toFixed(1)}" y="${(PAD.top + plotH - h).toFixed(1)}" width="${Math.max(1, step - 2).toFixed(1)}" height="${h.toFixed(1)}"/>`;
    })
    .join('');
  const labels = minutes
    .map((m, i) => {
      const last = i === minutes.length - 1;
      if (i % 10 !== 0 && !last) return '';
      const x = last ? WIDTH - PAD.right : PAD.left + i * step;
      return `<text x="${x.toFixed(1)}" y="${HEIGHT - 8}"${last ? ' text-anchor="end"' : ''}>${hhmm(m)}</text>`;
    })
    .join('');
  return `<svg id="${id}" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}">
<title id="${id}-title">${escapeHtml(options.title)}</title>
<desc id="${id}-desc">${escapeHtml(options.description)}</desc>
<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${PAD.top}" y2="${PAD.top}"/>
<text x="4" y="${PAD.top + 4}">${escapeHtml(`${max} ${options.unit}`)}</text>
<text x="4" y="${PAD.top + plotH}">0</text>
<line class="axis" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}"/>
${bars}${labels}
</svg>`;
}

function describe(series: MinuteCounts[]): { pushes: number; handled: number; lagAverage: number | null; lagWorst: number | null } {
  const pushes = series.reduce((n, m) => n + m.pushes.handled + m.pushes.coalesced + m.pushes.refused, 0);
  const handled = series.reduce((n, m) => n + m.pushes.handled, 0);
  const lagCount = series.reduce((n, m) => n + m.lagCount, 0);
  const lags = series.map(averageLagMs).filter((v): v is number => v !== null);
  return {
    pushes,
    handled,
    lagAverage: lagCount > 0 ? Math.round(series.reduce((n, m) => n + m.lagMsSum, 0) / lagCount) : null,
    lagWorst: lags.length > 0 ? Math.max(...lags) : null,
  };
}

function pushTable(series: MinuteCounts[]): string {
  const rows = series
    .filter((m) => m.pushes.handled + m.pushes.coalesced + m.pushes.refused > 0)
    .map((m) => {
      const lag = averageLagMs(m);
      return `<tr><th scope="row">${hhmm(m.minute)}</th><td class="n">${m.pushes.handled}</td><td class="n">${m.pushes.coalesced}</td><td class="n">${m.pushes.refused}</td><td class="n">${lag === null ? '–' : lag}</td></tr>`;
    });
  if (rows.length === 0) return '<p>No push came in the last hour.</p>';
  return `<table><caption>Pushes and average push→slot lag by minute (UTC; minutes with no push left out)</caption>
<thead><tr><th scope="col">Minute</th><th scope="col">Handled</th><th scope="col">Coalesced</th><th scope="col">Refused</th><th scope="col">Average lag (ms)</th></tr></thead>
<tbody>${rows.join('')}</tbody></table>`;
}

export function renderStatusPage(status: OpsStatus, series: MinuteCounts[], options: { reloading: boolean }): string {
  const { channels, lastRun, outbox, bookings } = status;
  const minutes = series.map((m) => m.minute);
  const summary = describe(series);
  const pushChart = barChart({
    id: 'pushes',
    title: 'Pushes per minute, last hour',
    description: `${summary.pushes} pushes in the last hour, ${summary.handled} of them ran a sync. The table below has the numbers by minute.`,
    unit: 'pushes',
    className: 'bar',
    values: series.map((m) => m.pushes.handled + m.pushes.coalesced + m.pushes.refused),
    minutes,
  });
  const lagChart = barChart({
    id: 'lag',
    title: 'Push→slot lag, average per minute, last hour',
    description:
      summary.lagAverage === null
        ? 'No push ran a sync to its end in the last hour.'
        : `Average ${summary.lagAverage} ms over the hour; the slowest minute averaged ${summary.lagWorst} ms. The table below has the numbers by minute.`,
    unit: 'ms',
    className: 'lag',
    values: series.map(averageLagMs),
    minutes,
  });
  const run = lastRun ? `${lastRun.running ? 'running, started' : 'ended'} ${ago(lastRun.at, status.at)}${status.runs.length > 1 ? ` (shard ${lastRun.shard})` : ''}` : 'never ran';
  // A sharded upkeep: one row per shard's run, beside the latest run's summary.
  const shardRuns =
    status.runs.length > 1
      ? `<table><caption>Each shard's last run</caption><thead><tr><th scope="col">Shard</th><th scope="col">State</th><th scope="col">Failed</th><th scope="col">Remaining</th></tr></thead><tbody>${status.runs
          .map(
            (r) =>
              `<tr><th scope="row">${escapeHtml(r.shard)}</th><td>${escapeHtml(`${r.running ? 'running, started' : 'ended'} ${ago(r.at, status.at)}`)}</td><td class="n">${escapeHtml(String(r.summary?.failed ?? '–'))}</td><td class="n">${escapeHtml(String(r.summary?.remaining ?? '–'))}</td></tr>`,
          )
          .join('')}</tbody></table>`
      : '';
  const runSummary = lastRun?.summary ? Object.entries(lastRun.summary).map(([k, v]) => row(k, JSON.stringify(v))).join('') : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${options.reloading ? `<meta http-equiv="refresh" content="${REFRESH_SECONDS}">\n` : ''}<title>Status · local stack</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Status of the local stack</h1>
<p>Read from Firestore at ${escapeHtml(status.at)} (UTC). <a href="${options.reloading ? '/?reload=auto' : '/'}">Reload now</a> · ${
    options.reloading ? `reloading every ${REFRESH_SECONDS} s: <a href="/">stop reloading</a>` : `<a href="/?reload=auto">reload every ${REFRESH_SECONDS} s</a>`
  } · <a href="/status.json">as JSON</a> (what <code>npm run ops -- status --json</code> prints)</p>
<h2>Pushes and push→slot lag</h2>
<h3>Pushes per minute</h3>
${pushChart}
<h3>Push→slot lag, average per minute</h3>
<p>From a push reaching the webhook to the end of the sync it ran (the slot updated).</p>
${lagChart}
<p><a href="#by-minute">The numbers by minute</a> are below the figures.</p>
<h2>Channels</h2>
<table><tbody>
${row('Channels', channels.total)}${row('Active', channels.byState.active)}${row('Pending', channels.byState.pending)}
${row('Expiring within 24 h', channels.expiringWithin24h)}${row('Expired', channels.expired)}${row('Soonest expiry', channels.soonestExpiry ?? 'none')}
${row('Calendars left dirty', channels.dirty)}${row('Calendars failing to sync', channels.failing)}
</tbody></table>
<h2>Last scheduled run</h2>
<p>${escapeHtml(run)}</p>
${runSummary ? `<table><tbody>${runSummary}</tbody></table>` : ''}
${shardRuns}
<h2>Mail outbox</h2>
<table><tbody>${row('Mails waiting', outbox.depth)}${row('Oldest waiting (s)', outbox.oldestAgeSeconds ?? '–')}</tbody></table>
<h2>Bookings made in the last 24 h, by status now</h2>
<table><tbody>${Object.entries(bookings.byStatus).map(([s, n]) => row(s, n)).join('')}</tbody></table>
<h2 id="by-minute">Pushes by minute, last hour</h2>
${pushTable(series)}
</main>
</body>
</html>`;
}
