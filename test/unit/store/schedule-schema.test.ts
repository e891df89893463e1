// What a host's weekly hours may be (scheduleSchema), and what a stored host document may hold.
import { scheduleSchema, subscriberSchema, type Schedule } from '../../../shared/store/subscribers';

const schedule = (monday: { start: string; end: string }[]) => ({ slug: 'jane', slotMinutes: 30, weekly: { monday, tuesday: [{ start: '09:00', end: '17:00' }] } });

function refusal(monday: { start: string; end: string }[]): { path: PropertyKey[]; message: string }[] {
  const result = scheduleSchema.safeParse(schedule(monday));
  if (result.success) throw new Error('accepted');
  return result.error.issues.map(({ path, message }) => ({ path, message }));
}

describe("a day's ranges in the weekly hours", () => {
  it.each([
    ['apart', [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '17:00' }]],
    ['touching', [{ start: '09:00', end: '12:00' }, { start: '12:00', end: '13:00' }]],
    ['touching, out of order', [{ start: '12:00', end: '13:00' }, { start: '09:00', end: '12:00' }]],
    ['apart, out of order', [{ start: '13:00', end: '17:00' }, { start: '09:00', end: '12:00' }]],
  ])('may be %s', (_case, monday) => {
    expect(scheduleSchema.parse(schedule(monday)).weekly.monday).toEqual(monday);
  });

  it.each([
    ['overlapping', [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '13:00' }], '09:00–12:00 and 11:00–13:00 overlap'],
    ['overlapping, out of order', [{ start: '13:00', end: '17:00' }, { start: '09:00', end: '14:00' }], '09:00–14:00 and 13:00–17:00 overlap'],
    ['one inside another', [{ start: '09:00', end: '17:00' }, { start: '10:00', end: '11:00' }], '09:00–17:00 and 10:00–11:00 overlap'],
    ['the same range twice', [{ start: '09:00', end: '12:00' }, { start: '09:00', end: '12:00' }], '09:00–12:00 and 09:00–12:00 overlap'],
    ['overlapping after one that touches', [{ start: '08:00', end: '09:00' }, { start: '09:00', end: '12:00' }, { start: '11:55', end: '13:00' }], '09:00–12:00 and 11:55–13:00 overlap'],
  ])('are refused %s, the error naming the day', (_case, monday, message) => {
    expect(refusal(monday)).toEqual([{ path: ['weekly', 'monday'], message }]);
  });

  it("judges each range's times before any overlap: a range it cannot read is the day's only problem", () => {
    expect(refusal([{ start: '12:00', end: '09:00' }, { start: '08:00', end: '10:00' }])).toEqual([{ path: ['weekly', 'monday', 0], message: 'end must be after start' }]);
  });

  it('a host document stored before overlaps were refused is still read (availability merges its ranges)', () => {
    const stored: Schedule = { ...scheduleSchema.parse(schedule([])), weekly: { monday: [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '13:00' }] } };
    const host = { name: 'Jane', email: 'jane@example.org', timezone: 'Europe/Berlin', google: null, defaultCalendar: null, schedule: stored, createdAt: new Date(), updatedAt: new Date() };
    expect(subscriberSchema.parse(host).schedule.weekly.monday).toHaveLength(2);
  });
});
