// Which of our mails a booking's steps send, and the SEQUENCE of each .ics: no I/O, the mailer
// and the slot store are recorders.
import { BookingNotices, type SlotContext } from '../../../shared/booking/booking-notices';
import type { DecisionLinks } from '../../../shared/booking/decision-links';
import type { Mailer } from '../../../shared/mail/mailer';
import type { OutgoingMail } from '../../../shared/mail/outgoing-mail';
import type { SlotRepository } from '../../../shared/store/slot-repository';
import type { Slot, Transition } from '../../../shared/store/slots';
import type { Subscriber } from '../../../shared/store/subscribers';
import { parseIcs, prop } from '../mail/parse-ics';

const at = new Date('2030-03-01T08:00:00Z');
const start = new Date('2030-03-11T09:00:00Z');
const end = new Date('2030-03-11T09:30:00Z');
const later = { start: new Date('2030-03-12T13:00:00Z'), end: new Date('2030-03-12T13:30:00Z') };

const host = { name: 'Jo Host', email: 'jo@host.example', timezone: 'Europe/Berlin' } as Subscriber;

interface Sent {
  key: string;
  mail: OutgoingMail;
}

function harness() {
  const sent: Sent[] = [];
  const recorded: string[] = [];
  const mailer = { send: (mail: OutgoingMail, key: string) => (sent.push({ mail, key }), Promise.resolve('sent')) } as unknown as Mailer;
  const slots = { recordNotice: (_: string, notice: string) => (recorded.push(notice), Promise.resolve()) } as unknown as SlotRepository;
  const links = { linksFor: () => ({ confirmUrl: 'https://book.example/c', denyUrl: 'https://book.example/d' }) } as unknown as DecisionLinks;
  const notices = new BookingNotices({ mailer, links, slots, now: () => at });
  let slot: Slot = {
    subscriberId: 'h1',
    start,
    end,
    guest: { name: 'Ann Guest', email: 'ann@guest.example', timezone: 'UTC' },
    message: null,
    status: 'requested',
    inviteMode: 'ics',
    calendarId: 'jo@host.example',
    eventId: 'abcdef',
    guestResponse: 'needsAction',
    claimIds: [],
    history: [{ from: null, to: 'requested', cause: 'guest_booked', at }],
    decision: null,
    notices: [],
    createdAt: at,
    updatedAt: at,
  };
  return {
    notices,
    sent,
    /** The slot as the store has it now, the notices recorded so far included. */
    context: (): SlotContext => ({ slotId: 'slot-1', slot: { ...slot, notices: [...recorded] }, host }),
    step(transition: Omit<Transition, 'at' | 'from'>, times?: { start: Date; end: Date }) {
      const movedFrom = times ? { movedFrom: { start: slot.start, end: slot.end } } : {};
      slot = { ...slot, ...times, status: transition.to, history: [...slot.history, { ...transition, from: slot.status, at, ...movedFrom }] };
    },
  };
}

/** METHOD, SEQUENCE, STATUS and DTSTART of each .ics sent, in order. */
function calendarMessages(sent: Sent[]): string[] {
  return sent.flatMap(({ mail }) =>
    (mail.attachments ?? []).map((a) => {
      const ics = parseIcs(Buffer.from(a.content, 'base64').toString('utf8'));
      const event = ics.events[0] ?? [];
      return [prop(ics.calendar, 'METHOD').value, prop(event, 'SEQUENCE').value, prop(event, 'STATUS').value, prop(event, 'DTSTART').value].join(' ');
    }),
  );
}

describe("the guest's .ics mails", () => {
  it('number their SEQUENCE by the step of the booking they tell of: request 0, confirm 1, move 2, cancel 3', async () => {
    const h = harness();
    await h.notices.bookingMade(h.context());
    h.step({ to: 'booked', cause: 'host_confirmed' });
    await h.notices.decisionMade(h.context(), 'confirm');
    h.step({ to: 'booked', cause: 'moved_in_google' }, later);
    await h.notices.notify(h.context(), 'guest-ics-moved');
    h.step({ to: 'cancelled', cause: 'event_deleted_in_google' });
    await h.notices.notify(h.context(), 'guest-ics-cancellation');

    expect(calendarMessages(h.sent)).toEqual([
      'REQUEST 0 TENTATIVE 20300311T090000Z',
      'REQUEST 1 CONFIRMED 20300311T090000Z',
      'REQUEST 2 CONFIRMED 20300312T130000Z',
      'CANCEL 3 CANCELLED 20300312T130000Z',
    ]);
  });

  it('a move of a booking still waiting for the host stays tentative, and a deny after it comes later still', async () => {
    const h = harness();
    await h.notices.bookingMade(h.context());
    h.step({ to: 'requested', cause: 'moved_in_google' }, later);
    await h.notices.notify(h.context(), 'guest-ics-moved');
    h.step({ to: 'declined', cause: 'host_denied' });
    await h.notices.decisionMade(h.context(), 'deny');

    expect(calendarMessages(h.sent)).toEqual(['REQUEST 0 TENTATIVE 20300311T090000Z', 'REQUEST 1 TENTATIVE 20300312T130000Z', 'CANCEL 2 CANCELLED 20300312T130000Z']);
  });

  it('an auto-confirmed booking gets one confirmed REQUEST, numbered by its confirmation', async () => {
    const h = harness();
    h.step({ to: 'booked', cause: 'auto_confirmed' });
    await h.notices.bookingMade(h.context());

    expect(calendarMessages(h.sent)).toEqual(['REQUEST 1 CONFIRMED 20300311T090000Z']);
  });
});

describe('the notices of a move in Google', () => {
  it('go once per move, with a key naming the move: told again, nothing is sent; moved again (even back), both are sent again', async () => {
    const h = harness();
    h.step({ to: 'requested', cause: 'moved_in_google' }, later);
    await h.notices.notify(h.context(), 'host-event-moved');
    await h.notices.notify(h.context(), 'guest-ics-moved');
    await h.notices.notify(h.context(), 'host-event-moved');
    await h.notices.notify(h.context(), 'guest-ics-moved');
    h.step({ to: 'requested', cause: 'moved_in_google' }, { start, end });
    await h.notices.notify(h.context(), 'guest-ics-moved');
    await h.notices.notify(h.context(), 'host-event-moved');

    expect(h.sent.map((s) => s.key)).toEqual([
      'slot-1:host-event-moved:1:2030-03-12T13:00:00.000Z',
      'slot-1:guest-ics-moved:1:2030-03-12T13:00:00.000Z',
      'slot-1:guest-ics-moved:2:2030-03-11T09:00:00.000Z',
      'slot-1:host-event-moved:2:2030-03-11T09:00:00.000Z',
    ]);
    expect(h.sent[0]?.mail.text).toContain('From: Monday 11 March 2030, 10:00–10:30 (Europe/Berlin, UTC+01:00)');
    expect(h.sent[0]?.mail.text).toContain('To: Tuesday 12 March 2030, 14:00–14:30 (Europe/Berlin, UTC+01:00)');
    expect(h.sent[0]?.mail.to.email).toBe('jo@host.example');
    expect(h.sent[1]?.mail.to.email).toBe('ann@guest.example');
  });

  it('are not sent once a later step has told the newer state', async () => {
    const h = harness();
    h.step({ to: 'requested', cause: 'moved_in_google' }, later);
    h.step({ to: 'cancelled', cause: 'event_deleted_in_google' });
    await h.notices.notify(h.context(), 'host-event-moved');
    await h.notices.notify(h.context(), 'guest-ics-moved');

    expect(h.sent).toEqual([]);
  });
});
