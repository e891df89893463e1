import { DateTime } from 'luxon';
import {
  bookingWindow,
  busyRange,
  findFreeSlot,
  freeSlots,
  InvalidDateRange,
  queryRange,
  type AvailabilityQuery,
  type TimeRange,
} from '../../../shared/booking/availability';
import type { Schedule } from '../../../shared/store/subscribers';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
const NINE_TO_FIVE = [{ start: '09:00', end: '17:00' }];

function schedule(overrides: Partial<Schedule> = {}): Schedule {
  return { slug: 'host', slotMinutes: 60, weekly: {}, minNoticeHours: 0, maxDaysAhead: 365, autoConfirm: false, bufferBeforeMinutes: 0, bufferAfterMinutes: 0, guestChangeLimitHours: 2, ...overrides };
}

function query(overrides: Partial<AvailabilityQuery> = {}): AvailabilityQuery {
  return {
    schedule: schedule(),
    timezone: BERLIN,
    // Sunday 1 March 2026, well before every day asked for below unless a test moves it.
    now: new Date('2026-03-01T00:00:00Z'),
    fromDate: '2026-03-02',
    toDate: '2026-03-02',
    busy: [],
    ...overrides,
  };
}

function range(start: string, end: string): TimeRange {
  return { start: new Date(start), end: new Date(end) };
}

function starts(slots: TimeRange[]): string[] {
  return slots.map((slot) => slot.start.toISOString());
}

function minutesLong(slot: TimeRange): number {
  return (slot.end.getTime() - slot.start.getTime()) / 60_000;
}

describe('weekly windows become UTC slots', () => {
  it('cuts a Monday 09:00–12:00 window in Europe/Berlin into hourly slots at 08:00Z, 09:00Z and 10:00Z in winter', () => {
    const slots = freeSlots(query({ schedule: schedule({ weekly: { monday: [{ start: '09:00', end: '12:00' }] } }) }));
    expect(slots).toEqual([
      range('2026-03-02T08:00:00Z', '2026-03-02T09:00:00Z'),
      range('2026-03-02T09:00:00Z', '2026-03-02T10:00:00Z'),
      range('2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z'),
    ]);
  });

  it('cuts the same window for a host in America/New_York at 14:00Z, 15:00Z and 16:00Z', () => {
    const slots = freeSlots(
      query({ timezone: NEW_YORK, schedule: schedule({ weekly: { monday: [{ start: '09:00', end: '12:00' }] } }) }),
    );
    expect(starts(slots)).toEqual(['2026-03-02T14:00:00.000Z', '2026-03-02T15:00:00.000Z', '2026-03-02T16:00:00.000Z']);
  });

  it('offers slots only on weekdays that have windows, each on its own weekday, sorted by start', () => {
    const weekly = { monday: [{ start: '09:00', end: '10:00' }], wednesday: [{ start: '14:00', end: '15:00' }] };
    const slots = freeSlots(query({ schedule: schedule({ weekly }), fromDate: '2026-03-02', toDate: '2026-03-08' }));
    expect(starts(slots)).toEqual(['2026-03-02T08:00:00.000Z', '2026-03-04T13:00:00.000Z']);
  });

  it('reads the dates as days in the host zone, so a New York evening slot falls on the next UTC day', () => {
    const weekly = { monday: [{ start: '21:00', end: '22:00' }] };
    const slots = freeSlots(query({ timezone: NEW_YORK, schedule: schedule({ weekly }) }));
    expect(starts(slots)).toEqual(['2026-03-03T02:00:00.000Z']);
  });
});

