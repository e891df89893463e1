// What each mail of a booking says. Pure: a view of the booking in, an OutgoingMail out.
// Wording only; the card, the escaping and the text part come from ./layout.
import { asOneLine } from '../input/plain-text';
import { formatStart, formatTimeRange } from '../time/time-text';
import { calendarInvite, type InviteMethod, type InviteStatus } from './ics';
import { renderHtml, renderText, type Block, type MailContent } from './layout';
import type { MailAddress, MailAttachment, OutgoingMail } from './outgoing-mail';

export interface BookingView {
  slotId: string;
  hostName: string;
  hostEmail: string;
  hostTimezone: string;
  guestName: string;
  guestEmail: string;
  guestTimezone: string;
  message: string | null;
  start: Date;
  end: Date;
  /** The guest's own link to cancel or reschedule (shared/booking/manage-links), in our mail to them. */
  manageUrl?: string;
}

export type InviteMode = 'google' | 'ics';

export interface TimeRange {
  start: Date;
  end: Date;
}

export interface DecisionLinks {
  confirmUrl: string;
  denyUrl: string;
}

/** Mail times read as on our pages (shared/time/time-text); tests and callers take them from here too. */
export { formatTimeRange };

/** A header is one line: a line break in a stored name would end it and start another header. */
function headerName(address: MailAddress): MailAddress {
  const name = address.name === undefined ? undefined : asOneLine(address.name);
  return name ? { ...address, name } : { email: address.email };
}

function mail(to: MailAddress, replyTo: MailAddress, subject: string, content: MailContent, attachment?: MailAttachment): OutgoingMail {
  return {
    to: headerName(to),
    replyTo: headerName(replyTo),
    subject: asOneLine(subject),
    text: renderText(content),
    html: renderHtml(content),
    ...(attachment ? { attachments: [attachment] } : {}),
  };
}

const host = (view: BookingView): MailAddress => ({ email: view.hostEmail, name: view.hostName });
const guest = (view: BookingView): MailAddress => ({ email: view.guestEmail, name: view.guestName });

function guestDetails(view: BookingView): Block {
  return {
    kind: 'details',
    rows: [
      { label: 'When', value: formatTimeRange(view.start, view.end, view.hostTimezone) },
      { label: 'Guest', value: `${view.guestName} <${view.guestEmail}>` },
    ],
  };
}

function hostDetails(view: BookingView): Block {
  return {
    kind: 'details',
    rows: [
      { label: 'When', value: formatTimeRange(view.start, view.end, view.guestTimezone) },
      { label: 'With', value: `${view.hostName} <${view.hostEmail}>` },
    ],
  };
}

/** The guest's manage link, in our mail to the guest about a booking that is still on. */
function manageBlocks(view: BookingView): Block[] {
  if (!view.manageUrl) return [];
  return [
    { kind: 'actions', actions: [{ label: 'Change or cancel', url: view.manageUrl, tone: 'primary' }] },
    { kind: 'paragraph', text: 'This link lets you cancel or move the booking without signing in: keep it to yourself.' },
  ];
}

function guestMessage(view: BookingView): Block[] {
  return view.message?.trim() ? [{ kind: 'quote', label: `${view.guestName} wrote`, text: view.message.trim() }] : [];
}

function icsAttachment(view: BookingView, sequence: number, method: InviteMethod, status: InviteStatus): MailAttachment {
  const ics = calendarInvite({
    slotId: view.slotId,
    sequence,
    method,
    status,
    start: view.start,
    end: view.end,
    // Only the guest's message may span lines: a name's line break would make lines of its own.
    summary: asOneLine(`${view.guestName} and ${view.hostName}`),
    description: view.message?.trim() ? `Booked by ${asOneLine(view.guestName)}.\n\n${view.message.trim()}` : `Booked by ${asOneLine(view.guestName)}.`,
    organizer: { name: asOneLine(view.hostName), email: view.hostEmail },
    guest: { name: asOneLine(view.guestName), email: view.guestEmail },
  });
  return {
    filename: method === 'CANCEL' ? 'cancel.ics' : 'invite.ics',
    type: `text/calendar; method=${method}`,
    content: Buffer.from(ics, 'utf8').toString('base64'),
    disposition: 'attachment',
  };
}

