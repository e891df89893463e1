// The mail "Google" sends about events, recorded instead of sent. Who gets it follows `sendUpdates`
// ("Events: insert/patch/delete": all, externalOnly = guests outside the domain, none); an
// attendee's answer always reaches the organizer as a reply. Nobody is mailed about their own
// change: not the organizer, and not the calendar's owner who made it.
import { DateTime } from 'luxon';
import type { Calendar } from './calendars';
import type { Attendee, ResponseStatus, StoredEvent } from './event-model';

export type MailKind = 'invitation' | 'update' | 'cancellation' | 'reply';
export type SendUpdates = 'all' | 'externalOnly' | 'none';

export interface Mail {
  to: string;
  from: string;
  kind: MailKind;
  calendarId: string;
  eventId: string;
  subject: string;
  text: string;
  sentAt: string;
}

export class Mailbox {
  private readonly all: Mail[] = [];
  private readonly byRecipient = new Map<string, Mail[]>();

  record(mail: Mail): void {
    this.all.push(mail);
    const key = mail.to.toLowerCase();
    let list = this.byRecipient.get(key);
    if (!list) this.byRecipient.set(key, (list = []));
    list.push(mail);
  }

  list(to?: string): Mail[] {
    return to === undefined ? [...this.all] : [...(this.byRecipient.get(to.trim().toLowerCase()) ?? [])];
  }

  clear(): void {
    this.all.length = 0;
    this.byRecipient.clear();
  }
}

export interface Audience {
  organizerEmail: string;
  ownerEmail: string;
  isEmulatorAccount(email: string): boolean;
}

/** The attendees `sendUpdates` lets "Google" mail, never the organizer or the calendar's owner. */
export function mailRecipients(attendees: Attendee[], sendUpdates: SendUpdates, audience: Audience): string[] {
  if (sendUpdates === 'none') return [];
  return attendees
    .map((attendee) => attendee.email)
    .filter((email) => email !== audience.organizerEmail && email !== audience.ownerEmail)
    .filter((email) => sendUpdates === 'all' || !audience.isEmulatorAccount(email));
}

/**
 * The mailbox that stands for the organizer: a secondary calendar's id is no inbox, so its mail
 * comes from and goes to its owner.
 */
export function organizerMailbox(event: StoredEvent, calendar: Calendar): string {
  return !calendar.primary && event.organizer.email === calendar.id.toLowerCase() ? calendar.ownerEmail : event.organizer.email;
}

const SUBJECT_PREFIX: Record<Exclude<MailKind, 'reply'>, string> = {
  invitation: 'Invitation',
  update: 'Updated invitation',
  cancellation: 'Canceled event',
};

const REPLY_PREFIX: Record<Exclude<ResponseStatus, 'needsAction'>, string> = {
  accepted: 'Accepted',
  declined: 'Declined',
  tentative: 'Tentatively accepted',
};

/** "Tue Jan 7, 2025 10:00 – 11:00 (Europe/Paris)", in the event's time zone. */
export function describeWhen(event: StoredEvent, calendar: Calendar): string {
  const zone = event.start.timeZone ?? calendar.timeZone;
  const start = DateTime.fromMillis(event.startMs, { zone });
  const end = DateTime.fromMillis(event.endMs, { zone });
  const day = 'ccc LLL d, yyyy';
  if (event.start.date !== undefined) {
    const lastDay = end.minus({ days: 1 });
    return lastDay.hasSame(start, 'day') ? start.toFormat(day) : `${start.toFormat(day)} – ${lastDay.toFormat(day)}`;
  }
  const endText = end.hasSame(start, 'day') ? end.toFormat('HH:mm') : end.toFormat(`${day} HH:mm`);
  return `${start.toFormat(`${day} HH:mm`)} – ${endText} (${zone})`;
}

export interface MailContext {
  event: StoredEvent;
  calendar: Calendar;
  sentAtMs: number;
}

export function eventMail(kind: Exclude<MailKind, 'reply'>, to: string, { event, calendar, sentAtMs }: MailContext): Mail {
  const title = event.summary ?? '(No title)';
  const when = describeWhen(event, calendar);
  const organizer = organizerMailbox(event, calendar);
  const lines = [
    kind === 'cancellation' ? 'This event has been canceled.' : kind === 'update' ? 'This event has been updated.' : 'You have been invited to this event.',
    title,
    `When: ${when}`,
    ...(event.location ? [`Where: ${event.location}`] : []),
    `Organizer: ${organizer}`,
    ...(event.description ? ['', event.description] : []),
  ];
  return {
    to,
    from: organizer,
    kind,
    calendarId: calendar.id,
    eventId: event.id,
    subject: `${SUBJECT_PREFIX[kind]}: ${title} @ ${when}`,
    text: lines.join('\n'),
    sentAt: new Date(sentAtMs).toISOString(),
  };
}

export function replyMail(attendeeEmail: string, answer: Exclude<ResponseStatus, 'needsAction'>, { event, calendar, sentAtMs }: MailContext): Mail {
  const title = event.summary ?? '(No title)';
  const when = describeWhen(event, calendar);
  const organizer = organizerMailbox(event, calendar);
  return {
    to: organizer,
    from: attendeeEmail,
    kind: 'reply',
    calendarId: calendar.id,
    eventId: event.id,
    subject: `${REPLY_PREFIX[answer]}: ${title} @ ${when}`,
    text: [`${attendeeEmail} has ${answer === 'tentative' ? 'tentatively accepted' : answer} this invitation.`, title, `When: ${when}`, `Organizer: ${organizer}`].join('\n'),
    sentAt: new Date(sentAtMs).toISOString(),
  };
}
