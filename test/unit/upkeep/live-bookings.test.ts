import { watchKey } from '../../../shared/channels/watches';
import { liveMark, reconcileIntervalFor } from '../../../shared/upkeep/live-bookings';

const now = new Date('2026-11-26T12:00:00Z');
const HOUR = 3_600_000;
const intervals = { liveMs: 0, idleMs: 24 * HOUR };

describe('how often a watched calendar is reconciled', () => {
  it.each([
    ['a live booking ahead', new Date('2026-11-27T09:00:00Z'), 0],
    ['its last live booking ended', new Date('2026-11-26T11:00:00Z'), 24 * HOUR],
    ['never had one', null, 24 * HOUR],
    ['from before the mark', undefined, 24 * HOUR],
  ])('%s → every %i ms', (_, liveUntil, interval) => {
    expect(reconcileIntervalFor({ liveUntil }, now, intervals)).toBe(interval);
  });
});

describe('which calendar a slot makes live', () => {
  const slot = { subscriberId: 'h1', calendarId: 'h1@example.org', status: 'requested' as const, end: new Date('2026-11-27T10:00:00Z') };
  it.each([
    ['a requested slot ahead', slot, { key: watchKey('h1', 'h1@example.org'), until: slot.end }],
    ['a booked slot ahead', { ...slot, status: 'booked' as const }, { key: watchKey('h1', 'h1@example.org'), until: slot.end }],
    ['a slot still under way', { ...slot, end: new Date('2026-11-26T12:30:00Z') }, { key: watchKey('h1', 'h1@example.org'), until: new Date('2026-11-26T12:30:00Z') }],
    ['a declined slot', { ...slot, status: 'declined' as const }, undefined],
    ['a cancelled slot', { ...slot, status: 'cancelled' as const }, undefined],
    ['a slot that has ended', { ...slot, end: new Date('2026-11-26T11:00:00Z') }, undefined],
    ['a slot of a host without a Google calendar', { ...slot, calendarId: null }, undefined],
  ])('%s', (_, given, mark) => {
    expect(liveMark(given, now)).toEqual(mark);
  });
});
