// A change a sync meets while a step of ours is under way at Google (the slot's `decision`): our own
// delete is not a delete in Google.
import { STEP_LEASE_MS } from '../../../shared/booking/slot-state';
import type { GoogleEvent } from '../../../shared/google/calendar';
import type { Slot } from '../../../shared/store/slots';
import { decideChange, deleteOfOursUnderWay } from '../../../shared/sync/decide-change';

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
    status: 'booked',
    inviteMode: 'google',
    calendarId: HOST,
    eventId: 'abcdef',
    guestResponse: 'accepted',
    claimIds: [],
    history: [{ from: null, to: 'requested', cause: 'guest_booked', at: taken }],
    decision: null,
    notices: [],
    createdAt: taken,
    updatedAt: taken,
    ...overrides,
  };
}

const deleted: GoogleEvent = { id: 'abcdef', status: 'cancelled' };
const after = (ms: number) => new Date(taken.getTime() + ms);
const DELETED_IN_GOOGLE = { transition: { to: 'cancelled', cause: 'event_deleted_in_google' }, effects: [{ kind: 'notify', notice: 'host-event-cancelled' }] };
const LEFT_TO_THE_STEP = { effects: [] };

describe('an event deleted while a step of ours is under way', () => {
  it.each([
    ['a cancel under way (booked)', slot({ decision: { action: 'cancel', at: taken } }), after(1_000), LEFT_TO_THE_STEP],
    ['a cancel under way (requested)', slot({ status: 'requested', guestResponse: 'needsAction', decision: { action: 'cancel', at: taken } }), after(1_000), LEFT_TO_THE_STEP],
    ["the host's deny under way", slot({ status: 'requested', guestResponse: 'needsAction', decision: { action: 'deny', at: taken } }), after(1_000), LEFT_TO_THE_STEP],
    ['a cancel just inside its lease', slot({ decision: { action: 'cancel', at: taken } }), after(STEP_LEASE_MS - 1), LEFT_TO_THE_STEP],
    // Its instance stopped: whoever deleted the event, the slot must not hold its time forever.
    ['a cancel past its lease', slot({ decision: { action: 'cancel', at: taken } }), after(STEP_LEASE_MS), DELETED_IN_GOOGLE],
    ['a deny past its lease', slot({ status: 'requested', decision: { action: 'deny', at: taken } }), after(STEP_LEASE_MS + 5_000), DELETED_IN_GOOGLE],
    // A confirm deletes nothing: the event went in Google (the confirm then finds it gone too).
    ["the host's confirm under way", slot({ status: 'requested', decision: { action: 'confirm', at: taken } }), after(1_000), DELETED_IN_GOOGLE],
    ['no step', slot(), after(1_000), DELETED_IN_GOOGLE],
  ] as const)('%s', (_case, given, now, expected) => {
    expect(decideChange(given, deleted, now)).toEqual(expected);
  });

  it('a slot that no longer holds its time owes nothing for its deleted event, step or not', () => {
    expect(decideChange(slot({ status: 'cancelled', decision: { action: 'cancel', at: taken } }), deleted, after(1_000))).toEqual({ effects: [] });
  });

  it('a step of ours changes nothing else the sync decides: a guest who declines in Google meanwhile still declines', () => {
    const declinedByGuest: GoogleEvent = {
      id: 'abcdef',
      status: 'confirmed',
      start: { dateTime: start.toISOString() },
      end: { dateTime: end.toISOString() },
      attendees: [
        { email: HOST, self: true, responseStatus: 'accepted' },
        { email: 'guest@example.org', responseStatus: 'declined' },
      ],
    };
    expect(decideChange(slot({ decision: { action: 'cancel', at: taken } }), declinedByGuest, after(1_000)).transition).toEqual({ to: 'declined', cause: 'guest_declined' });
  });

  it.each([
    [null, 0, false],
    [{ action: 'cancel', at: taken }, 0, true],
    [{ action: 'deny', at: taken }, STEP_LEASE_MS - 1, true],
    [{ action: 'deny', at: taken }, STEP_LEASE_MS, false],
    [{ action: 'confirm', at: taken }, 0, false],
  ] as const)('a delete of ours under way: step %j, %i ms later → %s', (decision, ms, expected) => {
    expect(deleteOfOursUnderWay({ decision }, after(ms))).toBe(expected);
  });
});
