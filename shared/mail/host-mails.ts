// What each mail to a host says. Pure: a view of the booking in, an OutgoingMail out. Wording
// only; the card, the escaping and the text part come from ./layout.
import { formatStart, formatTimeRange } from '../time/time-text';
import type { Block } from './layout';
import type { OutgoingMail } from './outgoing-mail';
import { guest, guestDetails, guestMessage, host, mail, type BookingView, type DecisionLinks, type InviteMode, type TimeRange } from './mail-parts';

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

/** The guest cancelled with their manage link: the host hears it from us in either flow. */
export function hostGuestCancelledNotice(view: BookingView): OutgoingMail {
  return mail(host(view), guest(view), `${view.guestName} cancelled: ${formatStart(view.start, view.hostTimezone)}`, {
    preview: `${view.guestName} cancelled their booking.`,
    heading: `${view.guestName} cancelled their booking`,
    blocks: [guestDetails(view), { kind: 'paragraph', text: `${view.guestName} cancelled the booking with their own link, so the time can be booked again.` }],
  });
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
