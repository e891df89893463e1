// infra/monitoring against the lines the code writes: every metric's filter is evaluated on business
// events written through logEvent, every field a filter or extractor names is in the event's schema,
// and the dashboard and alert policies have the shape the Monitoring API takes and read only metrics
// we define or Cloud Run's own.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { EVENTS, logEvent, type EventFields, type EventName } from '../../../shared/business-events';
import { createLogger } from '../../../shared/log';
import { asLogEntry, clausesOf, matchesFilter, valueAt } from '../../support/logging-filter';

const dir = join(__dirname, '../../../infra/monitoring');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

interface LogMetric {
  name: string;
  description: string;
  filter: string;
  metricDescriptor: { metricKind: string; valueType: string; unit?: string; labels?: { key: string; valueType: string }[] };
  labelExtractors?: Record<string, string>;
  valueExtractor?: string;
  bucketOptions?: Record<string, unknown>;
}

const metrics = readdirSync(join(dir, 'metrics')).map((file) => ({ file, metric: readJson(join(dir, 'metrics', file)) as unknown as LogMetric }));
const metricByName = new Map(metrics.map(({ metric }) => [metric.name, metric]));
const alerts = readdirSync(join(dir, 'alerts')).map((file) => ({ file, policy: readJson(join(dir, 'alerts', file)) }));
const dashboard = readJson(join(dir, 'dashboard.json'));

/** One line of each event, as the call sites write them, through the real logger. */
const SAMPLES: { [N in EventName]: EventFields<N>[] } = {
  'booking.created': [{ slotId: 's1', hostId: 'h1', status: 'requested', inviteMode: 'ics' }],
  'booking.refused': [{ host: 'ada', reason: 'slot_unavailable:taken', httpStatus: 409 }],
  'booking.decided': [{ slotId: 's1', hostId: 'h1', action: 'confirm', outcome: 'done', status: 'booked', by: 'host' }],
  'slot.transition': [{ slotId: 's1', hostId: 'h1', from: 'requested', to: 'booked', cause: 'host_confirmed', moved: false }],
  'push.received': [
    { channelId: 'c1', outcome: 'handled', messageNumber: 3, syncOutcome: 'synced', changes: 1, lagMs: 420 },
    { channelId: 'c1', outcome: 'coalesced', messageNumber: 4 },
    { channelId: 'c1', outcome: 'refused' },
  ],
  'sync.result': [
    { watch: 'h1_abc', outcome: 'synced', runs: 1, changes: 1, failed: false, failuresInARow: 0 },
    { watch: 'h1_abc', outcome: 'left_dirty', runs: 1, changes: 0, failed: true, failuresInARow: 3 },
  ],
  'sync.resync': [{ watch: 'h1_abc' }],
  'calendar.error': [{ operation: 'list', status: 429, hostId: 'h1' }],
  'channel.created': [{ channelId: 'c1', hostId: 'h1', watch: 'h1_abc', expiresAt: '2030-01-08T00:00:00.000Z' }],
  'channel.renewed': [{ channelId: 'c2', replaced: 'c1', expiresAt: '2030-01-15T00:00:00.000Z' }],
  'channel.stopped': [{ channelId: 'c1', hostId: 'h1', reason: 'stopped_at_google' }],
  'channel.upkeep_failed': [{ step: 'renew', channelId: 'c1', hostId: 'h1' }],
  'mail.sent': [{ outboxId: 'm1', attempts: 1 }],
  'mail.queued': [{ outboxId: 'm1', attempts: 1, sendgridStatus: 503 }],
  'mail.given_up': [{ outboxId: 'm1', attempts: 10, sendgridStatus: 503, permanent: false }],
  'abuse.limited': [{ limit: 'bookingAttemptsPerMinute', route: 'booking' }],
  'upkeep.run': [
    {
      outcome: 'done',
      shard: '0/2',
      renewed: 2,
      healed: 0,
      reconciled: 1,
      mailed: 0,
      invitesSettled: 0,
      failed: 0,
      remaining: 0,
      durationMs: 1200,
      channelsPending: 0,
      channelsActive: 12,
      channelsExpiringWithin24h: 1,
      channelsExpiringWithin12h: 0,
      outboxDepth: 0,
      oldestMailAgeSeconds: 0,
    },
    { outcome: 'failed', shard: '1/2' },
  ],
};

function sampleLines(): Record<string, unknown>[] {
  const chunks: string[] = [];
  const log = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk, _encoding, done) {
        chunks.push(String(chunk));
        done();
      },
    }),
  });
  for (const [name, samples] of Object.entries(SAMPLES)) for (const fields of samples) logEvent(log, name as EventName, fields as never);
  return chunks.join('').trim().split('\n').map((line) => asLogEntry(JSON.parse(line) as Record<string, unknown>));
}

