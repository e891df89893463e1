// The scopes the consent asks for against Google's discovery document: every Calendar method the
// gateway calls (shared/google/calendar.ts) is allowed by one of them, on the default calendar and
// on the calendars checked for conflicts alike (a scope does not depend on the calendar's sharing).
import { CALENDAR_SCOPES } from '../../../shared/accounts/google-sign-in';
import { calendarDiscovery } from '../../support/google-discovery';

const CALLED = [
  'calendar.events.insert',
  'calendar.events.import',
  'calendar.events.get',
  'calendar.events.patch',
  'calendar.events.delete',
  'calendar.events.list',
  'calendar.events.watch',
  'calendar.channels.stop',
  'calendar.freebusy.query',
  'calendar.calendarList.list',
];

describe('the calendar scopes we ask for', () => {
  it.each(CALLED)('allow %s', (id) => {
    const allowed = calendarDiscovery().method(id).scopes ?? [];
    expect(CALENDAR_SCOPES.filter((scope) => allowed.includes(scope))).not.toEqual([]);
  });

  it('would not allow freebusy.query with calendar.events alone: that is why calendar.events.freebusy is asked for', () => {
    expect(calendarDiscovery().method('calendar.freebusy.query').scopes).not.toContain('https://www.googleapis.com/auth/calendar.events');
  });
});