export function hostDecisionRequest(view: BookingView, links: DecisionLinks, inviteMode: InviteMode): OutgoingMail {
  const when = formatTimeRange(view.start, view.end, view.hostTimezone);
  const invited =
    inviteMode === 'google'
      ? `Google Calendar has sent ${view.guestName} an invitation, marked tentative until you decide.`
      : `We emailed ${view.guestName} a tentative invitation; they will get the final one, or a cancellation, when you decide.`;
  return mail(host(view), guest(view), `Booking request from ${view.guestName}: ${formatStart(view.start, view.hostTimezone)}`, {
    preview: `${view.guestName} asked for ${when}. Confirm or decline.`,
    heading: `${view.guestName} would like to book a time with you`,
    blocks: [
      guestDetails(view),
      ...guestMessage(view),
      { kind: 'paragraph', text: invited },
      {
        kind: 'actions',
        actions: [
          { label: 'Confirm', url: links.confirmUrl, tone: 'primary' },
          { label: 'Decline', url: links.denyUrl, tone: 'danger' },
        ],
      },
      { kind: 'paragraph', text: 'Each link opens a page that asks you once more before anything happens.' },
    ],
  });
}

export function hostNewBookingNotice(view: BookingView, inviteMode: InviteMode): OutgoingMail {
  const invited =
    inviteMode === 'google'
      ? `Google Calendar has sent ${view.guestName} an invitation.`
      : `We emailed ${view.guestName} a calendar invitation.`;
  return mail(host(view), guest(view), `New booking: ${view.guestName}, ${formatStart(view.start, view.hostTimezone)}`, {
    preview: `${view.guestName} booked ${formatTimeRange(view.start, view.end, view.hostTimezone)}.`,
    heading: `New booking with ${view.guestName}`,
    blocks: [
      guestDetails(view),
      ...guestMessage(view),
      { kind: 'paragraph', text: `The time was free, so the booking was confirmed automatically. ${invited}` },
    ],
  });
}

export function guestIcsInvitation(view: BookingView, sequence: number): OutgoingMail {
  return mail(
    guest(view),
    host(view),
    `Booking request sent: ${view.hostName}, ${formatStart(view.start, view.guestTimezone)}`,
    {
      preview: `${view.hostName} will confirm your booking.`,
      heading: `Your booking with ${view.hostName} is waiting for confirmation`,
      blocks: [
        hostDetails(view),
        { kind: 'paragraph', text: `${view.hostName} will confirm the time, and we will email you as soon as they do.` },
        { kind: 'paragraph', text: 'The attached invitation adds the booking to your calendar as tentative until then.' },
        ...manageBlocks(view),
      ],
    },
    icsAttachment(view, sequence, 'REQUEST', 'TENTATIVE'),
  );
}

export function guestIcsConfirmation(view: BookingView, sequence: number): OutgoingMail {
  return mail(
    guest(view),
    host(view),
    `Confirmed: ${view.hostName}, ${formatStart(view.start, view.guestTimezone)}`,
    {
      preview: `${view.hostName} confirmed your booking.`,
      heading: `${view.hostName} confirmed your booking`,
      blocks: [
        hostDetails(view),
        { kind: 'paragraph', text: 'The attached invitation updates the booking in your calendar to confirmed.' },
        ...manageBlocks(view),
      ],
    },
    icsAttachment(view, sequence, 'REQUEST', 'CONFIRMED'),
  );
}

export function guestIcsCancellation(view: BookingView, sequence: number): OutgoingMail {
  return mail(
    guest(view),
    host(view),
    `${view.hostName} can't make it: ${formatStart(view.start, view.guestTimezone)}`,
    {
      preview: `Sorry, ${view.hostName} can't make this time.`,
      heading: `Sorry, ${view.hostName} can't make it`,
      blocks: [
        hostDetails(view),
        { kind: 'paragraph', text: `${view.hostName} is not able to meet at this time, so the booking is cancelled.` },
        { kind: 'paragraph', text: 'The attached cancellation removes it from your calendar. You are welcome to book another time.' },
      ],
    },
    icsAttachment(view, sequence, 'CANCEL', 'CANCELLED'),
  );
}

