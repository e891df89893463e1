// The host's confirm, decline and cancel by slot id and the guest's cancel in the .ics flow
// (GOOGLE_INVITE_ENABLED=false): a silent HOLD event at Google, and our own mail with an .ics,
// read by ical.js and Python's icalendar, telling the guest.
import { services } from '../../../functions/services';
import { cancelAsGuest } from '../../../shared/booking/cancel-booking';
import { actAsHost } from '../../../shared/booking/host-actions';
import { availability, book, freeSlot, GUEST } from '../../support/booking-client';
import { expectItipRules, readCalendarMessages } from '../../support/calendar-files';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'false' });
});
afterAll(() => sys.close());

let guests = 0;

async function bookOne(options: { autoConfirm?: boolean; google?: boolean } = {}): Promise<{ host: TestHost; slotId: string; start: string; guest: string }> {
  const host = await sys.createHost(options);
  guests += 1;
  const guest = `ics.actions.${guests}@example.org`;
  const slot = await freeSlot(sys.functionsUrl, host.slug);
  const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start, guest: { ...GUEST, email: guest } });
  expect(res.status).toBe(201);
  return { host, slotId: ((await res.json()) as { slotId: string }).slotId, start: slot.start, guest };
}

const calls = async (operation?: string) => {
  const counts = await sys.control<{ total: number; byOperation: Record<string, number> }>('/requests');
  return operation ? (counts.byOperation[operation] ?? 0) : counts.total;
};
const stored = (slotId: string) => services().slots.require(slotId);
const lastCause = async (slotId: string) => (await stored(slotId)).history.at(-1);
const offered = async (host: TestHost) => (await availability(sys.functionsUrl, host.slug)).slots.map((s) => s.start);
const plainText = (message: { content: { type: string; value: string }[] }) => message.content.find((c) => c.type === 'text/plain')!.value;

