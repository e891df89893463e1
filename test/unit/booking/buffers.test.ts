import { busyRange, findFreeSlot, freeSlots, type AvailabilityQuery, type TimeRange } from '../../../shared/booking/availability';
import { bufferOf, heldSpan } from '../../../shared/booking/buffers';
import type { Schedule } from '../../../shared/store/subscribers';

const BERLIN = 'Europe/Berlin';

function schedule(overrides: Partial<Schedule> = {}): Schedule {
  return { slug: 'host', slotMinutes: 60, weekly: {}, minNoticeHours: 0, maxDaysAhead: 365, autoConfirm: false, bufferBeforeMinutes: 0, bufferAfterMinutes: 0, guestChangeLimitHours: 2, ...overrides };
}

const range = (start: string, end: string): TimeRange => ({ start: new Date(start), end: new Date(end) });
const starts = (slots: TimeRange[]): string[] => slots.map((s) => s.start.toISOString().slice(0, 16) + 'Z');

describe('the held span', () => {
  const start = new Date('2030-03-11T09:00:00Z');
  const end = new Date('2030-03-11T09:30:00Z');

  it.each([
    ['a schedule, as set now', { bufferBeforeMinutes: 10, bufferAfterMinutes: 15 }, '2030-03-11T08:50:00.000Z', '2030-03-11T09:45:00.000Z'],
    ['a slot, as it was booked', { buffer: { beforeMinutes: 5, afterMinutes: 0 } }, '2030-03-11T08:55:00.000Z', '2030-03-11T09:30:00.000Z'],
    ['an older slot with none stored', {}, '2030-03-11T09:00:00.000Z', '2030-03-11T09:30:00.000Z'],
  ] as const)('of %s', (_name, source, from, to) => {
    expect(heldSpan(source, start, end)).toEqual({ start: new Date(from), end: new Date(to) });
  });

  it('reads the buffers of a schedule and of a slot', () => {
    expect(bufferOf({ bufferBeforeMinutes: 10, bufferAfterMinutes: 20 })).toEqual({ beforeMinutes: 10, afterMinutes: 20 });
    expect(bufferOf({ buffer: { beforeMinutes: 0, afterMinutes: 5 } })).toEqual({ beforeMinutes: 0, afterMinutes: 5 });
    expect(bufferOf({})).toEqual({ beforeMinutes: 0, afterMinutes: 0 });
  });
});

// Monday 2 March 2026, 09:00–12:00 in Berlin (CET): hourly slots at 08:00Z, 09:00Z and 10:00Z.
const MONDAY = { weekly: { monday: [{ start: '09:00', end: '12:00' }] } };
// Sunday 29 March 2026, Berlin springs forward at 01:00Z (02:00 CET → 03:00 CEST): 01:00–04:00 local is 00:00Z–02:00Z.
const SPRING = { weekly: { sunday: [{ start: '01:00', end: '04:00' }] } };
// Sunday 25 October 2026, Berlin falls back at 01:00Z (03:00 CEST → 02:00 CET): 01:00–04:00 local is 23:00Z–03:00Z.
const FALL = { weekly: { sunday: [{ start: '01:00', end: '04:00' }] } };
// Monday 00:00–01:00 in Berlin is Sunday 23:00Z–00:00Z: a buffer before reaches into the day before.
const MIDNIGHT = { weekly: { monday: [{ start: '00:00', end: '01:00' }] } };