function hostNote(view: BookingView, note: string | null): Block[] {
  return note?.trim() ? [{ kind: 'quote', label: `${view.hostName} wrote`, text: note.trim() }] : [];
}

/**
 * The host cancelled the booking from their bookings page. `sequence`: the .ics flow, with the
 * METHOD:CANCEL that removes it from the guest's calendar; null: the Google flow, where Google has
 * sent the cancellation and this mail only carries the host's note.
 */
export function guestCancelledByHost(view: BookingView, note: string | null, sequence: number | null): OutgoingMail {
  const calendar =
    sequence === null
      ? 'Google Calendar has sent you the cancellation, which removes it from your calendar.'
      : 'The attached cancellation removes it from your calendar.';
  return mail(
    guest(view),
    host(view),
    `Cancelled: ${view.hostName}, ${formatStart(view.start, view.guestTimezone)}`,
    {
      preview: `${view.hostName} cancelled your booking.`,
      heading: `${view.hostName} cancelled your booking`,
      blocks: [hostDetails(view), ...hostNote(view, note), { kind: 'paragraph', text: `${calendar} You are welcome to book another time.` }],
    },
    sequence === null ? undefined : icsAttachment(view, sequence, 'CANCEL', 'CANCELLED'),
  );
}

/** The guest cancelled with their manage link (.ics flow): the METHOD:CANCEL for their own calendar. */
export function guestIcsCancelledByGuest(view: BookingView, sequence: number): OutgoingMail {
  return mail(
    guest(view),
    host(view),
    `You cancelled: ${view.hostName}, ${formatStart(view.start, view.guestTimezone)}`,
    {
      preview: `Your booking with ${view.hostName} is cancelled.`,
      heading: `Your booking with ${view.hostName} is cancelled`,
      blocks: [
        hostDetails(view),
        { kind: 'paragraph', text: `We told ${view.hostName} that you cancelled.` },
        { kind: 'paragraph', text: 'The attached cancellation removes it from your calendar.' },
      ],
    },
    icsAttachment(view, sequence, 'CANCEL', 'CANCELLED'),
  );
}

/** The guest cancelled with their manage link: the host hears it from us in either flow. */
export function hostGuestCancelledNotice(view: BookingView): OutgoingMail {
  return mail(host(view), guest(view), `${view.guestName} cancelled: ${formatStart(view.start, view.hostTimezone)}`, {
    preview: `${view.guestName} cancelled their booking.`,
    heading: `${view.guestName} cancelled their booking`,
    blocks: [guestDetails(view), { kind: 'paragraph', text: `${view.guestName} cancelled the booking with their own link, so the time can be booked again.` }],
  });
}

/** The host moved the event in Google (.ics flow): the new time as an update of the same invitation. */
export function guestIcsUpdate(view: BookingView, sequence: number, previous: TimeRange, status: 'TENTATIVE' | 'CONFIRMED'): OutgoingMail {
  const waiting = status === 'TENTATIVE' ? [{ kind: 'paragraph' as const, text: `The booking is still waiting for ${view.hostName} to confirm.` }] : [];
  return mail(
    guest(view),
    host(view),
    `New time: ${view.hostName}, ${formatStart(view.start, view.guestTimezone)}`,
    {
      preview: `${view.hostName} moved your booking to ${formatTimeRange(view.start, view.end, view.guestTimezone)}.`,
      heading: `${view.hostName} moved your booking to a new time`,
      blocks: [
        {
          kind: 'details',
          rows: [
            { label: 'When', value: formatTimeRange(view.start, view.end, view.guestTimezone) },
            { label: 'Was', value: formatTimeRange(previous.start, previous.end, view.guestTimezone) },
            { label: 'With', value: `${view.hostName} <${view.hostEmail}>` },
          ],
        },
        ...waiting,
        { kind: 'paragraph', text: 'The attached invitation moves the booking in your calendar.' },
        ...manageBlocks(view),
      ],
    },
    icsAttachment(view, sequence, 'REQUEST', status),
  );
}

