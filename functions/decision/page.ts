// The host's decision pages, all rendered here with no script: they open from an email link,
// often on a phone, and must work in any mail app's browser.
import escapeHtml from 'escape-html';
import type { SlotStatus } from '../../shared/store/slots';
import { formatTimeRange } from '../../shared/time/time-text';
import { renderPage } from '../pages/layout';

export interface DecisionView {
  hostName: string;
  guestName: string;
  guestEmail: string;
  message: string | null;
  start: Date;
  end: Date;
  hostTimezone: string;
  status: SlotStatus;
  /** Who sends the guest their invitation: Google (`google`) or our mail (`ics`). */
  inviteMode: 'google' | 'ics';
}

/** The URL contract's names; the host reads "Decline" for `deny`, the one word we use for their no. */
export type DecisionAction = 'confirm' | 'deny';

/**
 * A decision link is signed for one action, so each form carries the token of its own action;
 * `actionUrl` is the decision function's root.
 */
export interface DecisionPageInput extends DecisionView {
  tokens: Record<DecisionAction, string>;
  actionUrl: string;
}

function requestDetails(view: DecisionView): string {
  const message = view.message
    ? `<dd class="message">${escapeHtml(view.message)}</dd>`
    : '<dd class="muted">No message.</dd>';
  return `<dl>
<dt>Guest</dt><dd>${escapeHtml(view.guestName)}<br><a href="mailto:${escapeHtml(view.guestEmail)}">${escapeHtml(view.guestEmail)}</a></dd>
<dt>When</dt><dd>${escapeHtml(formatTimeRange(view.start, view.end, view.hostTimezone))}</dd>
<dt>Message</dt>${message}
</dl>`;
}

/** What has been decided, in words; `requested` only reaches here while the other answer is being carried out. */
function statusSentence(status: SlotStatus): string {
  switch (status) {
    case 'booked':
      return 'This booking is confirmed.';
    case 'declined':
      return 'This request was declined.';
    case 'cancelled':
      return 'This booking was cancelled.';
    case 'requested':
      return 'The other answer is being carried out right now.';
  }
}

function decisionForm(actionUrl: string, token: string, action: DecisionAction): string {
  const button = action === 'confirm' ? '<button type="submit" class="primary">Confirm</button>' : '<button type="submit" class="danger">Decline</button>';
  return `<form method="post" action="${escapeHtml(actionUrl)}">
<input type="hidden" name="token" value="${escapeHtml(token)}">
<input type="hidden" name="action" value="${action}">
${button}
</form>`;
}

function decisionPage(title: string, body: string): string {
  return renderPage({ title, body, noindex: true });
}

/** GET with a link: shows the request and changes nothing; the buttons only while it is open. */
export function renderDecisionPage(input: DecisionPageInput): string {
  const open = input.status === 'requested';
  const answer = open
    ? `<p>${escapeHtml(input.guestName)} is waiting for your answer.</p>
<div class="actions">
${decisionForm(input.actionUrl, input.tokens.confirm, 'confirm')}
${decisionForm(input.actionUrl, input.tokens.deny, 'deny')}
</div>`
    : `<p class="notice ok">${statusSentence(input.status)} Nothing more to do here.</p>`;
  return decisionPage(
    `Booking request from ${input.guestName}`,
    `<h1>Booking request from ${escapeHtml(input.guestName)}</h1>
<p class="muted">For ${escapeHtml(input.hostName)}</p>
${requestDetails(input)}
${answer}`,
  );
}

/**
 * What the guest gets once the host confirms: in the Google flow the invitation went at booking
 * time, so Google sends an update of it; in the .ics flow our mail sends the confirmed one.
 */
function confirmedSentence(view: DecisionView): string {
  const guest = escapeHtml(view.guestName);
  return view.inviteMode === 'google' ? `The booking is confirmed and ${guest} gets an updated invitation.` : `The booking is confirmed and we email ${guest} the confirmed invitation.`;
}

/** After a POST that went through; `repeated` when the same answer had already been given. */
export function renderDecisionDone(view: DecisionView, action: DecisionAction, repeated: boolean): string {
  const guest = escapeHtml(view.guestName);
  const title = action === 'confirm' ? 'Booking confirmed' : 'Request declined';
  const outcome =
    action === 'confirm'
      ? repeated
        ? 'You had already confirmed this booking; nothing has changed.'
        : confirmedSentence(view)
      : repeated
        ? 'You had already declined this request; nothing has changed.'
        : `The request is declined and ${guest} will be told.`;
  return decisionPage(
    title,
    `<h1>${title}</h1>
<p class="notice ok">${outcome}</p>
${requestDetails(view)}`,
  );
}

/** 409: the other answer was given first, and stands. */
export function renderDecisionConflict(view: DecisionView): string {
  return decisionPage(
    'Already decided',
    `<h1>Already decided</h1>
<p class="notice error">${statusSentence(view.status)} Your answer was not applied.</p>
${requestDetails(view)}`,
  );
}

const ERRORS: Record<'invalid' | 'expired' | 'not_found', { title: string; text: string }> = {
  invalid: {
    title: 'This link does not work',
    text: 'The link is incomplete or has been changed. Open it again from the email; if your mail app split it over two lines, copy the whole address.',
  },
  expired: {
    title: 'This link has expired',
    text: 'Links in booking emails only work for a limited time, and this one can no longer be used.',
  },
  not_found: {
    title: 'Booking not found',
    text: 'This booking request no longer exists.',
  },
};

/** 401 tampered link, 410 expired link, 404 unknown booking; deliberately says nothing more. */
export function renderDecisionError(kind: keyof typeof ERRORS): string {
  const { title, text } = ERRORS[kind];
  return decisionPage(title, `<h1>${title}</h1>\n<p>${text}</p>`);
}

/** 503: the host's calendar could not be reached, and the decision was released. */
export function renderDecisionUnavailable(): string {
  const title = 'Please try again in a few minutes';
  return decisionPage(
    title,
    `<h1>${title}</h1>\n<p>Your calendar could not be reached just now, so nothing has been changed. Go back and press the button again in a few minutes.</p>`,
  );
}
