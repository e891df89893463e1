// What each mail to a guest says (our .ics flow, and the host's cancel in either flow). Pure: a
// view of the booking in, an OutgoingMail out. Wording only; the card, the escaping and the text
// part come from ./layout.
import { formatStart, formatTimeRange } from '../time/time-text';
import type { OutgoingMail } from './outgoing-mail';
import { guest, host, hostDetails, hostNote, icsAttachment, mail, manageBlocks, type BookingView, type TimeRange } from './mail-parts';

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