describe('daylight saving changes in the host zone', () => {
  const weekend = { saturday: NINE_TO_FIVE, sunday: NINE_TO_FIVE };

  it('keeps 09:00–17:00 local across the Berlin spring-forward, so the UTC times move an hour earlier', () => {
    const slots = freeSlots(query({ schedule: schedule({ weekly: weekend }), fromDate: '2026-03-28', toDate: '2026-03-29' }));
    expect(slots).toHaveLength(16);
    expect(starts(slots.slice(0, 8))).toEqual(
      [8, 9, 10, 11, 12, 13, 14, 15].map((h) => `2026-03-28T${String(h).padStart(2, '0')}:00:00.000Z`),
    );
    expect(starts(slots.slice(8))).toEqual(
      [7, 8, 9, 10, 11, 12, 13, 14].map((h) => `2026-03-29T${String(h).padStart(2, '0')}:00:00.000Z`),
    );
  });

  it('keeps 09:00–17:00 local across the Berlin fall-back, so the UTC times move an hour later', () => {
    const slots = freeSlots(query({ schedule: schedule({ weekly: weekend }), fromDate: '2026-10-24', toDate: '2026-10-25' }));
    expect(slots).toHaveLength(16);
    expect(slots[0]?.start.toISOString()).toBe('2026-10-24T07:00:00.000Z');
    expect(slots[7]?.end.toISOString()).toBe('2026-10-24T15:00:00.000Z');
    expect(slots[8]?.start.toISOString()).toBe('2026-10-25T08:00:00.000Z');
    expect(slots[15]?.end.toISOString()).toBe('2026-10-25T16:00:00.000Z');
  });

  it('follows New York’s own change dates (8 March and 1 November 2026), not Europe’s', () => {
    const spring = freeSlots(
      query({ timezone: NEW_YORK, schedule: schedule({ weekly: weekend }), fromDate: '2026-03-07', toDate: '2026-03-08' }),
    );
    expect(spring[0]?.start.toISOString()).toBe('2026-03-07T14:00:00.000Z');
    expect(spring[8]?.start.toISOString()).toBe('2026-03-08T13:00:00.000Z');
    const autumn = freeSlots(
      query({ timezone: NEW_YORK, schedule: schedule({ weekly: weekend }), fromDate: '2026-10-31', toDate: '2026-11-01' }),
    );
    expect(autumn[0]?.start.toISOString()).toBe('2026-10-31T13:00:00.000Z');
    expect(autumn[8]?.start.toISOString()).toBe('2026-11-01T14:00:00.000Z');
  });

  it('cuts a 01:00–04:00 window across the spring-forward gap into 2 real hours, none starting in the gap', () => {
    const slots = freeSlots(
      query({ schedule: schedule({ weekly: { sunday: [{ start: '01:00', end: '04:00' }] } }), fromDate: '2026-03-29', toDate: '2026-03-29' }),
    );
    expect(slots).toEqual([
      range('2026-03-29T00:00:00Z', '2026-03-29T01:00:00Z'),
      range('2026-03-29T01:00:00Z', '2026-03-29T02:00:00Z'),
    ]);
    expect(slots.map((s) => DateTime.fromJSDate(s.start, { zone: BERLIN }).toFormat('HH:mm'))).toEqual(['01:00', '03:00']);
  });

  it('keeps every slot exactly slotMinutes of real time when the grid crosses the gap', () => {
    const slots = freeSlots(
      query({
        schedule: schedule({ slotMinutes: 45, weekly: { sunday: [{ start: '01:00', end: '04:00' }] } }),
        fromDate: '2026-03-29',
        toDate: '2026-03-29',
      }),
    );
    expect(slots.map(minutesLong)).toEqual([45, 45]);
    expect(slots.map((s) => DateTime.fromJSDate(s.start, { zone: BERLIN }).toFormat('HH:mm'))).toEqual(['01:00', '01:45']);
  });

  it('moves a window start that falls inside the gap forward, as luxon does (02:30 becomes 03:30 CEST)', () => {
    const slots = freeSlots(
      query({
        schedule: schedule({ slotMinutes: 30, weekly: { sunday: [{ start: '02:30', end: '04:00' }] } }),
        fromDate: '2026-03-29',
        toDate: '2026-03-29',
      }),
    );
    expect(slots).toEqual([range('2026-03-29T01:30:00Z', '2026-03-29T02:00:00Z')]);
  });

  it('cuts a 01:00–04:00 window across the fall-back into 4 real hours', () => {
    const slots = freeSlots(
      query({ schedule: schedule({ weekly: { sunday: [{ start: '01:00', end: '04:00' }] } }), fromDate: '2026-10-25', toDate: '2026-10-25' }),
    );
    expect(starts(slots)).toEqual([
      '2026-10-24T23:00:00.000Z',
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T02:00:00.000Z',
    ]);
    expect(slots.map(minutesLong)).toEqual([60, 60, 60, 60]);
  });

  it('starts the range at the first instant of a day whose midnight is skipped (America/Santiago, 6 September 2026)', () => {
    const window = queryRange({ ...query({ timezone: 'America/Santiago' }), fromDate: '2026-09-06', toDate: '2026-09-06' });
    expect(window?.start.toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(window?.end.toISOString()).toBe('2026-09-07T03:00:00.000Z');
  });
});

describe('a spring-forward that crosses midnight (America/Nuuk and America/Scoresbysund: Saturday 23:00 → Sunday 00:00, 28–29 March 2026)', () => {
  const ALL_DAY = [{ start: '00:00', end: '23:55' }];
  const everyDay = { monday: ALL_DAY, tuesday: ALL_DAY, wednesday: ALL_DAY, thursday: ALL_DAY, friday: ALL_DAY, saturday: ALL_DAY, sunday: ALL_DAY };
  const days = ['2026-03-26', '2026-03-27', '2026-03-28', '2026-03-29', '2026-03-30'];
  const cases: [string, number, Schedule['weekly']][] = [];
  for (const zone of ['America/Nuuk', 'America/Scoresbysund']) {
    for (const slotMinutes of [25, 30, 45, 90]) cases.push([zone, slotMinutes, everyDay]);
    cases.push([zone, 45, { saturday: [{ start: '22:00', end: '23:30' }], sunday: [{ start: '00:00', end: '02:00' }] }]);
  }

  it.each(cases)('in %s with %i-minute slots, a one-day query offers the slots of that day a longer query offers, and each can be booked', (zone, slotMinutes, weekly) => {
    const ask = (fromDate: string, toDate: string) => query({ timezone: zone, schedule: schedule({ slotMinutes, weekly }), fromDate, toDate });
    const week = freeSlots(ask(days[0]!, days.at(-1)!));
    for (const day of days) {
      const onDay = week.filter((slot) => DateTime.fromJSDate(slot.start, { zone }).toISODate() === day);
      expect(starts(freeSlots(ask(day, day)))).toEqual(starts(onDay));
      for (const slot of onDay) expect(findFreeSlot(ask(day, day), slot.start)).toEqual(slot);
    }
  });

  it('offers the 45-minute slot from 22:30 to 00:15 on the Saturday it starts, books it there, and fetches busy time to its end', () => {
    const saturday = query({ timezone: 'America/Nuuk', schedule: schedule({ slotMinutes: 45, weekly: everyDay }), fromDate: '2026-03-28', toDate: '2026-03-28' });
    const crossing = range('2026-03-29T00:30:00Z', '2026-03-29T01:15:00Z');
    expect(freeSlots(saturday).at(-1)).toEqual(crossing);
    expect(findFreeSlot(saturday, crossing.start)).toEqual(crossing);
    expect(DateTime.fromJSDate(crossing.end, { zone: 'America/Nuuk' }).toISO()).toBe('2026-03-29T00:15:00.000-01:00');
    expect(queryRange(saturday)?.end).toEqual(new Date('2026-03-29T01:00:00Z'));
    expect(busyRange(saturday)?.end).toEqual(new Date('2026-03-29T01:45:00Z'));
    // Busy time that starts after the day's end still blocks a slot that reaches into it.
    expect(findFreeSlot({ ...saturday, busy: [range('2026-03-29T01:05:00Z', '2026-03-29T01:10:00Z')] }, crossing.start)).toBeUndefined();
  });
});

describe('the booking window', () => {
  // Monday 2 March 2026, 10:30 in Berlin.
  const now = new Date('2026-03-02T09:30:00Z');

  it('runs from now + minNoticeHours to now + maxDaysAhead days', () => {
    expect(bookingWindow(schedule({ minNoticeHours: 2, maxDaysAhead: 3 }), now)).toEqual(
      range('2026-03-02T11:30:00Z', '2026-03-05T09:30:00Z'),
    );
    expect(bookingWindow(schedule({ minNoticeHours: 1.5, maxDaysAhead: 1 }), now).start.toISOString()).toBe(
      '2026-03-02T11:00:00.000Z',
    );
  });

  it('counts maxDaysAhead in elapsed days even across a clock change', () => {
    const window = bookingWindow(schedule({ maxDaysAhead: 1 }), new Date('2026-03-28T12:00:00Z'));
    expect(window.end.toISOString()).toBe('2026-03-29T12:00:00.000Z');
  });

  it("drops today's slots that start before the minimum notice, without shifting the grid", () => {
    const slots = freeSlots(query({ now, schedule: schedule({ minNoticeHours: 2, weekly: { monday: NINE_TO_FIVE } }) }));
    expect(starts(slots)).toEqual([
      '2026-03-02T12:00:00.000Z',
      '2026-03-02T13:00:00.000Z',
      '2026-03-02T14:00:00.000Z',
      '2026-03-02T15:00:00.000Z',
    ]);
  });

  it('drops slots that end after now + maxDaysAhead days', () => {
    const weekly = { monday: NINE_TO_FIVE, tuesday: NINE_TO_FIVE, wednesday: NINE_TO_FIVE, thursday: NINE_TO_FIVE, friday: NINE_TO_FIVE };
    const slots = freeSlots(query({ now, schedule: schedule({ maxDaysAhead: 3, weekly }), fromDate: '2026-03-02', toDate: '2026-03-06' }));
    // Thursday 08:00–09:00Z ends by 09:30Z; 09:00–10:00Z would not.
    expect(slots[slots.length - 1]).toEqual(range('2026-03-05T08:00:00Z', '2026-03-05T09:00:00Z'));
    expect(slots.every((s) => s.start >= now && s.end <= new Date('2026-03-05T09:30:00Z'))).toBe(true);
  });

  it('clips a range longer than the booking window instead of refusing it', () => {
    const weekly = { monday: NINE_TO_FIVE, thursday: NINE_TO_FIVE };
    const long = query({ now, schedule: schedule({ maxDaysAhead: 14, weekly }), fromDate: '2025-01-01', toDate: '2027-12-31' });
    const exact = { ...long, fromDate: '2026-03-02', toDate: '2026-03-16' };
    expect(queryRange(long)).toEqual(bookingWindow(long.schedule, now));
    expect(freeSlots(long)).toEqual(freeSlots(exact));
    expect(freeSlots(long)).toHaveLength(4 * 8 - 1);
  });

  it('clips the query range to the host-zone days asked for when they lie inside the window', () => {
    expect(queryRange(query({ now }))).toEqual(range('2026-03-02T09:30:00Z', '2026-03-02T23:00:00Z'));
    expect(queryRange(query({ now, fromDate: '2026-03-03', toDate: '2026-03-04' }))).toEqual(
      range('2026-03-02T23:00:00Z', '2026-03-04T23:00:00Z'),
    );
  });

  it('gives no slots and no range for days entirely before or after the window', () => {
    const weekly = { monday: NINE_TO_FIVE, tuesday: NINE_TO_FIVE, sunday: NINE_TO_FIVE };
    const past = query({ now, schedule: schedule({ weekly }), fromDate: '2026-02-23', toDate: '2026-03-01' });
    const future = query({ now, schedule: schedule({ weekly, maxDaysAhead: 7 }), fromDate: '2026-03-10', toDate: '2026-03-31' });
    expect(freeSlots(past)).toEqual([]);
    expect(queryRange(past)).toBeUndefined();
    expect(freeSlots(future)).toEqual([]);
    expect(queryRange(future)).toBeUndefined();
  });

  it('gives no slots for a day whose every slot is inside the minimum notice', () => {
    const late = query({ now: new Date('2026-03-02T20:00:00Z'), schedule: schedule({ weekly: { monday: NINE_TO_FIVE } }) });
    expect(freeSlots(late)).toEqual([]);
  });
});

describe('busy time', () => {
  const weekly = { monday: [{ start: '09:00', end: '13:00' }] };

  it('removes every slot a busy range overlaps, even by a minute', () => {
    const slots = freeSlots(query({ schedule: schedule({ weekly }), busy: [range('2026-03-02T08:59:00Z', '2026-03-02T09:01:00Z')] }));
    expect(starts(slots)).toEqual(['2026-03-02T10:00:00.000Z', '2026-03-02T11:00:00.000Z']);
  });

  it('keeps slots that only touch a busy range', () => {
    const slots = freeSlots(query({ schedule: schedule({ weekly }), busy: [range('2026-03-02T09:00:00Z', '2026-03-02T10:00:00Z')] }));
    expect(starts(slots)).toEqual(['2026-03-02T08:00:00.000Z', '2026-03-02T10:00:00.000Z', '2026-03-02T11:00:00.000Z']);
  });

  it('leaves 10:30–11:00 free after a busy 10:00–10:30', () => {
    const slots = freeSlots(
      query({
        schedule: schedule({ slotMinutes: 30, weekly: { monday: [{ start: '10:00', end: '11:00' }] } }),
        busy: [range('2026-03-02T09:00:00Z', '2026-03-02T09:30:00Z')],
      }),
    );
    expect(slots).toEqual([range('2026-03-02T09:30:00Z', '2026-03-02T10:00:00Z')]);
  });

  it('handles overlapping, nested, duplicate and unsorted busy ranges', () => {
    const busy = [
      range('2026-03-02T10:30:00Z', '2026-03-02T10:45:00Z'),
      range('2026-03-02T08:10:00Z', '2026-03-02T08:20:00Z'),
      range('2026-03-02T08:00:00Z', '2026-03-02T08:30:00Z'),
      range('2026-03-02T08:15:00Z', '2026-03-02T08:40:00Z'),
      range('2026-03-02T10:30:00Z', '2026-03-02T10:45:00Z'),
    ];
    const slots = freeSlots(query({ schedule: schedule({ weekly }), busy }));
    expect(starts(slots)).toEqual(['2026-03-02T09:00:00.000Z', '2026-03-02T11:00:00.000Z']);
  });

  it('lets one long busy range remove slots over several days', () => {
    const slots = freeSlots(
      query({
        schedule: schedule({ weekly: { monday: NINE_TO_FIVE, tuesday: NINE_TO_FIVE, wednesday: NINE_TO_FIVE } }),
        fromDate: '2026-03-02',
        toDate: '2026-03-04',
        busy: [range('2026-03-02T12:00:00Z', '2026-03-04T09:00:00Z')],
      }),
    );
    expect(starts(slots)).toEqual([
      ...[8, 9, 10, 11].map((h) => `2026-03-02T${String(h).padStart(2, '0')}:00:00.000Z`),
      ...[9, 10, 11, 12, 13, 14, 15].map((h) => `2026-03-04T${String(h).padStart(2, '0')}:00:00.000Z`),
    ]);
  });

  it('agrees with a slot-by-slot check over a 365-day window with hundreds of busy ranges', () => {
    const weekly = { monday: NINE_TO_FIVE, tuesday: NINE_TO_FIVE, wednesday: NINE_TO_FIVE, thursday: NINE_TO_FIVE, friday: NINE_TO_FIVE };
    const base = query({ schedule: schedule({ slotMinutes: 30, weekly }), fromDate: '2026-03-01', toDate: '2027-03-31' });
    // A fixed pseudo-random spread, so a failure is reproducible.
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    const busy = Array.from({ length: 600 }, () => {
      const start = Date.UTC(2026, 2, 1) + (next() % (366 * 24 * 60)) * 60_000;
      return { start: new Date(start), end: new Date(start + (5 + (next() % 240)) * 60_000) };
    });
    const all = freeSlots(base);
    const free = freeSlots({ ...base, busy });
    const expected = all.filter((slot) => !busy.some((b) => b.start < slot.end && slot.start < b.end));
    expect(all.length).toBeGreaterThan(4000);
    expect(free.length).toBeLessThan(all.length);
    expect(free).toEqual(expected);
  });
});

describe('slot lengths and windows', () => {
  it('drops a leftover shorter than a slot at the end of a window', () => {
    const slots = freeSlots(query({ schedule: schedule({ slotMinutes: 45, weekly: { monday: [{ start: '09:00', end: '11:00' }] } }) }));
    expect(slots).toEqual([
      range('2026-03-02T08:00:00Z', '2026-03-02T08:45:00Z'),
      range('2026-03-02T08:45:00Z', '2026-03-02T09:30:00Z'),
    ]);
  });

  it('gives no slot for a window shorter than a slot', () => {
    const slots = freeSlots(query({ schedule: schedule({ slotMinutes: 90, weekly: { monday: [{ start: '09:00', end: '10:00' }] } }) }));
    expect(slots).toEqual([]);
  });

  it('gives each slot once when a window is listed twice', () => {
    const twice = [{ start: '09:00', end: '11:00' }, { start: '09:00', end: '11:00' }];
    const slots = freeSlots(query({ schedule: schedule({ weekly: { monday: twice } }) }));
    expect(starts(slots)).toEqual(['2026-03-02T08:00:00.000Z', '2026-03-02T09:00:00.000Z']);
  });

  it('merges overlapping windows into one grid, so no two slots overlap', () => {
    const overlapping = [{ start: '10:00', end: '12:00' }, { start: '09:00', end: '10:30' }, { start: '09:30', end: '11:00' }];
    const slots = freeSlots(query({ schedule: schedule({ weekly: { monday: overlapping } }) }));
    expect(starts(slots)).toEqual(['2026-03-02T08:00:00.000Z', '2026-03-02T09:00:00.000Z', '2026-03-02T10:00:00.000Z']);
  });

  it('keeps separate windows on the same day on their own grids', () => {
    const split = [{ start: '09:00', end: '10:00' }, { start: '13:30', end: '15:00' }];
    const slots = freeSlots(query({ schedule: schedule({ weekly: { monday: split } }) }));
    expect(starts(slots)).toEqual(['2026-03-02T08:00:00.000Z', '2026-03-02T12:30:00.000Z']);
  });
});

describe('findFreeSlot', () => {
  const now = new Date('2026-03-02T09:30:00Z');
  const base = query({
    now,
    schedule: schedule({ slotMinutes: 45, minNoticeHours: 2, maxDaysAhead: 30, weekly: { monday: NINE_TO_FIVE, sunday: [{ start: '01:00', end: '04:00' }] } }),
    fromDate: '2026-03-02',
    toDate: '2026-03-30',
    busy: [range('2026-03-09T09:00:00Z', '2026-03-09T10:00:00Z')],
  });

  it('returns the offered slot for a start that freeSlots offers', () => {
    const offered = freeSlots(base)[0];
    expect(offered).toBeDefined();
    expect(findFreeSlot(base, offered!.start)).toEqual(offered);
  });

  it('finds a slot that a one-day query for its day offers, as the booking endpoint asks', () => {
    const start = new Date('2026-03-09T11:00:00Z');
    expect(findFreeSlot({ ...base, fromDate: '2026-03-09', toDate: '2026-03-09' }, start)).toEqual(
      range('2026-03-09T11:00:00Z', '2026-03-09T11:45:00Z'),
    );
  });

  it('returns undefined for a start off the grid', () => {
    expect(findFreeSlot(base, new Date('2026-03-09T11:15:00Z'))).toBeUndefined();
  });

  it('returns undefined for a slot that busy time overlaps', () => {
    expect(findFreeSlot(base, new Date('2026-03-09T09:30:00Z'))).toBeUndefined();
    expect(findFreeSlot({ ...base, busy: [] }, new Date('2026-03-09T09:30:00Z'))).toBeDefined();
  });

  it('returns undefined for a start before the minimum notice or beyond the maximum days', () => {
    expect(findFreeSlot({ ...base, busy: [] }, new Date('2026-03-02T11:00:00Z'))).toBeUndefined();
    const later = { ...base, toDate: '2026-04-30' };
    expect(findFreeSlot(later, new Date('2026-04-06T07:00:00Z'))).toBeUndefined();
    const further = { ...later, schedule: { ...later.schedule, maxDaysAhead: 60 } };
    expect(findFreeSlot(further, new Date('2026-04-06T07:00:00Z'))).toBeDefined();
  });

  it('returns undefined for a start outside the days asked for', () => {
    expect(findFreeSlot({ ...base, fromDate: '2026-03-10', toDate: '2026-03-12' }, new Date('2026-03-09T11:00:00Z'))).toBeUndefined();
  });

  it('agrees with freeSlots on every quarter-hour start over a month that includes the spring-forward', () => {
    const offered = new Map(freeSlots(base).map((slot) => [slot.start.getTime(), slot]));
    const mismatches: string[] = [];
    const from = Date.UTC(2026, 2, 1, 22);
    const to = Date.UTC(2026, 2, 31);
    for (let at = from; at < to; at += 15 * 60_000) {
      const found = findFreeSlot(base, new Date(at));
      const expected = offered.get(at);
      if (JSON.stringify(found) !== JSON.stringify(expected)) mismatches.push(new Date(at).toISOString());
    }
    expect(offered.size).toBeGreaterThan(30);
    expect(mismatches).toEqual([]);
  });
});

describe('invalid dates', () => {
  it.each([
    ['2026-02-30', '2026-03-01'],
    ['2026-03-01', '2026-13-01'],
    ['2026-3-1', '2026-03-02'],
    ['tomorrow', '2026-03-02'],
    ['2026-03-01', ''],
    ['2026-03-01T00:00', '2026-03-02'],
  ])('refuses fromDate %s / toDate %s with InvalidDateRange', (fromDate, toDate) => {
    const q = query({ fromDate, toDate });
    expect(() => freeSlots(q)).toThrow(InvalidDateRange);
    expect(() => queryRange(q)).toThrow(InvalidDateRange);
    expect(() => findFreeSlot(q, new Date('2026-03-02T08:00:00Z'))).toThrow(InvalidDateRange);
  });

  it('refuses a toDate before the fromDate', () => {
    expect(() => freeSlots(query({ fromDate: '2026-03-05', toDate: '2026-03-04' }))).toThrow(InvalidDateRange);
    expect(() => queryRange(query({ fromDate: '2026-03-05', toDate: '2026-03-04' }))).toThrow(InvalidDateRange);
  });

  it('accepts a leap day and a one-day range', () => {
    expect(() => freeSlots(query({ fromDate: '2028-02-29', toDate: '2028-02-29' }))).not.toThrow();
  });
});
