// What a host file (ops `host put`, the demo host) may say about the host's time zone: a table, no I/O.
import { hostFileSchema } from '../../../shared/booking/hosts';

const file = {
  id: 'host-1',
  name: 'Hannah Host',
  email: 'hannah@example.test',
  timezone: 'Europe/Berlin',
  schedule: { slug: 'hannah', slotMinutes: 30, weekly: { monday: [{ start: '09:00', end: '17:00' }] } },
};

describe("a host file's time zone", () => {
  const refused: [string, string][] = [
    ['a UTC offset with minutes, which luxon would take (every booking then failed: UnalignedSlot)', '+05:37'],
    ['a whole-hour offset', '-03:00'],
    ['UTC with an offset', 'UTC+5'],
    ['an unknown name', 'Mars/Olympus'],
    ['nothing', ''],
  ];
  it.each(refused)('refuses %s', (_name, timezone) => {
    const parsed = hostFileSchema.safeParse({ ...file, timezone });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path)).toEqual([['timezone']]);
  });

  const kept: [string, string, string][] = [
    ['an IANA name', 'Europe/Berlin', 'Europe/Berlin'],
    ['an old alias, made canonical', 'US/Eastern', 'America/New_York'],
    ['a name in other letter case, made canonical', 'europe/berlin', 'Europe/Berlin'],
    ['UTC', 'UTC', 'UTC'],
  ];
  it.each(kept)('takes %s', (_name, timezone, stored) => {
    expect(hostFileSchema.parse({ ...file, timezone }).timezone).toBe(stored);
  });
});

describe("a host file's booking link name", () => {
  it.each(['manage', 'assets', 'bookings', 'availability'])('refuses %s, a path of the booking function', (slug) => {
    const parsed = hostFileSchema.safeParse({ ...file, schedule: { ...file.schedule, slug } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path)).toEqual([['schedule', 'slug']]);
  });

  it('takes a name that only starts like one', () => {
    expect(hostFileSchema.parse({ ...file, schedule: { ...file.schedule, slug: 'manager' } }).schedule.slug).toBe('manager');
  });
});

describe("a host file's calendars checked for conflicts", () => {
  const google = { defaultCalendar: { provider: 'google', calendarId: 'hannah@example.test' } };
  it('takes a list of calendars besides the default, and none when left out', () => {
    expect(hostFileSchema.parse({ ...file, ...google, conflictCalendarIds: ['family@group', 'team@group'] }).conflictCalendarIds).toEqual(['family@group', 'team@group']);
    expect(hostFileSchema.parse({ ...file, ...google }).conflictCalendarIds).toEqual([]);
  });

  it.each([
    ['the default among them', ['family@group', 'hannah@example.test'], 'the default calendar always counts'],
    ['one listed twice', ['family@group', 'family@group'], 'a calendar is listed twice'],
    ['more than 10', Array.from({ length: 11 }, (_, i) => `c${i}@group`), 'at most 10 calendars'],
  ])('refuses %s, saying why', (_name, conflictCalendarIds, message) => {
    const parsed = hostFileSchema.safeParse({ ...file, ...google, conflictCalendarIds });
    expect(parsed.error?.issues.map((issue) => [issue.path, issue.message.slice(0, message.length)])).toEqual([[['conflictCalendarIds'], message]]);
  });
});
