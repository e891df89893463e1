// The scheduled run's verdict on a step (confirm, deny, cancel) whose instance stopped: finished as
// the step would have when Google has its outcome, released when Google has nothing of it.
import { HOLD_PREFIX } from '../../../shared/booking/invite-events';
import { STEP_LEASE_MS } from '../../../shared/booking/slot-state';
import { isStepStalled, judgeStalledStep, sameStep, STEP_STALLED_AFTER_MS, type StepFound } from '../../../shared/booking/stalled-step';
import type { GoogleEvent } from '../../../shared/google/calendar';

const taken = new Date('2026-12-01T08:00:00Z');
const later = new Date(taken.getTime() + STEP_STALLED_AFTER_MS);
const HOST = 'host@example.com';

type Judged = Parameters<typeof judgeStalledStep>[0];

function slot(overrides: Partial<Judged> = {}): Judged {
  return { status: 'booked', decision: { action: 'cancel', at: taken, by: 'guest' }, inviteInFlight: null, inviteMode: 'google', calendarId: HOST, ...overrides };
}

function event(overrides: Partial<GoogleEvent> = {}): StepFound {
  return { kind: 'event', event: { id: 'abcdef', status: 'confirmed', summary: 'Meeting with Guest', ...overrides } };
}

const withHost = (responseStatus: string): Partial<GoogleEvent> => ({
  attendees: [
    { email: HOST, self: true, responseStatus },
    { email: 'guest@example.org', responseStatus: 'needsAction' },
  ],
});

const GONE: StepFound = { kind: 'no_event' };
const DELETED = event({ status: 'cancelled' });
const NO_CALENDAR: StepFound = { kind: 'no_calendar' };
const UNAVAILABLE: StepFound = { kind: 'calendar_unavailable' };
const RELEASE = { kind: 'release' };
const LEAVE = { kind: 'leave' };
const finish = (to: string, cause: string) => ({ kind: 'finish', to, cause });

const requested = (action: 'confirm' | 'deny', overrides: Partial<Judged> = {}) => slot({ status: 'requested', decision: { action, at: taken, by: 'host' }, ...overrides });

describe('a stalled cancel', () => {
  it.each([
    ["the guest's, its delete done (404)", slot(), GONE, finish('cancelled', 'guest_cancelled')],
    ["the guest's, its delete done (a deleted event)", slot(), DELETED, finish('cancelled', 'guest_cancelled')],
    ["the host's, of a requested slot", slot({ status: 'requested', decision: { action: 'cancel', at: taken, by: 'host', note: 'sorry' } }), DELETED, finish('cancelled', 'host_cancelled')],
    ['one taken before `by` was recorded counts as the host\'s', slot({ decision: { action: 'cancel', at: taken } }), GONE, finish('cancelled', 'host_cancelled')],
    ['of a host with no Google calendar: nothing was to be done at Google', slot({ calendarId: null }), NO_CALENDAR, finish('cancelled', 'guest_cancelled')],
    // The instance stopped before Google deleted anything: as a failure at Google leaves it.
    ['the event still stands', slot(), event(), RELEASE],
    ['Google unreachable: nothing can be told yet', slot(), UNAVAILABLE, LEAVE],
  ] as const)('%s', (_case, given, found, expected) => {
    expect(judgeStalledStep(given, found, later)).toEqual(expected);
  });
});

describe("a stalled decision of the host's", () => {
  it.each([
    ['a deny, its delete done', requested('deny'), GONE, finish('declined', 'host_denied')],
    ['a deny, the event deleted', requested('deny'), DELETED, finish('declined', 'host_denied')],
    ['a deny, the event still stands', requested('deny'), event(withHost('needsAction')), RELEASE],
    ['a deny, no Google calendar', requested('deny', { calendarId: null }), NO_CALENDAR, finish('declined', 'host_denied')],
    ['a confirm, the host accepted at Google (invite flow)', requested('confirm'), event(withHost('accepted')), finish('booked', 'host_confirmed')],
    ['a confirm, the event not patched (invite flow)', requested('confirm'), event({ status: 'tentative', ...withHost('needsAction') }), RELEASE],
    ['a confirm, the HOLD made the booking (.ics flow)', requested('confirm', { inviteMode: 'ics' }), event(), finish('booked', 'host_confirmed')],
    ['a confirm, still a HOLD (.ics flow)', requested('confirm', { inviteMode: 'ics' }), event({ summary: `${HOLD_PREFIX}Meeting with Guest` }), RELEASE],
    // A confirm deletes nothing: the host deleted it in Google, which the next sync records.
    ['a confirm, the event gone', requested('confirm'), GONE, RELEASE],
    ['a confirm, no Google calendar', requested('confirm', { calendarId: null }), NO_CALENDAR, finish('booked', 'host_confirmed')],
    ['a confirm, Google unreachable', requested('confirm'), UNAVAILABLE, LEAVE],
  ] as const)('%s', (_case, given, found, expected) => {
    expect(judgeStalledStep(given, found, later)).toEqual(expected);
  });
});

describe('a slot the step no longer fits, or not for the run yet', () => {
  it.each([
    ['no step', slot({ decision: null }), GONE, LEAVE],
    ['a step still within its lease and the grace after it', slot({ decision: { action: 'cancel', at: new Date(later.getTime() - 1), by: 'guest' } }), GONE, LEAVE],
    ["its invite still in flight: the booking's own request is settled first", slot({ inviteInFlight: { until: taken, changeSeen: false } }), GONE, LEAVE],
    ['ended by something else (the guest declined in Google)', slot({ status: 'declined' }), GONE, RELEASE],
    ['cancelled by a sync past the lease', slot({ status: 'cancelled' }), GONE, RELEASE],
    ['a confirm on a slot booked meanwhile (the host accepted in Google)', requested('confirm', { status: 'booked' }), event(withHost('accepted')), RELEASE],
    ['a deny on a booked slot', requested('deny', { status: 'booked' }), GONE, RELEASE],
  ] as const)('%s', (_case, given, found, expected) => {
    expect(judgeStalledStep(given, found, later)).toEqual(expected);
  });

  it('a step is stalled once its lease and a minute more are over', () => {
    expect(STEP_STALLED_AFTER_MS).toBeGreaterThan(STEP_LEASE_MS);
    expect(isStepStalled({ decision: { action: 'deny', at: taken } }, new Date(later.getTime() - 1))).toBe(false);
    expect(isStepStalled({ decision: { action: 'deny', at: taken } }, later)).toBe(true);
    expect(isStepStalled({ decision: null }, later)).toBe(false);
  });

  it('the step read is the step still held only if nobody took another since', () => {
    const step = { action: 'cancel', at: taken, by: 'guest' } as const;
    expect(sameStep({ decision: { ...step } }, step)).toBe(true);
    expect(sameStep({ decision: { ...step, at: later } }, step)).toBe(false);
    expect(sameStep({ decision: { ...step, action: 'deny' } }, step)).toBe(false);
    expect(sameStep({ decision: null }, step)).toBe(false);
  });
});
