// Our own mail about a booking: which mail goes to whom after each step. Each mail has one dedupe
// key per slot (a move's mails one per move), which the mailer claims in the outbox before sending:
// a retried request, a repeated decision or two paths telling the same thing at once mail it once,
// and the mailer never loses one (SendGrid down, or a crash after the claim → the outbox).
import type { Mailer } from '../mail/mailer';
import type { OutgoingMail } from '../mail/outgoing-mail';
import {
  guestCancelledByHost,
  guestIcsCancellation,
  guestIcsCancelledByGuest,
  guestIcsConfirmation,
  guestIcsInvitation,
  guestIcsRescheduled,
  guestIcsUpdate,
  hostConnectionBrokenNotice,
  hostDecisionRequest,
  hostEventCancelledNotice,
  hostEventMovedNotice,
  hostGuestCancelledNotice,
  hostGuestDeclinedNotice,
  hostGuestRescheduledNotice,
  hostGuestTentativeNotice,
  hostNewBookingNotice,
  type BookingView,
} from '../mail/templates';
import type { SyncNotice, SyncNotices } from '../sync/apply-change';
import { latestMove, moveNoticeKey, type MoveNotice } from '../sync/decide-change';
import { waitsForCells } from '../store/claim-handover';
import type { SlotRepository } from '../store/slot-repository';
import type { Slot, SlotStatus } from '../store/slots';
import type { Subscriber } from '../store/subscribers';
import { CANCEL_CAUSES } from './cancel-booking';
import type { DecisionLinks } from './decision-links';
import { GUEST_RESCHEDULED, linkVersion, type ManageLinks } from './manage-links';
import { holdsTime, type DecisionAction } from './slot-state';

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

/**
 * The SEQUENCE of a guest's .ics (RFC 5546 §2.1.4: a client applies a message about a UID only
 * if its SEQUENCE is higher than the last it saw): the position in the slot's history of the step
 * the mail tells of. Steps only ever append, so each later step's mail says a higher number, and
 * a mail sent again after a crash says the same one. The step is the last change of status to
 * one of these; a move (same status before and after) has its own mail, numbered by its own step.
 */
function stepOf(slot: Slot, statuses: readonly SlotStatus[]): number {
  return slot.history.findLastIndex((t) => t.from !== t.to && statuses.includes(t.to));
}

/**
 * The key of the guest's .ics confirmation: one per version of the booking, so that a booking the
 * guest moved (back to requested) and the host confirms again is confirmed to the guest again.
 */
function confirmationNotice(slot: Slot): string {
  const version = linkVersion(slot);
  return version === 0 ? 'guest-ics-confirmation' : `guest-ics-confirmation:${version}`;
}

const REQUESTED = ['requested'] as const;
const BOOKED = ['booked'] as const;
const ENDED = ['declined', 'cancelled'] as const;

export class BookingNotices implements SyncNotices {
  /** `manageLinks`: the guest's own link goes into our mail to them (without it, no link). */
  constructor(private readonly deps: { mailer: Mailer; links: DecisionLinks; slots: SlotRepository; now: () => Date; manageLinks?: ManageLinks }) {}

  /** The guest's current manage link of a slot, for what we and Google send them (the event's description). */
  manageUrl(slotId: string, slot: Slot): string | undefined {
    return this.deps.manageLinks?.urlFor(slotId, slot);
  }

  /** The view for our mail to the guest: with their manage link while the booking is on. */
  private guestView(context: SlotContext): BookingView {
    const view = bookingView(context);
    const manageUrl = holdsTime(context.slot.status) ? this.manageUrl(context.slotId, context.slot) : undefined;
    return manageUrl ? { ...view, manageUrl } : view;
  }

  /** After a booking is in: the host is asked to decide (or told of an auto-confirmed booking). */
  async bookingMade(context: SlotContext): Promise<void> {
    const view = bookingView(context);
    const { slot } = context;
    if (slot.status === 'booked') {
      await this.once(context, 'host-new-booking', hostNewBookingNotice(view, slot.inviteMode));
      if (slot.inviteMode === 'ics') await this.once(context, confirmationNotice(slot), guestIcsConfirmation(this.guestView(context), stepOf(slot, BOOKED)));
    } else if (slot.status === 'requested') {
      const links = this.deps.links.linksFor(context.slotId, this.deps.now());
      await this.once(context, 'host-decision-request', hostDecisionRequest(view, links, slot.inviteMode));
      if (slot.inviteMode === 'ics') await this.once(context, 'guest-ics-invitation', guestIcsInvitation(this.guestView(context), stepOf(slot, REQUESTED)));
    }
  }

  /** After the host decided: in the .ics flow the guest hears it from us (Google tells them otherwise). */
  async decisionMade(context: SlotContext, action: DecisionAction): Promise<void> {
    if (context.slot.inviteMode !== 'ics') return;
    const view = bookingView(context);
    const { slot } = context;
    if (action === 'confirm') await this.once(context, confirmationNotice(slot), guestIcsConfirmation(this.guestView(context), stepOf(slot, BOOKED)));
    else await this.once(context, 'guest-ics-cancellation', guestIcsCancellation(view, stepOf(slot, ENDED)));
  }

