// The accounts pages, server-rendered with no script: plain forms that work with a keyboard,
// a screen reader and a phone. Every form posts with the session's form token.
import escapeHtml from 'escape-html';
import type { CalendarListEntry } from '../../shared/google/calendar';
import type { Subscriber } from '../../shared/store/subscribers';
import { renderPage } from '../pages/layout';

export interface AccountUrls {
  connect: string;
  link: string;
  settings: string;
  logout: string;
  disconnect: string;
  delete: string;
}

export interface SettingsPageInput {
  host: Subscriber;
  /** Writable calendars; undefined when the Google connection does not work. */
  calendars: CalendarListEntry[] | undefined;
  bookingUrl: string;
  formToken: string;
  urls: AccountUrls;
  saved: boolean;
}

function page(title: string, body: string): string {
  return renderPage({ title, body, noindex: true });
}

function tokenField(token: string): string {
  return `<input type="hidden" name="csrf" value="${escapeHtml(token)}">`;
}

function calendarChoice(calendar: CalendarListEntry, checked: boolean): string {
  const note = calendar.primary ? ' <span class="hint">(primary)</span>' : '';
  return `<label><input type="radio" name="calendarId" value="${escapeHtml(calendar.id)}"${checked ? ' checked' : ''} required> ${escapeHtml(calendar.summary || calendar.id)}${note}</label>`;
}

/** Linking happens from this session only (a form with its token): the account Google returns is this host's from then on. */
function linkForm(input: SettingsPageInput, label: string, kind: 'primary' | 'secondary', loginHint?: string): string {
  const hint = loginHint ? `\n<input type="hidden" name="login_hint" value="${escapeHtml(loginHint)}">` : '';
  return `<form method="post" action="${escapeHtml(input.urls.link)}">
${tokenField(input.formToken)}${hint}
<div class="actions"><button type="submit" class="${kind}">${label}</button></div>
</form>`;
}

function connectionSection(input: SettingsPageInput): string {
  const google = input.host.google;
  if (google && input.calendars) {
    return `<p>Connected as <strong>${escapeHtml(google.accountEmail)}</strong>.</p>
<p class="hint">With another Google account, bookings go into its calendar from then on; your booking link and bookings stay.</p>
${linkForm(input, 'Use another Google account', 'secondary')}`;
  }
  return `<p class="notice error" role="alert">We can no longer reach the Google Calendar of ${escapeHtml(google?.accountEmail ?? 'your account')}. Bookings cannot go into it until you connect again.</p>
${linkForm(input, 'Connect Google Calendar again', 'primary', google?.accountEmail)}`;
}

function settingsForm(input: SettingsPageInput, calendars: CalendarListEntry[]): string {
  const current = input.host.defaultCalendar?.provider === 'google' ? input.host.defaultCalendar.calendarId : undefined;
  const choices = calendars.map((c) => calendarChoice(c, c.id === current)).join('\n');
  return `<form method="post" action="${escapeHtml(input.urls.settings)}">
${tokenField(input.formToken)}
<fieldset>
<legend>Default calendar</legend>
<p class="hint">New bookings go into this calendar, and we follow the changes you make there.</p>
${choices || '<p>Your Google account has no calendar that bookings can be written to.</p>'}
</fieldset>
<label><input type="checkbox" name="autoConfirm" value="on"${input.host.schedule.autoConfirm ? ' checked' : ''}> Automatically confirm bookings if time is available</label>
<div class="actions"><button type="submit" class="primary">Save settings</button></div>
</form>`;
}

export function renderSettingsPage(input: SettingsPageInput): string {
  const saved = input.saved ? '<p class="notice ok" role="status">Your settings are saved.</p>' : '';
  const form = input.calendars ? settingsForm(input, input.calendars) : '';
  return page(
    'Booking settings',
    `<h1>Booking settings</h1>
${saved}
<h2>Google account</h2>
${connectionSection(input)}
<h2>Your booking link</h2>
<p>Share this link with guests: <a href="${escapeHtml(input.bookingUrl)}" id="booking-link">${escapeHtml(input.bookingUrl)}</a></p>
${form}
<h2>Sign out</h2>
<p>Ends your session here and in any other browser; your booking page keeps working.</p>
<form method="post" action="${escapeHtml(input.urls.logout)}">
${tokenField(input.formToken)}
<div class="actions"><button type="submit" class="secondary">Sign out</button></div>
</form>
<h2>Disconnect Google</h2>
<p>Bookings then stop going into Google Calendar; guests and you get them by email with a calendar file instead.</p>
<form method="post" action="${escapeHtml(input.urls.disconnect)}">
${tokenField(input.formToken)}
<div class="actions"><button type="submit" class="secondary">Disconnect Google</button></div>
</form>
<h2>Delete your booking page</h2>
<form method="post" action="${escapeHtml(input.urls.delete)}">
${tokenField(input.formToken)}
<label><input type="checkbox" name="confirm" value="yes" required> Yes, delete my booking page and settings</label>
<div class="actions"><button type="submit" class="danger">Delete my booking page</button></div>
</form>`,
  );
}

export interface MessagePage {
  title: string;
  text: string[];
  /** A link onward: "Try again", "Connect Google Calendar". */
  next?: { href: string; label: string };
}

export function renderMessagePage({ title, text, next }: MessagePage): string {
  const paragraphs = text.map((t) => `<p>${escapeHtml(t)}</p>`).join('\n');
  const link = next ? `\n<p><a href="${escapeHtml(next.href)}">${escapeHtml(next.label)}</a></p>` : '';
  return page(title, `<h1>${escapeHtml(title)}</h1>\n${paragraphs}${link}`);
}
