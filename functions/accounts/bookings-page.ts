// The host's bookings page, server-rendered with no script like the settings page: headings per
// part (waiting, upcoming, past), each booking an article in a list with its details as a
// description list, plain forms with labelled fields. Requests waiting for the host's decision
// are named at the top and say so in words, not by colour. Every action button's name says which
// booking it acts on (the visible word first), so a screen reader's list of buttons, and a test,
// can tell them apart.
import escapeHtml from 'escape-html';
import { historyInWords, STATUS_WORDS } from '../../shared/booking/history-text';
import type { ListedBooking } from '../../shared/store/host-bookings';
import { SLOT_STATUSES, type GuestResponse, type Slot, type SlotStatus } from '../../shared/store/slots';
import { formatStart, formatTimeRange } from '../../shared/time/time-text';
import { renderPage } from '../pages/layout';
import { bookingsQueryString, type BookingsQuery } from './bookings-query';

export type HostAction = 'confirm' | 'deny' | 'cancel';

/** What the page says after an action from it (the `notice` of the address it is sent back to). */
export type ActionNotice = `${HostAction}-${'done' | 'repeated'}` | `conflict-${SlotStatus}`;

export const ACTION_NOTICES: readonly ActionNotice[] = [
  ...(['confirm', 'deny', 'cancel'] as const).flatMap((a) => [`${a}-done`, `${a}-repeated`] as const),
  ...SLOT_STATUSES.map((s) => `conflict-${s}` as const),
];

export interface BookingsPageInput {
  hostZone: string;
  bookings: ListedBooking[];
  query: BookingsQuery;
  /** The same query's next page, if there is one. */
  nextPageToken?: string;
  notice?: { code: ActionNotice; slotId: string };
  formToken: string;
  urls: { bookings: string; settings: string };
}

const GUEST_RESPONSE_WORDS: Record<GuestResponse, string> = {
  needsAction: 'No answer yet',
  accepted: 'Accepted',
  tentative: 'Maybe',
  declined: 'Declined',
};

const FILTER_WORDS: Record<SlotStatus, string> = { ...STATUS_WORDS, requested: 'Waiting for your decision' };

function shortWhen(slot: Slot, zone: string): string {
  return formatStart(slot.start, zone);
}

/** "the booking of Gina Guest, Tue 10 Mar, 10:00": what a button acts on, for its accessible name. */
function whichBooking(slot: Slot, zone: string): string {
  return `the booking of ${slot.guest.name}, ${shortWhen(slot, zone)}`;
}

const DONE: Record<HostAction, { done: string; repeated: string }> = {
  confirm: { done: 'is confirmed; the guest is told.', repeated: 'was confirmed already; nothing more was done.' },
  deny: { done: 'is declined; the guest is told.', repeated: 'was declined already; nothing more was done.' },
  cancel: { done: 'is cancelled; the guest is told and the time is free again.', repeated: 'was cancelled already; nothing more was done.' },
};

/** Why an action changed nothing, by the status the booking is in. */
const CONFLICT: Record<SlotStatus, string> = {
  requested: 'another answer to it is being carried out right now',
  booked: 'it is confirmed already',
  declined: 'it is declined already',
  cancelled: 'it is cancelled already',
};

function noticeText(code: ActionNotice, booking: ListedBooking | undefined, zone: string): string {
  const which = booking ? ` (${booking.slot.guest.name}, ${shortWhen(booking.slot, zone)})` : '';
  const [kind, outcome] = code.split('-') as [HostAction | 'conflict', string];
  if (kind === 'conflict') return `Nothing was changed to this booking${which}: ${CONFLICT[outcome as SlotStatus]}.`;
  return `This booking${which} ${DONE[kind][outcome === 'repeated' ? 'repeated' : 'done']}`;
}

function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
}

function actionForm(input: BookingsPageInput, booking: ListedBooking, action: HostAction, label: string, kind: 'primary' | 'danger', extra = ''): string {
  const view = bookingsQueryString(input.query);
  return `<form method="post" action="${escapeHtml(`${input.urls.bookings}/${encodeURIComponent(booking.slotId)}/${action}`)}">
${hidden('csrf', input.formToken)}${view ? `\n${hidden('view', view)}` : ''}${extra}
<button type="submit" class="${kind}">${label}<span class="visually-hidden"> ${escapeHtml(whichBooking(booking.slot, input.hostZone))}</span></button>
</form>`;
}