/**
 * The host moved the event in Google: what moved, and who tells the guest. `overlapping`: another
 * booking still holds part of the new time (the host moved it onto that one, or is swapping the
 * two and has not moved the other yet).
 */
export function hostEventMovedNotice(view: BookingView, previous: TimeRange, inviteMode: InviteMode, overlapping = false): OutgoingMail {
  const told =
    inviteMode === 'google'
      ? `Google Calendar tells ${view.guestName} of the new time when you send them the update there.`
      : `We emailed ${view.guestName} the new time, as an update to the invitation in their calendar.`;
  return mail(host(view), guest(view), `Booking moved: ${view.guestName}, ${formatStart(view.start, view.hostTimezone)}`, {
    preview: `Your booking with ${view.guestName} now starts ${formatStart(view.start, view.hostTimezone)}.`,
    heading: `Your booking with ${view.guestName} moved`,
    blocks: [
      {
        kind: 'details',
        rows: [
          { label: 'From', value: formatTimeRange(previous.start, previous.end, view.hostTimezone) },
          { label: 'To', value: formatTimeRange(view.start, view.end, view.hostTimezone) },
          { label: 'Guest', value: `${view.guestName} <${view.guestEmail}>` },
        ],
      },
      { kind: 'paragraph', text: `The event was moved in your Google Calendar, so the booking moved with it. ${told}` },
      ...(overlapping
        ? [
            {
              kind: 'paragraph' as const,
              text: 'Part of the new time overlaps another booking in your calendar. All of it stays taken, so no one else can book it, and it becomes this booking\'s alone once you move or cancel the other one.',
            },
          ]
        : []),
    ],
  });
}

export function hostGuestDeclinedNotice(view: BookingView): OutgoingMail {
  return mail(host(view), guest(view), `${view.guestName} declined: ${formatStart(view.start, view.hostTimezone)}`, {
    preview: `${view.guestName} declined the invitation.`,
    heading: `${view.guestName} declined the invitation`,
    blocks: [guestDetails(view), { kind: 'paragraph', text: `${view.guestName} answered "no" to the invitation for this booking.` }],
  });
}

export function hostGuestTentativeNotice(view: BookingView): OutgoingMail {
  return mail(host(view), guest(view), `${view.guestName} might come: ${formatStart(view.start, view.hostTimezone)}`, {
    preview: `${view.guestName} answered "maybe".`,
    heading: `${view.guestName} answered "maybe"`,
    blocks: [guestDetails(view), { kind: 'paragraph', text: `${view.guestName} marked the invitation for this booking as tentative.` }],
  });
}

export function hostEventCancelledNotice(view: BookingView): OutgoingMail {
  return mail(host(view), guest(view), `Booking cancelled: ${view.guestName}, ${formatStart(view.start, view.hostTimezone)}`, {
    preview: `The calendar event for your booking with ${view.guestName} was cancelled.`,
    heading: `Your booking with ${view.guestName} was cancelled`,
    blocks: [
      guestDetails(view),
      { kind: 'paragraph', text: 'The calendar event for this booking was cancelled, so the booking is cancelled too.' },
    ],
  });
}

/** The host's Google grant is gone (revoked, expired): bookings fall back until they reconnect. */
export function hostConnectionBrokenNotice(host: { name: string; email: string }, reconnectUrl: string): OutgoingMail {
  const to = { email: host.email, name: host.name };
  return mail(to, to, 'Reconnect your Google Calendar', {
    preview: 'We can no longer reach your Google Calendar.',
    heading: 'We can no longer reach your Google Calendar',
    blocks: [
      { kind: 'paragraph', text: 'Google no longer accepts our access to your calendar (it was revoked or has expired).' },
      { kind: 'paragraph', text: 'Until you reconnect, we cannot see changes you make there, and new bookings cannot be put in your calendar.' },
      { kind: 'actions', actions: [{ label: 'Reconnect Google Calendar', url: reconnectUrl, tone: 'primary' }] },
    ],
  });
}

