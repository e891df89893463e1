// The guest's manage link in the .ics flow (GOOGLE_INVITE_ENABLED=false): the link rides in our
// own mail to the guest, and a reschedule is an update of the same invitation with a higher
// SEQUENCE, the HOLD event moved silently.
import { services } from '../../../functions/services';
import { book, decide, decisionLinks, freeSlot, GUEST, tokenOf } from '../../support/booking-client';
import { expectItipRules, readCalendarMessages } from '../../support/calendar-files';
import { manageAct, manageLinkIn, manageTokenOf } from '../../support/manage-client';
import { startSystem, type CalendarEvent, type SinkMessage, type TestHost, type TestSystem } from '../../support/system';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'false' });
});
afterAll(() => sys.close());

type TimedEvent = CalendarEvent & { start: { dateTime: string } };

function textOf(message: SinkMessage): string {
  return message.content.map((c) => c.value).join('\n');
}

async function bookOne(host: TestHost, email: string): Promise<string> {
  const slot = await freeSlot(sys.functionsUrl, host.slug);
  const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start, guest: { ...GUEST, email } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { slotId: string }).slotId;
}

describe('the guest\'s manage link, .ics flow', () => {
  it('rides in our invitation; a reschedule mails the guest an update with a higher SEQUENCE and the new link, moves the HOLD event silently and tells the host', async () => {
    const host = await sys.createHost();
    const guest = 'ics.mover@example.org';
    const slotId = await bookOne(host, guest);
    const [invitation] = await sys.sinkMessages(guest);
    const link = manageLinkIn(textOf(invitation!));
    const target = await freeSlot(sys.functionsUrl, host.slug, 4);

    const res = await manageAct(sys.functionsUrl, manageTokenOf(link), { action: 'reschedule', start: target.start });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ slotId, status: 'requested', start: target.start });

    const guestMails = await sys.sinkMessages(guest);
    expect(guestMails).toHaveLength(2);
    expect(guestMails[1]!.subject).toContain('Booking moved');
    const newLink = manageLinkIn(textOf(guestMails[1]!));
    expect(newLink).not.toBe(link);
    const calendar = readCalendarMessages(guestMails);
    expect(calendar.map((m) => [m.method, m.status])).toEqual([
      ['REQUEST', 'TENTATIVE'],
      ['REQUEST', 'TENTATIVE'],
    ]);
    expect(calendar[1]!.sequence).toBeGreaterThan(calendar[0]!.sequence);
    expect(new Date(calendar[1]!.start).toISOString()).toBe(target.start);
    expectItipRules(calendar);

    const hold = (await sys.calendarEvent(host, slotId)) as TimedEvent;
    expect(new Date(hold.start.dateTime).toISOString()).toBe(target.start);
    expect(hold.summary.startsWith('HOLD: ')).toBe(true);
    expect(await sys.googleMail(guest)).toEqual([]);
    const hostMails = await sys.sinkMessages(host.email);
    expect(hostMails.map((m) => m.subject.includes('moved their booking'))).toEqual([false, true]);
  });

  it('a confirmed booking moved by the guest waits for the host again (a HOLD again), and the host\'s new confirm reaches the guest', async () => {
    const host = await sys.createHost();
    const guest = 'ics.reconfirm@example.org';
    const slotId = await bookOne(host, guest);
    const [request] = await sys.sinkMessages(host.email);
    expect((await decide(sys.functionsUrl, tokenOf(decisionLinks(textOf(request!)).confirm), 'confirm')).status).toBe(200);
    const confirmed = (await sys.sinkMessages(guest))[1]!;
    expect(confirmed.subject).toContain('Confirmed');
    const link = manageLinkIn(textOf(confirmed));
    const target = await freeSlot(sys.functionsUrl, host.slug, 6);

    const res = await manageAct(sys.functionsUrl, manageTokenOf(link), { action: 'reschedule', start: target.start });
    expect(await res.json()).toMatchObject({ status: 'requested', start: target.start });
    expect(((await sys.calendarEvent(host, slotId)) as TimedEvent).summary.startsWith('HOLD: ')).toBe(true);
    const moved = (await sys.sinkMessages(host.email)).find((m) => m.subject.includes('moved their booking'))!;
    expect((await decide(sys.functionsUrl, tokenOf(decisionLinks(textOf(moved)).confirm), 'confirm')).status).toBe(200);

    const guestMails = await sys.sinkMessages(guest);
    const calendar = readCalendarMessages(guestMails);
    expect(calendar.map((m) => m.status)).toEqual(['TENTATIVE', 'CONFIRMED', 'TENTATIVE', 'CONFIRMED']);
    expect(new Date(calendar[3]!.start).toISOString()).toBe(target.start);
    expectItipRules(calendar);
    expect(((await sys.calendarEvent(host, slotId)) as TimedEvent).summary.startsWith('HOLD: ')).toBe(false);
    expect((await services().slots.require(slotId)).status).toBe('booked');
  });

  it('a cancel with the link sends the guest the METHOD:CANCEL and the host our mail; the time is free again', async () => {
    const host = await sys.createHost();
    const guest = 'ics.canceller@example.org';
    const slotId = await bookOne(host, guest);
    const link = manageLinkIn(textOf((await sys.sinkMessages(guest))[0]!));
    const res = await manageAct(sys.functionsUrl, manageTokenOf(link), { action: 'cancel' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ slotId, status: 'cancelled', repeated: false });
    const calendar = readCalendarMessages(await sys.sinkMessages(guest));
    expect(calendar.map((m) => m.method)).toEqual(['REQUEST', 'CANCEL']);
    expectItipRules(calendar);
    expect((await sys.sinkMessages(host.email)).length).toBe(2);
    const slot = await services().slots.require(slotId);
    expect(slot.history.at(-1)?.cause).toBe('guest_cancelled');
    expect(slot.claimIds).toEqual([]);
  });
});
