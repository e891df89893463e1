import { renderSettingsPage, type SettingsPageInput } from '../../../functions/accounts/pages';
import { defaultSchedule } from '../../../shared/accounts/connect';

const at = new Date('2026-03-01T08:00:00Z');

function input(over: Partial<SettingsPageInput> = {}): SettingsPageInput {
  return {
    host: {
      name: 'Jane',
      email: 'jane@example.com',
      timezone: 'UTC',
      google: { accountEmail: 'jane@example.com', refreshToken: 'v1.a.b.c', status: 'ok', connectedAt: at },
      defaultCalendar: { provider: 'google', calendarId: 'work@group' },
      schedule: defaultSchedule('jane'),
      createdAt: at,
      updatedAt: at,
    },
    calendars: [
      { id: 'jane@example.com', summary: 'jane@example.com', primary: true, accessRole: 'owner', timeZone: 'UTC' },
      { id: 'work@group', summary: '<script>alert(1)</script>', primary: false, accessRole: 'writer', timeZone: 'UTC' },
    ],
    bookingUrl: 'https://example.com/booking/jane',
    formToken: 'token"value',
    urls: { connect: '/c', link: '/l', settings: '/s', disconnect: '/d', delete: '/x', logout: '/o' },
    saved: false,
    ...over,
  };
}

describe('the settings page', () => {
  it('escapes calendar names and checks the current default', () => {
    const html = renderSettingsPage(input());
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('value="work@group" checked');
    expect(html).not.toContain('value="jane@example.com" checked');
  });

  it('puts the form token in every form, escaped', () => {
    const html = renderSettingsPage(input());
    expect(html.match(/<form /g)).toHaveLength(5);
    expect(html.match(/name="csrf" value="token&quot;value"/g)).toHaveLength(5);
  });

  it('offers to sign out, and to use another Google account, as forms that post', () => {
    const html = renderSettingsPage(input());
    expect(html).toContain('<form method="post" action="/o">');
    expect(html).toMatch(/<form method="post" action="\/l">[\s\S]*?Use another Google account/);
  });

  it('runs no script at all', () => {
    // The Content-Security-Policy is a header now, one for every page (functions/pages/layout.ts).
    expect(renderSettingsPage(input())).not.toMatch(/<script/i);
  });

  it('offers to reconnect the same account from this session, and no calendar choice, when the connection does not work', () => {
    const html = renderSettingsPage(input({ calendars: undefined }));
    expect(html).toMatch(/<form method="post" action="\/l">[\s\S]*?name="login_hint" value="jane@example.com"[\s\S]*?Connect Google Calendar again/);
    expect(html).not.toContain('name="calendarId"');
  });
});
