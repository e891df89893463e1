// Google change → our slot updated, through real pushes: the emulator POSTs to a webhook, the
// webhook syncs. Two strategies side by side, each on a host of its own, on the same emulators:
// - seed: one sync per push, no lease, no coalescing (the Thunderbird Appointment seed's webhook):
//   every push lists the changes since the stored sync token and applies them; ./seed-webhook.ts;
// - ours: the googleWebhook function (a lease per calendar; a push that finds a sync running
//   marks the calendar dirty and the holder runs again).
// Rows: a steady load (BENCH_PUSHES changes, 2,000 by default, over 20 s, spread over the host's
// slots) and a burst (40 changes at once): Calendar API calls per change (each change is one push;
// the emulator delivers a push again when the webhook fails) and change → slot latency (from the
// change at Google until the slot shows it, read every 10 ms).
import { syncDeps, services } from '../../functions/services';
import { watchKey } from '../../shared/channels/watches';
import { eventIdForSlot } from '../../shared/google/event-identity';
import { availability, book, GUEST } from '../support/booking-client';
import type { TestHost, TestSystem } from '../support/system';
import { withLocalSystem } from './local-system';
import { startSeedWebhook, watchTo } from './seed-webhook';
import { percentile, ratio, round } from './stats';

const PUSHES = Number(process.env.BENCH_PUSHES ?? 2_000);
const STEADY_MS = 20_000;
const SLOTS = 100;
const BURST = 40;
const RESPONSES = ['tentative', 'accepted'] as const;
type Response = (typeof RESPONSES)[number];
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

function row(strategy: string, phase: string, run: { changes: Change[]; calls: number }): Record<string, unknown> {
  const latencies = run.changes.filter((c) => c.seenAt !== undefined).map((c) => c.seenAt! - c.at);
  return {
    benchmark: `notification → slot, ${phase}`,
    strategy,
    pushes: run.changes.length,
    seen: latencies.length,
    superseded: run.changes.filter((c) => c.superseded && c.seenAt === undefined).length,
    neverSeen: run.changes.filter((c) => !c.superseded && c.seenAt === undefined).length,
    calendarCallsPerChange: round(run.calls / run.changes.length, 2),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
  };
}

export function run(): Promise<Record<string, unknown>[]> {
  return withLocalSystem({ GOOGLE_INVITE_ENABLED: 'true' }, async (sys) => {
    const seed = await startSeedWebhook(syncDeps({ forPush: true }));
    try {
      const ours = await sys.createHost();
      await services().channels.ensureChannel(ours.id, (await services().subscribers.get(ours.id))!, ours.calendarId);
      const theirs = await sys.createHost();
      seed.serve(await watchTo(theirs, seed.url), watchKey(theirs.id, theirs.calendarId));
      const slots = { ours: await bookMany(sys, ours, SLOTS), seed: await bookMany(sys, theirs, SLOTS) };
      await new Promise((r) => setTimeout(r, 1_000));

      const rows: Record<string, unknown>[] = [];
      const strategies = [
        ['seed: one sync per push', theirs, slots.seed],
        ['ours: lease + coalescing', ours, slots.ours],
      ] as const;
      const measured: Record<string, Record<string, number>> = {};
      for (const [phase, count, gapMs] of [
        [`steady (${PUSHES} in ${STEADY_MS / 1000} s)`, PUSHES, STEADY_MS / PUSHES],
        [`burst (${BURST} at once)`, BURST, 0],
      ] as const) {
        for (const [strategy, host, hostSlots] of strategies) {
          const r = row(strategy, phase, await drive(sys, host, [...hostSlots], count, gapMs));
          measured[`${phase}|${strategy}`] = r as Record<string, number>;
          rows.push(r);
        }
        const [old, now] = strategies.map(([strategy]) => measured[`${phase}|${strategy}`]!);
        rows.push({
          benchmark: `notification → slot, ${phase}`,
          strategy: 'seed / ours',
          calendarCallsPerChange: ratio(old!.calendarCallsPerChange!, now!.calendarCallsPerChange!),
          p50Ms: ratio(old!.p50Ms!, now!.p50Ms!),
          p99Ms: ratio(old!.p99Ms!, now!.p99Ms!),
        });
      }
      rows.push({ benchmark: 'seed webhook', strategy: 'seed: one sync per push', pushes: seed.pushes(), failed: seed.failures() });
      return rows;
    } finally {
      await seed.close();
    }
  });
}
