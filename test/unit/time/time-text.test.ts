import { DateTime } from 'luxon';
import { formatStart, formatTimeRange, offsetsToShow, type OffsetsShown } from '../../../shared/time/time-text';

const at = (iso: string) => new Date(iso);

// Slots of 30 minutes around both changes of 2026 in zones north and south of the equator, one
// that moves by 30 minutes, and zones with no changes at all.
describe('where a time needs its UTC offset to name one moment', () => {
  it.each<[string, string, string, string, OffsetsShown]>([
    // Europe/Berlin: 29 March 02:00 CET → 03:00 CEST; 25 October 03:00 CEST → 02:00 CET (both at 01:00 UTC).
    ['Berlin, an ordinary winter slot', 'Europe/Berlin', '2026-12-01T09:00Z', '2026-12-01T09:30Z', { kind: 'none', offset: 'UTC+01:00' }],
    ['Berlin spring, the slot before the jump ends at it', 'Europe/Berlin', '2026-03-29T00:30Z', '2026-03-29T01:00Z', { kind: 'each', start: 'UTC+01:00', end: 'UTC+02:00' }],
    ['Berlin spring, the slot after the jump', 'Europe/Berlin', '2026-03-29T01:00Z', '2026-03-29T01:30Z', { kind: 'none', offset: 'UTC+02:00' }],
    ['Berlin autumn, 02:00 the first time', 'Europe/Berlin', '2026-10-25T00:00Z', '2026-10-25T00:30Z', { kind: 'range', offset: 'UTC+02:00' }],
    ['Berlin autumn, 02:00 the second time', 'Europe/Berlin', '2026-10-25T01:00Z', '2026-10-25T01:30Z', { kind: 'range', offset: 'UTC+01:00' }],
    ['Berlin autumn, a slot across the change', 'Europe/Berlin', '2026-10-25T00:30Z', '2026-10-25T01:00Z', { kind: 'each', start: 'UTC+02:00', end: 'UTC+01:00' }],
    ['Berlin autumn, a slot ending at 02:00, which the day shows twice', 'Europe/Berlin', '2026-10-24T23:30Z', '2026-10-25T00:00Z', { kind: 'range', offset: 'UTC+02:00' }],
    ['Berlin autumn, after the repeated hour', 'Europe/Berlin', '2026-10-25T02:00Z', '2026-10-25T02:30Z', { kind: 'none', offset: 'UTC+01:00' }],
    // America/New_York: 8 March 02:00 EST → 03:00 EDT (07:00 UTC); 1 November 02:00 EDT → 01:00 EST (06:00 UTC).
    ['New York spring, across the jump', 'America/New_York', '2026-03-08T06:30Z', '2026-03-08T07:00Z', { kind: 'each', start: 'UTC-05:00', end: 'UTC-04:00' }],
    ['New York spring, the morning after', 'America/New_York', '2026-03-08T14:00Z', '2026-03-08T14:30Z', { kind: 'none', offset: 'UTC-04:00' }],
    ['New York autumn, 01:00 the first time', 'America/New_York', '2026-11-01T05:00Z', '2026-11-01T05:30Z', { kind: 'range', offset: 'UTC-04:00' }],
    ['New York autumn, 01:00 the second time', 'America/New_York', '2026-11-01T06:00Z', '2026-11-01T06:30Z', { kind: 'range', offset: 'UTC-05:00' }],
    // Australia/Sydney: 5 April 03:00 AEDT → 02:00 AEST (16:00 UTC on the 4th); 4 October 02:00 AEST → 03:00 AEDT (16:00 UTC on the 3rd).
    ['Sydney autumn (April), 02:30 the first time', 'Australia/Sydney', '2026-04-04T15:30Z', '2026-04-04T16:00Z', { kind: 'each', start: 'UTC+11:00', end: 'UTC+10:00' }],
    ['Sydney autumn (April), 02:30 the second time', 'Australia/Sydney', '2026-04-04T16:30Z', '2026-04-04T17:00Z', { kind: 'range', offset: 'UTC+10:00' }],
    ['Sydney spring (October), across the jump', 'Australia/Sydney', '2026-10-03T15:30Z', '2026-10-03T16:00Z', { kind: 'each', start: 'UTC+10:00', end: 'UTC+11:00' }],
    // Australia/Lord_Howe moves by 30 minutes: 5 April 02:00 → 01:30 (15:00 UTC on the 4th).
    ['Lord Howe, the repeated half hour', 'Australia/Lord_Howe', '2026-04-04T15:00Z', '2026-04-04T15:30Z', { kind: 'range', offset: 'UTC+10:30' }],
    ['Lord Howe, an hour later', 'Australia/Lord_Howe', '2026-04-04T16:00Z', '2026-04-04T16:30Z', { kind: 'none', offset: 'UTC+10:30' }],
    // No changes: never an offset needed.
    ['Kolkata', 'Asia/Kolkata', '2026-10-25T00:00Z', '2026-10-25T00:30Z', { kind: 'none', offset: 'UTC+05:30' }],
    ['UTC', 'UTC', '2026-10-25T01:00Z', '2026-10-25T01:30Z', { kind: 'none', offset: 'UTC' }],
    ['Etc/GMT+2 (two hours behind UTC, as IANA names it)', 'Etc/GMT+2', '2026-10-25T01:00Z', '2026-10-25T01:30Z', { kind: 'none', offset: 'UTC-02:00' }],
  ])('%s', (_case, zone, start, end, expected) => {
    expect(offsetsToShow(at(start), at(end), zone)).toEqual(expected);
  });

  it.each(['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Australia/Lord_Howe', 'America/Santiago', 'Europe/London'])(
    'marks exactly the wall-clock times luxon finds two moments for, every 5 minutes of 2026 around the changes (%s)',
    (zone) => {
      const changes: number[] = [];
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 3_600_000) {
        if (DateTime.fromMillis(t, { zone }).offset !== DateTime.fromMillis(t + 3_600_000, { zone }).offset) changes.push(t);
      }
      expect(changes.length).toBeGreaterThanOrEqual(2);
      for (const change of changes) {
        for (let t = change - 4 * 3_600_000; t <= change + 4 * 3_600_000; t += 5 * 60_000) {
          const twice = DateTime.fromMillis(t, { zone }).getPossibleOffsets().length > 1;
          expect([new Date(t).toISOString(), offsetsToShow(new Date(t), new Date(t), zone).kind]).toEqual([new Date(t).toISOString(), twice ? 'range' : 'none']);
        }
      }
    },
  );
});

