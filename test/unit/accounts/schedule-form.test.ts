import { parseScheduleForm, scheduleFormValues, type ScheduleFormValues } from '../../../functions/accounts/schedule-form';
import { defaultSchedule } from '../../../shared/accounts/connect';
import type { Schedule } from '../../../shared/store/subscribers';

const current: Schedule = { ...defaultSchedule('jane'), minNoticeHours: 12, bufferAfterMinutes: 10 };

/** The whole form as a browser posts it for `current`, with some fields changed. */
function posted(over: Partial<ScheduleFormValues>): Partial<ScheduleFormValues> {
  return { ...scheduleFormValues(current), ...over };
}

function schedule(over: Partial<ScheduleFormValues>) {
  const result = parseScheduleForm(posted(over), current);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.errors)}`);
  return result.schedule;
}

function errorsOf(over: Partial<ScheduleFormValues>): Record<string, string> {
  const result = parseScheduleForm(posted(over), current);
  if (result.ok) throw new Error('accepted');
  return Object.fromEntries(result.errors.map((e) => [e.field, e.message]));
}

describe('the weekly hours of a day, as typed', () => {
  it.each([
    ['several ranges', '09:00–12:00, 13:00–17:00', [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '17:00' }]],
    ['hyphens, one-digit hours and spaces anywhere', ' 9:00-12:00 ,13:00 - 17:00', [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '17:00' }]],
    ['an em dash and semicolons', '09:00—12:00; 13:00—17:00', [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '17:00' }]],
    ['ranges out of order, kept in order', '13:00–17:00, 09:00–12:00', [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '17:00' }]],
    ['empty items between commas ignored', ', 09:00–12:00, ,', [{ start: '09:00', end: '12:00' }]],
    ['ranges that touch', '09:00–12:00, 12:00–13:00', [{ start: '09:00', end: '12:00' }, { start: '12:00', end: '13:00' }]],
    ['the last bookable minute of the day', '00:00–23:55', [{ start: '00:00', end: '23:55' }]],
  ])('%s', (_case, typed, windows) => {
    expect(schedule({ 'weekly-monday': typed }).weekly.monday).toEqual(windows);
  });

  it('an empty day is a day off', () => {
    const result = schedule({ 'weekly-monday': '', 'weekly-saturday': '   ' });
    expect(result.weekly).not.toHaveProperty('monday');
    expect(result.weekly).not.toHaveProperty('saturday');
    expect(result.weekly.tuesday).toEqual([{ start: '09:00', end: '17:00' }]);
  });

  it.each([
    ['overlapping ranges', '09:00–12:00, 11:00–13:00', '09:00–12:00 and 11:00–13:00 overlap'],
    ['overlapping ranges out of order', '13:00–17:00, 09:00–14:00', '09:00–14:00 and 13:00–17:00 overlap'],
    ['the same range twice', '09:00–12:00, 9:00-12:00', '09:00–12:00 and 09:00–12:00 overlap'],
    ['an hour past 23', '25:00–26:00', '25:00–26:00: start must be HH:MM (24 h), in steps of 5 minutes'],
    ['minutes off the 5-minute steps', '09:03–10:00', '09:03–10:00: start must be HH:MM (24 h), in steps of 5 minutes'],
    ['midnight as an end', '22:00–24:00', '22:00–24:00: end must be HH:MM (24 h), in steps of 5 minutes'],
    ['an end before the start', '12:00–09:00', '12:00–09:00: end must be after start'],
    ['an empty range', '12:00–12:00', '12:00–12:00: end must be after start'],
    ['no dash', '0900 1700', '“0900 1700” is not a range: write each as 09:00–12:00'],
    ['words', 'nine to five', '“nine to five” is not a range: write each as 09:00–12:00'],
    ['a range with three times', '09:00–10:00–11:00', '“09:00–10:00–11:00” is not a range: write each as 09:00–12:00'],
  ])('%s is refused beside the day', (_case, typed, message) => {
    expect(errorsOf({ 'weekly-monday': typed })).toEqual({ 'weekly-monday': message });
  });

  it('reports each day on its own, the first problem of a day only', () => {
    expect(errorsOf({ 'weekly-monday': '12:00–09:00, 25:00–26:00', 'weekly-friday': '09:00–12:00, 10:00–11:00' })).toEqual({
      'weekly-monday': '12:00–09:00: end must be after start',
      'weekly-friday': '09:00–12:00 and 10:00–11:00 overlap',
    });
  });
});

describe('the numbers of the schedule, bounded by scheduleSchema', () => {
  it('reads each field into the schedule', () => {
    expect(
      schedule({ slotMinutes: '45', bufferBeforeMinutes: '5', bufferAfterMinutes: '15', minNoticeHours: '1,5', maxDaysAhead: ' 30 ', guestChangeLimitHours: '0.5' }),
    ).toMatchObject({ slotMinutes: 45, bufferBeforeMinutes: 5, bufferAfterMinutes: 15, minNoticeHours: 1.5, maxDaysAhead: 30, guestChangeLimitHours: 0.5 });
  });

  it.each([
    ['slotMinutes', '5'],
    ['slotMinutes', '480'],
    ['bufferBeforeMinutes', '0'],
    ['bufferAfterMinutes', '240'],
    ['minNoticeHours', '0'],
    ['minNoticeHours', '2160'],
    ['maxDaysAhead', '1'],
    ['maxDaysAhead', '365'],
    ['guestChangeLimitHours', '720'],
  ] as const)('%s takes %s, at its bound', (field, typed) => {
    expect(schedule({ [field]: typed })[field]).toBe(Number(typed));
  });

  it.each([
    ['slotMinutes', '0', 'must be at least 5'],
    ['slotMinutes', '485', 'must be at most 480'],
    ['slotMinutes', '7', 'must be a multiple of 5'],
    ['slotMinutes', '', 'enter a number'],
    ['slotMinutes', 'half an hour', 'must be a number'],
    ['bufferBeforeMinutes', '-5', 'must be at least 0'],
    ['bufferBeforeMinutes', '245', 'must be at most 240'],
    ['bufferAfterMinutes', '3', 'must be a multiple of 5'],
    ['minNoticeHours', '2161', 'must be at most 2160'],
    ['maxDaysAhead', '0', 'must be at least 1'],
    ['maxDaysAhead', '366', 'must be at most 365'],
    ['maxDaysAhead', '2.5', 'must be a whole number'],
    ['guestChangeLimitHours', '721', 'must be at most 720'],
    ['guestChangeLimitHours', '1e3', 'must be a number'],
    ['minNoticeHours', '1,000', 'must be a number'],
  ] as const)('%s refuses %j: %s', (field, typed, message) => {
    expect(errorsOf({ [field]: typed })).toEqual({ [field]: message });
  });
});

describe('the form as a whole', () => {
  it('gives back the schedule it was filled from', () => {
    const { slug: _slug, autoConfirm: _autoConfirm, ...rest } = current;
    expect(schedule({})).toEqual(rest);
  });

  it('keeps the current value of a field the form does not carry', () => {
    const result = parseScheduleForm({ slotMinutes: '60' }, current);
    expect(result.ok && result.schedule).toMatchObject({ slotMinutes: 60, minNoticeHours: 12, bufferAfterMinutes: 10, weekly: current.weekly });
  });

  it('reports every wrong field at once, in the order of the form, and gives back what was typed', () => {
    const typed = posted({ 'weekly-tuesday': '9–5', slotMinutes: 'x', guestChangeLimitHours: '-1' });
    const result = parseScheduleForm(typed, current);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => e.field)).toEqual(['weekly-tuesday', 'slotMinutes', 'guestChangeLimitHours']);
    expect(!result.ok && result.errors[0]!.label).toBe('Tuesday');
    expect(result.values).toEqual(typed);
  });

  it('shows a schedule as the form shows it', () => {
    const values = scheduleFormValues({ ...current, weekly: { monday: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '17:00' }] } });
    expect(values).toMatchObject({ 'weekly-monday': '09:00–12:00, 13:00–17:00', 'weekly-tuesday': '', slotMinutes: '30', minNoticeHours: '12', bufferAfterMinutes: '10' });
  });
});
