import { DateTime } from 'luxon';
import { occurrencesIn, originalStartKey, type SeriesTiming } from '../../../shared/busy/series';

const BERLIN = 'Europe/Berlin';
const at = (iso: string, zone = BERLIN) => DateTime.fromISO(iso, { zone }).toMillis();
const local = (ms: number, zone = BERLIN) => DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");

function timed(start: string, end: string, recurrence: string[]): SeriesTiming {
  return { start: { dateTime: start, timeZone: BERLIN }, end: { dateTime: end, timeZone: BERLIN }, recurrence, calendarTimeZone: 'UTC' };
}

describe('a series expanded in a window', () => {
  const cases: { name: string; series: SeriesTiming; from: string; to: string; starts: string[] }[] = [
    {
      name: 'a daily series stays at 10:00 local across the end of summer time',
      series: timed('2026-10-23T10:00:00', '2026-10-23T11:00:00', ['RRULE:FREQ=DAILY']),
      from: '2026-10-24T00:00',
      to: '2026-10-27T00:00',
      starts: ['2026-10-24T10:00', '2026-10-25T10:00', '2026-10-26T10:00'],
    },
    {
      name: 'weekly on Monday and Wednesday, four times (COUNT counts from the start)',
      series: timed('2026-11-02T09:00:00', '2026-11-02T09:30:00', ['RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4']),
      from: '2026-11-01T00:00',
      to: '2026-11-30T00:00',
      starts: ['2026-11-02T09:00', '2026-11-04T09:00', '2026-11-09T09:00', '2026-11-11T09:00'],
    },
    {
      name: 'UNTIL as a UTC instant keeps the occurrence at it',
      series: timed('2026-11-02T09:00:00', '2026-11-02T10:00:00', ['RRULE:FREQ=DAILY;UNTIL=20261104T080000Z']),
      from: '2026-11-01T00:00',
      to: '2026-11-10T00:00',
      starts: ['2026-11-02T09:00', '2026-11-03T09:00', '2026-11-04T09:00'],
    },
    {
      name: 'EXDATE (with TZID) and a date-only EXDATE leave out their days; RDATE adds one',
      series: timed('2026-11-02T09:00:00', '2026-11-02T10:00:00', [
        'RRULE:FREQ=DAILY;COUNT=5',
        `EXDATE;TZID=${BERLIN}:20261103T090000`,
        'EXDATE;VALUE=DATE:20261105',
        'RDATE:20261110T120000Z',
      ]),
      from: '2026-11-01T00:00',
      to: '2026-11-12T00:00',
      starts: ['2026-11-02T09:00', '2026-11-04T09:00', '2026-11-06T09:00', '2026-11-10T13:00'],
    },
    {
      name: 'EXRULE takes out every Wednesday',
      series: timed('2026-11-02T09:00:00', '2026-11-02T10:00:00', ['RRULE:FREQ=DAILY;COUNT=5', 'EXRULE:FREQ=WEEKLY;BYDAY=WE']),
      from: '2026-11-01T00:00',
      to: '2026-11-12T00:00',
      starts: ['2026-11-02T09:00', '2026-11-03T09:00', '2026-11-05T09:00', '2026-11-06T09:00'],
    },
    {
      name: 'only the occurrences overlapping the window, one that started before it included',
      series: timed('2026-11-02T23:00:00', '2026-11-03T01:00:00', ['RRULE:FREQ=DAILY']),
      from: '2026-11-05T00:30',
      to: '2026-11-06T00:00',
      starts: ['2026-11-04T23:00', '2026-11-05T23:00'],
    },
  ];
  it.each(cases)('$name', ({ series, from, to, starts }) => {
    expect(occurrencesIn(series, at(from), at(to)).map((o) => local(o.start))).toEqual(starts);
  });

  it('an all-day series covers whole days in the calendar zone', () => {
    const series: SeriesTiming = { start: { date: '2026-11-02' }, end: { date: '2026-11-03' }, recurrence: ['RRULE:FREQ=WEEKLY;COUNT=2'], calendarTimeZone: 'America/New_York' };
    const found = occurrencesIn(series, at('2026-11-01T00:00', 'UTC'), at('2026-11-20T00:00', 'UTC'));
    expect(found.map((o) => [local(o.start, 'America/New_York'), local(o.end, 'America/New_York'), o.key])).toEqual([
      ['2026-11-02T00:00', '2026-11-03T00:00', '2026-11-02'],
      ['2026-11-09T00:00', '2026-11-10T00:00', '2026-11-09'],
    ]);
  });

  it('an occurrence an exception stands in for is left out, named by its original start however written', () => {
    const series = timed('2026-11-02T09:00:00', '2026-11-02T10:00:00', ['RRULE:FREQ=DAILY;COUNT=3']);
    const key = originalStartKey({ dateTime: '2026-11-03T08:00:00Z' })!;
    expect(originalStartKey({ dateTime: '2026-11-03T09:00:00+01:00' })).toBe(key);
    expect(occurrencesIn(series, at('2026-11-01T00:00'), at('2026-11-10T00:00'), new Set([key])).map((o) => local(o.start))).toEqual(['2026-11-02T09:00', '2026-11-04T09:00']);
  });
});
