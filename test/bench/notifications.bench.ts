// Google change → our slot updated, through real pushes: the emulator POSTs to a webhook, the
// webhook syncs. Two strategies side by side, each on a host of its own:
// - seed: one sync per push, no lease, no coalescing (the Thunderbird Appointment seed's webhook):
//   every push lists the changes since the stored sync token and applies them; ./seed-webhook.ts;
// - ours: the googleWebhook function (a lease per calendar; a push that finds a sync running
//   marks the calendar dirty and the holder runs again).
// Rows: a steady load (BENCH_PUSHES changes, 2,000 by default, over 20 s, spread over the host's
// slots) and a burst (40 changes at once): Calendar API calls per change (each change is one push;
// the emulator delivers a push again when the webhook fails) and change → slot latency (from the
// change at Google until the slot shows it, read every 10 ms).
// Each strategy's phase runs in a process of its own (this file, run with a strategy and a phase),
// with its own Firestore emulator, Calendar emulator and dev server, all stopped when it ends: the
// seed leaves over a thousand pushes still retried and hundreds of syncs waiting on locks when its
// steady phase ends, and on shared emulators that backlog, not ours, set our figures (a write to
// a new document took 3.6 s, then 48 s, as our phase began). A probe write at the phase's start
// says the environment it got.
import { syncDeps, services } from '../../functions/services';
import { watchKey } from '../../shared/channels/watches';
import { eventIdForSlot } from '../../shared/google/event-identity';
import { availability, book, GUEST } from '../support/booking-client';
import type { TestHost, TestSystem } from '../support/system';
import { answerFromOwnProcess, inOwnProcess, withLocalSystem } from './local-system';
import { startSeedWebhook, watchTo } from './seed-webhook';
import { percentile, ratio, round } from './stats';

const PUSHES = Number(process.env.BENCH_PUSHES ?? 2_000);
const STEADY_MS = 20_000;
const SLOTS = 100;
const BURST = 40;
const RESPONSES = ['tentative', 'accepted'] as const;
type Response = (typeof RESPONSES)[number];
const STRATEGIES = { seed: 'seed: one sync per push', ours: 'ours: lease + coalescing' } as const;
type Strategy = keyof typeof STRATEGIES;
const PHASES = {
  steady: { name: `steady (${PUSHES} in ${STEADY_MS / 1000} s)`, count: PUSHES, gapMs: STEADY_MS / PUSHES },
  burst: { name: `burst (${BURST} at once)`, count: BURST, gapMs: 0 },
} as const;
type Phase = keyof typeof PHASES;
/** The response each slot was last changed to (none yet: needsAction). */
const shown = new Map<string, Response>();

async function bookMany(sys: TestSystem, host: TestHost, count: number): Promise<string[]> {
  const offered = (await availability(sys.functionsUrl, host.slug)).slots;
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const res = await book(sys.functionsUrl, { host: host.slug, start: offered[i]!.start, guest: { ...GUEST, email: `n${i}@example.org` } });
    if (res.status !== 201) throw new Error(`booking ${i} answered ${res.status}: ${await res.text()}`);
    ids.push(((await res.json()) as { slotId: string }).slotId);
  }
  return ids;
}

async function apiCalls(sys: TestSystem): Promise<number> {
  return (await sys.control<{ total: number }>('/requests')).total;
}

interface Change {
  slotId: string;
  response: Response;
  at: number;
  seenAt?: number;
  /** The next change of the same slot came before this one was seen. */
  superseded?: boolean;
}

/**
 * Watches the host's slots (one query every few ms) and marks each change seen the first time its
 * slot shows its response, as long as it is the slot's latest change.
 */