describe('availability with buffers: a slot is offered only when its time and buffers meet no busy time', () => {
  const rows: [string, Partial<Schedule>, string, TimeRange[], string[]][] = [
    ['no buffers: only the busy hour goes', MONDAY, '2026-03-02', [range('2026-03-02T09:00:00Z', '2026-03-02T09:30:00Z')], ['2026-03-02T08:00Z', '2026-03-02T10:00Z']],
    ['15 after: the slot before the busy time goes too', { ...MONDAY, bufferAfterMinutes: 15 }, '2026-03-02', [range('2026-03-02T09:00:00Z', '2026-03-02T09:30:00Z')], ['2026-03-02T10:00Z']],
    ['15 before: the slot after it stays (its buffer ends where it starts)', { ...MONDAY, bufferBeforeMinutes: 15 }, '2026-03-02', [range('2026-03-02T09:00:00Z', '2026-03-02T09:30:00Z')], ['2026-03-02T08:00Z', '2026-03-02T10:00Z']],
    ['30 before: a buffer touching busy time is free', { ...MONDAY, bufferBeforeMinutes: 30 }, '2026-03-02', [range('2026-03-02T09:00:00Z', '2026-03-02T09:30:00Z')], ['2026-03-02T08:00Z', '2026-03-02T10:00Z']],
    ['35 before: it meets the busy time', { ...MONDAY, bufferBeforeMinutes: 35 }, '2026-03-02', [range('2026-03-02T09:00:00Z', '2026-03-02T09:30:00Z')], ['2026-03-02T08:00Z']],
    ['the day\'s first slot: a buffer before reaches outside the window, and is free when nothing is there', { ...MONDAY, bufferBeforeMinutes: 15 }, '2026-03-02', [], ['2026-03-02T08:00Z', '2026-03-02T09:00Z', '2026-03-02T10:00Z']],
    ['the day\'s first slot: busy time before the window meets its buffer', { ...MONDAY, bufferBeforeMinutes: 15 }, '2026-03-02', [range('2026-03-02T07:40:00Z', '2026-03-02T07:50:00Z')], ['2026-03-02T09:00Z', '2026-03-02T10:00Z']],
    ['the day\'s first slot: busy time ending where its buffer starts', { ...MONDAY, bufferBeforeMinutes: 10 }, '2026-03-02', [range('2026-03-02T07:40:00Z', '2026-03-02T07:50:00Z')], ['2026-03-02T08:00Z', '2026-03-02T09:00Z', '2026-03-02T10:00Z']],
    ['the day\'s last slot: busy time after the window meets its buffer after', { ...MONDAY, bufferAfterMinutes: 15 }, '2026-03-02', [range('2026-03-02T11:10:00Z', '2026-03-02T11:20:00Z')], ['2026-03-02T08:00Z', '2026-03-02T09:00Z']],
    ['a buffer before reaching into the day before (Monday 00:00 in Berlin)', { ...MIDNIGHT, bufferBeforeMinutes: 30 }, '2026-03-02', [range('2026-03-01T22:40:00Z', '2026-03-01T22:45:00Z')], []],
    ['spring-forward: a buffer before across the gap is elapsed time (03:00 CEST − 30 min = 01:30 CET), blocked from 00:30Z', { ...SPRING, bufferBeforeMinutes: 30 }, '2026-03-29', [range('2026-03-29T00:30:00Z', '2026-03-29T00:35:00Z')], []],
    ['spring-forward: busy time ending at 00:30Z only touches that buffer', { ...SPRING, bufferBeforeMinutes: 30 }, '2026-03-29', [range('2026-03-29T00:25:00Z', '2026-03-29T00:30:00Z')], ['2026-03-29T01:00Z']],
    ['fall-back: four real hours; a buffer after meets busy time in the repeated hour', { ...FALL, bufferAfterMinutes: 15 }, '2026-10-25', [range('2026-10-25T01:10:00Z', '2026-10-25T01:15:00Z')], ['2026-10-24T23:00Z', '2026-10-25T02:00Z']],
  ];

  it.each(rows)('%s', (_name, overrides, day, busy, expected) => {
    const query: AvailabilityQuery = { schedule: schedule(overrides), timezone: BERLIN, now: new Date('2026-03-01T00:00:00Z'), fromDate: day, toDate: day, busy };
    const free = freeSlots(query);
    expect(starts(free)).toEqual(expected);
    // The booking endpoint's check agrees on every slot the day offers before busy time.
    for (const slot of freeSlots({ ...query, busy: [] })) expect(findFreeSlot(query, slot.start)).toEqual(free.find((s) => s.start.getTime() === slot.start.getTime()));
  });

  it('reads busy time as far as the buffers reach, either side of the days asked for', () => {
    const query = { schedule: schedule({ ...MONDAY, bufferBeforeMinutes: 15, bufferAfterMinutes: 30 }), timezone: BERLIN, now: new Date('2026-03-01T00:00:00Z'), fromDate: '2026-03-02', toDate: '2026-03-02' };
    expect(busyRange(query)).toEqual(range('2026-03-01T22:45:00Z', '2026-03-03T00:30:00Z'));
    expect(busyRange({ ...query, schedule: schedule(MONDAY) })).toEqual(range('2026-03-01T23:00:00Z', '2026-03-03T00:00:00Z'));
  });

  it('busy time within the buffers of neighbouring slots: each slot is judged by its own buffered span', () => {
    const query: AvailabilityQuery = {
      schedule: schedule({ weekly: { monday: [{ start: '09:00', end: '13:00' }] }, slotMinutes: 30, bufferBeforeMinutes: 10, bufferAfterMinutes: 20 }),
      timezone: BERLIN,
      now: new Date('2026-03-01T00:00:00Z'),
      fromDate: '2026-03-02',
      toDate: '2026-03-02',
      // A booking held 09:50Z–10:50Z (10:00–10:30 with its buffers), and a short event at 11:55Z.
      busy: [range('2026-03-02T09:50:00Z', '2026-03-02T10:50:00Z'), range('2026-03-02T11:55:00Z', '2026-03-02T12:00:00Z')],
    };
    expect(starts(freeSlots(query))).toEqual(['2026-03-02T08:00Z', '2026-03-02T08:30Z', '2026-03-02T09:00Z', '2026-03-02T11:00Z']);
  });
});
