// Cold start on Cloud Functions is mostly import time. Measures, in fresh Node processes, how
// long loading each dependency group takes and how much memory it holds, above bare Node.
import { spawnSync } from 'node:child_process';
import { median, round } from './stats';

const GROUPS: Record<string, string[]> = {
  'bare node (baseline)': [],
  '@googleapis/calendar + google-auth-library': ['@googleapis/calendar', 'google-auth-library'],
  '@google-cloud/firestore': ['@google-cloud/firestore'],
  '@sendgrid/mail': ['@sendgrid/mail'],
  'zod + luxon + pino': ['zod', 'luxon', 'pino'],
  '@google-cloud/functions-framework': ['@google-cloud/functions-framework'],
};

function measure(modules: string[]): { ms: number; rssMb: number } {
  const script = `const t=process.hrtime.bigint();${modules.map((m) => `require(${JSON.stringify(m)});`).join('')}` +
    `const ms=Number(process.hrtime.bigint()-t)/1e6;global.gc&&global.gc();console.log(JSON.stringify({ms,rss:process.memoryUsage().rss}))`;
  const run = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8', cwd: process.cwd() });
  if (run.status !== 0) throw new Error(`node -e failed: ${run.stderr}`);
  const parsed = JSON.parse(run.stdout) as { ms: number; rss: number };
  return { ms: parsed.ms, rssMb: parsed.rss / 1024 / 1024 };
}

export async function run(): Promise<Record<string, unknown>[]> {
  const runs = 7;
  const rows: Record<string, unknown>[] = [];
  let baselineRss = 0;
  for (const [name, modules] of Object.entries(GROUPS)) {
    const samples = Array.from({ length: runs }, () => measure(modules));
    const rss = median(samples.map((s) => s.rssMb));
    if (modules.length === 0) baselineRss = rss;
    rows.push({
      benchmark: 'cold import',
      group: name,
      runs,
      medianImportMs: round(median(samples.map((s) => s.ms))),
      medianRssMb: round(rss),
      rssAboveBareNodeMb: round(rss - baselineRss),
    });
  }
  return rows;
}
