import { defaultSchedule, timezoneFrom } from '../../../shared/accounts/connect';
import { scheduleSchema } from '../../../shared/store/subscribers';

const entry = (over: Partial<{ id: string; primary: boolean; timeZone: string | undefined }>) => ({
  id: 'cal',
  summary: 'Calendar',
  primary: false,
  accessRole: 'owner',
  timeZone: undefined,
  ...over,
});

describe('a newly connected host', () => {
  it('takes the time zone of its primary calendar', () => {
    expect(timezoneFrom([entry({ timeZone: 'Asia/Tokyo' }), entry({ primary: true, timeZone: 'America/Chicago' })])).toBe('America/Chicago');
  });

  it('falls back to UTC without a primary calendar or with a zone that is not IANA', () => {
    expect(timezoneFrom([entry({ timeZone: 'Asia/Tokyo' })])).toBe('UTC');
    expect(timezoneFrom([entry({ primary: true, timeZone: 'Mars/Olympus' })])).toBe('UTC');
    // An offset is no IANA zone (luxon would take it, and every booking would then fail).
    expect(timezoneFrom([entry({ primary: true, timeZone: '+05:37' })])).toBe('UTC');
    expect(timezoneFrom([])).toBe('UTC');
  });

  it('is free on weekdays 09:00-17:00 in 30-minute slots, not on weekends, and not auto-confirming', () => {
    const schedule = scheduleSchema.parse(defaultSchedule('jane'));
    expect(schedule.slotMinutes).toBe(30);
    expect(Object.keys(schedule.weekly).sort()).toEqual(['friday', 'monday', 'thursday', 'tuesday', 'wednesday']);
    expect(schedule.weekly.monday).toEqual([{ start: '09:00', end: '17:00' }]);
    expect(schedule.autoConfirm).toBe(false);
  });
});
