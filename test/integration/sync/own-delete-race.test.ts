// A sync that meets the event deleted while our own cancel or deny is still at Google: the delete
// is ours, the slot ends as the step says (its cause and its mail), not as "deleted in Google".
//
// The emulator holds the step's delete until the test lets it go (a `hold` fault), so the delete a
// sync meets early is made by the test, with the host's own grant, meanwhile: to the sync this is
// exactly what our delete looks like when the sync runs before the step has its answer (the push
// of the delete, or a sync already running). The sync is run directly, with pushes dropped, so
// that it runs once and at that moment; then the step's delete goes on (Google answers it as for
// an event deleted already, which the step takes as done). No timing: the order is the test's.
// The step is the functions' own operation (cancelAsGuest, carryOutDecision), run here with a
// Calendar client that waits as long as the test holds its call (the functions' gives up at 8 s
// and retries: the sync would then race the retry again).
import { services, syncDeps } from '../../../functions/services';
import { cancelAsGuest } from '../../../shared/booking/cancel-booking';
import { carryOutDecision, type DecisionDeps } from '../../../shared/booking/decide';
import type { HostCalendars } from '../../../shared/booking/host-calendar';
import { watchKey } from '../../../shared/channels/watches';
import { CalendarGateway } from '../../../shared/google/calendar';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import type { Slot } from '../../../shared/store/slots';
import { syncCalendar } from '../../../shared/sync/sync-channel';
import { decisionLinks, tokenOf } from '../../support/booking-client';
import { bookedHost } from '../../support/booked-host';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';
import { until } from '../../support/until';

jest.setTimeout(60_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterEach(async () => {
  await sys.control('/faults/release', {});
  await fetch(`${sys.google.url}/emulator/v1/faults`, { method: 'DELETE' });
  await sys.control('/push', { mode: 'normal' });
});
afterAll(() => sys.close());

const deleteCalls = async () => (await sys.control<{ byOperation: Record<string, number> }>('/requests')).byOperation['events.delete'] ?? 0;

/** The functions' services, with a Calendar client that neither times out nor retries while a call is held. */
function patientDeps(): DecisionDeps {
  const s = services();
  const gateway = new CalendarGateway({ ...s.config.google, retry: { maxRetries: 0 }, requestTimeoutMs: 120_000, log: s.log });
  const calendars: HostCalendars = {
    sessionFor: (id, host) => (host.google ? gateway.session({ id, refreshToken: s.cipher.decrypt(host.google.refreshToken) }) : undefined),
  };
  return { ...s, calendars };
}

async function deleteAsHost(host: TestHost, slotId: string): Promise<void> {
  const res = await fetch(`${sys.google.url}/calendar/v3/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(slotId)}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${await sys.accessToken(host)}` },
  });
  if (res.status !== 204) throw new Error(`delete answered ${res.status}`);
}

/**
 * Starts `step` with its Google delete held, deletes the event meanwhile and runs the calendar's
 * sync, then lets the step's delete go; returns the slot as that sync left it and the step's outcome.
 */
async function syncWhileOurDeleteIsHeld<T>(host: TestHost, slotId: string, step: () => Promise<T>): Promise<{ duringStep: Slot; outcome: T }> {
  await sys.control('/push', { mode: 'drop' });
  // Only the step's delete (Google tells the guest: sendUpdates), not the test's own.
  await sys.control('/faults', { method: 'DELETE', pathContains: `${eventIdForSlot(slotId)}?sendUpdates=`, hold: true, count: 1 });
  const deletesBefore = await deleteCalls();
  const outcome = step();
  await until(async () => ((await deleteCalls()) > deletesBefore ? true : undefined), "the step's delete to reach Google");
  await deleteAsHost(host, slotId);
  const sync = await syncCalendar(syncDeps(), watchKey(host.id, host.calendarId), 20_000);
  expect(sync.outcome).toBe('synced');
  const duringStep = await services().slots.require(slotId);
  await until(async () => ((await sys.control<{ released: number }>('/faults/release', {})).released > 0 ? true : undefined), "the step's delete to be let go");
  return { duringStep, outcome: await outcome };
}

describe('our own delete is not a delete in Google', () => {
  it("the guest's cancel (the manage link's operation): a sync meeting the deleted event leaves the slot to the cancel, which records guest_cancelled", async () => {
    const { host, slotId } = await bookedHost(sys, 'race.cancel@example.org');

    const { duringStep, outcome } = await syncWhileOurDeleteIsHeld(host, slotId, () => cancelAsGuest(patientDeps(), slotId));
    // The sync ran while the cancel was at Google: it saw the event deleted and left the slot alone.
    expect(duringStep.status).toBe('requested');
    expect(duringStep.decision?.action).toBe('cancel');

    expect(outcome).toMatchObject({ kind: 'done', action: 'cancel', repeated: false });
    const slot = await services().slots.require(slotId);
    expect(slot.history.map((t) => t.cause)).toEqual(['guest_booked', 'guest_cancelled']);
    expect(slot.decision).toBeNull();
    expect(slot.notices).toContain('host-guest-cancelled');
    expect(slot.notices).not.toContain('host-event-cancelled');
  });

  it("the host's deny (the decision link's operation): a sync meeting the deleted event leaves the slot to the deny, which records host_denied", async () => {
    const { host, slotId } = await bookedHost(sys, 'race.deny@example.org');
    const [hostMail] = await sys.sinkMessages(host.email);
    const { deny } = decisionLinks(hostMail!.content.map((c) => c.value).join('\n'));

    const { duringStep, outcome } = await syncWhileOurDeleteIsHeld(host, slotId, () => carryOutDecision(patientDeps(), tokenOf(deny), 'deny'));
    expect(duringStep.status).toBe('requested');
    expect(duringStep.decision?.action).toBe('deny');

    expect(outcome).toMatchObject({ kind: 'done', action: 'deny', repeated: false, slot: { status: 'declined' } });
    const slot = await services().slots.require(slotId);
    expect(slot.history.map((t) => [t.to, t.cause])).toEqual([
      ['requested', 'guest_booked'],
      ['declined', 'host_denied'],
    ]);
    expect(slot.notices).not.toContain('host-event-cancelled');
  });
});
