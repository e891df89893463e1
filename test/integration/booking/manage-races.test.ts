// Races on a guest's manage link, through the functions and the real emulators: two reschedules of
// one booking, a reschedule against another guest booking the same time, a cancel against a
// reschedule. Whoever wins, the slot, its claim cells and its Google event agree, and a loser
// leaves the booking as it was.
import { services } from '../../../functions/services';
import { book, decide, decisionLinks, freeSlot, GUEST, tokenOf } from '../../support/booking-client';
import { claimsOf, manageAct, manageLinkIn, manageTokenOf } from '../../support/manage-client';
import { startSystem, type CalendarEvent, type TestHost, type TestSystem } from '../../support/system';
import { until } from '../../support/until';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());
afterEach(() => fetch(`${sys.google.url}/emulator/v1/faults`, { method: 'DELETE' }));

type TimedEvent = CalendarEvent & { start: { dateTime: string } };

async function bookOne(host: TestHost, email: string): Promise<{ slotId: string; token: string }> {
  const slot = await freeSlot(sys.functionsUrl, host.slug);
  const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start, guest: { ...GUEST, email } });
  expect(res.status).toBe(201);
  const { slotId } = (await res.json()) as { slotId: string };
  return { slotId, token: manageTokenOf(manageLinkIn((await sys.calendarEvent(host, slotId)).description)) };
}

/** The slot, its cells and its event agree: at the slot's time while it holds time, gone once it is over. */
async function expectConsistent(host: TestHost, slotId: string): Promise<void> {
  const slot = await services().slots.require(slotId);
  const claims = await claimsOf(slotId);
  const event = (await sys.calendarEvent(host, slotId)) as TimedEvent;
  expect(slot.inviteInFlight ?? null).toBeNull();
  expect(claims.naming).toEqual(claims.held);
  if (slot.status === 'cancelled') {
    expect(claims.held).toEqual([]);
    expect(event.status).toBe('cancelled');
  } else {
    expect(claims.held.length).toBeGreaterThan(0);
    expect(new Date(event.start.dateTime).getTime()).toBe(slot.start.getTime());
  }
}