  /**
   * After a booking was cancelled with our own buttons (./cancel-booking), as its history's cause
   * says: the host cancelled → the guest hears it from us in the .ics flow (Google tells them
   * otherwise), and the host's note, if any, in our mail in either flow; the guest cancelled → the
   * host hears it from us, and the guest gets the METHOD:CANCEL in the .ics flow. A slot cancelled
   * in Google was told by the sync. One cancellation per slot, whoever sends it.
   */
  async bookingCancelled(context: SlotContext, hostNote: string | null): Promise<void> {
    const view = bookingView(context);
    const { slot } = context;
    const cause = slot.history.findLast((t) => t.to === 'cancelled')?.cause;
    const step = stepOf(slot, ENDED);
    if (cause === CANCEL_CAUSES.host) {
      if (slot.inviteMode === 'ics') await this.once(context, 'guest-ics-cancellation', guestCancelledByHost(view, hostNote, step));
      else if (hostNote?.trim()) await this.once(context, 'guest-host-cancel-note', guestCancelledByHost(view, hostNote, null));
    } else if (cause === CANCEL_CAUSES.guest) {
      await this.once(context, 'host-guest-cancelled', hostGuestCancelledNotice(view));
      if (slot.inviteMode === 'ics') await this.once(context, 'guest-ics-cancellation', guestIcsCancelledByGuest(view, step));
    }
  }

  /** What happened in Google, told to whoever would not hear it from Google. */
  async notify(context: SlotContext, notice: SyncNotice): Promise<void> {
    if (notice === 'host-event-moved' || notice === 'guest-ics-moved') return this.moved(context, notice);
    const view = bookingView(context);
    const mail = {
      'host-guest-declined': () => hostGuestDeclinedNotice(view),
      'host-guest-tentative': () => hostGuestTentativeNotice(view),
      'host-event-cancelled': () => hostEventCancelledNotice(view),
      'guest-ics-cancellation': () => guestIcsCancellation(view, stepOf(context.slot, ENDED)),
    }[notice]();
    await this.once(context, notice, mail);
  }

  /** The slot's latest move, once per move; a later step has told the newer state already. */
  private async moved(context: SlotContext, notice: MoveNotice): Promise<void> {
    const move = latestMove(context.slot);
    if (!move) return;
    const view = bookingView(context);
    const mail =
      notice === 'host-event-moved'
        ? hostEventMovedNotice(view, move.from, context.slot.inviteMode, waitsForCells(context.slot, holdsTime(context.slot.status)))
        : guestIcsUpdate(this.guestView(context), move.step, move.from, context.slot.status === 'booked' ? 'CONFIRMED' : 'TENTATIVE');
    await this.once(context, moveNoticeKey(notice, move), mail);
  }

  /**
   * After the guest moved the booking with their manage link (./reschedule-booking): the host is
   * told from → to, with fresh Confirm / Decline links when the new time waits for them; in the
   * .ics flow the guest gets the updated invitation and their new link (Google mails it otherwise,
   * in the event's description). Once per reschedule.
   */
  async guestRescheduled(context: SlotContext): Promise<void> {
    const { slot } = context;
    const step = slot.history.findLastIndex((t) => t.cause === GUEST_RESCHEDULED);
    const previous = slot.history[step]?.movedFrom;
    if (!previous || !holdsTime(slot.status)) return;
    const decision = slot.status === 'requested' ? this.deps.links.linksFor(context.slotId, this.deps.now()) : undefined;
    await this.once(context, `host-guest-rescheduled:${step}`, hostGuestRescheduledNotice(bookingView(context), previous, slot.inviteMode, decision));
    if (slot.inviteMode === 'ics') {
      const status = slot.status === 'booked' ? 'CONFIRMED' : 'TENTATIVE';
      await this.once(context, `guest-ics-rescheduled:${step}`, guestIcsRescheduled(this.guestView(context), step, previous, status));
    }
  }

  /** Told once, when the connection goes from working to broken. */
  async connectionBroken(subscriberId: string, host: Subscriber, reconnectUrl: string, at: Date): Promise<void> {
    await this.deps.mailer.send(hostConnectionBrokenNotice(host, reconnectUrl), `${subscriberId}:connection-broken:${at.toISOString()}`);
  }

  private async once({ slotId, slot }: SlotContext, notice: string, mail: OutgoingMail): Promise<void> {
    // Told already, as far as this view of the slot knows; the mailer's claim is what makes it once.
    if (slot.notices.includes(notice)) return;
    await this.deps.mailer.send(mail, `${slotId}:${notice}`);
    await this.deps.slots.recordNotice(slotId, notice);
  }
}
