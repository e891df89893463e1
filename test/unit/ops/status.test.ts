// The shape of `npm run ops -- status --json` is a contract: scripts and the status page read it.
import { opsStatus, type StatusFigures } from '../../../shared/ops/status';

const now = new Date('2026-11-26T12:00:00Z');

const figures: StatusFigures = {
  now,
  channels: { byState: { pending: 1, active: 4 }, expiringWithin24h: 2, expired: 0, soonestExpiry: new Date('2026-11-26T18:00:00Z'), dirty: 1, failing: 3 },
  lastRun: { at: new Date('2026-11-26T11:45:00Z'), running: false, summary: { renewed: 2, failed: 0 } },
  outbox: { depth: 2, oldestCreatedAt: new Date('2026-11-26T11:58:30Z') },
  bookingsByStatus: { requested: 5, booked: 3, declined: 1, cancelled: 0 },
};

it('status --json has a fixed shape: channels, lastRun, outbox and bookings', () => {
  expect(opsStatus(figures)).toEqual({
    at: '2026-11-26T12:00:00.000Z',
    channels: { total: 5, byState: { pending: 1, active: 4 }, expiringWithin24h: 2, expired: 0, soonestExpiry: '2026-11-26T18:00:00.000Z', dirty: 1, failing: 3 },
    lastRun: { at: '2026-11-26T11:45:00.000Z', running: false, summary: { renewed: 2, failed: 0 } },
    outbox: { depth: 2, oldestAgeSeconds: 90 },
    bookings: { windowHours: 24, byStatus: { requested: 5, booked: 3, declined: 1, cancelled: 0 } },
  });
});

it('an empty install has zeros and nulls, never missing keys', () => {
  const empty = opsStatus({
    now,
    channels: { byState: { pending: 0, active: 0 }, expiringWithin24h: 0, expired: 0, soonestExpiry: null, dirty: 0, failing: 0 },
    lastRun: null,
    outbox: { depth: 0, oldestCreatedAt: null },
    bookingsByStatus: { requested: 0, booked: 0, declined: 0, cancelled: 0 },
  });
  expect(empty.lastRun).toBeNull();
  expect(empty.outbox).toEqual({ depth: 0, oldestAgeSeconds: null });
  expect(empty.channels).toMatchObject({ total: 0, soonestExpiry: null });
});