describe('races on the manage link', () => {
  it('two reschedules of one booking at once: one moves it, the other is refused, and the booking is where the winner put it', async () => {
    const host = await sys.createHost();
    const { slotId, token } = await bookOne(host, 'twice@example.org');
    const [a, b] = [await freeSlot(sys.functionsUrl, host.slug, 3), await freeSlot(sys.functionsUrl, host.slug, 6)];
    const answers = await Promise.all([a, b].map((t) => manageAct(sys.functionsUrl, token, { action: 'reschedule', start: t.start })));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect([409, 410]).toContain(statuses.find((s) => s !== 200));
    const winner = statuses[0] === 200 ? a : b;
    expect((await services().slots.require(slotId)).start.toISOString()).toBe(winner.start);
    await expectConsistent(host, slotId);
  });

  it('a second reschedule while the first is at Google is told to try again, and changes nothing', async () => {
    const host = await sys.createHost();
    const { slotId, token } = await bookOne(host, 'held@example.org');
    const [a, b] = [await freeSlot(sys.functionsUrl, host.slug, 3), await freeSlot(sys.functionsUrl, host.slug, 6)];
    await sys.control('/faults', { method: 'PATCH', delayMs: 1500, count: 1 });
    const first = manageAct(sys.functionsUrl, token, { action: 'reschedule', start: a.start });
    await until(async () => ((await services().slots.require(slotId)).inviteInFlight ? true : undefined), 'the first reschedule to take the booking');
    const second = await manageAct(sys.functionsUrl, token, { action: 'reschedule', start: b.start });
    expect([409, 410]).toContain(second.status);
    expect((await first).status).toBe(200);
    expect((await services().slots.require(slotId)).start.toISOString()).toBe(a.start);
    await expectConsistent(host, slotId);
  });

  it('a reschedule against another guest booking the same time: one of them gets it, the loser changes nothing', async () => {
    for (let round = 0; round < 3; round += 1) {
      const host = await sys.createHost();
      const { slotId, token } = await bookOne(host, `mover${round}@example.org`);
      const before = await services().slots.require(slotId);
      const target = await freeSlot(sys.functionsUrl, host.slug, 4);
      const [moved, booked] = await Promise.all([
        manageAct(sys.functionsUrl, token, { action: 'reschedule', start: target.start }),
        book(sys.functionsUrl, { host: host.slug, start: target.start, guest: { ...GUEST, email: `rival${round}@example.org` } }),
      ]);
      expect([moved.status, booked.status].sort()).toEqual(moved.status === 200 ? [200, 409] : [201, 409]);
      const after = await services().slots.require(slotId);
      if (moved.status === 200) expect(after.start.toISOString()).toBe(target.start);
      else {
        expect(await moved.json()).toMatchObject({ error: 'slot_unavailable', reason: 'taken' });
        expect(after).toEqual(before);
      }
      await expectConsistent(host, slotId);
    }
  });

  it('a cancel against a reschedule: the booking ends up cancelled or moved, never half of each', async () => {
    for (let round = 0; round < 3; round += 1) {
      const host = await sys.createHost();
      const { slotId, token } = await bookOne(host, `undecided${round}@example.org`);
      const target = await freeSlot(sys.functionsUrl, host.slug, 4);
      const [moved, cancelled] = await Promise.all([
        manageAct(sys.functionsUrl, token, { action: 'reschedule', start: target.start }),
        manageAct(sys.functionsUrl, token, { action: 'cancel' }),
      ]);
      expect([200, 409]).toContain(moved.status);
      expect([200, 410]).toContain(cancelled.status);
      const slot = await services().slots.require(slotId);
      if (cancelled.status === 200) expect(slot.status).toBe('cancelled');
      else expect(slot.start.toISOString()).toBe(target.start);
      await expectConsistent(host, slotId);
    }
  });

  it('a cancel while a reschedule is at Google waits for it, then cancels; the moved event is not brought back', async () => {
    const host = await sys.createHost();
    const { slotId, token } = await bookOne(host, 'waiter@example.org');
    const target = await freeSlot(sys.functionsUrl, host.slug, 4);
    await sys.control('/faults', { method: 'PATCH', delayMs: 1500, count: 1 });
    const moving = manageAct(sys.functionsUrl, token, { action: 'reschedule', start: target.start });
    // Moved in Firestore, its event still held at Google: the guest cancels with the new link.
    const moved = await until(async () => {
      const slot = await services().slots.require(slotId);
      return slot.inviteInFlight && slot.history.at(-1)?.cause === 'guest_rescheduled' ? slot : undefined;
    }, 'the reschedule to move the booking');
    const cancelled = await manageAct(sys.functionsUrl, manageTokenOf(services().manageLinks.urlFor(slotId, moved)), { action: 'cancel' });
    expect((await moving).status).toBe(200);
    expect(cancelled.status).toBe(200);
    expect((await services().slots.require(slotId)).status).toBe('cancelled');
    await expectConsistent(host, slotId);
  });

  it('the host confirming while a reschedule is at Google waits for it, then confirms the new time, at Google too', async () => {
    const host = await sys.createHost();
    const { slotId, token } = await bookOne(host, 'confirmed.meanwhile@example.org');
    const [request] = await sys.sinkMessages(host.email);
    const { confirm } = decisionLinks(request!.content.map((c) => c.value).join('\n'));
    const target = await freeSlot(sys.functionsUrl, host.slug, 4);
    await sys.control('/faults', { method: 'PATCH', delayMs: 1500, count: 1 });
    const moving = manageAct(sys.functionsUrl, token, { action: 'reschedule', start: target.start });
    await until(async () => ((await services().slots.require(slotId)).history.at(-1)?.cause === 'guest_rescheduled' ? true : undefined), 'the reschedule to move the booking');
    expect((await decide(sys.functionsUrl, tokenOf(confirm), 'confirm')).status).toBe(200);
    expect((await moving).status).toBe(200);
    const slot = await services().slots.require(slotId);
    expect(slot).toMatchObject({ status: 'booked', start: new Date(target.start) });
    const event = (await sys.calendarEvent(host, slotId)) as TimedEvent;
    expect(event.status).toBe('confirmed');
    expect(event.attendees?.find((a) => a.self)?.responseStatus).toBe('accepted');
    await expectConsistent(host, slotId);
  });
});