/** The events a filter selects, by its `jsonPayload.event` clause. */
function eventsOf(filter: string): EventName[] {
  const clause = clausesOf(filter).find(({ path }) => path === 'jsonPayload.event');
  if (!clause) throw new Error(`a metric filter with no event: ${filter}`);
  return (Object.keys(EVENTS) as EventName[]).filter((name) => clause.test(name));
}

const extracted = (extractor: string) => /^EXTRACT\(jsonPayload\.(\w+)\)$/.exec(extractor)?.[1];

const USER_METRIC = 'logging.googleapis.com/user/';
/** Cloud Run's own metrics the alerts and dashboard may read (2nd gen functions run on Cloud Run). */
const BUILT_IN = new Set(['run.googleapis.com/request_count', 'run.googleapis.com/request_latencies', 'run.googleapis.com/container/instance_count']);
const ALIGNERS_FOR: Record<string, string[]> = {
  INT64: ['ALIGN_SUM', 'ALIGN_RATE', 'ALIGN_DELTA', 'ALIGN_COUNT', 'ALIGN_MAX', 'ALIGN_MEAN'],
  DISTRIBUTION: ['ALIGN_DELTA', 'ALIGN_PERCENTILE_99', 'ALIGN_PERCENTILE_95', 'ALIGN_PERCENTILE_50', 'ALIGN_PERCENTILE_05', 'ALIGN_COUNT'],
};

/** Checks a Monitoring time-series filter and aggregation; returns the metric it reads. */
function checkSeries(filter: string, aggregation: Record<string, unknown>): string {
  const type = /metric\.type="([^"]+)"/.exec(filter)?.[1] ?? '';
  const labels = [...filter.matchAll(/metric\.labels?\.(\w+)/g)].map((m) => m[1]!);
  const grouped = ((aggregation.groupByFields as string[] | undefined) ?? []).map((field) => /^metric\.labels?\.(\w+)$/.exec(field)?.[1] ?? field);
  expect(aggregation.alignmentPeriod).toMatch(/^\d+s$/);
  if (type.startsWith(USER_METRIC)) {
    const metric = metricByName.get(type.slice(USER_METRIC.length));
    expect({ type, defined: metric !== undefined }).toEqual({ type, defined: true });
    const keys = metric!.metricDescriptor.labels?.map((label) => label.key) ?? [];
    for (const label of [...labels, ...grouped]) expect({ type, label, known: keys.includes(label) }).toEqual({ type, label, known: true });
    expect(ALIGNERS_FOR[metric!.metricDescriptor.valueType]).toContain(aggregation.perSeriesAligner);
  } else {
    expect({ type, builtIn: BUILT_IN.has(type) }).toEqual({ type, builtIn: true });
  }
  return type;
}

describe('the log-based metrics (infra/monitoring/metrics)', () => {
  const lines = sampleLines();

  it.each(metrics)('$file has the LogMetric shape: its name, a counter or a distribution with its extractor and buckets', ({ file, metric }) => {
    expect(metric.name).toBe(file.replace(/\.json$/, ''));
    expect(metric.description.length).toBeGreaterThan(10);
    expect(metric.metricDescriptor.metricKind).toBe('DELTA');
    expect(['INT64', 'DISTRIBUTION']).toContain(metric.metricDescriptor.valueType);
    if (metric.metricDescriptor.valueType === 'DISTRIBUTION') {
      expect(extracted(metric.valueExtractor ?? '')).toBeDefined();
      expect(Object.keys(metric.bucketOptions ?? {})).toHaveLength(1);
    } else expect(metric.valueExtractor).toBeUndefined();
    expect(Object.keys(metric.labelExtractors ?? {}).sort()).toEqual((metric.metricDescriptor.labels ?? []).map((label) => label.key).sort());
  });

  it.each(metrics)('$file names only fields its events carry', ({ metric }) => {
    const named = [
      ...clausesOf(metric.filter).map(({ path }) => path).filter((path) => path.startsWith('jsonPayload.')).map((path) => path.slice('jsonPayload.'.length)),
      ...Object.values(metric.labelExtractors ?? {}).map((extractor) => extracted(extractor)),
      ...(metric.valueExtractor ? [extracted(metric.valueExtractor)] : []),
    ];
    for (const event of eventsOf(metric.filter)) {
      const fields = ['event', ...Object.keys(EVENTS[event].fields.shape)];
      for (const field of named) expect({ event, field, inSchema: fields.includes(field ?? '') }).toEqual({ event, field, inSchema: true });
    }
  });

  it.each(metrics)('$file counts at least one line the code writes, and its extractors find their values there', ({ metric }) => {
    const counted = lines.filter((entry) => matchesFilter(metric.filter, entry));
    expect(counted.length).toBeGreaterThan(0);
    for (const entry of counted) {
      for (const extractor of [...Object.values(metric.labelExtractors ?? {}), ...(metric.valueExtractor ? [metric.valueExtractor] : [])]) {
        expect(valueAt(entry, `jsonPayload.${extracted(extractor)}`)).toBeDefined();
      }
      if (metric.valueExtractor) expect(typeof valueAt(entry, `jsonPayload.${extracted(metric.valueExtractor)}`)).toBe('number');
    }
  });

  it('the push lag reads only handled pushes, and the failing-in-a-row count only a third failure', () => {
    const lag = lines.filter((entry) => matchesFilter(metricByName.get('invites_push_lag')!.filter, entry));
    expect(lag.map((entry) => valueAt(entry, 'jsonPayload.lagMs'))).toEqual([420]);
    const inARow = lines.filter((entry) => matchesFilter(metricByName.get('invites_sync_failing_in_a_row')!.filter, entry));
    expect(inARow.map((entry) => valueAt(entry, 'jsonPayload.failuresInARow'))).toEqual([3]);
  });

  it('cover every event: each business event is read by some metric', () => {
    const read = new Set(metrics.flatMap(({ metric }) => eventsOf(metric.filter)));
    expect((Object.keys(EVENTS) as EventName[]).filter((name) => !read.has(name))).toEqual([]);
  });
});

