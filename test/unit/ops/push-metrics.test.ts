// An instance's push counts: kept per Firestore client, and never in a push's way (the push does
// not wait for their batch, one batch is written at a time, and what waits is bounded).
import type { Firestore } from '@google-cloud/firestore';
import { FLUSH_EVERY_MS, instancePushMetrics, MAX_UNWRITTEN_MINUTES, PushMetrics } from '../../../shared/ops/push-metrics';

/** A client whose batches are handed to `commit` (no I/O): enough of Firestore for the counts. */
function fakeClient(commit: () => Promise<unknown>): Firestore & { commits: number } {
  const client = {
    commits: 0,
    collection: () => ({ doc: (id: string) => ({ id }) }),
    batch: () => ({
      set: () => undefined,
      commit: () => {
        client.commits += 1;
        return commit();
      },
    }),
  };
  return client as unknown as Firestore & { commits: number };
}

const never = () => new Promise<never>(() => undefined);
const noFailure = (error: unknown) => {
  throw error;
};
const at = (ms: number) => new Date(Date.UTC(2026, 10, 26, 9, 0, 0) + ms);

it('keeps the counts of each Firestore client apart', () => {
  const [a, b] = [fakeClient(never), fakeClient(never)];
  instancePushMetrics(a).record('handled', 10, at(0), noFailure);

  expect(instancePushMetrics(a)).toBe(instancePushMetrics(a));
  expect(instancePushMetrics(b)).not.toBe(instancePushMetrics(a));
  expect(instancePushMetrics(b).unwritten()).toEqual([]);
  expect(instancePushMetrics(a).unwritten().map((m) => m.pushes.handled)).toEqual([1]);
});

it('does not wait for a batch, and writes one batch at a time', () => {
  const client = fakeClient(never);
  const metrics = new PushMetrics(client);

  // The batch is due from the second count on, and is never written.
  for (let i = 0; i < 5; i += 1) expect(metrics.record('coalesced', undefined, at(i * FLUSH_EVERY_MS), noFailure)).toBeUndefined();

  expect(client.commits).toBe(1);
  // What came after the batch started waits for the next one.
  expect(metrics.unwritten().reduce((sum, m) => sum + m.pushes.coalesced, 0)).toBe(3);
});

it('holds a bounded number of minutes while its batches cannot be written', () => {
  const metrics = new PushMetrics(fakeClient(never));
  for (let minute = 0; minute < 3 * MAX_UNWRITTEN_MINUTES; minute += 1) metrics.record('handled', 5, at(minute * 60_000), noFailure);

  const unwritten = metrics.unwritten();
  expect(unwritten).toHaveLength(MAX_UNWRITTEN_MINUTES);
  // The newest are kept.
  expect(Math.max(...unwritten.map((m) => m.minute.getTime()))).toBe(at((3 * MAX_UNWRITTEN_MINUTES - 1) * 60_000).getTime());
});

it('tells of a batch that failed, and writes the next one', async () => {
  let fail = true;
  const client = fakeClient(() => (fail ? Promise.reject(new Error('10 ABORTED: lock timeout')) : Promise.resolve()));
  const metrics = new PushMetrics(client);
  const failures: unknown[] = [];

  metrics.record('handled', 1, at(0), (e) => failures.push(e));
  metrics.record('handled', 1, at(FLUSH_EVERY_MS), (e) => failures.push(e));
  await metrics.written();
  fail = false;
  metrics.record('refused', undefined, at(2 * FLUSH_EVERY_MS), (e) => failures.push(e));
  metrics.record('refused', undefined, at(3 * FLUSH_EVERY_MS), (e) => failures.push(e));
  await metrics.written();

  expect(failures).toHaveLength(1);
  expect(client.commits).toBe(2);
  expect(metrics.unwritten()).toEqual([]);
});
