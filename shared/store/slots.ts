// `slots/{id}`: one booking request and everything that happened to it. Its time is held by
// `slotClaims` documents (./slot-claims) while it is requested or booked.
import { z } from 'zod';
import { oneLineText } from '../input/plain-text';
import { ianaTimeZone } from '../time/time-zone';
import { timeZone } from './subscribers';

export const SLOT_STATUSES = ['requested', 'booked', 'declined', 'cancelled'] as const;
export type SlotStatus = (typeof SLOT_STATUSES)[number];

export const GUEST_RESPONSES = ['needsAction', 'accepted', 'declined', 'tentative'] as const;
export type GuestResponse = (typeof GUEST_RESPONSES)[number];

/** A slot's guest as stored (documents written before the input checks below included). */
export const guestSchema = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(320),
  timezone: timeZone,
});
export type Guest = z.infer<typeof guestSchema>;

/**
 * A guest as a booking request gives it. The name goes into the Google event's summary and our
 * mail headers, so it is one line of plain text; the address is kept in lower case, as mail
 * providers and Google treat it, so one guest is one address for the abuse limits; the zone is a
 * canonical IANA name.
 */
export const guestInput = z.object({
  name: oneLineText(200).min(1),
  email: z.email().max(320).transform((email) => email.toLowerCase()),
  timezone: ianaTimeZone,
});

export const transitionSchema = z.object({
  from: z.enum(SLOT_STATUSES).nullable(),
  to: z.enum(SLOT_STATUSES),
  /** Why: `guest_booked`, `host_confirmed`, `host_denied`, `auto_confirmed`, `google_failed`, ... */
  cause: z.string().min(1),
  at: z.date(),
  /** A move (`moved_in_google`): the time the slot left, so the notices can say from → to. */
  movedFrom: z.object({ start: z.date(), end: z.date() }).optional(),
});
export type Transition = z.infer<typeof transitionSchema>;

export const slotSchema = z.object({
  subscriberId: z.string().min(1),
  start: z.date(),
  end: z.date(),
  guest: guestSchema,
  message: z.string().max(2000).nullable(),
  status: z.enum(SLOT_STATUSES),
  /** `google`: Google sends the invite (events.insert); `ics`: our own mail with an .ics file. */
  inviteMode: z.enum(['google', 'ics']),
  /** The Google calendar holding the slot's event; null for a host with no Google calendar. */
  calendarId: z.string().min(1).nullable(),
  /** Derived from the slot id (shared/google/event-identity). */
  eventId: z.string().min(5),
  guestResponse: z.enum(GUEST_RESPONSES),
  /** `slotClaims` document ids holding this slot's time; empty once the time is freed. */
  claimIds: z.array(z.string()),
  history: z.array(transitionSchema),
  /**
   * The host's decision (or a cancel, the host's or the guest's) while it is being carried out at
   * Google: taken in a transaction before any Calendar call, so a confirm, a deny and a cancel
   * racing each other cannot both reach Google. `by` and `note` (the host's note to the guest with
   * a cancel) are what the scheduled run needs to finish a step whose instance stopped
   * (shared/booking/stalled-step); absent on steps taken before they were recorded.
   */
  decision: z
    .object({
      action: z.enum(['confirm', 'deny', 'cancel']),
      at: z.date(),
      by: z.enum(['host', 'guest']).optional(),
      note: z.string().max(2000).optional(),
    })
    .nullable(),
  /** Our mails about this slot already handed to the mailer (sent or queued): never twice. */
  notices: z.array(z.string()),
  /**
   * Set while the slot's own request makes its invite (the event at Google), until when that
   * request may still be at work; null (or absent, on older documents) once it is made. Nobody
   * else judges the slot meanwhile (shared/booking/invite-in-flight); `changeSeen`: a sync met
   * the slot's event then and left it to the request.
   */
  inviteInFlight: z.object({ until: z.date(), changeSeen: z.boolean() }).nullable().optional(),
  /**
   * The host's buffers when the slot was booked, in minutes: its claim cells hold
   * [start - before, end + after) (shared/booking/buffers). Absent on older slots: none.
   */
  buffer: z.object({ beforeMinutes: z.number().int().min(0), afterMinutes: z.number().int().min(0) }).optional(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Slot = z.infer<typeof slotSchema>;

export class SlotNotFound extends Error {
  constructor(readonly slotId: string) {
    super(`no slot ${slotId}`);
    this.name = 'SlotNotFound';
  }
}

/** Another booking holds some of this time (a claim cell already exists). */
export class TimeTaken extends Error {
  constructor() {
    super('the time is no longer free');
    this.name = 'TimeTaken';
  }
}

/** The slot changed under us (another request moved it on): read it again and judge again. */
export class SlotMoved extends Error {
  constructor(
    readonly slotId: string,
    readonly status: SlotStatus,
  ) {
    super(`slot ${slotId} is ${status} now`);
    this.name = 'SlotMoved';
  }
}
