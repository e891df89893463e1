// A slot's history as the host reads it on the bookings page: what happened, by whom, and when.
// Each cause the code records (`cause:` in a transition) has its sentence here; a cause this
// table does not know yet still reads as the status it led to, with the cause in words. Pure:
// tested as a table (test/unit/booking/history-text.test.ts).
import { DateTime } from 'luxon';
import type { SlotStatus, Transition } from '../store/slots';
import { formatStart } from '../time/time-text';

const SENTENCES: Record<string, string> = {
  guest_booked: 'Requested by the guest',
  auto_confirmed: 'Confirmed automatically: the time was free',
  host_confirmed: 'Confirmed by you',
  host_denied: 'Declined by you',
  host_cancelled: 'Cancelled by you',
  guest_cancelled: 'Cancelled by the guest',
  guest_declined: 'Declined by the guest in Google',
  host_accepted_in_google: 'Confirmed by you in Google Calendar (you accepted the event)',
  host_declined_in_google: 'Declined by you in Google Calendar',
  event_deleted_in_google: 'Cancelled: the event was deleted in Google Calendar',
};

/** Moves: the slot's time changed; the sentence says from which time to which. */
const MOVES: Record<string, string> = {
  moved_in_google: 'Moved in Google',
  guest_rescheduled: 'Moved by the guest',
};

export const KNOWN_CAUSES: readonly string[] = [...Object.keys(SENTENCES), ...Object.keys(MOVES)];

/** The status words of the bookings page (the host's "no" is "Declined" everywhere). */
export const STATUS_WORDS: Record<SlotStatus, string> = {
  requested: 'Waiting for your decision',
  booked: 'Confirmed',
  declined: 'Declined',
  cancelled: 'Cancelled',
};

interface TimeRange {
  start: Date;
  end: Date;
}

/** "from 10:00 to 11:00 on Tuesday 10 March", or with both days when it changed day. */
function moveText(from: TimeRange | undefined, to: TimeRange, zone: string): string {
  const toStart = DateTime.fromJSDate(to.start, { zone }).setLocale('en-GB');
  const day = toStart.toFormat('cccc d LLLL');
  if (!from) return `to ${toStart.toFormat('HH:mm')} on ${day}`;
  const fromStart = DateTime.fromJSDate(from.start, { zone }).setLocale('en-GB');
  if (fromStart.hasSame(toStart, 'day')) return `from ${fromStart.toFormat('HH:mm')} to ${toStart.toFormat('HH:mm')} on ${day}`;
  return `from ${formatStart(from.start, zone)} to ${formatStart(to.start, zone)}`;
}

/**
 * One transition in words. `movedTo`: where a move took the slot (the time the next move left
 * from, or the slot's time now), in the host's `zone`.
 */
export function transitionSentence(transition: Transition, movedTo: TimeRange | undefined, zone: string): string {
  const move = MOVES[transition.cause];
  if (move && movedTo) return `${move} ${moveText(transition.movedFrom, movedTo, zone)}`;
  const known = SENTENCES[transition.cause] ?? move;
  if (known) return known;
  return `${transition.to === 'requested' ? 'Requested' : STATUS_WORDS[transition.to]} (${transition.cause.replace(/[_-]+/g, ' ').trim()})`;
}

export interface HistoryLine {
  text: string;
  at: Date;
  /** When, in the host's zone: "Mon 2 Mar, 09:00". */
  when: string;
}

/** A slot's history, oldest first, in the host's zone. */
export function historyInWords(slot: { history: readonly Transition[]; start: Date; end: Date }, zone: string): HistoryLine[] {
  return slot.history.map((transition, i) => {
    // A move went to where the next move left from; the last one to where the slot is now.
    const movedTo = slot.history.slice(i + 1).find((later) => later.movedFrom)?.movedFrom ?? { start: slot.start, end: slot.end };
    return { text: transitionSentence(transition, movedTo, zone), at: transition.at, when: formatStart(transition.at, zone) };
  });
}
