// The busy store against the real Firestore emulator: a page larger than one read or one write
// batch, changes that replace an event's days, a horizon moved on, and a reset.
import { merged, type Coverage } from '../../../shared/busy/busy-plan';
import type { ListedEvent } from '../../../shared/busy/busy-event';
import { BusyStore } from '../../../shared/store/busy-store';
import { testFirestore } from '../../support/firestore';

jest.setTimeout(60_000);

const { db, clear } = testFirestore();
const store = new BusyStore(db);
afterAll(async () => {
  await clear();
  await db.terminate();
});

const DAY = 24 * 60 * 60_000;
const from = Date.parse('2026-12-01T00:00:00Z');
const coverage: Coverage = { from, until: from + 10 * DAY };

async function busyIn(key: string, start: number, end: number): Promise<{ start: number; end: number }[]> {
  const days = await db.getAll(...store.dayRefsFor(key, new Date(start), new Date(end)));
  return merged(BusyStore.intervalsIn(days, new Date(start), new Date(end)));
}

function event(id: string, startMs: number, minutes: number): ListedEvent {
  return { id, start: { dateTime: new Date(startMs).toISOString() }, end: { dateTime: new Date(startMs + minutes * 60_000).toISOString() } };
}

describe('the busy store', () => {
  it('keeps a page of 1,200 events, then replaces each one as it moves', async () => {
    const key = 'host_many';
    const events = Array.from({ length: 1_200 }, (_, n) => event(`e${n}`, from + (n % 9) * DAY + (n % 20) * 30 * 60_000, 15));
    await store.applyPage(key, events, 'UTC', coverage);
    expect(await busyIn(key, from, from + DAY)).toHaveLength(20);
    const moved = events.map((e, n) => event(e.id!, from + 9 * DAY + (n % 40) * 30 * 60_000, 15));
    await store.applyPage(key, moved, 'UTC', coverage);
    expect(await busyIn(key, from, from + 9 * DAY)).toEqual([]);
    expect(await busyIn(key, from + 9 * DAY, from + 10 * DAY)).toHaveLength(40);
  });

  it('moves the horizon on from the stored sources, and forgets everything on a reset', async () => {
    const key = 'host_series';
    const series: ListedEvent = { id: 's', start: { dateTime: '2026-12-01T09:00:00Z', timeZone: 'UTC' }, end: { dateTime: '2026-12-01T10:00:00Z', timeZone: 'UTC' }, recurrence: ['RRULE:FREQ=DAILY'] };
    await store.applyPage(key, [series, event('far', from + 11 * DAY + 3_600_000, 60)], 'UTC', coverage);
    expect(await busyIn(key, from + 10 * DAY, from + 12 * DAY)).toEqual([]);
    await store.extend(key, coverage, { from: from + 2 * DAY, until: from + 12 * DAY });
    expect(await busyIn(key, from + 10 * DAY, from + 12 * DAY)).toEqual([
      { start: from + 10 * DAY + 9 * 3_600_000, end: from + 10 * DAY + 10 * 3_600_000 },
      { start: from + 11 * DAY + 3_600_000, end: from + 11 * DAY + 2 * 3_600_000 },
      { start: from + 11 * DAY + 9 * 3_600_000, end: from + 11 * DAY + 10 * 3_600_000 },
    ]);
    await store.reset(key);
    expect(await busyIn(key, from, from + 12 * DAY)).toEqual([]);
  });
});
