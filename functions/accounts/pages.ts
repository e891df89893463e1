// The accounts pages, server-rendered with no script: plain forms that work with a keyboard,
// a screen reader and a phone. Every form posts with the session's form token.
import escapeHtml from 'escape-html';
import type { CalendarListEntry } from '../../shared/google/calendar';
import { renderPage } from '../pages/layout';
import { conflictCalendarIdsOf, type Subscriber } from '../../shared/store/subscribers';
import { renderCalendarFields } from './calendar-form';
import { renderScheduleFields, scheduleFormValues, type FieldError, type ScheduleFormValues } from './schedule-form';

export interface AccountUrls {
  connect: string;
  link: string;
  settings: string;
  logout: string;
  disconnect: string;
  delete: string;
}

/** The settings form's state: what the host typed, given back with its errors; by default the host's settings. */
export interface SettingsFormState {
  calendarId: string | undefined;
  conflictCalendarIds: string[];
  autoConfirm: boolean;
  schedule: ScheduleFormValues;
  errors: FieldError[];
}

export interface SettingsPageInput {
  host: Subscriber;
  /** Every calendar in the host's list; undefined when the Google connection does not work. */
  calendars: CalendarListEntry[] | undefined;
  bookingUrl: string;
  formToken: string;
  urls: AccountUrls;
  saved: boolean;
  form?: SettingsFormState;
}

function formOf(input: SettingsPageInput): SettingsFormState {
  if (input.form) return input.form;
  const { defaultCalendar, schedule } = input.host;
  return {
    calendarId: defaultCalendar?.provider === 'google' ? defaultCalendar.calendarId : undefined,
    conflictCalendarIds: conflictCalendarIdsOf(input.host),
    autoConfirm: schedule.autoConfirm,
    schedule: scheduleFormValues(schedule),
    errors: [],
  };
}

function page(title: string, body: string): string {
  return renderPage({ title, body, noindex: true });
}

function tokenField(token: string): string {
  return `<input type="hidden" name="csrf" value="${escapeHtml(token)}">`;
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

/**
 * One form for the calendars (offered only while the Google connection works: they are checked
 * against the calendar list), auto-confirm and the schedule.
 */
function settingsForm(input: SettingsPageInput, form: SettingsFormState): string {
  const calendars = input.calendars ? `${renderCalendarFields({ ...form, calendars: input.calendars })}\n` : '';
  return `<form method="post" action="${escapeHtml(input.urls.settings)}">
${tokenField(input.formToken)}
${calendars}<label><input type="checkbox" id="autoConfirm" name="autoConfirm" value="on"${form.autoConfirm ? ' checked' : ''}> Automatically confirm bookings if time is available</label>
${renderScheduleFields({ values: form.schedule, errors: form.errors, timezone: input.host.timezone })}
<div class="actions"><button type="submit" class="primary">Save settings</button></div>
</form>`;
}

/** Every problem of the form at the top, each a link to its field (no script moves focus; the alert is read out). */
function errorSummary(errors: FieldError[]): string {
  if (errors.length === 0) return '';
  const items = errors.map((e) => `<li><a href="#${escapeHtml(e.field)}">${escapeHtml(`${e.label}: ${e.message}`)}</a></li>`).join('\n');
  return `<div class="notice error" id="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h2 id="error-summary-title">There is a problem</h2>
<p>Nothing was saved. Please correct:</p>
<ul>
${items}
</ul>
</div>
`;
}

export function renderSettingsPage(input: SettingsPageInput): string {
  const form = formOf(input);
  const saved = input.saved && form.errors.length === 0 ? '<p class="notice ok" role="status">Your settings are saved.</p>' : '';
  return page(
    form.errors.length > 0 ? 'Error: Booking settings' : 'Booking settings',
    `<h1>Booking settings</h1>
<p><a href="bookings" id="bookings-link">Your bookings</a>: see them, and confirm, decline or cancel.</p>
${errorSummary(form.errors)}${saved}
<h2>Google account</h2>
${connectionSection(input)}
<h2>Your booking link</h2>
<p>Share this link with guests: <a href="${escapeHtml(input.bookingUrl)}" id="booking-link">${escapeHtml(input.bookingUrl)}</a></p>
<h2>Your calendar and hours</h2>
${settingsForm(input, form)}
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
