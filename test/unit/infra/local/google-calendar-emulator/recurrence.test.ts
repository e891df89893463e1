import { GoogleApiError } from '../../../../../infra/local/google-calendar-emulator/errors';
import {
  checkRecurrence,
  MAX_INSTANCES_PER_SERIES,
  occurrenceNamed,
  occurrences,
  type SeriesTiming,
} from '../../../../../infra/local/google-calendar-emulator/recurrence';

const BERLIN = 'Europe/Berlin';

/** 10:00-10:30 Berlin time from Monday 2030-01-07, when Berlin is at UTC+1. */
function timed(recurrence: string[], start = '2030-01-07T10:00:00', end = '2030-01-07T10:30:00'): SeriesTiming {
  return { start: { dateTime: start, timeZone: BERLIN }, end: { dateTime: end, timeZone: BERLIN }, recurrence, calendarTimeZone: 'UTC' };
}

function allDay(recurrence: string[]): SeriesTiming {
  return { start: { date: '2030-02-01' }, end: { date: '2030-02-02' }, recurrence, calendarTimeZone: 'America/New_York' };
}

function starts(timing: SeriesTiming, range = {}, limit?: number): string[] {
  return occurrences(timing, range, limit).map((occurrence) => occurrence.start.dateTime ?? occurrence.start.date ?? '');
}

function reasonOf(call: () => void): string | undefined {
  try {
    call();
  } catch (error) {
    if (error instanceof GoogleApiError) return `${error.code} ${error.reason}`;
    throw error;
  }
  return undefined;
}

