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

/** The primary calendar's events through the real client, as the recurrence tests read and write them. */
export function primaryEvents(api: () => calendar_v3.Calendar) {
  return {
    async insert(body: calendar_v3.Schema$Event): Promise<calendar_v3.Schema$Event & { id: string }> {
      const { data } = await api().events.insert({ calendarId: 'primary', requestBody: body });
      return data as calendar_v3.Schema$Event & { id: string };
    },
    async items(params: calendar_v3.Params$Resource$Events$List = {}): Promise<calendar_v3.Schema$Event[]> {
      const { data } = await api().events.list({ calendarId: 'primary', maxResults: 2500, ...params });
      return data.items ?? [];
    },
  };
}
