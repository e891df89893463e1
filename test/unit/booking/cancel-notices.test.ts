// Which of our mails a cancel sends, by who cancelled (the cause in the slot's history) and by
// invite mode; no I/O, the mailer and the slot store are recorders.
import { BookingNotices, type SlotContext } from '../../../shared/booking/booking-notices';
import type { DecisionLinks } from '../../../shared/booking/decision-links';
import type { Mailer } from '../../../shared/mail/mailer';
import type { OutgoingMail } from '../../../shared/mail/outgoing-mail';
import type { SlotRepository } from '../../../shared/store/slot-repository';
import type { Slot } from '../../../shared/store/slots';
import type { Subscriber } from '../../../shared/store/subscribers';
import { parseIcs, prop } from '../mail/parse-ics';

const at = new Date('2030-03-01T08:00:00Z');
const host = { name: 'Jo Host', email: 'jo@host.example', timezone: 'Europe/Berlin' } as Subscriber;

function harness(inviteMode: Slot['inviteMode'], causes: string[]) {
  const sent: { key: string; mail: OutgoingMail }[] = [];
  const recorded: string[] = [];
  const mailer = { send: (mail: OutgoingMail, key: string) => (sent.push({ mail, key }), Promise.resolve('sent')) } as unknown as Mailer;
  const slots = { recordNotice: (_: string, notice: string) => (recorded.push(notice), Promise.resolve()) } as unknown as SlotRepository;
  const notices = new BookingNotices({ mailer, links: {} as DecisionLinks, slots, now: () => at });
  const statuses = { guest_booked: 'requested', auto_confirmed: 'booked', host_confirmed: 'booked' } as const;
  const history: Slot['history'] = causes.map((cause, i) => ({
    from: i === 0 ? null : (statuses[causes[i - 1] as keyof typeof statuses] ?? 'requested'),
    to: statuses[cause as keyof typeof statuses] ?? 'cancelled',
    cause,
    at,
  }));
  const slot: Slot = {
    subscriberId: 'h1',
    start: new Date('2030-03-11T09:00:00Z'),
    end: new Date('2030-03-11T09:30:00Z'),
    guest: { name: 'Ann Guest', email: 'ann@guest.example', timezone: 'UTC' },
    message: null,
    status: history.at(-1)!.to,
    inviteMode,
    calendarId: 'jo@host.example',
    eventId: 'abcdef',
    guestResponse: 'needsAction',
    claimIds: [],
    history,
    decision: null,
    notices: [],
    createdAt: at,
    updatedAt: at,
  };
  return {
    notices,
    sent,
    context: (): SlotContext => ({ slotId: 'slot-1', slot: { ...slot, notices: [...recorded] }, host }),
  };
}

function calendarFile(mail: OutgoingMail): string {
  const [attachment] = mail.attachments ?? [];
  const ics = parseIcs(Buffer.from(attachment!.content, 'base64').toString('utf8'));
  const event = ics.events[0] ?? [];
  return `${prop(ics.calendar, 'METHOD').value} ${prop(event, 'SEQUENCE').value} ${prop(event, 'STATUS').value}`;
}

describe('the mail of a cancel', () => {
  it('by the host, .ics flow: the guest gets the METHOD:CANCEL numbered by the cancel\'s step, with the host\'s note; the host gets nothing', async () => {
    const h = harness('ics', ['guest_booked', 'host_confirmed', 'host_cancelled']);
    await h.notices.bookingCancelled(h.context(), 'Something came up.');

    expect(h.sent.map((s) => [s.key, s.mail.to.email])).toEqual([['slot-1:guest-ics-cancellation', 'ann@guest.example']]);
    expect(calendarFile(h.sent[0]!.mail)).toBe('CANCEL 2 CANCELLED');
    expect(h.sent[0]!.mail.text).toContain('Jo Host wrote:\n> Something came up.');
  });

  it('by the host, Google flow: only the host\'s note, without a calendar file (Google sent the cancellation); no note, no mail', async () => {
    const noted = harness('google', ['guest_booked', 'host_cancelled']);
    await noted.notices.bookingCancelled(noted.context(), 'Sorry!');
    expect(noted.sent.map((s) => s.key)).toEqual(['slot-1:guest-host-cancel-note']);
    expect(noted.sent[0]!.mail.attachments).toBeUndefined();
    expect(noted.sent[0]!.mail.text).toContain('Google Calendar has sent you the cancellation');

    const silent = harness('google', ['guest_booked', 'host_cancelled']);
    await silent.notices.bookingCancelled(silent.context(), null);
    await silent.notices.bookingCancelled(silent.context(), '   ');
    expect(silent.sent).toEqual([]);
  });

  it('by the guest: the host hears it from us in either flow, and the guest gets the METHOD:CANCEL in the .ics flow', async () => {
    const ics = harness('ics', ['auto_confirmed', 'guest_cancelled']);
    await ics.notices.bookingCancelled(ics.context(), null);
    expect(ics.sent.map((s) => [s.key, s.mail.to.email])).toEqual([
      ['slot-1:host-guest-cancelled', 'jo@host.example'],
      ['slot-1:guest-ics-cancellation', 'ann@guest.example'],
    ]);
    expect(ics.sent[0]!.mail.subject).toMatch(/^Ann Guest cancelled: /);
    expect(calendarFile(ics.sent[1]!.mail)).toBe('CANCEL 1 CANCELLED');

    const google = harness('google', ['auto_confirmed', 'guest_cancelled']);
    await google.notices.bookingCancelled(google.context(), null);
    expect(google.sent.map((s) => s.key)).toEqual(['slot-1:host-guest-cancelled']);
  });

  it('goes once, whoever asks again: the cause in the history decides, not who repeats the cancel', async () => {
    const h = harness('ics', ['guest_booked', 'host_cancelled']);
    await h.notices.bookingCancelled(h.context(), null);
    await h.notices.bookingCancelled(h.context(), 'a second thought');

    expect(h.sent.map((s) => s.key)).toEqual(['slot-1:guest-ics-cancellation']);
  });

  it('of a booking cancelled in Google is the sync\'s to tell: nothing here', async () => {
    const h = harness('ics', ['guest_booked', 'event_deleted_in_google']);
    await h.notices.bookingCancelled(h.context(), null);

    expect(h.sent).toEqual([]);
  });
});
