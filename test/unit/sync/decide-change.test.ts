import type { GoogleEvent } from '../../../shared/google/calendar';
import type { Slot } from '../../../shared/store/slots';
import { decideChange as decide } from '../../../shared/sync/decide-change';

const at = new Date('2026-12-01T08:00:00Z');
const start = new Date('2026-12-02T09:00:00Z');
const end = new Date('2026-12-02T09:30:00Z');
const HOST = 'host@example.com';
const GUEST_EMAIL = 'Guest@Example.org';
/** These cases' clock: no step of ours is under way in them (test/unit/sync/decide-change-steps.test.ts has those). */
const decideChange = (slot: Slot, event: GoogleEvent) => decide(slot, event, at);

function slot(overrides: Partial<Slot> = {}): Slot {
  return {
    subscriberId: 'h1',
    start,
    end,
    guest: { name: 'Guest', email: GUEST_EMAIL, timezone: 'UTC' },
    message: null,
    status: 'requested',
    inviteMode: 'google',
    calendarId: HOST,
    eventId: 'abcdef',
    guestResponse: 'needsAction',
    claimIds: [],
    history: [{ from: null, to: 'requested', cause: 'guest_booked', at }],
    decision: null,
    notices: [],
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

function event(host: string, guest: string, overrides: GoogleEvent = {}): GoogleEvent {
  return {
    id: 'abcdef',
    status: 'tentative',
    start: { dateTime: start.toISOString() },
    end: { dateTime: end.toISOString() },
    attendees: [
      { email: HOST, self: true, responseStatus: host },
      { email: 'guest@example.org', responseStatus: guest },
    ],
    ...overrides,
  };
}

const movedTo = { start: new Date('2026-12-03T09:00:00Z'), end: new Date('2026-12-03T09:30:00Z') };

/** A slot the host has moved in Google from `start` to `movedTo`: the move is its step 1. */
function movedSlot(overrides: Partial<Slot> = {}): Slot {
  return slot({
    ...movedTo,
    history: [...slot().history, { from: 'requested', to: 'requested', cause: 'moved_in_google', at, movedFrom: { start, end } }],
    ...overrides,
  });
}

describe('what a Google change means for a slot', () => {
  it.each(['requested', 'booked'] as const)('guest declined (slot %s) → declined, event deleted quietly, host told', (status) => {
    expect(decideChange(slot({ status }), event('needsAction', 'declined'))).toEqual({
      transition: { to: 'declined', cause: 'guest_declined' },
      guestResponse: 'declined',
      effects: [
        { kind: 'deleteEvent', sendUpdates: 'none' },
        { kind: 'notify', notice: 'host-guest-declined' },
      ],
    });
  });

  it.each(['requested', 'booked'] as const)('guest accepted (slot %s) → recorded only; the host must still confirm', (status) => {
    expect(decideChange(slot({ status }), event(status === 'booked' ? 'accepted' : 'needsAction', 'accepted'))).toEqual({ guestResponse: 'accepted', effects: [] });
  });

  it.each(['requested', 'booked'] as const)('guest said maybe (slot %s) → recorded, host told', (status) => {
    expect(decideChange(slot({ status }), event(status === 'booked' ? 'accepted' : 'needsAction', 'tentative'))).toEqual({
      guestResponse: 'tentative',
      effects: [{ kind: 'notify', notice: 'host-guest-tentative' }],
    });
  });

  it('host accepted in Google (slot requested) → booked, event confirmed with Google telling the guest', () => {
    expect(decideChange(slot(), event('accepted', 'needsAction'))).toEqual({
      transition: { to: 'booked', cause: 'host_accepted_in_google' },
      effects: [{ kind: 'confirmEvent' }],
    });
  });

  it.each(['requested', 'booked'] as const)('host declined in Google (slot %s) → declined, event deleted with Google telling the guest', (status) => {
    expect(decideChange(slot({ status }), event('declined', 'accepted'))).toEqual({
      transition: { to: 'declined', cause: 'host_declined_in_google' },
      effects: [{ kind: 'deleteEvent', sendUpdates: 'all' }],
    });
  });

  it.each(['requested', 'booked'] as const)('event cancelled, the host deleted it (slot %s) → cancelled, host told', (status) => {
    expect(decideChange(slot({ status }), { id: 'abcdef', status: 'cancelled' })).toEqual({
      transition: { to: 'cancelled', cause: 'event_deleted_in_google' },
      effects: [{ kind: 'notify', notice: 'host-event-cancelled' }],
    });
  });

  it('event cancelled in the .ics flow → the guest hears it from us too', () => {
    expect(decideChange(slot({ inviteMode: 'ics' }), { id: 'abcdef', status: 'cancelled' }).effects).toEqual([
      { kind: 'notify', notice: 'host-event-cancelled' },
      { kind: 'notify', notice: 'guest-ics-cancellation' },
    ]);
  });

  it.each(['requested', 'booked'] as const)('start/end moved by the host (slot %s) → same status, new time, the host told (Google tells the guest)', (status) => {
    const moved = event(status === 'booked' ? 'accepted' : 'needsAction', 'needsAction', {
      start: { dateTime: '2026-12-03T10:00:00+01:00' },
      end: { dateTime: '2026-12-03T10:30:00+01:00' },
    });
    expect(decideChange(slot({ status }), moved)).toEqual({
      moved: { start: new Date('2026-12-03T09:00:00Z'), end: new Date('2026-12-03T09:30:00Z') },
      effects: [{ kind: 'notify', notice: 'host-event-moved' }],
    });
  });

  it.each(['requested', 'booked'] as const)('moved by the host in the .ics flow (slot %s) → the guest gets the new time from us too', (status) => {
    const hold = { ...event('x', 'x', { status: 'confirmed', start: { dateTime: movedTo.start.toISOString() }, end: { dateTime: movedTo.end.toISOString() } }), attendees: [] };
    expect(decideChange(slot({ status, inviteMode: 'ics' }), hold)).toEqual({
      moved: movedTo,
      effects: [
        { kind: 'notify', notice: 'host-event-moved' },
        { kind: 'notify', notice: 'guest-ics-moved' },
      ],
    });
  });

  it('a move to an end before its start is not followed', () => {
    expect(decideChange(slot(), event('needsAction', 'needsAction', { start: { dateTime: movedTo.end.toISOString() }, end: { dateTime: movedTo.start.toISOString() } }))).toEqual({ effects: [] });
  });

  const KEY = '1:2026-12-03T09:00:00.000Z';
  it.each([
    ['nothing told yet (the sync stopped after the move)', movedSlot({ inviteMode: 'ics' }), [{ kind: 'notify', notice: 'host-event-moved' }, { kind: 'notify', notice: 'guest-ics-moved' }]],
    ['the host told, the guest not', movedSlot({ inviteMode: 'ics', notices: [`host-event-moved:${KEY}`] }), [{ kind: 'notify', notice: 'guest-ics-moved' }]],
    ['everyone told (the same change applied again)', movedSlot({ inviteMode: 'ics', notices: [`host-event-moved:${KEY}`, `guest-ics-moved:${KEY}`] }), []],
    ['the host told in the invite flow, where Google tells the guest', movedSlot({ notices: [`host-event-moved:${KEY}`] }), []],
    [
      'an earlier move told, this one not (a move back is a new move)',
      movedSlot({
        inviteMode: 'ics',
        notices: [`host-event-moved:${KEY}`, `guest-ics-moved:${KEY}`],
        history: [...movedSlot().history, { from: 'requested', to: 'requested', cause: 'moved_in_google', at, movedFrom: movedTo }],
      }),
      [{ kind: 'notify', notice: 'host-event-moved' }, { kind: 'notify', notice: 'guest-ics-moved' }],
    ],
    [
      'a later step since (the confirmation carried the new time)',
      movedSlot({ inviteMode: 'ics', status: 'booked', history: [...movedSlot().history, { from: 'requested', to: 'booked', cause: 'host_confirmed', at }] }),
      [],
    ],
    [
      'a move recorded before moves were told (no time it left)',
      movedSlot({ inviteMode: 'ics', history: [...slot().history, { from: 'requested', to: 'requested', cause: 'moved_in_google', at }] }),
      [],
    ],
  ] as [string, Slot, unknown[]][])('a slot that has moved owes the notices of its latest move only: %s', (_, before, effects) => {
    const now = before.inviteMode === 'ics' ? { ...event('x', 'x', { status: 'confirmed' }), attendees: [] } : event('needsAction', 'needsAction');
    expect(decideChange(before, { ...now, start: { dateTime: movedTo.start.toISOString() }, end: { dateTime: movedTo.end.toISOString() } })).toEqual({ effects });
  });

  it('our own writes echoing back change nothing', () => {
    // Our insert: tentative, both needsAction.
    expect(decideChange(slot(), event('needsAction', 'needsAction'))).toEqual({ effects: [] });
    // Our confirm: host accepted, event confirmed, slot booked.
    expect(decideChange(slot({ status: 'booked' }), event('accepted', 'needsAction', { status: 'confirmed' }))).toEqual({ effects: [] });
    // Our deny: the event deleted, slot declined.
    expect(decideChange(slot({ status: 'declined' }), { id: 'abcdef', status: 'cancelled' })).toEqual({ effects: [] });
    // A HOLD event of the .ics flow has no attendees.
    expect(decideChange(slot({ inviteMode: 'ics' }), { ...event('x', 'x', { status: 'confirmed' }), attendees: [] })).toEqual({ effects: [] });
  });

  it('applying the same change twice does nothing the second time', () => {
    const declined = slot({
      status: 'declined',
      guestResponse: 'declined',
      history: [...slot().history, { from: 'requested', to: 'declined', cause: 'guest_declined', at }],
      notices: ['host-guest-declined'],
    });
    // The event is already gone: nothing more.
    expect(decideChange(declined, { id: 'abcdef', status: 'cancelled' })).toEqual({ effects: [] });
    const tentative = slot({ guestResponse: 'tentative' });
    expect(decideChange(tentative, event('needsAction', 'tentative'))).toEqual({ effects: [] });
  });

  it('a slot that is over while its event still stands gets the delete it missed', () => {
    const denied = slot({ status: 'declined', history: [...slot().history, { from: 'requested', to: 'declined', cause: 'host_denied', at }] });
    expect(decideChange(denied, event('needsAction', 'needsAction'))).toEqual({ effects: [{ kind: 'deleteEvent', sendUpdates: 'all' }] });
    const guestDeclined = slot({ status: 'declined', history: [...slot().history, { from: 'requested', to: 'declined', cause: 'guest_declined', at }], notices: ['host-guest-declined'] });
    expect(decideChange(guestDeclined, event('needsAction', 'declined'))).toEqual({ effects: [{ kind: 'deleteEvent', sendUpdates: 'none' }] });
  });

  const over = (cause: string, overrides: Partial<Slot> = {}) => {
    const status = cause === 'event_deleted_in_google' ? 'cancelled' : 'declined';
    return slot({ status, history: [...slot().history, { from: 'requested', to: status, cause, at }], ...overrides });
  };

  it.each([
    ['guest declined, delete failed', over('guest_declined'), event('needsAction', 'declined'), [{ kind: 'deleteEvent', sendUpdates: 'none' }, { kind: 'notify', notice: 'host-guest-declined' }]],
    ['guest declined, event gone, host not yet told', over('guest_declined'), { id: 'abcdef', status: 'cancelled' }, [{ kind: 'notify', notice: 'host-guest-declined' }]],
    ['deleted in Google, host not yet told', over('event_deleted_in_google'), { id: 'abcdef', status: 'cancelled' }, [{ kind: 'notify', notice: 'host-event-cancelled' }]],
    [
      'deleted in Google (.ics flow), guest told, host not',
      over('event_deleted_in_google', { inviteMode: 'ics', notices: ['guest-ics-cancellation'] }),
      { id: 'abcdef', status: 'cancelled' },
      [{ kind: 'notify', notice: 'host-event-cancelled' }],
    ],
    ['deleted in Google, everyone told', over('event_deleted_in_google', { inviteMode: 'ics', notices: ['host-event-cancelled', 'guest-ics-cancellation'] }), { id: 'abcdef', status: 'cancelled' }, []],
    ['denied by the host here: nothing promised', over('host_denied'), { id: 'abcdef', status: 'cancelled' }, []],
  ] as [string, Slot, GoogleEvent, unknown[]][])('a slot that is over still owes what its transition promised: %s', (_, before, now, effects) => {
    expect(decideChange(before, now)).toEqual({ effects });
  });

  it('finds the host by the calendar id when Google gives no self flag, and the guest by email in any case', () => {
    const noSelf = event('accepted', 'needsAction');
    noSelf.attendees = [
      { email: 'HOST@example.com', responseStatus: 'accepted' },
      { email: 'GUEST@EXAMPLE.ORG', responseStatus: 'needsAction' },
    ];
    expect(decideChange(slot(), noSelf).transition).toEqual({ to: 'booked', cause: 'host_accepted_in_google' });
  });
});
