// The guest's manage page, opened from their link (in our mail or in Google's invitation), often on
// a phone and in a mail app's browser: rendered here with no script, every action a plain form.
// Times read first in the guest's zone, then in the host's.
import escapeHtml from 'escape-html';
import { DateTime } from 'luxon';
import type { TimeRange } from '../../shared/booking/availability';
import type { GuestChoices } from '../../shared/booking/guest-change';
import type { SlotStatus } from '../../shared/store/slots';
import { formatTimeRange } from '../../shared/time/time-text';
import { renderDecisionError } from '../decision/page';
import { renderPage } from '../pages/layout';

export interface ManageView {
  hostName: string;
  hostTimezone: string;
  guestName: string;
  guestTimezone: string;
  start: Date;
  end: Date;
  status: SlotStatus;
}

export interface ManagePageInput extends ManageView {
  choices: GuestChoices;
  /** The link's token: every form carries it (it is the guest's only credential). */
  token: string;
  /** Where the forms post: the booking function's /manage. */
  actionUrl: string;
  /** The times the booking could move to; `unavailable` when the host's calendar did not answer. */
  times: TimeRange[] | 'unavailable';
  /** The next page of times (later days), while the host's booking window goes on. */
  laterUrl?: string;
  /** What went wrong with the last try, shown above the forms. */
  problem?: string;
}

function statusText(view: ManageView): string {
  switch (view.status) {
    case 'requested':
      return `Waiting for ${view.hostName} to confirm`;
    case 'booked':
      return 'Confirmed';
    case 'declined':
      return `Declined by ${view.hostName}`;
    case 'cancelled':
      return 'Cancelled';
  }
}

function details(view: ManageView): string {
  const theirs =
    view.hostTimezone === view.guestTimezone
      ? ''
      : `<dt>For ${escapeHtml(view.hostName)}</dt><dd>${escapeHtml(formatTimeRange(view.start, view.end, view.hostTimezone))}</dd>\n`;
  return `<dl>
<dt>When</dt><dd>${escapeHtml(formatTimeRange(view.start, view.end, view.guestTimezone))}</dd>
${theirs}<dt>With</dt><dd>${escapeHtml(view.hostName)}</dd>
<dt>Status</dt><dd>${escapeHtml(statusText(view))}</dd>
</dl>`;
}

function when(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).setLocale('en-GB').toFormat("cccc d LLLL yyyy 'at' HH:mm");
}

function hidden(token: string, action: 'cancel' | 'reschedule'): string {
  return `<input type="hidden" name="token" value="${escapeHtml(token)}">
<input type="hidden" name="action" value="${action}">`;
}

function cancelForm(input: ManagePageInput): string {
  return `<h2>Cancel</h2>
<form method="post" action="${escapeHtml(input.actionUrl)}">
${hidden(input.token, 'cancel')}
<p>${escapeHtml(input.hostName)} will be told.</p>
<button type="submit" class="danger">Cancel this booking</button>
</form>`;
}

/** The free times grouped by the guest's days, each day a group of radio buttons. */
function timeChoices(times: TimeRange[], zone: string): string {
  const days = new Map<string, TimeRange[]>();
  for (const time of times) {
    const day = DateTime.fromJSDate(time.start, { zone }).setLocale('en-GB').toFormat('cccc d LLLL');
    days.set(day, [...(days.get(day) ?? []), time]);
  }
  return [...days.entries()]
    .map(([day, dayTimes]) => {
      const options = dayTimes
        .map((t) => {
          const label = `${DateTime.fromJSDate(t.start, { zone }).toFormat('HH:mm')}–${DateTime.fromJSDate(t.end, { zone }).toFormat('HH:mm')}`;
          return `<label><input type="radio" name="start" value="${t.start.toISOString()}" required> ${escapeHtml(label)}</label>`;
        })
        .join('\n');
      return `<fieldset>\n<legend>${escapeHtml(day)}</legend>\n<div class="times">\n${options}\n</div>\n</fieldset>`;
    })
    .join('\n');
}

