// The shape of `npm run ops -- status --json` is a contract: scripts and the status page read it.
import { opsStatus, runShard, type StatusFigures } from '../../../shared/ops/status';

const now = new Date('2026-11-26T12:00:00Z');

const figures: StatusFigures = {
  now,
  channels: { byState: { pending: 1, active: 4 }, expiringWithin24h: 2, expired: 0, soonestExpiry: new Date('2026-11-26T18:00:00Z'), dirty: 1, failing: 3 },
  runs: [
    { shard: '0of2', at: new Date('2026-11-26T11:45:00Z'), running: false, summary: { renewed: 2, failed: 0 } },
    { shard: '1of2', at: new Date('2026-11-26T11:46:00Z'), running: false, summary: { renewed: 1, failed: 1 } },
  ],
  outbox: { depth: 2, oldestCreatedAt: new Date('2026-11-26T11:58:30Z') },
  bookingsByStatus: { requested: 5, booked: 3, declined: 1, cancelled: 0 },
  pushMinutes: [
    { minute: new Date('2026-11-26T11:58:00Z'), pushes: { handled: 3, coalesced: 1, refused: 0 }, lagMsSum: 900, lagCount: 3 },
    { minute: new Date('2026-11-26T11:59:00Z'), pushes: { handled: 1, coalesced: 0, refused: 2 }, lagMsSum: 500, lagCount: 1 },
  ],
};

it('status --json has a fixed shape: channels, lastRun, outbox, bookings and the last hour\'s pushes', () => {
  expect(opsStatus(figures)).toEqual({
    at: '2026-11-26T12:00:00.000Z',
    channels: { total: 5, byState: { pending: 1, active: 4 }, expiringWithin24h: 2, expired: 0, soonestExpiry: '2026-11-26T18:00:00.000Z', dirty: 1, failing: 3 },
    lastRun: { shard: '1of2', at: '2026-11-26T11:46:00.000Z', running: false, summary: { renewed: 1, failed: 1 } },
    runs: [
      { shard: '0of2', at: '2026-11-26T11:45:00.000Z', running: false, summary: { renewed: 2, failed: 0 } },
      { shard: '1of2', at: '2026-11-26T11:46:00.000Z', running: false, summary: { renewed: 1, failed: 1 } },
    ],
    outbox: { depth: 2, oldestAgeSeconds: 90 },
    bookings: { windowHours: 24, byStatus: { requested: 5, booked: 3, declined: 1, cancelled: 0 } },
    pushes: { windowMinutes: 2, byOutcome: { handled: 4, coalesced: 1, refused: 2 }, averageLagMs: 350 },
  });
});

it('an empty install has zeros and nulls, never missing keys', () => {
  const empty = opsStatus({
    now,
    channels: { byState: { pending: 0, active: 0 }, expiringWithin24h: 0, expired: 0, soonestExpiry: null, dirty: 0, failing: 0 },
    runs: [],
    outbox: { depth: 0, oldestCreatedAt: null },
    bookingsByStatus: { requested: 0, booked: 0, declined: 0, cancelled: 0 },
    pushMinutes: [],
  });
  expect(empty.lastRun).toBeNull();
  expect(empty.runs).toEqual([]);
  expect(empty.outbox).toEqual({ depth: 0, oldestAgeSeconds: null });
  expect(empty.channels).toMatchObject({ total: 0, soonestExpiry: null });
  expect(empty.pushes).toEqual({ windowMinutes: 0, byOutcome: { handled: 0, coalesced: 0, refused: 0 }, averageLagMs: null });
});

it('knows a run document from the id upkeep-state gives it, and nothing else in the collection', () => {
  expect(runShard('renewChannels')).toBe('0of1');
  expect(runShard('renewChannels-3of8')).toBe('3of8');
  expect(runShard('liveBookings')).toBeUndefined();
  expect(runShard('renewChannels-x')).toBeUndefined();
});
