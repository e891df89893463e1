// A sync that meets the event deleted while our own cancel or deny is still at Google: the delete
// is ours, the slot ends as the step says (its cause and its mail), not as "deleted in Google".
//
// The emulator applies a delayed call only once its delay is over, so the delete a sync meets
// early is made by the test, with the host's own grant, while the step's delete is held back: to
// the sync this is exactly what our delete looks like when the sync runs before the step has its
// answer (the push of the delete, or a sync already running). The sync is run directly, with
// pushes dropped, so that it runs once and at that moment.
import { services, syncDeps } from '../../../functions/services';
import { watchKey } from '../../../shared/channels/watches';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import type { Slot } from '../../../shared/store/slots';
import { syncCalendar } from '../../../shared/sync/sync-channel';
import { decide, decisionLinks, tokenOf } from '../../support/booking-client';
import { bookedHost } from '../../support/booked-host';
import { manageAct, manageLinkIn, manageTokenOf } from '../../support/manage-client';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';
import { until } from '../../support/until';

jest.setTimeout(60_000);

/** Long enough for one sync on a loaded machine, well inside the client's 8 s per call. */
const DELETE_DELAY_MS = 5_000;

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterEach(() => sys.control('/push', { mode: 'normal' }));
afterAll(() => sys.close());

const deleteCalls = async () => (await sys.control<{ byOperation: Record<string, number> }>('/requests')).byOperation['events.delete'] ?? 0;

async function deleteAsHost(host: TestHost, slotId: string): Promise<void> {
  const res = await fetch(`${sys.google.url}/calendar/v3/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(slotId)}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${await sys.accessToken(host)}` },
  });
  if (res.status !== 204) throw new Error(`delete answered ${res.status}`);
}

/**
 * Starts `step` with its Google delete held back, deletes the event meanwhile and runs the
 * calendar's sync; returns the slot as that sync left it and the step's answer.
 */
async function syncWhileOurDeleteIsHeld(host: TestHost, slotId: string, step: () => Promise<Response>): Promise<{ duringStep: Slot; answer: Response }> {
  await sys.control('/push', { mode: 'drop' });
  await sys.control('/faults', { method: 'DELETE', pathContains: eventIdForSlot(slotId), delayMs: DELETE_DELAY_MS, count: 1 });
  const deletesBefore = await deleteCalls();
  const answer = step();
  await until(async () => ((await deleteCalls()) > deletesBefore ? true : undefined), "the step's delete to reach Google");
  await deleteAsHost(host, slotId);
  const sync = await syncCalendar(syncDeps(), watchKey(host.id, host.calendarId), 20_000);
  expect(sync.outcome).toBe('synced');
  const duringStep = await services().slots.require(slotId);
  return { duringStep, answer: await answer };
}

describe('our own delete is not a delete in Google', () => {
  it("the guest's cancel from the manage link: a sync meeting the deleted event leaves the slot to the cancel, which records guest_cancelled", async () => {
    const { host, slotId } = await bookedHost(sys, 'race.cancel@example.org');
    const token = manageTokenOf(manageLinkIn((await sys.calendarEvent(host, slotId)).description));

    const { duringStep, answer } = await syncWhileOurDeleteIsHeld(host, slotId, () => manageAct(sys.functionsUrl, token, { action: 'cancel' }));
    // The sync ran while the cancel was at Google: it saw the event deleted and left the slot alone.
    expect(duringStep.status).toBe('requested');
    expect(duringStep.decision?.action).toBe('cancel');

    expect(answer.status).toBe(200);
    const slot = await services().slots.require(slotId);
    expect(slot.history.map((t) => t.cause)).toEqual(['guest_booked', 'guest_cancelled']);
    expect(slot.decision).toBeNull();
    expect(slot.notices).not.toContain('host-event-cancelled');
  });

  it("the host's deny from the decision link: a sync meeting the deleted event leaves the slot to the deny, which records host_denied", async () => {
    const { host, slotId } = await bookedHost(sys, 'race.deny@example.org');
    const [hostMail] = await sys.sinkMessages(host.email);
    const { deny } = decisionLinks(hostMail!.content.map((c) => c.value).join('\n'));

    const { duringStep, answer } = await syncWhileOurDeleteIsHeld(host, slotId, () => decide(sys.functionsUrl, tokenOf(deny), 'deny'));
    expect(duringStep.status).toBe('requested');
    expect(duringStep.decision?.action).toBe('deny');

    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ status: 'declined', action: 'deny', repeated: false });
    const slot = await services().slots.require(slotId);
    expect(slot.history.map((t) => [t.to, t.cause])).toEqual([
      ['requested', 'guest_booked'],
      ['declined', 'host_denied'],
    ]);
    expect(slot.notices).not.toContain('host-event-cancelled');
  });
});