function actions(input: BookingsPageInput, booking: ListedBooking): string {
  const { slot, slotId } = booking;
  if (slot.status === 'requested') {
    return `<div class="actions">
${actionForm(input, booking, 'confirm', 'Confirm', 'primary')}
${actionForm(input, booking, 'deny', 'Decline', 'danger')}
</div>`;
  }
  if (slot.status === 'booked' && booking.phase === 'upcoming') {
    const id = `cancel-message-${slotId}`;
    const message = `
<label for="${escapeHtml(id)}">Message to ${escapeHtml(slot.guest.name)} <span class="hint">(optional, sent with the cancellation)</span></label>
<textarea id="${escapeHtml(id)}" name="message" maxlength="2000"></textarea>`;
    return actionForm(input, booking, 'cancel', 'Cancel booking', 'danger', message);
  }
  return '';
}

function timeText(slot: Slot, zone: string): string {
  const host = escapeHtml(formatTimeRange(slot.start, slot.end, zone));
  if (slot.guest.timezone === zone) return host;
  return `${host}<br><span class="hint">For the guest: ${escapeHtml(formatTimeRange(slot.start, slot.end, slot.guest.timezone))}</span>`;
}

function history(slot: Slot, zone: string): string {
  const lines = historyInWords(slot, zone).map((line) => `<li><time datetime="${line.at.toISOString()}">${escapeHtml(line.when)}</time>: ${escapeHtml(line.text)}</li>`);
  return `<ol>\n${lines.join('\n')}\n</ol>`;
}

function bookingItem(input: BookingsPageInput, booking: ListedBooking): string {
  const { slot, slotId } = booking;
  const zone = input.hostZone;
  const id = `booking-${slotId}`;
  const waiting = slot.status === 'requested' && booking.phase === 'upcoming';
  const answer = slot.inviteMode === 'google' ? GUEST_RESPONSE_WORDS[slot.guestResponse] : 'Not asked in Google (invited by email)';
  const message = slot.message ? `<dd class="message">${escapeHtml(slot.message)}</dd>` : '<dd class="muted">No message.</dd>';
  return `<li id="${escapeHtml(id)}">
<article aria-labelledby="${escapeHtml(id)}-title">
<h3 id="${escapeHtml(id)}-title">${escapeHtml(slot.guest.name)}, ${escapeHtml(shortWhen(slot, zone))}</h3>
<dl>
<dt>Status</dt><dd>${waiting ? '<strong>Waiting for your decision</strong>' : escapeHtml(STATUS_WORDS[slot.status])}</dd>
<dt>When</dt><dd>${timeText(slot, zone)}</dd>
<dt>Guest</dt><dd>${escapeHtml(slot.guest.name)}<br><a href="mailto:${escapeHtml(slot.guest.email)}">${escapeHtml(slot.guest.email)}</a><br><span class="hint">Time zone: ${escapeHtml(slot.guest.timezone)}</span></dd>
<dt>In Google</dt><dd>${escapeHtml(answer)}</dd>
<dt>Invite</dt><dd>${slot.inviteMode === 'google' ? 'Google Calendar invitation' : 'Email with a calendar file'}</dd>
<dt>Message</dt>${message}
<dt>History</dt><dd>${history(slot, zone)}</dd>
</dl>
${actions(input, booking)}
</article>
</li>`;
}

function part(input: BookingsPageInput, phase: ListedBooking['phase'], title: string): string {
  const listed = input.bookings.filter((b) => b.phase === phase);
  if (listed.length === 0) return '';
  return `<h2 id="${phase}-heading">${title}</h2>
<ol class="bookings" aria-labelledby="${phase}-heading">
${listed.map((b) => bookingItem(input, b)).join('\n')}
</ol>`;
}

