import { guestChoices, judgeReschedule } from '../../../shared/booking/guest-change';
import type { Slot } from '../../../shared/store/slots';

const start = new Date('2026-12-01T10:00:00Z');
const hour = 60 * 60_000;
const at = (ms: number) => new Date(start.getTime() + ms);

type Judged = Pick<Slot, 'status' | 'start' | 'decision' | 'inviteInFlight'>;
const requested: Judged = { status: 'requested', start, decision: null, inviteInFlight: null };

describe('what a guest may do with their booking', () => {
  it.each([
    ['a requested booking before the limit', 'open', requested, 2, at(-3 * hour)],
    ['a confirmed booking before the limit', 'open', { ...requested, status: 'booked' as const }, 2, at(-3 * hour)],
    ['a booking at the limit exactly', 'closed', requested, 2, at(-2 * hour)],
    ['a booking that has begun', 'closed', requested, 2, at(1)],
    ['a booking with no limit, just before its start', 'open', requested, 0, at(-1)],
    ['a cancelled booking', 'over', { ...requested, status: 'cancelled' as const }, 2, at(-3 * hour)],
    ['a declined booking, even past the limit', 'over', { ...requested, status: 'declined' as const }, 2, at(hour)],
  ])('%s: %s', (_name, kind, slot, limit, now) => {
    expect(guestChoices(slot, limit, now).kind).toBe(kind);
  });

  it('closes changes the host\'s limit before the start', () => {
    expect(guestChoices(requested, 2.5, at(-3 * hour))).toEqual({ kind: 'open', closesAt: at(-2.5 * hour) });
  });
});

describe('whether a reschedule may start', () => {
  const link = { version: 1, currentVersion: 1 };
  const now = at(-5 * hour);
  it.each([
    ['a current link on a booking open to changes', 'apply', requested, link],
    ['a link a reschedule has spent', 'spent', requested, { version: 0, currentVersion: 1 }],
    ['a spent link on a cancelled booking (the link is judged first)', 'spent', { ...requested, status: 'cancelled' as const }, { version: 0, currentVersion: 1 }],
    ['a cancelled booking', 'over', { ...requested, status: 'cancelled' as const }, link],
    ['a booking whose invite or other reschedule is under way', 'busy', { ...requested, inviteInFlight: { until: now, changeSeen: false } }, link],
    ['a booking the host is deciding on', 'busy', { ...requested, decision: { action: 'confirm' as const, at: new Date(now.getTime() - 5_000) } }, link],
    ['a booking with a decision left by a stopped instance', 'apply', { ...requested, decision: { action: 'confirm' as const, at: new Date(now.getTime() - 61_000) } }, link],
  ])('%s → %s', (_name, kind, slot, given) => {
    expect(judgeReschedule(slot, given, 2, now).kind).toBe(kind);
  });

  it('is closed past the host\'s limit', () => {
    expect(judgeReschedule(requested, link, 2, at(-hour)).kind).toBe('closed');
  });
});