function watchSlots(host: TestHost): { latest: Map<string, Change>; stop: () => Promise<void> } {
  const latest = new Map<string, Change>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const page = await services().db.collection('slots').where('subscriberId', '==', host.id).select('guestResponse').get();
      const now = performance.now();
      for (const doc of page.docs) {
        const change = latest.get(doc.id);
        if (change && change.seenAt === undefined && doc.get('guestResponse') === change.response) change.seenAt = now;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return {
    latest,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** Makes the changes at Google, each `gapMs` after the last, and waits until each is seen (or superseded). */
async function drive(sys: TestSystem, host: TestHost, slots: string[], count: number, gapMs: number): Promise<{ changes: Change[]; calls: number }> {
  const watcher = watchSlots(host);
  const changes: Change[] = [];
  const callsBefore = await apiCalls(sys);
  const started = performance.now();
  const made: Promise<unknown>[] = [];
  for (let i = 0; i < count; i += 1) {
    const slotIndex = i % slots.length;
    const slotId = slots[slotIndex]!;
    // Each slot alternates, from phase to phase too: a change always differs from what it shows.
    const response = RESPONSES.find((r) => r !== shown.get(slotId))!;
    shown.set(slotId, response);
    const previous = watcher.latest.get(slotId);
    if (previous && previous.seenAt === undefined) previous.superseded = true;
    const change: Change = { slotId, response, at: performance.now() };
    changes.push(change);
    watcher.latest.set(slotId, change);
    made.push(sys.control(`/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(slotId)}/respond`, { email: `n${slotIndex}@example.org`, responseStatus: response }));
    const due = started + (i + 1) * gapMs;
    if (gapMs > 0 && due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
  }
  await Promise.all(made);
  const deadline = performance.now() + 60_000;
  while (changes.some((c) => c.seenAt === undefined && !c.superseded) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await watcher.stop();
  // Settled: no push of this phase is still syncing (so its calls count here, not in the next).
  await new Promise((r) => setTimeout(r, 1_000));
  return { changes, calls: (await apiCalls(sys)) - callsBefore };
}

function row(strategy: Strategy, phase: Phase, environment: string, run: { changes: Change[]; calls: number }): Record<string, unknown> {
  const latencies = run.changes.filter((c) => c.seenAt !== undefined).map((c) => c.seenAt! - c.at);
  return {
    benchmark: `notification → slot, ${PHASES[phase].name}`,
    strategy: STRATEGIES[strategy],
    environment,
    pushes: run.changes.length,
    seen: latencies.length,
    superseded: run.changes.filter((c) => c.superseded && c.seenAt === undefined).length,
    neverSeen: run.changes.filter((c) => !c.superseded && c.seenAt === undefined).length,
    calendarCalls: run.calls,
    // Three digits: ours makes a handful of calls for 2,000 changes.
    calendarCallsPerChange: round(run.calls / run.changes.length, 3),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
  };
}

/** How long one write to a new document takes: a backlog on the emulator shows here first. */
async function probeWriteMs(): Promise<number> {
  const started = performance.now();
  await services().db.collection('benchProbes').doc().set({ at: new Date() });
  return round(performance.now() - started);
}

/**
 * Waits (up to 2 min) until the setup's syncs are done: the seed has none in flight; ours holds no
 * lease and nothing is left dirty. At least 1 s, for pushes still on their way. Seconds waited.
 */
async function settle(host: TestHost, seed: { inFlight(): number } | undefined): Promise<number> {
  const started = performance.now();
  const watch = services().channels.watches.refOf(host.id, host.calendarId);
  const busy = async (): Promise<boolean> => {
    if (seed) return seed.inFlight() > 0;
    const state = await watch.get();
    return Boolean(state.get('lease')) || state.get('dirty') === true;
  };
  await new Promise((r) => setTimeout(r, 1_000));
  while ((await busy()) && performance.now() - started < 120_000) await new Promise((r) => setTimeout(r, 200));
  return round((performance.now() - started) / 1000);
}

/** One strategy's phase on a fresh system (run in a process of its own): its row. */
function measure(strategy: Strategy, phase: Phase): Promise<Record<string, unknown>> {
  return withLocalSystem({ GOOGLE_INVITE_ENABLED: 'true' }, async (sys) => {
    const seed = strategy === 'seed' ? await startSeedWebhook(syncDeps({ forPush: true })) : undefined;
    try {
      const host = await sys.createHost();
      if (seed) seed.serve(await watchTo(host, seed.url), watchKey(host.id, host.calendarId));
      else await services().channels.ensureChannel(host.id, (await services().subscribers.get(host.id))!, host.calendarId);
      const slots = await bookMany(sys, host, SLOTS);
      // The bookings' own pushes are synced before the phase starts: the seed's hundred syncs,
      // each applying up to a hundred events, would otherwise still hold the slots' locks.
      const settledS = await settle(host, seed);
      const environment = `own Firestore ${process.env.FIRESTORE_EMULATOR_HOST} + Calendar ${new URL(sys.google.url).host}, setup settled in ${settledS} s, probe write ${await probeWriteMs()} ms`;
      const { count, gapMs } = PHASES[phase];
      const before = { syncs: seed?.pushes() ?? 0, failed: seed?.failures() ?? 0 };
      const measured = row(strategy, phase, environment, await drive(sys, host, slots, count, gapMs));
      if (!seed) return measured;
      // The phase's own syncs (not the bookings'); what it had not finished when the phase ended
      // is cut off with its process.
      return { ...measured, syncs: seed.pushes() - before.syncs, failedSyncs: seed.failures() - before.failed, leftInFlight: seed.inFlight() };
    } finally {
      await seed?.close();
    }
  });
}

export async function run(): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const phase of Object.keys(PHASES) as Phase[]) {
    const measured: Partial<Record<Strategy, Record<string, number>>> = {};
    for (const strategy of Object.keys(STRATEGIES) as Strategy[]) {
      console.error(`bench: ${STRATEGIES[strategy]}, ${PHASES[phase].name}, in a process of its own`);
      const r = await inOwnProcess<Record<string, unknown>>(__filename, [strategy, phase]);
      measured[strategy] = r as Record<string, number>;
      rows.push(r);
    }
    const { seed: old, ours: now } = measured;
    rows.push({
      benchmark: `notification → slot, ${PHASES[phase].name}`,
      strategy: 'seed / ours',
      calendarCallsPerChange: ratio(old!.calendarCalls! / old!.pushes!, now!.calendarCalls! / now!.pushes!),
      p50Ms: ratio(old!.p50Ms!, now!.p50Ms!),
      p99Ms: ratio(old!.p99Ms!, now!.p99Ms!),
    });
  }
  return rows;
}

if (process.argv[1] === __filename) {
  const [strategy, phase] = process.argv.slice(2) as [Strategy, Phase];
  if (!(strategy in STRATEGIES) || !(phase in PHASES)) throw new Error(`usage: notifications.bench.ts <${Object.keys(STRATEGIES).join('|')}> <${Object.keys(PHASES).join('|')}>`);
  void answerFromOwnProcess(() => measure(strategy, phase));
}
