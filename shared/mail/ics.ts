// The .ics file we mail a guest when Google does not send the invitation (inviteMode `ics`).
// It is an iTIP message (RFC 5546): calendar clients match every later update or
// cancellation to the first invite by UID, and apply it only if its SEQUENCE is higher.
import ical, {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
} from 'ical-generator';

export type InviteMethod = 'REQUEST' | 'CANCEL';
export type InviteStatus = 'TENTATIVE' | 'CONFIRMED' | 'CANCELLED';

export interface Person {
  name: string;
  email: string;
}

export interface CalendarInviteInput {
  slotId: string;
  /** 0 for the first invite; each later update or cancellation of the slot needs a higher one. */
  sequence: number;
  method: InviteMethod;
  status: InviteStatus;
  start: Date;
  end: Date;
  summary: string;
  description: string;
  organizer: Person;
  guest: Person;
}

export class InvalidCalendarInvite extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCalendarInvite';
  }
}

const METHODS: Record<InviteMethod, ICalCalendarMethod> = {
  REQUEST: ICalCalendarMethod.REQUEST,
  CANCEL: ICalCalendarMethod.CANCEL,
};

const STATUSES: Record<InviteStatus, ICalEventStatus> = {
  TENTATIVE: ICalEventStatus.TENTATIVE,
  CONFIRMED: ICalEventStatus.CONFIRMED,
  CANCELLED: ICalEventStatus.CANCELLED,
};

/** Stable for the life of a slot, so every message about it lands on the same calendar entry. */
export function calendarUid(slotId: string): string {
  return `${slotId}@calendar-invites`;
}

function check(input: CalendarInviteInput): void {
  if (!Number.isInteger(input.sequence) || input.sequence < 0) {
    throw new InvalidCalendarInvite(`sequence must be a whole number from 0, got ${input.sequence}`);
  }
  if (!(input.end.getTime() > input.start.getTime())) {
    throw new InvalidCalendarInvite('end must be after start');
  }
  // A CANCEL that left the event standing, or a REQUEST for a cancelled event, would be read
  // differently by different clients; neither is something we ever mean to send.
  if ((input.method === 'CANCEL') !== (input.status === 'CANCELLED')) {
    throw new InvalidCalendarInvite(`METHOD:${input.method} cannot carry STATUS:${input.status}`);
  }
}

export function calendarInvite(input: CalendarInviteInput): string {
  check(input);
  const calendar = ical({
    prodId: { company: 'calendar-invites', product: 'bookings', language: 'EN' },
    method: METHODS[input.method],
  });
  calendar.createEvent({
    id: calendarUid(input.slotId),
    sequence: input.sequence,
    // No timezone: ical-generator then writes UTC (`...Z`), which every client converts itself.
    start: input.start,
    end: input.end,
    summary: input.summary,
    description: input.description,
    organizer: { name: input.organizer.name, email: input.organizer.email },
    attendees: [
      {
        name: input.guest.name,
        email: input.guest.email,
        role: ICalAttendeeRole.REQ,
        status: ICalAttendeeStatus.NEEDSACTION,
        // A cancellation expects no answer; asking for one makes some clients offer buttons
        // that would send a REPLY to an event that no longer exists.
        rsvp: input.method === 'REQUEST',
      },
    ],
    status: STATUSES[input.status],
  });
  return calendar.toString();
}
