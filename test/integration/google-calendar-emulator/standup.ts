// A recurring series for the emulator's recurrence tests: a daily stand-up in Berlin.
import type { calendar_v3 } from '@googleapis/calendar';

export const BERLIN = 'Europe/Berlin';

/** A daily stand-up at 10:00-10:30 Berlin time from Monday 2030-01-07 (UTC+1 in winter), five times. */
export function standup(fields: calendar_v3.Schema$Event = {}): calendar_v3.Schema$Event {
  return {
    summary: 'Stand-up',
    start: { dateTime: '2030-01-07T10:00:00', timeZone: BERLIN },
    end: { dateTime: '2030-01-07T10:30:00', timeZone: BERLIN },
    recurrence: ['RRULE:FREQ=DAILY;COUNT=5'],
    ...fields,
  };
}
