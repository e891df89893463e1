// Our own mail about a booking: which mail goes to whom after each step. Each mail is handed to
// the mailer once per slot (recorded on the slot), so a retried request does not mail twice; the
// mailer never loses one (SendGrid down → the outbox).
import type { Mailer } from '../mail/mailer';
import type { OutgoingMail } from '../mail/outgoing-mail';
import {
  guestIcsCancellation,
  guestIcsConfirmation,
  guestIcsInvitation,
  hostConnectionBrokenNotice,
  hostDecisionRequest,
  hostEventCancelledNotice,
  hostGuestDeclinedNotice,
  hostGuestTentativeNotice,
  hostNewBookingNotice,
  type BookingView,
} from '../mail/templates';
import type { SyncNotice, SyncNotices } from '../sync/apply-change';
import type { SlotRepository } from '../store/slot-repository';
import type { Slot } from '../store/slots';
import type { Subscriber } from '../store/subscribers';
import type { DecisionLinks } from './decision-links';
import type { DecisionAction } from './slot-state';

export interface SlotContext {
  slotId: string;
  slot: Slot;
  host: Subscriber;
}

export function bookingView({ slotId, slot, host }: SlotContext): BookingView {
  return {
    slotId,
    hostName: host.name,
    hostEmail: host.email,
    hostTimezone: host.timezone,
    guestName: slot.guest.name,
    guestEmail: slot.guest.email,
    guestTimezone: slot.guest.timezone,
    message: slot.message,
    start: slot.start,
    end: slot.end,
  };
}

/** iCalendar SEQUENCE of our .ics mails: the invitation is 0, the decision after it 1, a later cancellation 2. */
const FIRST = 0;
const AFTER_DECISION = 1;
const LATER = 2;

export class BookingNotices implements SyncNotices {
  constructor(private readonly deps: { mailer: Mailer; links: DecisionLinks; slots: SlotRepository; now: () => Date }) {}

  /** After a booking is in: the host is asked to decide (or told of an auto-confirmed booking). */
  async bookingMade(context: SlotContext): Promise<void> {
    const view = bookingView(context);
    const { slot } = context;
    if (slot.status === 'booked') {
      await this.once(context, 'host-new-booking', hostNewBookingNotice(view, slot.inviteMode));
      if (slot.inviteMode === 'ics') await this.once(context, 'guest-ics-confirmation', guestIcsConfirmation(view, FIRST));
    } else if (slot.status === 'requested') {
      const links = this.deps.links.linksFor(context.slotId, this.deps.now());
      await this.once(context, 'host-decision-request', hostDecisionRequest(view, links, slot.inviteMode));
      if (slot.inviteMode === 'ics') await this.once(context, 'guest-ics-invitation', guestIcsInvitation(view, FIRST));
    }
  }

  /** After the host decided: in the .ics flow the guest hears it from us (Google tells them otherwise). */
  async decisionMade(context: SlotContext, action: DecisionAction): Promise<void> {
    if (context.slot.inviteMode !== 'ics') return;
    const view = bookingView(context);
    if (action === 'confirm') await this.once(context, 'guest-ics-confirmation', guestIcsConfirmation(view, AFTER_DECISION));
    else await this.once(context, 'guest-ics-cancellation', guestIcsCancellation(view, AFTER_DECISION));
  }

  /** What happened in Google, told to whoever would not hear it from Google. */
  async notify(context: SlotContext, notice: SyncNotice): Promise<void> {
    const view = bookingView(context);
    const mail = {
      'host-guest-declined': () => hostGuestDeclinedNotice(view),
      'host-guest-tentative': () => hostGuestTentativeNotice(view),
      'host-event-cancelled': () => hostEventCancelledNotice(view),
      'guest-ics-cancellation': () => guestIcsCancellation(view, LATER),
    }[notice]();
    await this.once(context, notice, mail);
  }

  /** Told once, when the connection goes from working to broken. */
  async connectionBroken(subscriberId: string, host: Subscriber, reconnectUrl: string, at: Date): Promise<void> {
    await this.deps.mailer.send(hostConnectionBrokenNotice(host, reconnectUrl), `${subscriberId}:connection-broken:${at.toISOString()}`);
  }

  private async once({ slotId, slot }: SlotContext, notice: string, mail: OutgoingMail): Promise<void> {
    if (slot.notices.includes(notice)) return;
    await this.deps.mailer.send(mail, `${slotId}:${notice}`);
    await this.deps.slots.recordNotice(slotId, notice);
  }
}
