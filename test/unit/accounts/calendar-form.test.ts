// The settings form's calendars: what a posted form chooses, the domain's refusals as errors
// beside the field, and the markup of the two fieldsets.
import { calendarChoice, calendarFieldError, calendarFormFields, renderCalendarFields } from '../../../functions/accounts/calendar-form';
import { renderSettingsPage, type SettingsPageInput } from '../../../functions/accounts/pages';
import { defaultSchedule } from '../../../shared/accounts/connect';
import { TooManyConflictCalendars, UnknownConflictCalendar } from '../../../shared/accounts/conflict-calendars';
import { UnknownCalendar } from '../../../shared/accounts/errors';
import type { CalendarListEntry } from '../../../shared/google/calendar';

const entry = (id: string, summary: string, accessRole: string, primary = false): CalendarListEntry => ({ id, summary, primary, accessRole, timeZone: 'UTC' });
const CALENDARS = [
  entry('jane@example.com', 'Jane', 'owner', true),
  entry('work@group', 'Work <b>', 'writer'),
  entry('partner@example.com', 'Partner', 'reader'),
  entry('holidays@group', 'Team holidays', 'freeBusyReader'),
];

/** The `name=value` pairs a browser would send for the boxes and radios as rendered (disabled boxes are not sent). */
function sentByBrowser(html: string): [string, string][] {
  return [...html.matchAll(/<input ([^>]*)>/g)]
    .map((m) => m[1]!)
    .filter((attributes) => / checked/.test(attributes) && !/ disabled/.test(attributes))
    .map((attributes) => [/name="([^"]+)"/.exec(attributes)![1]!, /value="([^"]+)"/.exec(attributes)![1]!]);
}

describe('the calendars a posted settings form chooses', () => {
  it.each([
    ['a default and several calendars checked', { calendarId: 'work@group', conflictCalendarIds: ['partner@example.com', 'holidays@group'] }, { calendarId: 'work@group', conflictCalendarIds: ['partner@example.com', 'holidays@group'] }],
    ['a default and no box checked (a browser sends no field): none', { calendarId: 'work@group' }, { calendarId: 'work@group', conflictCalendarIds: [] }],
    ['no calendar choice offered (no working connection): both left as they are', {}, { calendarId: undefined, conflictCalendarIds: undefined }],
    ['boxes without a default (not a form of ours): left as they are', { conflictCalendarIds: ['partner@example.com'] }, { calendarId: undefined, conflictCalendarIds: undefined }],
  ])('%s', (_case, posted, expected) => {
    expect(calendarChoice(calendarFormFields.parse(posted))).toEqual(expected);
  });

  it('refuses a calendar id that is not one line, or an empty one, as malformed', () => {
    expect(calendarFormFields.safeParse({ calendarId: 'work@group', conflictCalendarIds: ['a\nb'] }).success).toBe(false);
    expect(calendarFormFields.safeParse({ calendarId: 'work@group', conflictCalendarIds: [''] }).success).toBe(false);
  });

  it.each([
    ['an unknown default', new UnknownCalendar('x'), 'calendarId', 'choose one of your calendars'],
    ['an unknown calendar to check', new UnknownConflictCalendar('x'), 'conflictCalendarIds', 'choose among your calendars: one of those sent is not in your calendar list'],
    ['too many calendars to check', new TooManyConflictCalendars(11), 'conflictCalendarIds', 'choose at most 10 calendars besides your default calendar'],
  ])('words %s beside its field', (_case, error, field, message) => {
    expect(calendarFieldError(error)).toEqual(expect.objectContaining({ field, message }));
  });

  it('leaves any other error to the caller', () => {
    expect(calendarFieldError(new Error('Google is down'))).toBeUndefined();
  });
});

describe('the calendar fieldsets', () => {
  const html = renderCalendarFields({ calendars: CALENDARS, calendarId: 'work@group', conflictCalendarIds: ['partner@example.com'], errors: [] });

  it('offers only writable calendars as the default, and every calendar to check for conflicts', () => {
    expect([...html.matchAll(/type="radio"[^>]*value="([^"]+)"/g)].map((m) => m[1])).toEqual(['jane@example.com', 'work@group']);
    expect([...html.matchAll(/type="checkbox"[^>]*value="([^"]+)"/g)].map((m) => m[1])).toEqual(CALENDARS.map((c) => c.id));
  });

  it("shows the default's box checked and disabled, so a browser sends the default once and the checked calendars each as one conflictCalendarIds", () => {
    expect(html).toMatch(/<input type="checkbox" id="conflictCalendarIds-1" name="conflictCalendarIds" value="work@group" checked disabled>[^<]*<span class="hint">\(your default calendar: always checked\)/);
    expect(sentByBrowser(html)).toEqual([
      ['calendarId', 'work@group'],
      ['conflictCalendarIds', 'partner@example.com'],
    ]);
  });

  it('says which calendars are shared read-only or free/busy only, and escapes names', () => {
    expect(html).toContain('Partner <span class="hint">(shared with you, read only)</span>');
    expect(html).toContain('Team holidays <span class="hint">(shared with you, free/busy only)</span>');
    expect(html).toContain('Work &lt;b&gt;');
    expect(html).not.toContain('Work <b>');
  });

  it('puts an error beside the boxes, tied to their group, the first box carrying the id the summary links to', () => {
    const refused = renderCalendarFields({
      calendars: CALENDARS,
      calendarId: 'work@group',
      conflictCalendarIds: [],
      errors: [{ field: 'conflictCalendarIds', label: 'Calendars to check for conflicts', message: 'choose at most 10 calendars besides your default calendar' }],
    });
    expect(refused).toContain('<fieldset aria-describedby="conflictCalendarIds-hint conflictCalendarIds-error">');
    expect(refused).toMatch(/<p class="field-error" id="conflictCalendarIds-error">.*choose at most 10 calendars/);
    expect(refused).toContain('id="conflictCalendarIds" name="conflictCalendarIds" value="jane@example.com"');
  });
});

describe('the settings page with calendars to check for conflicts', () => {
  const at = new Date('2026-03-01T08:00:00Z');
  const input = (conflictCalendarIds: string[] | undefined): SettingsPageInput => ({
    host: {
      name: 'Jane',
      email: 'jane@example.com',
      timezone: 'UTC',
      google: { accountEmail: 'jane@example.com', refreshToken: 'v1.a.b.c', status: 'ok', connectedAt: at },
      defaultCalendar: { provider: 'google', calendarId: 'jane@example.com' },
      ...(conflictCalendarIds && { conflictCalendarIds }),
      schedule: defaultSchedule('jane'),
      createdAt: at,
      updatedAt: at,
    },
    calendars: CALENDARS,
    bookingUrl: 'https://example.com/booking/jane',
    formToken: 't',
    urls: { connect: '/c', link: '/l', settings: '/s', disconnect: '/d', delete: '/x', logout: '/o' },
    saved: false,
  });

  it("checks the host's conflict calendars, and none for a host stored before the field was", () => {
    expect(sentByBrowser(renderSettingsPage(input(['holidays@group', 'work@group'])))).toEqual([
      ['calendarId', 'jane@example.com'],
      ['conflictCalendarIds', 'work@group'],
      ['conflictCalendarIds', 'holidays@group'],
    ]);
    expect(sentByBrowser(renderSettingsPage(input(undefined))).filter(([name]) => name === 'conflictCalendarIds')).toEqual([]);
  });

  it('offers no calendar choice while the connection does not work', () => {
    const html = renderSettingsPage({ ...input(['work@group']), calendars: undefined });
    expect(html).not.toContain('name="conflictCalendarIds"');
  });
});
