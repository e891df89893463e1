// The host's confirm patches the event (the host accepted): a sync that meets that patch before the
// confirm recorded it leaves the slot to the confirm, which records host_confirmed and its mail
// (else the confirm meets a booked slot and answers the host "conflict").
import { STEP_LEASE_MS } from '../../../shared/booking/slot-state';
import type { GoogleEvent } from '../../../shared/google/calendar';
import type { Slot } from '../../../shared/store/slots';
import { decideChange } from '../../../shared/sync/decide-change';

const taken = new Date('2026-12-01T08:00:00Z');
const start = new Date('2026-12-02T09:00:00Z');
const end = new Date('2026-12-02T09:30:00Z');
const HOST = 'host@example.com';

function slot(overrides: Partial<Slot> = {}): Slot {
  return {
    subscriberId: 'h1',
    start,
    end,
    guest: { name: 'Guest', email: 'guest@example.org', timezone: 'UTC' },
    message: null,
    status: 'requested',
    inviteMode: 'google',
    calendarId: HOST,
    eventId: 'abcdef',
    guestResponse: 'needsAction',
    claimIds: [],
    history: [{ from: null, to: 'requested', cause: 'guest_booked', at: taken }],
    decision: null,
    notices: [],
    createdAt: taken,
    updatedAt: taken,
    ...overrides,
  };
}

function accepted(guestResponse = 'needsAction', status = 'confirmed'): GoogleEvent {
  return {
    id: 'abcdef',
    status,
    start: { dateTime: start.toISOString() },
    end: { dateTime: end.toISOString() },
    attendees: [
      { email: HOST, self: true, responseStatus: 'accepted' },
      { email: 'guest@example.org', responseStatus: guestResponse },
    ],
  };
}

const after = (ms: number) => new Date(taken.getTime() + ms);
const confirming = { action: 'confirm', at: taken, by: 'host' } as const;

describe('the host accepted in Google while our confirm is under way', () => {
  it.each([
    ['our confirm under way: left to it', slot({ decision: confirming }), accepted(), after(1_000), { effects: [] }],
    ['our confirm just inside its lease', slot({ decision: confirming }), accepted(), after(STEP_LEASE_MS - 1), { effects: [] }],
    // Its instance stopped: the slot follows Google, as with no step at all.
    ['our confirm past its lease', slot({ decision: confirming }), accepted(), after(STEP_LEASE_MS), { transition: { to: 'booked', cause: 'host_accepted_in_google' }, effects: [] }],
    ['no step', slot(), accepted(), after(1_000), { transition: { to: 'booked', cause: 'host_accepted_in_google' }, effects: [] }],
    ['a deny under way (the host accepted in Google meanwhile)', slot({ decision: { action: 'deny', at: taken } }), accepted(), after(1_000), { transition: { to: 'booked', cause: 'host_accepted_in_google' }, effects: [] }],
  ] as const)('%s', (_case, given, event, now, expected) => {
    expect(decideChange(given, event, now)).toEqual(expected);
  });

  it("the guest's own answer is still recorded meanwhile", () => {
    expect(decideChange(slot({ decision: confirming }), accepted('tentative'), after(1_000))).toEqual({ guestResponse: 'tentative', effects: [{ kind: 'notify', notice: 'host-guest-tentative' }] });
  });
});
