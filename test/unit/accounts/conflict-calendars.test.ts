import { chosenConflictCalendars, TooManyConflictCalendars, UnknownConflictCalendar } from '../../../shared/accounts/conflict-calendars';
import type { CalendarListEntry } from '../../../shared/google/calendar';
import { MAX_CONFLICT_CALENDARS } from '../../../shared/store/subscribers';

const entry = (id: string, accessRole: string): CalendarListEntry => ({ id, summary: id, primary: false, accessRole, timeZone: 'UTC' });
const CALENDARS = [entry('jane@example.com', 'owner'), entry('team@group', 'writer'), entry('partner@example.com', 'reader'), entry('holidays@group', 'freeBusyReader')];

describe('the calendars a host checks for conflicts', () => {
  it.each([
    ['none', [], []],
    ['a read-only shared calendar, and one only its free/busy is shared of', ['partner@example.com', 'holidays@group'], ['partner@example.com', 'holidays@group']],
    ['the default among them: left out, it always counts', ['jane@example.com', 'team@group'], ['team@group']],
    ['one chosen twice: kept once, in the order chosen', ['team@group', 'partner@example.com', 'team@group'], ['team@group', 'partner@example.com']],
  ])('%s', (_case, chosen, expected) => {
    expect(chosenConflictCalendars(chosen, 'jane@example.com', CALENDARS)).toEqual(expected);
  });

  it('refuses a calendar that is not in the host\'s list, naming it', () => {
    expect(() => chosenConflictCalendars(['team@group', 'someone-else@example.com'], 'jane@example.com', CALENDARS)).toThrow(new UnknownConflictCalendar('someone-else@example.com'));
  });

  it(`takes ${MAX_CONFLICT_CALENDARS} calendars and refuses one more, saying the maximum`, () => {
    const many = Array.from({ length: MAX_CONFLICT_CALENDARS + 1 }, (_, i) => entry(`c${i}@group`, 'reader'));
    const ids = many.map((c) => c.id);
    expect(chosenConflictCalendars(ids.slice(0, MAX_CONFLICT_CALENDARS), 'jane@example.com', many)).toHaveLength(MAX_CONFLICT_CALENDARS);
    expect(() => chosenConflictCalendars(ids, 'jane@example.com', many)).toThrow(TooManyConflictCalendars);
    expect(() => chosenConflictCalendars(ids, 'jane@example.com', many)).toThrow(`at most ${MAX_CONFLICT_CALENDARS} calendars`);
  });
});