function rescheduleForm(input: ManagePageInput): string {
  const later = input.laterUrl ? `<p><a href="${escapeHtml(input.laterUrl)}">Later times</a></p>` : '';
  if (input.times === 'unavailable') {
    return `<h2>Move to another time</h2>\n<p>${escapeHtml(input.hostName)}'s free times cannot be shown just now. Please try again in a few minutes.</p>`;
  }
  if (input.times.length === 0) {
    return `<h2>Move to another time</h2>\n<p>${escapeHtml(input.hostName)} has no other free time in these days.</p>\n${later}`;
  }
  return `<h2>Move to another time</h2>
<p class="muted">Times in your time zone, ${escapeHtml(input.guestTimezone)}.${input.status === 'booked' ? ` ${escapeHtml(input.hostName)} may need to confirm the new time.` : ''}</p>
<form method="post" action="${escapeHtml(input.actionUrl)}">
${hidden(input.token, 'reschedule')}
${timeChoices(input.times, input.guestTimezone)}
<div class="actions"><button type="submit" class="primary">Move my booking</button></div>
</form>
${later}`;
}

function whatCanBeDone(input: ManagePageInput): string {
  const { choices } = input;
  if (choices.kind === 'over') return `<p class="notice ok">This booking is ${choices.status === 'declined' ? 'declined' : 'cancelled'}. Nothing more to do here.</p>`;
  if (choices.kind === 'closed') {
    return `<p class="notice error">It is too late to change this booking online: changes were possible until ${escapeHtml(when(choices.closedAt, input.guestTimezone))}. Please contact ${escapeHtml(input.hostName)} directly.</p>`;
  }
  return `<p>You can cancel or move this booking until ${escapeHtml(when(choices.closesAt, input.guestTimezone))}.</p>
${cancelForm(input)}
${rescheduleForm(input)}`;
}

function managePage(title: string, body: string): string {
  return renderPage({ title, body, noindex: true });
}

/** GET with a link: shows the booking and what can be done; changes nothing. */
export function renderManagePage(input: ManagePageInput): string {
  const problem = input.problem ? `<p class="notice error" role="alert">${escapeHtml(input.problem)}</p>\n` : '';
  return managePage(
    `Your booking with ${input.hostName}`,
    `<h1>Your booking with ${escapeHtml(input.hostName)}</h1>
${problem}${details(input)}
${whatCanBeDone(input)}`,
  );
}

/** After a POST that went through; `manageUrl`: the booking's link now (a reschedule replaced it). */
export function renderManageDone(view: ManageView, action: 'cancel' | 'reschedule', repeated: boolean, manageUrl?: string): string {
  const host = escapeHtml(view.hostName);
  const title = action === 'cancel' ? 'Booking cancelled' : 'Booking moved';
  const outcome =
    action === 'cancel'
      ? repeated
        ? 'This booking was already cancelled; nothing has changed.'
        : `Your booking is cancelled and ${host} has been told.`
      : repeated
        ? 'Your booking was already at this time; nothing has changed.'
        : view.status === 'requested'
          ? `Your booking has moved and ${host} has been asked to confirm the new time.`
          : `Your booking has moved and ${host} has been told.`;
  const link = manageUrl
    ? `<p><a href="${escapeHtml(manageUrl)}">Change or cancel this booking</a> (this is your link from now on; you will also find it in your updated invitation).</p>`
    : action === 'reschedule'
      ? '<p>To change or cancel it again, use the link in your updated invitation.</p>'
      : '';
  return managePage(title, `<h1>${title}</h1>\n<p class="notice ok" role="status">${outcome}</p>\n${details(view)}\n${link}`);
}

/** A link replaced by a newer one: the guest moved the booking since. */
export function renderLinkSpent(): string {
  const title = 'This link has been replaced';
  return managePage(
    title,
    `<h1>${title}</h1>\n<p>This booking was moved after this link was sent, and the link stopped working then. Use the link in the newest email or calendar invitation about the booking.</p>`,
  );
}

/** Tampered (401), expired (410) or for a booking that no longer exists (404): the decision links' own pages. */
export const renderManageLinkError = renderDecisionError;

/** 503: the host's calendar could not be reached; nothing changed. */
export function renderManageUnavailable(): string {
  const title = 'Please try again in a few minutes';
  return managePage(title, `<h1>${title}</h1>\n<p>The host's calendar could not be reached just now, so nothing has been changed. Go back and try again in a few minutes.</p>`);
}
