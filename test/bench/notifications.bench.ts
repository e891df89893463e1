// Google change → our slot updated, through real pushes: the emulator POSTs to the webhook, the
// webhook syncs. Latency from the change at Google to the slot showing it (p50/p99), under a
// steady rate and under a burst, and Calendar API calls per notification.
import { services } from '../../functions/services';
import { eventIdForSlot } from '../../shared/google/event-identity';
import { availability, book, GUEST } from '../support/booking-client';
import type { TestHost, TestSystem } from '../support/system';
import { withLocalSystem } from './local-system';
import { percentile, round } from './stats';

async function bookMany(sys: TestSystem, host: TestHost, count: number): Promise<string[]> {
  const offered = (await availability(sys.functionsUrl, host.slug)).slots;
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const res = await book(sys.functionsUrl, { host: host.slug, start: offered[i]!.start, guest: { ...GUEST, email: `n${i}@example.org` } });
    ids.push(((await res.json()) as { slotId: string }).slotId);
  }
  return ids;
}

/** Marks the guest's answer in Google and measures until the slot records it. */
async function answerAndWait(sys: TestSystem, host: TestHost, slotId: string, guestEmail: string): Promise<number> {
  const started = performance.now();
  await sys.control(`/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(slotId)}/respond`, { email: guestEmail, responseStatus: 'tentative' });
  for (;;) {
    if ((await services().slots.get(slotId))?.guestResponse === 'tentative') return performance.now() - started;
    if (performance.now() - started > 30_000) throw new Error(`slot ${slotId} never caught up`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function apiCalls(sys: TestSystem): Promise<number> {
  return (await sys.control<{ total: number }>('/requests')).total;
}

export function run(): Promise<Record<string, unknown>[]> {
  return withLocalSystem({ GOOGLE_INVITE_ENABLED: 'true' }, async (sys) => {
    const host = await sys.createHost();
    await services().channels.ensureChannel(host.id, (await services().subscribers.get(host.id))!, host.calendarId);
    const count = 40;
    const slots = await bookMany(sys, host, count * 2);
    await new Promise((r) => setTimeout(r, 1000));

    const steady: number[] = [];
    const callsBefore = await apiCalls(sys);
    for (let i = 0; i < count; i += 1) {
      steady.push(await answerAndWait(sys, host, slots[i]!, `n${i}@example.org`));
      await new Promise((r) => setTimeout(r, 100));
    }
    // The emulator counts API calls only (the control API's `respond` is not one).
    const steadyCalls = (await apiCalls(sys)) - callsBefore;

    const burstStarted = performance.now();
    const burst = await Promise.all(slots.slice(count).map((slotId, i) => answerAndWait(sys, host, slotId, `n${count + i}@example.org`)));
    const burstMs = performance.now() - burstStarted;
    return [
      { benchmark: 'notification → slot, steady (one change every ~100 ms)', changes: count, p50Ms: round(percentile(steady, 50)), p99Ms: round(percentile(steady, 99)), calendarCallsPerNotification: round(steadyCalls / count, 2) },
      { benchmark: 'notification → slot, burst', changes: count, p50Ms: round(percentile(burst, 50)), p99Ms: round(percentile(burst, 99)), totalMs: round(burstMs) },
    ];
  });
}