/** Google answers that the host's calendar is gone (deleted, or no longer shared with them): we stopped watching it. */
export function hostCalendarGoneNotice(host: { name: string; email: string }, calendarId: string): OutgoingMail {
  const to = { email: host.email, name: host.name };
  return mail(to, to, 'Your booking calendar is gone from Google', {
    preview: 'Google says the calendar your bookings go to no longer exists for your account.',
    heading: 'Your booking calendar is gone from Google',
    blocks: [
      { kind: 'details', rows: [{ label: 'Calendar', value: calendarId }] },
      { kind: 'paragraph', text: 'Google answers that this calendar no longer exists for your account (it was deleted, or is no longer shared with you), so we stopped watching it.' },
      { kind: 'paragraph', text: 'Until you choose another calendar in your settings, we cannot see changes there, and new bookings cannot be put in it.' },
    ],
  });
}

/**
 * The guest moved their booking with their manage link (.ics flow): the new time as an update of
 * the same invitation (a higher SEQUENCE), with the new manage link (the old one is spent).
 */
export function guestIcsRescheduled(view: BookingView, sequence: number, previous: TimeRange, status: 'TENTATIVE' | 'CONFIRMED'): OutgoingMail {
  const outcome =
    status === 'TENTATIVE'
      ? `${view.hostName} will confirm the new time, and we will email you as soon as they do.`
      : `The new time is confirmed.`;
  return mail(
    guest(view),
    host(view),
    `Booking moved: ${view.hostName}, ${formatStart(view.start, view.guestTimezone)}`,
    {
      preview: `Your booking with ${view.hostName} is now ${formatTimeRange(view.start, view.end, view.guestTimezone)}.`,
      heading: `Your booking with ${view.hostName} has a new time`,
      blocks: [
        {
          kind: 'details',
          rows: [
            { label: 'When', value: formatTimeRange(view.start, view.end, view.guestTimezone) },
            { label: 'Was', value: formatTimeRange(previous.start, previous.end, view.guestTimezone) },
            { label: 'With', value: `${view.hostName} <${view.hostEmail}>` },
          ],
        },
        { kind: 'paragraph', text: outcome },
        { kind: 'paragraph', text: 'The attached invitation moves the booking in your calendar.' },
        ...manageBlocks(view),
      ],
    },
    icsAttachment(view, sequence, 'REQUEST', status),
  );
}

/**
 * The guest moved their booking with their manage link: the host hears it from us in either flow.
 * `decision`: the new time waits for the host (fresh Confirm / Decline links); without it the
 * booking stays confirmed (the host confirms automatically, and the time was free).
 */
export function hostGuestRescheduledNotice(view: BookingView, previous: TimeRange, inviteMode: InviteMode, decision?: DecisionLinks): OutgoingMail {
  const told =
    inviteMode === 'google'
      ? `Google Calendar has sent ${view.guestName} the updated invitation, and the event in your calendar has moved.`
      : `We emailed ${view.guestName} the updated invitation, and the event in your calendar has moved.`;
  const answer: Block[] = decision
    ? [
        { kind: 'paragraph', text: `The new time waits for your answer.` },
        {
          kind: 'actions',
          actions: [
            { label: 'Confirm', url: decision.confirmUrl, tone: 'primary' },
            { label: 'Decline', url: decision.denyUrl, tone: 'danger' },
          ],
        },
        { kind: 'paragraph', text: 'Each link opens a page that asks you once more before anything happens.' },
      ]
    : [{ kind: 'paragraph', text: 'The new time was free, so the booking stays confirmed.' }];
  return mail(host(view), guest(view), `${view.guestName} moved their booking: ${formatStart(view.start, view.hostTimezone)}`, {
    preview: `${view.guestName} moved their booking to ${formatTimeRange(view.start, view.end, view.hostTimezone)}.`,
    heading: `${view.guestName} moved their booking`,
    blocks: [
      {
        kind: 'details',
        rows: [
          { label: 'From', value: formatTimeRange(previous.start, previous.end, view.hostTimezone) },
          { label: 'To', value: formatTimeRange(view.start, view.end, view.hostTimezone) },
          { label: 'Guest', value: `${view.guestName} <${view.guestEmail}>` },
        ],
      },
      ...guestMessage(view),
      { kind: 'paragraph', text: told },
      ...answer,
    ],
  });
}
