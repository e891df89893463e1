// The schedule on the settings page: every field labelled, errors beside their fields and in a
// summary that links to them, what was typed given back, and the form shown without a connection.
import { renderSettingsPage, type SettingsPageInput } from '../../../functions/accounts/pages';
import { parseScheduleForm, scheduleFormValues } from '../../../functions/accounts/schedule-form';
import { defaultSchedule } from '../../../shared/accounts/connect';

const at = new Date('2026-03-01T08:00:00Z');
const schedule = defaultSchedule('jane');

function input(over: Partial<SettingsPageInput> = {}): SettingsPageInput {
  return {
    host: {
      name: 'Jane',
      email: 'jane@example.com',
      timezone: 'Europe/Berlin',
      google: { accountEmail: 'jane@example.com', refreshToken: 'v1.a.b.c', status: 'ok', connectedAt: at },
      defaultCalendar: { provider: 'google', calendarId: 'jane@example.com' },
      schedule,
      createdAt: at,
      updatedAt: at,
    },
    calendars: [{ id: 'jane@example.com', summary: 'jane@example.com', primary: true, accessRole: 'owner', timeZone: 'UTC' }],
    bookingUrl: 'https://example.com/booking/jane',
    formToken: 'token',
    urls: { connect: '/c', link: '/l', settings: '/s', disconnect: '/d', delete: '/x', logout: '/o' },
    saved: false,
    ...over,
  };
}

/** The settings form as a host sent it back with mistakes in it. */
function refused() {
  const typed = { ...scheduleFormValues(schedule), 'weekly-monday': '09:00–12:00, 11:00–13:00 <b>', slotMinutes: '7' };
  const result = parseScheduleForm(typed, schedule);
  if (result.ok) throw new Error('accepted');
  return input({ form: { calendarId: 'jane@example.com', conflictCalendarIds: [], autoConfirm: true, schedule: result.values, errors: result.errors } });
}

const ids = (html: string) => [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);

describe('the schedule on the settings page', () => {
  it('shows the current hours and numbers, each field with a label of its own', () => {
    const html = renderSettingsPage(input());
    expect(html).toContain('name="weekly-monday" value="09:00–17:00"');
    expect(html).toContain('name="weekly-saturday" value=""');
    for (const field of ['weekly-monday', 'weekly-sunday', 'slotMinutes', 'bufferBeforeMinutes', 'bufferAfterMinutes', 'minNoticeHours', 'maxDaysAhead', 'guestChangeLimitHours']) {
      expect(html).toContain(`<label for="${field}">`);
      expect(html).toContain(`id="${field}"`);
    }
    expect(html).toContain('name="slotMinutes" value="30"');
    expect(html).toContain('Europe/Berlin');
    expect(new Set(ids(html)).size).toBe(ids(html).length);
  });

  it('tells the limits the schema sets', () => {
    expect(renderSettingsPage(input())).toContain('From 5 to 480, in steps of 5.');
  });

  it('is one form with the calendar, auto-confirm and the schedule', () => {
    const html = renderSettingsPage(input());
    const form = /<form method="post" action="\/s">[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';
    expect(form).toContain('name="calendarId"');
    expect(form).toContain('name="autoConfirm"');
    expect(form).toContain('name="weekly-friday"');
    expect(form).toContain('name="csrf"');
  });

  it('shows the schedule, and no calendar choice, while the Google connection does not work', () => {
    const html = renderSettingsPage(input({ calendars: undefined }));
    expect(html).not.toContain('name="calendarId"');
    expect(html).toContain('name="weekly-monday"');
    expect(html).toContain('name="autoConfirm"');
  });

  it('shows no error summary and marks no field when nothing is wrong', () => {
    const html = renderSettingsPage(input());
    expect(html).not.toContain('aria-invalid="true"');
    expect(html).not.toContain('There is a problem');
  });

  it('puts each error beside its field, tied to it, and keeps what was typed', () => {
    const html = renderSettingsPage(refused());
    expect(html).toMatch(/<input[^>]*id="weekly-monday"[^>]*value="09:00–12:00, 11:00–13:00 &lt;b&gt;"[^>]*aria-describedby="weekly-hint weekly-monday-error" aria-invalid="true">/);
    expect(html).toContain('id="weekly-monday-error"');
    expect(html).toMatch(/<input[^>]*id="slotMinutes"[^>]*value="7"[^>]*aria-describedby="slotMinutes-hint slotMinutes-error" aria-invalid="true">/);
    expect(html).toMatch(/id="slotMinutes-error"><span class="visually-hidden">Error: <\/span>Must be a multiple of 5</);
    expect(html).toMatch(/<input[^>]*id="weekly-tuesday"[^>]*aria-describedby="weekly-hint">/);
    expect(html).toContain('name="autoConfirm" value="on" checked');
  });

  it('sums the errors up at the top, each a link to its field, and says so in the title', () => {
    const html = renderSettingsPage(refused());
    const summary = /<div class="notice error" id="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
    expect(html.indexOf('id="error-summary"')).toBeLessThan(html.indexOf('<form'));
    expect(summary).toContain('role="alert"');
    expect(summary).toContain('<a href="#weekly-monday">Monday: 11:00–13:00 &lt;b&gt;: end must be HH:MM (24 h), in steps of 5 minutes</a>');
    expect(summary).toContain('<a href="#slotMinutes">Length of a booking: must be a multiple of 5</a>');
    expect(html).toContain('<title>Error: Booking settings</title>');
    expect(html).not.toContain('Your settings are saved');
  });

  it('marks the calendar choice when it is what was wrong', () => {
    const html = renderSettingsPage(
      input({
        form: {
          calendarId: 'gone@group',
          conflictCalendarIds: [],
          autoConfirm: false,
          schedule: scheduleFormValues(schedule),
          errors: [{ field: 'calendarId', label: 'Default calendar', message: 'choose one of your calendars' }],
        },
      }),
    );
    expect(html).toContain('<a href="#calendarId">Default calendar: choose one of your calendars</a>');
    expect(html).toMatch(/<fieldset aria-describedby="calendarId-error">/);
    expect(html).toMatch(/<input type="radio" id="calendarId" name="calendarId" value="jane@example.com"/);
  });
});