function waitingSection(input: BookingsPageInput): string {
  const waiting = input.bookings.filter((b) => b.slot.status === 'requested' && b.phase === 'upcoming');
  if (waiting.length === 0) return '';
  const count = waiting.length === 1 ? '1 request waits' : `${waiting.length} requests wait`;
  const links = waiting.map((b) => `<li><a href="#booking-${escapeHtml(b.slotId)}">${escapeHtml(b.slot.guest.name)}, ${escapeHtml(shortWhen(b.slot, input.hostZone))}</a></li>`);
  const paged = input.nextPageToken !== undefined || input.query.pageToken !== undefined;
  // Requests further on are on later pages: one link shows them all together.
  const onlyWaiting = paged && input.query.statuses.join() !== 'requested' ? `\n<p><a href="${escapeHtml(input.urls.bookings)}?status=requested">Show only the requests waiting for you</a></p>` : '';
  return `<section class="notice" aria-labelledby="waiting-heading">
<h2 id="waiting-heading">Waiting for your decision</h2>
<p>${count} for you to confirm or decline${paged ? ' on this page' : ''}:</p>
<ul>
${links.join('\n')}
</ul>${onlyWaiting}
</section>`;
}

function filterForm(input: BookingsPageInput): string {
  const boxes = SLOT_STATUSES.map(
    (status) => `<label><input type="checkbox" name="status" value="${status}"${input.query.statuses.includes(status) ? ' checked' : ''}> ${FILTER_WORDS[status]}</label>`,
  );
  return `<h2 id="filter-heading">Filter</h2>
<form method="get" action="${escapeHtml(input.urls.bookings)}" aria-labelledby="filter-heading">
<fieldset>
<legend>Status <span class="hint">(none ticked: all)</span></legend>
${boxes.join('\n')}
</fieldset>
<label for="filter-from">From <span class="hint">(first day, in ${escapeHtml(input.hostZone)})</span></label>
<input type="date" id="filter-from" name="from" value="${escapeHtml(input.query.from ?? '')}">
<label for="filter-to">To <span class="hint">(last day)</span></label>
<input type="date" id="filter-to" name="to" value="${escapeHtml(input.query.to ?? '')}">
<div class="actions"><button type="submit" class="secondary">Show bookings</button></div>
</form>`;
}

function pages(input: BookingsPageInput): string {
  const links: string[] = [];
  if (input.query.pageToken) {
    const first = bookingsQueryString({ ...input.query, pageToken: undefined });
    links.push(`<a href="${escapeHtml(first ? `${input.urls.bookings}?${first}` : input.urls.bookings)}">First page</a>`);
  }
  if (input.nextPageToken) {
    links.push(`<a rel="next" href="${escapeHtml(`${input.urls.bookings}?${bookingsQueryString({ ...input.query, pageToken: input.nextPageToken })}`)}">Next page</a>`);
  }
  return links.length > 0 ? `<nav aria-label="Pages of bookings" class="actions">${links.join('\n')}</nav>` : '';
}

function filtered(query: BookingsQuery): boolean {
  return query.statuses.length > 0 || query.from !== undefined || query.to !== undefined;
}

export function renderBookingsPage(input: BookingsPageInput): string {
  const noticeBooking = input.notice && input.bookings.find((b) => b.slotId === input.notice?.slotId);
  const notice = input.notice ? `<p class="notice ok" role="status">${escapeHtml(noticeText(input.notice.code, noticeBooking, input.hostZone))}</p>` : '';
  const empty =
    input.bookings.length === 0
      ? `<p>${filtered(input.query) ? 'No bookings match these filters.' : 'You have no bookings yet.'}${input.query.pageToken ? ' There are no more.' : ''}</p>`
      : '';
  return renderPage({
    title: 'Your bookings',
    noindex: true,
    body: `<nav aria-label="Your account"><a href="${escapeHtml(input.urls.settings)}" id="settings-link">Booking settings</a></nav>
<h1>Your bookings</h1>
${notice}
${waitingSection(input)}
${filterForm(input)}
${empty}${part(input, 'upcoming', 'Upcoming')}
${part(input, 'past', 'Past')}
${pages(input)}`,
  });
}
