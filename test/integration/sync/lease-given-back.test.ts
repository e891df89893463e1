// A sync whose end cannot be recorded (Firestore under contention answers a transaction lock
// timeout after its retries) still gives its lease back, leaving the calendar dirty: a lease left
// held makes every push for its remaining life count itself covered, and nothing syncs. Found by
// the notifications bench under 2,000 pushes, where no change showed for a minute.
import type { Firestore } from '@google-cloud/firestore';
import { syncDeps } from '../../../functions/services';
import { syncChannel } from '../../../shared/sync/sync-channel';
import { bookedHost } from '../../support/booked-host';
import { channelState } from '../../support/channel-state';
import { startSystem, type TestSystem } from '../../support/system';

jest.setTimeout(60_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());

/** The same database, except that every transaction fails as a lock timeout does. */
function lockedTransactions(db: Firestore): Firestore {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'runTransaction') return () => Promise.reject(new Error('10 ABORTED: Transaction lock timeout'));
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

it('a sync that cannot record its end gives the lease back and leaves the calendar dirty', async () => {
  const { channelId } = await bookedHost(sys, 'locked@example.org');
  const deps = { ...syncDeps(), db: lockedTransactions(syncDeps().db) };

  const report = await syncChannel(deps, channelId, 10_000);

  expect(report.outcome).toBe('left_dirty');
  const state = await channelState(channelId);
  expect(state?.lease ?? null).toBeNull();
  expect(state?.dirty).toBe(true);

  // The next push takes the lease and syncs.
  const next = await syncChannel(syncDeps(), channelId, 10_000);
  expect(next.outcome).toBe('synced');
  expect((await channelState(channelId))?.dirty).toBe(false);
});
