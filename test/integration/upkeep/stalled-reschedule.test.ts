// A guest's reschedule whose event Google would not move: the move stands in Firestore (its time
// held), the slot is left marked for the scheduled run, which moves the event and tells the host,
// and never takes it for a booking whose invite never came to be (that would free it).
import { services, upkeepDeps } from '../../../functions/services';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { runUpkeep, type UpkeepOptions } from '../../../shared/upkeep/run-upkeep';
import { availability, book, freeSlot, GUEST } from '../../support/booking-client';
import { manageAct, manageLinkIn, manageTokenOf } from '../../support/manage-client';
import { startSystem, type CalendarEvent, type TestSystem } from '../../support/system';

jest.setTimeout(90_000);

const HOUR = 3_600_000;
const OPTIONS: UpkeepOptions = { windowMs: 48 * HOUR, reconcileIntervalMs: 0, budgetMs: 30_000, concurrency: 4 };

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());
afterEach(() => fetch(`${sys.google.url}/emulator/v1/faults`, { method: 'DELETE' }));

type TimedEvent = CalendarEvent & { start: { dateTime: string } };

describe('the scheduled run and a reschedule Google refused', () => {
  it('the guest is answered with the new time; the run moves the event, tells the host once, and keeps the booking', async () => {
    const host = await sys.createHost();
    const guest = 'stalled.mover@example.org';
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const booked = await book(sys.functionsUrl, { host: host.slug, start: slot.start, guest: { ...GUEST, email: guest } });
    const { slotId } = (await booked.json()) as { slotId: string };
    const token = manageTokenOf(manageLinkIn((await sys.calendarEvent(host, slotId)).description));
    const target = await freeSlot(sys.functionsUrl, host.slug, 4);

    await sys.control('/faults', { method: 'PATCH', status: 503, count: 20 });
    const res = await manageAct(sys.functionsUrl, token, { action: 'reschedule', start: target.start });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ slotId, start: target.start });
    await fetch(`${sys.google.url}/emulator/v1/faults`, { method: 'DELETE' });
    expect(await services().slots.require(slotId)).toMatchObject({ start: new Date(target.start), inviteInFlight: { changeSeen: true } });
    expect(new Date(((await sys.calendarEvent(host, slotId)) as TimedEvent).start.dateTime).toISOString()).toBe(slot.start);
    expect((await availability(sys.functionsUrl, host.slug)).slots.map((s) => s.start)).not.toContain(target.start);
    const told = async () => (await sys.sinkMessages(host.email)).filter((m) => m.subject.includes('moved their booking')).length;
    expect(await told()).toBe(0);

    // Within the grace after the request, the run leaves it; after it, the run finishes the move.
    expect(await runUpkeep(upkeepDeps(), OPTIONS)).toMatchObject({ invitesSettled: 0, failed: 0 });
    expect((await services().slots.get(slotId))?.start.toISOString()).toBe(target.start);
    await sys.db.doc(`slots/${slotId}`).update({ 'inviteInFlight.until': new Date(Date.now() - HOUR) });
    expect(await runUpkeep(upkeepDeps(), OPTIONS)).toMatchObject({ invitesSettled: 1, failed: 0 });

    const after = await services().slots.require(slotId);
    expect(after).toMatchObject({ status: 'requested', start: new Date(target.start), inviteInFlight: null });
    expect(after.history.map((t) => t.cause)).toEqual(['guest_booked', 'guest_rescheduled']);
    const event = (await sys.calendarEvent(host, slotId)) as TimedEvent;
    expect(new Date(event.start.dateTime).toISOString()).toBe(target.start);
    expect(manageLinkIn(event.description)).toBe(services().manageLinks.urlFor(slotId, after));
    expect((await sys.googleMail(guest)).filter((m) => m.eventId === eventIdForSlot(slotId)).map((m) => m.kind).at(-1)).toBe('update');
    expect(await told()).toBe(1);
    expect(await runUpkeep(upkeepDeps(), OPTIONS)).toMatchObject({ invitesSettled: 0 });
    expect(await told()).toBe(1);
  });
});