describe('recurrence expansion', () => {
  it('expands a counted daily rule from the series start', () => {
    expect(starts(timed(['RRULE:FREQ=DAILY;COUNT=3']))).toEqual(['2030-01-07T10:00:00+01:00', '2030-01-08T10:00:00+01:00', '2030-01-09T10:00:00+01:00']);
  });

  it('removes EXDATEs and adds RDATEs in their TZID, UTC and date forms', () => {
    const timing = timed([
      'RRULE:FREQ=DAILY;COUNT=6',
      'EXDATE;TZID=America/New_York:20300108T040000',
      'EXDATE:20300109T090000Z',
      'EXDATE;VALUE=DATE:20300110',
      'RDATE;TZID=Europe/Berlin:20300120T100000,20300121T100000',
      'RDATE;VALUE=DATE:20300125',
    ]);
    expect(starts(timing)).toEqual([
      '2030-01-07T10:00:00+01:00',
      '2030-01-11T10:00:00+01:00',
      '2030-01-12T10:00:00+01:00',
      '2030-01-20T10:00:00+01:00',
      '2030-01-21T10:00:00+01:00',
      '2030-01-25T10:00:00+01:00',
    ]);
  });

  it('keeps the local time of day across both DST switches', () => {
    const spring = timed(['RRULE:FREQ=DAILY;COUNT=3'], '2030-03-30T10:00:00', '2030-03-30T10:30:00');
    expect(occurrences(spring, {}).map((occurrence) => new Date(occurrence.startMs).toISOString())).toEqual([
      '2030-03-30T09:00:00.000Z',
      '2030-03-31T08:00:00.000Z',
      '2030-04-01T08:00:00.000Z',
    ]);
    const autumn = timed(['RRULE:FREQ=WEEKLY;COUNT=2'], '2030-10-20T10:00:00', '2030-10-20T10:30:00');
    expect(starts(autumn)).toEqual(['2030-10-20T10:00:00+02:00', '2030-10-27T10:00:00+01:00']);
  });

  it('keeps each instance as long as the first, in wall-clock time', () => {
    const [first, overSwitch] = occurrences(timed(['RRULE:FREQ=DAILY;COUNT=2'], '2030-03-30T23:00:00', '2030-03-31T04:00:00'), {});
    expect(first?.end.dateTime).toBe('2030-03-31T04:00:00+02:00');
    expect(overSwitch?.end.dateTime).toBe('2030-04-01T04:00:00+02:00');
  });

  it('treats an UNTIL in UTC as an instant and a date-only UNTIL as the whole day', () => {
    expect(starts(timed(['RRULE:FREQ=DAILY;UNTIL=20300108T090000Z']))).toHaveLength(2);
    expect(starts(timed(['RRULE:FREQ=DAILY;UNTIL=20300108']))).toHaveLength(2);
  });

  it('always includes the series start, even when the rule does not produce it', () => {
    // Monday 2030-01-07 is not a Tuesday or Thursday; Google still shows it.
    expect(starts(timed(['RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=2']))).toEqual(['2030-01-07T10:00:00+01:00', '2030-01-08T10:00:00+01:00', '2030-01-10T10:00:00+01:00']);
  });

  it('names timed instances by their UTC start and all-day instances by their date', () => {
    expect(occurrences(timed(['RRULE:FREQ=DAILY;COUNT=1']), {}).map((occurrence) => occurrence.idSuffix)).toEqual(['20300107T090000Z']);
    const days = occurrences(allDay(['RRULE:FREQ=WEEKLY;COUNT=2']), {});
    expect(days.map((occurrence) => [occurrence.idSuffix, occurrence.start, occurrence.end])).toEqual([
      ['20300201', { date: '2030-02-01' }, { date: '2030-02-02' }],
      ['20300208', { date: '2030-02-08' }, { date: '2030-02-09' }],
    ]);
    expect(days[0]?.startMs).toBe(Date.parse('2030-02-01T05:00:00Z'));
  });

  it('gives only the instances overlapping the range', () => {
    const timing = timed(['RRULE:FREQ=DAILY']);
    expect(starts(timing, { fromMs: Date.parse('2030-02-01T09:15:00Z'), toMs: Date.parse('2030-02-03T09:00:00Z') })).toEqual([
      '2030-02-01T10:00:00+01:00',
      '2030-02-02T10:00:00+01:00',
    ]);
  });

  it(`stops an endless rule after ${MAX_INSTANCES_PER_SERIES} instances from the start of the range`, () => {
    const timing = timed(['RRULE:FREQ=DAILY']);
    expect(starts(timing)).toHaveLength(MAX_INSTANCES_PER_SERIES);
    const later = starts(timing, { fromMs: Date.parse('2050-06-01T00:00:00Z') });
    expect(later).toHaveLength(MAX_INSTANCES_PER_SERIES);
    expect(later[0]).toBe('2050-06-01T10:00:00+02:00');
    expect(starts(timing, {}, 3)).toHaveLength(3);
  });

  it('merges several rules and leaves out what an EXRULE excludes', () => {
    const timing = timed(['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3', 'RRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=2', 'EXRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=1']);
    expect(starts(timing).map((start) => start.slice(0, 10))).toEqual(['2030-01-07', '2030-01-14', '2030-01-16', '2030-01-21']);
  });

  it.each([
    'RRULE:FREQ=DAILY',
    'RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR',
    'RRULE:FREQ=WEEKLY',
    'RRULE:FREQ=MONTHLY;BYDAY=2TU',
    'RRULE:FREQ=MONTHLY;INTERVAL=3',
    'RRULE:FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=7',
    'RRULE:FREQ=HOURLY;INTERVAL=5;BYHOUR=0,5,10,15,20',
    'RRULE:FREQ=DAILY;UNTIL=20310101T000000Z',
  ])('gives the same instances of %s when a later request resumes where an earlier one walked', (rule) => {
    const walked = timed([rule]);
    occurrences(walked, { fromMs: Date.parse('2030-03-01T00:00:00Z'), toMs: Date.parse('2030-03-20T00:00:00Z') });
    for (const fromMs of [Date.parse('2030-03-01T00:00:00Z'), Date.parse('2030-05-02T00:00:00Z'), Date.parse('2030-11-13T12:00:00Z')]) {
      const range = { fromMs, toMs: fromMs + 120 * 24 * 60 * 60 * 1000 };
      expect(starts(walked, range)).toEqual(starts(timed([rule]), range));
    }
  });

  it('finds an occurrence by its id suffix, and nothing for a time the rule does not give', () => {
    const timing = timed(['RRULE:FREQ=DAILY;COUNT=5', 'EXDATE:20300109T090000Z']);
    expect(occurrenceNamed(timing, '20300108T090000Z')?.start.dateTime).toBe('2030-01-08T10:00:00+01:00');
    expect(occurrenceNamed(timing, '20300109T090000Z')).toBeUndefined();
    expect(occurrenceNamed(timing, '20300108T100000Z')).toBeUndefined();
    expect(occurrenceNamed(timing, 'garbage')).toBeUndefined();
  });
});

describe('recurrence checks', () => {
  it('needs a time zone on the start and end of a timed series', () => {
    const zoneless = { ...timed(['RRULE:FREQ=DAILY']), start: { dateTime: '2030-01-07T09:00:00Z' } };
    expect(reasonOf(() => checkRecurrence(zoneless))).toBe('400 required');
    expect(reasonOf(() => checkRecurrence(allDay(['RRULE:FREQ=DAILY'])))).toBeUndefined();
  });

  it.each([
    'RRULE:FREQ=SOMETIMES',
    'RRULE:COUNT=3',
    'RRULE:FREQ=DAILY;COUNT=0',
    'RRULE:FREQ=DAILY;FOO=1',
    'RRULE:FREQ=WEEKLY;BYDAY=XX',
    'RRULE:FREQ=DAILY;COUNT=2;UNTIL=20300201',
    'RRULE;TZID=Europe/Berlin:FREQ=DAILY',
    'EXDATE:20301301T100000Z',
    'EXDATE;VALUE=DATE:20300101T100000Z',
    'RDATE;TZID=Mars/Olympus:20300101T100000',
    'RDATE;VALUE=PERIOD:20300101T100000Z/PT1H',
    'DTSTART:20300107T090000Z',
    'not a line',
  ])('refuses %s as invalid', (line) => {
    expect(reasonOf(() => checkRecurrence(timed([line])))).toBe('400 invalid');
  });
});
