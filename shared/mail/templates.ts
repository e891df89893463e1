// What each mail of a booking says, in one place for its callers: the mails to guests
// (./guest-mails) and to hosts (./host-mails), made of ./mail-parts. Pure: a view of the booking
// in, an OutgoingMail out.
import { formatTimeRange } from '../time/time-text';

export type { BookingView, DecisionLinks, InviteMode, TimeRange } from './mail-parts';
export * from './guest-mails';
export * from './host-mails';

/** Mail times read as on our pages (shared/time/time-text); tests and callers take them from here too. */
export { formatTimeRange };