describe("the host's actions by slot id, .ics flow", () => {
  it('confirm turns the HOLD event into the booking and mails the guest the confirmed invitation', async () => {
    const { host, slotId, guest } = await bookOne();
    expect(await actAsHost(services(), host.id, slotId, 'confirm')).toMatchObject({ kind: 'done', action: 'confirm', slot: { status: 'booked' } });
    expect(await sys.calendarEvent(host, slotId)).toMatchObject({ status: 'confirmed', summary: expect.not.stringMatching(/^HOLD/) });
    const files = readCalendarMessages(await sys.sinkMessages(guest));
    expect(files.map((f) => `${f.method} ${f.status}`)).toEqual(['REQUEST TENTATIVE', 'REQUEST CONFIRMED']);
    expect(await lastCause(slotId)).toMatchObject({ to: 'booked', cause: 'host_confirmed' });
  });

  it('decline removes the HOLD event and mails the guest the cancellation', async () => {
    const { host, slotId, guest } = await bookOne();
    expect(await actAsHost(services(), host.id, slotId, 'deny')).toMatchObject({ kind: 'done', action: 'deny', slot: { status: 'declined' } });
    expect((await sys.calendarEvent(host, slotId)).status).toBe('cancelled');
    expect(readCalendarMessages(await sys.sinkMessages(guest)).map((f) => f.method)).toEqual(['REQUEST', 'CANCEL']);
    expect(await sys.googleMail(guest)).toEqual([]);
  });

  it("cancel of a confirmed booking deletes the event silently and mails the guest a METHOD:CANCEL above the confirmation's SEQUENCE, with the host's note; the time is bookable again", async () => {
    const { host, slotId, start, guest } = await bookOne();
    await actAsHost(services(), host.id, slotId, 'confirm');

    const outcome = await actAsHost(services(), host.id, slotId, 'cancel', { message: 'Something came up, sorry.' });

    expect(outcome).toMatchObject({ kind: 'done', action: 'cancel', repeated: false, slot: { status: 'cancelled' } });
    expect((await sys.calendarEvent(host, slotId)).status).toBe('cancelled');
    expect(await sys.googleMail(guest)).toEqual([]);
    const mails = await sys.sinkMessages(guest);
    const files = readCalendarMessages(mails);
    expectItipRules(files);
    expect(files.map((f) => `${f.method} ${f.status}`)).toEqual(['REQUEST TENTATIVE', 'REQUEST CONFIRMED', 'CANCEL CANCELLED']);
    expect(files[2]!.uid).toBe(files[0]!.uid);
    expect(files[2]!.sequence).toBeGreaterThan(files[1]!.sequence);
    expect(mails[2]!.subject).toMatch(/^Cancelled: /);
    expect(plainText(mails[2]!)).toContain('> Something came up, sorry.');
    expect(await lastCause(slotId)).toMatchObject({ from: 'booked', to: 'cancelled', cause: 'host_cancelled' });
    expect(await offered(host)).toContain(start);
    expect((await book(sys.functionsUrl, { host: host.slug, start, guest: { ...GUEST, email: 'after.cancel@example.org' } })).status).toBe(201);
  });

  it('cancel of a request still waiting: the METHOD:CANCEL follows the tentative request', async () => {
    const { host, slotId, guest } = await bookOne();
    expect(await actAsHost(services(), host.id, slotId, 'cancel')).toMatchObject({ kind: 'done', slot: { status: 'cancelled' } });
    const files = readCalendarMessages(await sys.sinkMessages(guest));
    expectItipRules(files);
    expect(files.map((f) => `${f.method} ${f.status}`)).toEqual(['REQUEST TENTATIVE', 'CANCEL CANCELLED']);
    expect(files[1]!.sequence).toBeGreaterThan(files[0]!.sequence);
    expect(await lastCause(slotId)).toMatchObject({ from: 'requested', to: 'cancelled', cause: 'host_cancelled' });
  });

  it('the guest cancels: the HOLD event goes silently, the host gets our mail and the guest the METHOD:CANCEL; the slot records guest_cancelled', async () => {
    const { host, slotId, start, guest } = await bookOne({ autoConfirm: true });

    expect(await cancelAsGuest(services(), slotId)).toMatchObject({ kind: 'done', action: 'cancel', repeated: false, slot: { status: 'cancelled' } });

    expect((await sys.calendarEvent(host, slotId)).status).toBe('cancelled');
    expect(await sys.googleMail(guest)).toEqual([]);
    const hostMails = await sys.sinkMessages(host.email);
    expect(hostMails.map((m) => m.subject)).toEqual([expect.stringMatching(/^New booking/), expect.stringMatching(/^Gina Guest cancelled: /)]);
    const guestMails = await sys.sinkMessages(guest);
    const files = readCalendarMessages(guestMails);
    expectItipRules(files);
    expect(files.map((f) => `${f.method} ${f.status}`)).toEqual(['REQUEST CONFIRMED', 'CANCEL CANCELLED']);
    expect(guestMails[1]!.subject).toMatch(/^You cancelled: /);
    expect(await lastCause(slotId)).toMatchObject({ to: 'cancelled', cause: 'guest_cancelled' });
    expect(await offered(host)).toContain(start);

    expect(await cancelAsGuest(services(), slotId)).toMatchObject({ kind: 'done', repeated: true });
    expect(await sys.sinkMessages(guest)).toHaveLength(2);
    expect(await sys.sinkMessages(host.email)).toHaveLength(2);
  });

  it('two cancels at once, the host\'s and the guest\'s: one delete at Google, one cancellation to the guest, and the mails of whichever won', async () => {
    const { host, slotId, guest } = await bookOne({ autoConfirm: true });
    const deletes = await calls('events.delete');

    const outcomes = await Promise.all([actAsHost(services(), host.id, slotId, 'cancel'), cancelAsGuest(services(), slotId)]);

    expect(outcomes.map((o) => o.kind)).toEqual(['done', 'done']);
    expect(outcomes.filter((o) => o.kind === 'done' && !o.repeated)).toHaveLength(1);
    expect(await calls('events.delete')).toBe(deletes + 1);
    const files = readCalendarMessages(await sys.sinkMessages(guest));
    expect(files.map((f) => f.method)).toEqual(['REQUEST', 'CANCEL']);
    const cause = (await lastCause(slotId))!.cause;
    expect(['host_cancelled', 'guest_cancelled']).toContain(cause);
    expect(await sys.sinkMessages(host.email)).toHaveLength(cause === 'guest_cancelled' ? 2 : 1);
  });

  it('a host without a Google calendar cancels with no Google call; the guest still gets the METHOD:CANCEL', async () => {
    const { host, slotId, guest } = await bookOne({ google: false });
    const before = await calls();
    expect(await actAsHost(services(), host.id, slotId, 'cancel')).toMatchObject({ kind: 'done', slot: { status: 'cancelled', calendarId: null } });
    expect(await calls()).toBe(before);
    expect(readCalendarMessages(await sys.sinkMessages(guest)).map((f) => f.method)).toEqual(['REQUEST', 'CANCEL']);
  });
});
