// Who may judge a slot whose invite is being made, when an event already under its id is the
// booking, and what the scheduled run does with a slot whose request died: tables, no I/O.
import type { TimeRange } from '../../../shared/booking/availability';
import {
  busyWithoutOwnEvent,
  inviteInFlight,
  isStalled,
  judgeExistingEvent,
  judgeStalledInvite,
  leftToItsRequest,
  STALLED_AFTER_MS,
  type InviteFound,
  type StalledVerdict,
} from '../../../shared/booking/invite-in-flight';
import type { GoogleEvent } from '../../../shared/google/calendar';
import { EVENT_TAG, SLOT_ID_PROPERTY } from '../../../shared/google/event-identity';

const slotId = 'slot-1';
const slot = { start: new Date('2030-01-07T09:00:00Z'), end: new Date('2030-01-07T09:30:00Z') };
const ours: GoogleEvent = {
  id: 'e1',
  status: 'tentative',
  start: { dateTime: '2030-01-07T10:00:00+01:00', timeZone: 'Europe/Berlin' },
  end: { dateTime: '2030-01-07T10:30:00+01:00', timeZone: 'Europe/Berlin' },
  extendedProperties: { private: { [EVENT_TAG.key]: EVENT_TAG.value, [SLOT_ID_PROPERTY]: slotId } },
};

describe('an event Google already has under a slot\'s event id', () => {
  const cases: [string, GoogleEvent, 'ours' | 'unusable'][] = [
    ['standing, ours, at the slot\'s time (offsets as Google writes them): the booking', ours, 'ours'],
    ['confirmed (an auto-confirmed booking, a HOLD event): the booking', { ...ours, status: 'confirmed' }, 'ours'],
    ['deleted (Google keeps the id; say the sync removed an earlier attempt\'s event): unusable', { ...ours, status: 'cancelled' }, 'unusable'],
    ['a deleted event as a sync lists it, id and status only: unusable', { id: 'e1', status: 'cancelled' }, 'unusable'],
    ['made for another slot id: unusable', { ...ours, extendedProperties: { private: { [EVENT_TAG.key]: EVENT_TAG.value, [SLOT_ID_PROPERTY]: 'slot-2' } } }, 'unusable'],
    ['without our tag: unusable', { ...ours, extendedProperties: { private: { [SLOT_ID_PROPERTY]: slotId } } }, 'unusable'],
    ['at another time (a key used again for another time after a discard): unusable', { ...ours, start: { dateTime: '2030-01-07T11:00:00+01:00' } }, 'unusable'],
    ['all-day, no date-time: unusable', { ...ours, start: { date: '2030-01-07' }, end: { date: '2030-01-08' } }, 'unusable'],
  ];
  it.each(cases)('%s', (_name, event, verdict) => {
    expect(judgeExistingEvent(slotId, slot, event)).toBe(verdict);
  });
});

describe('busy time without a retry\'s own earlier event', () => {
  const at = (from: string, to: string): TimeRange => ({ start: new Date(`2030-01-07T${from}:00Z`), end: new Date(`2030-01-07T${to}:00Z`) });
  const own = at('09:00', '09:30');
  const cases: [string, TimeRange[], TimeRange[]][] = [
    ['exactly its time: nothing left', [own], []],
    ['merged with a meeting right after (free/busy merges): the meeting stays', [at('09:00', '10:30')], [at('09:30', '10:30')]],
    ['merged with meetings on both sides: both stay', [at('08:00', '11:00')], [at('08:00', '09:00'), at('09:30', '11:00')]],
    ['apart from it: untouched', [at('07:00', '08:00'), at('10:00', '11:00')], [at('07:00', '08:00'), at('10:00', '11:00')]],
    ['touching it: untouched', [at('08:30', '09:00'), at('09:30', '10:00')], [at('08:30', '09:00'), at('09:30', '10:00')]],
    ['nothing busy', [], []],
  ];
  it.each(cases)('%s', (_name, busy, left) => {
    expect(busyWithoutOwnEvent(busy, own)).toEqual(left);
  });
});

describe('a slot whose invite is in flight', () => {
  const until = new Date('2030-01-01T10:01:00Z');
  it('is in flight while marked, and not once the mark is cleared or on a slot written before marks', () => {
    expect(inviteInFlight({ inviteInFlight: { until, changeSeen: false } })).toBe(true);
    expect(inviteInFlight({ inviteInFlight: null })).toBe(false);
    expect(inviteInFlight({})).toBe(false);
  });

  it('is left to its request by a sync, which notes that it saw a change; a made invite is judged as usual', () => {
    const making = { status: 'requested', inviteInFlight: { until, changeSeen: false } };
    const made = { status: 'requested', inviteInFlight: null };
    const older: { status: string; inviteInFlight?: null } = { status: 'requested' };
    expect(leftToItsRequest(making)).toEqual({ status: 'requested', inviteInFlight: { until, changeSeen: true } });
    expect(leftToItsRequest(made)).toBeUndefined();
    expect(leftToItsRequest(older)).toBeUndefined();
  });

  it('is taken by the scheduled run only once its request\'s time limit is long over', () => {
    const mark = { inviteInFlight: { until, changeSeen: false } };
    expect(isStalled(mark, new Date(until.getTime() + STALLED_AFTER_MS - 1))).toBe(false);
    expect(isStalled(mark, new Date(until.getTime() + STALLED_AFTER_MS))).toBe(true);
    expect(isStalled({ inviteInFlight: null }, new Date('2031-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('the scheduled run on a slot whose request died making its invite', () => {
  const cases: [string, InviteFound, StalledVerdict][] = [
    ['the event stands and is the booking: completed (the host is told)', { kind: 'event', event: ours }, { kind: 'complete' }],
    ['no calendar to write to (no Google connection at booking time): completed', { kind: 'no_calendar' }, { kind: 'complete' }],
    ['Google has no event under the id: released', { kind: 'no_event' }, { kind: 'release', reason: 'no_event', deleteEvent: false }],
    ['the event was deleted: released, nothing to delete', { kind: 'event', event: { ...ours, status: 'cancelled' } }, { kind: 'release', reason: 'event_unusable', deleteEvent: false }],
    ['an event of ours at another time stands under the id: released, and that event removed', { kind: 'event', event: { ...ours, start: { dateTime: '2030-01-07T08:00:00Z' } } }, { kind: 'release', reason: 'event_unusable', deleteEvent: true }],
    ['the host\'s connection is broken or gone: released', { kind: 'calendar_unavailable' }, { kind: 'release', reason: 'calendar_unavailable', deleteEvent: false }],
  ];
  it.each(cases)('%s', (_name, found, verdict) => {
    expect(judgeStalledInvite(slotId, slot, found)).toEqual(verdict);
  });
});
