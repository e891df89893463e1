import { eventBusy, exceptionOf, type ListedEvent } from '../../../shared/busy/busy-event';

const TIMED = { start: { dateTime: '2026-11-02T10:00:00+01:00' }, end: { dateTime: '2026-11-02T11:00:00+01:00' } };
const ms = (iso: string) => Date.parse(iso);

describe('what an event blocks', () => {
  const cases: { name: string; event: ListedEvent; expected: ReturnType<typeof eventBusy> }[] = [
    { name: 'an event of the host blocks its time', event: { id: 'a', status: 'confirmed', ...TIMED }, expected: { kind: 'single', start: ms('2026-11-02T09:00:00Z'), end: ms('2026-11-02T10:00:00Z') } },
    { name: 'a tentative event blocks', event: { id: 'a', status: 'tentative', ...TIMED }, expected: { kind: 'single', start: ms('2026-11-02T09:00:00Z'), end: ms('2026-11-02T10:00:00Z') } },
    {
      name: "someone else's event the host accepted blocks",
      event: { id: 'a', ...TIMED, attendees: [{ self: true, responseStatus: 'accepted' }, { responseStatus: 'declined' }] },
      expected: { kind: 'single', start: ms('2026-11-02T09:00:00Z'), end: ms('2026-11-02T10:00:00Z') },
    },
    { name: 'a cancelled event blocks nothing', event: { id: 'a', status: 'cancelled' }, expected: { kind: 'none', reason: 'cancelled' } },
    { name: 'an event marked free blocks nothing', event: { id: 'a', transparency: 'transparent', ...TIMED }, expected: { kind: 'none', reason: 'transparent' } },
    { name: 'an event the host declined blocks nothing', event: { id: 'a', ...TIMED, attendees: [{ self: true, responseStatus: 'declined' }] }, expected: { kind: 'none', reason: 'declined' } },
    {
      name: 'an all-day event blocks its day in the calendar zone',
      event: { id: 'a', start: { date: '2026-11-02' }, end: { date: '2026-11-04' } },
      expected: { kind: 'single', start: ms('2026-11-01T23:00:00Z'), end: ms('2026-11-03T23:00:00Z') },
    },
    {
      name: 'a series blocks at its occurrences',
      event: { id: 'a', start: { dateTime: '2026-11-02T10:00:00+01:00', timeZone: 'Europe/Berlin' }, end: { dateTime: '2026-11-02T11:00:00+01:00', timeZone: 'Europe/Berlin' }, recurrence: ['RRULE:FREQ=DAILY'] },
      expected: {
        kind: 'series',
        timing: { start: { dateTime: '2026-11-02T10:00:00+01:00', timeZone: 'Europe/Berlin' }, end: { dateTime: '2026-11-02T11:00:00+01:00', timeZone: 'Europe/Berlin' }, recurrence: ['RRULE:FREQ=DAILY'], calendarTimeZone: 'Europe/Berlin' },
      },
    },
  ];
  it.each(cases)('$name', ({ event, expected }) => {
    expect(eventBusy(event, 'Europe/Berlin')).toEqual(expected);
  });

  it('an exception names its series and the occurrence it stands in for; a plain event is none', () => {
    expect(exceptionOf({ id: 's_1', status: 'cancelled', recurringEventId: 's', originalStartTime: { dateTime: '2026-11-03T09:00:00Z' } })).toEqual({ seriesId: 's', key: String(ms('2026-11-03T09:00:00Z')) });
    expect(exceptionOf({ id: 's_2', recurringEventId: 's', originalStartTime: { date: '2026-11-03' } })).toEqual({ seriesId: 's', key: '2026-11-03' });
    expect(exceptionOf({ id: 'a', ...TIMED })).toBeUndefined();
  });
});