describe('the alert policies (infra/monitoring/alerts)', () => {
  const COMPARISONS = ['COMPARISON_GT', 'COMPARISON_GE', 'COMPARISON_LT', 'COMPARISON_LE'];

  it.each(alerts)('$file has the AlertPolicy shape and reads metrics we define or Cloud Run\'s own', ({ policy }) => {
    expect(typeof policy.displayName).toBe('string');
    expect(policy.combiner).toMatch(/^(OR|AND)$/);
    expect((policy.documentation as { content: string }).content.length).toBeGreaterThan(40);
    const conditions = policy.conditions as Record<string, Record<string, unknown>>[];
    expect(conditions.length).toBeGreaterThan(0);
    for (const condition of conditions) {
      expect(typeof condition.displayName).toBe('string');
      const kinds = Object.keys(condition).filter((key) => key.startsWith('condition'));
      expect(kinds.length === 1 && ['conditionThreshold', 'conditionAbsent'].includes(kinds[0]!)).toBe(true);
      const body = condition[kinds[0]!] as Record<string, unknown>;
      expect(body.duration).toMatch(/^\d+s$/);
      for (const aggregation of body.aggregations as Record<string, unknown>[]) checkSeries(body.filter as string, aggregation);
      if (kinds[0] === 'conditionThreshold') {
        expect(COMPARISONS).toContain(body.comparison);
        expect(typeof body.thresholdValue).toBe('number');
      } else {
        // An absence needs at least two minutes and at most 23 h 30 min.
        expect(Number.parseInt(body.duration as string, 10)).toBeGreaterThanOrEqual(120);
      }
    }
  });

  it('are the six the operators asked for', () => {
    expect(alerts.map(({ file }) => file).sort()).toEqual(
      ['calendar-rate-limited.json', 'channel-not-renewed.json', 'outbox-mail-old.json', 'sync-failing-in-a-row.json', 'upkeep-run-missing.json', 'webhook-5xx.json'].sort(),
    );
  });
});

describe('the dashboard (infra/monitoring/dashboard.json)', () => {
  const tiles = (dashboard.mosaicLayout as { columns: number; tiles: { xPos: number; yPos: number; width: number; height: number; widget: Record<string, unknown> }[] }).tiles;

  it('is a mosaic whose tiles fit its columns and do not overlap', () => {
    expect(typeof dashboard.displayName).toBe('string');
    const columns = (dashboard.mosaicLayout as { columns: number }).columns;
    const taken = new Set<string>();
    for (const tile of tiles) {
      expect(tile.xPos + tile.width).toBeLessThanOrEqual(columns);
      for (let x = tile.xPos; x < tile.xPos + tile.width; x++) {
        for (let y = tile.yPos; y < tile.yPos + tile.height; y++) {
          expect(taken.has(`${x},${y}`)).toBe(false);
          taken.add(`${x},${y}`);
        }
      }
    }
  });

  it('charts every metric we define, each chart reading metrics we define or Cloud Run\'s own', () => {
    const read = new Set<string>();
    for (const { widget } of tiles) {
      expect(typeof widget.title).toBe('string');
      const dataSets = (widget.xyChart as { dataSets: { timeSeriesQuery: { timeSeriesFilter: { filter: string; aggregation: Record<string, unknown> } } }[] }).dataSets;
      for (const { timeSeriesQuery } of dataSets) read.add(checkSeries(timeSeriesQuery.timeSeriesFilter.filter, timeSeriesQuery.timeSeriesFilter.aggregation));
    }
    expect(metrics.map(({ metric }) => `${USER_METRIC}${metric.name}`).filter((type) => !read.has(type))).toEqual([]);
  });
});
