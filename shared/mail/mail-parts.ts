// What the mails of a booking (./guest-mails, ./host-mails) are made of: the view of a booking they
// read, the envelope, the details card, the guest's manage link and message, the .ics attachment.
import { asOneLine } from '../input/plain-text';
import { formatTimeRange } from '../time/time-text';
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

/** A header is one line: a line break in a stored name would end it and start another header. */
export function headerName(address: MailAddress): MailAddress {
  const name = address.name === undefined ? undefined : asOneLine(address.name);
  return name ? { ...address, name } : { email: address.email };
}

export function mail(to: MailAddress, replyTo: MailAddress, subject: string, content: MailContent, attachment?: MailAttachment): OutgoingMail {
  return {
    to: headerName(to),
    replyTo: headerName(replyTo),
    subject: asOneLine(subject),
    text: renderText(content),
    html: renderHtml(content),
    ...(attachment ? { attachments: [attachment] } : {}),
  };
}

export const host = (view: BookingView): MailAddress => ({ email: view.hostEmail, name: view.hostName });

export const guest = (view: BookingView): MailAddress => ({ email: view.guestEmail, name: view.guestName });

export function guestDetails(view: BookingView): Block {
  return {
    kind: 'details',
    rows: [
      { label: 'When', value: formatTimeRange(view.start, view.end, view.hostTimezone) },
      { label: 'Guest', value: `${view.guestName} <${view.guestEmail}>` },
    ],
  };
}

export function hostDetails(view: BookingView): Block {
  return {
    kind: 'details',
    rows: [
      { label: 'When', value: formatTimeRange(view.start, view.end, view.guestTimezone) },
      { label: 'With', value: `${view.hostName} <${view.hostEmail}>` },
    ],
  };
}

/** The guest's manage link, in our mail to the guest about a booking that is still on. */
export function manageBlocks(view: BookingView): Block[] {
  if (!view.manageUrl) return [];
  return [
    { kind: 'actions', actions: [{ label: 'Change or cancel', url: view.manageUrl, tone: 'primary' }] },
    { kind: 'paragraph', text: 'This link lets you cancel or move the booking without signing in: keep it to yourself.' },
  ];
}

export function guestMessage(view: BookingView): Block[] {
  return view.message?.trim() ? [{ kind: 'quote', label: `${view.guestName} wrote`, text: view.message.trim() }] : [];
}

export function icsAttachment(view: BookingView, sequence: number, method: InviteMethod, status: InviteStatus): MailAttachment {
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

export function hostNote(view: BookingView, note: string | null): Block[] {
  return note?.trim() ? [{ kind: 'quote', label: `${view.hostName} wrote`, text: note.trim() }] : [];
}