describe('how a time range reads in mail and on pages', () => {
  it.each<[string, string, string, string, string]>([
    ['an ordinary slot names the zone and its offset', 'Europe/Berlin', '2030-03-11T09:00Z', '2030-03-11T09:30Z', 'Monday 11 March 2030, 10:00–10:30 (Europe/Berlin, UTC+01:00)'],
    ['the first 02:00 of the Berlin autumn night', 'Europe/Berlin', '2026-10-25T00:00Z', '2026-10-25T00:30Z', 'Sunday 25 October 2026, 02:00–02:30 (Europe/Berlin, UTC+02:00)'],
    ['the second 02:00, told apart by its offset', 'Europe/Berlin', '2026-10-25T01:00Z', '2026-10-25T01:30Z', 'Sunday 25 October 2026, 02:00–02:30 (Europe/Berlin, UTC+01:00)'],
    ['a slot across the autumn change gives each end its offset', 'Europe/Berlin', '2026-10-25T00:30Z', '2026-10-25T01:00Z', 'Sunday 25 October 2026, 02:30 UTC+02:00–02:00 UTC+01:00 (Europe/Berlin)'],
    ['a slot across the spring jump does not read as 90 minutes', 'Europe/Berlin', '2026-03-29T00:30Z', '2026-03-29T01:00Z', 'Sunday 29 March 2026, 01:30 UTC+01:00–03:00 UTC+02:00 (Europe/Berlin)'],
    ['New York, the second 01:00', 'America/New_York', '2026-11-01T06:00Z', '2026-11-01T06:30Z', 'Sunday 1 November 2026, 01:00–01:30 (America/New_York, UTC-05:00)'],
    ['a slot past midnight names both days', 'Europe/Berlin', '2030-03-11T22:30Z', '2030-03-11T23:30Z', 'Monday 11 March 2030, 23:30–Tuesday 12 March 2030, 00:30 (Europe/Berlin, UTC+01:00)'],
    ['London in winter is plain UTC', 'Europe/London', '2030-01-07T09:00Z', '2030-01-07T09:30Z', 'Monday 7 January 2030, 09:00–09:30 (Europe/London, UTC)'],
    ['the UTC zone is named once', 'UTC', '2030-03-11T09:00Z', '2030-03-11T09:30Z', 'Monday 11 March 2030, 09:00–09:30 (UTC)'],
  ])('%s', (_case, zone, start, end, expected) => {
    expect(formatTimeRange(at(start), at(end), zone)).toBe(expected);
  });

  it.each<[string, string, string, string]>([
    ['an ordinary start has no offset', 'Europe/Berlin', '2030-03-11T09:00Z', 'Mon 11 Mar, 10:00'],
    ['the first 02:30 of the autumn night', 'Europe/Berlin', '2026-10-25T00:30Z', 'Sun 25 Oct, 02:30 UTC+02:00'],
    ['the second 02:30', 'Europe/Berlin', '2026-10-25T01:30Z', 'Sun 25 Oct, 02:30 UTC+01:00'],
    ['just after the spring jump, a time that happens once', 'Europe/Berlin', '2026-03-29T01:00Z', 'Sun 29 Mar, 03:00'],
    ['Sydney, the second 02:00 of its April night', 'Australia/Sydney', '2026-04-04T16:00Z', 'Sun 5 Apr, 02:00 UTC+10:00'],
  ])('a subject start: %s', (_case, zone, start, expected) => {
    expect(formatStart(at(start), zone)).toBe(expected);
  });
});
