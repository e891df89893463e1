// What a guest's reschedule mails, and to whom: no I/O, the mailer and the slot store are recorders.
import { BookingNotices, type SlotContext } from '../../../shared/booking/booking-notices';
import type { DecisionLinks } from '../../../shared/booking/decision-links';
import { GUEST_RESCHEDULED, ManageLinks } from '../../../shared/booking/manage-links';
import type { Mailer } from '../../../shared/mail/mailer';
import type { OutgoingMail } from '../../../shared/mail/outgoing-mail';
import type { SlotRepository } from '../../../shared/store/slot-repository';
import type { Slot, SlotStatus } from '../../../shared/store/slots';
import type { Subscriber } from '../../../shared/store/subscribers';
import { parseIcs, prop } from '../mail/parse-ics';

const at = new Date('2030-03-01T08:00:00Z');
const before = { start: new Date('2030-03-11T09:00:00Z'), end: new Date('2030-03-11T09:30:00Z') };
const after = { start: new Date('2030-03-12T13:00:00Z'), end: new Date('2030-03-12T13:30:00Z') };
const host = { name: 'Jo Host', email: 'jo@host.example', timezone: 'Europe/Berlin' } as Subscriber;
const manageLinks = new ManageLinks('s'.repeat(40), 'https://book.example');

function harness(inviteMode: Slot['inviteMode'], to: SlotStatus) {
  const sent: { key: string; mail: OutgoingMail }[] = [];
  const recorded: string[] = [];
  const mailer = { send: (mail: OutgoingMail, key: string) => (sent.push({ mail, key }), Promise.resolve('sent')) } as unknown as Mailer;
  const slots = { recordNotice: (_: string, notice: string) => (recorded.push(notice), Promise.resolve()) } as unknown as SlotRepository;
  const links = { linksFor: () => ({ confirmUrl: 'https://book.example/c', denyUrl: 'https://book.example/d' }) } as unknown as DecisionLinks;
  const notices = new BookingNotices({ mailer, links, slots, now: () => at, manageLinks });
  const slot: Slot = {
    subscriberId: 'h1',
    ...after,
    guest: { name: 'Ann Guest', email: 'ann@guest.example', timezone: 'UTC' },
    message: null,
    status: to,
    inviteMode,
    calendarId: 'jo@host.example',
    eventId: 'abcdef',
    guestResponse: 'needsAction',
    claimIds: [],
    history: [
      { from: null, to: 'requested', cause: 'guest_booked', at },
      { from: 'requested', to: 'booked', cause: 'host_confirmed', at },
      { from: 'booked', to, cause: GUEST_RESCHEDULED, at, movedFrom: before },
    ],
    decision: null,
    notices: ['host-decision-request', 'guest-ics-confirmation'],
    createdAt: at,
    updatedAt: at,
  };
  const context = (): SlotContext => ({ slotId: 'slot-1', slot: { ...slot, notices: [...slot.notices, ...recorded] }, host });
  return { notices, sent, context };
}

const text = (mail: OutgoingMail) => mail.text;

describe('the mails of a guest\'s reschedule', () => {
  it('Google flow, back to requested: the host alone, told from → to with fresh Confirm and Decline links; once', async () => {
    const h = harness('google', 'requested');
    await h.notices.guestRescheduled(h.context());
    await h.notices.guestRescheduled(h.context());
    expect(h.sent.map((s) => s.key)).toEqual(['slot-1:host-guest-rescheduled:2']);
    const [mail] = h.sent.map((s) => s.mail);
    expect(mail!.to.email).toBe('jo@host.example');
    expect(text(mail!)).toMatch(/From: Monday 11 March 2030, 10:00–10:30/);
    expect(text(mail!)).toMatch(/To: Tuesday 12 March 2030, 14:00–14:30/);
    expect(text(mail!)).toContain('https://book.example/c');
    expect(text(mail!)).toContain('Decline');
  });

  it('.ics flow, still confirmed: the host with no links, and the guest an update (SEQUENCE = the step) with their new link', async () => {
    const h = harness('ics', 'booked');
    await h.notices.guestRescheduled(h.context());
    expect(h.sent.map((s) => s.key)).toEqual(['slot-1:host-guest-rescheduled:2', 'slot-1:guest-ics-rescheduled:2']);
    const [hostMail, guestMail] = h.sent.map((s) => s.mail);
    expect(text(hostMail!)).not.toContain('https://book.example/c');
    expect(text(hostMail!)).toContain('stays confirmed');
    const ics = parseIcs(Buffer.from(guestMail!.attachments![0]!.content, 'base64').toString('utf8'));
    expect([prop(ics.calendar, 'METHOD').value, prop(ics.events[0]!, 'SEQUENCE').value, prop(ics.events[0]!, 'STATUS').value]).toEqual(['REQUEST', '2', 'CONFIRMED']);
    expect(text(guestMail!)).toContain(manageLinks.urlFor('slot-1', h.context().slot));
    expect(text(guestMail!)).toMatch(/Was: Monday 11 March 2030, 09:00–09:30/);
  });

  it('the host\'s confirm of the new time is confirmed to the guest again (.ics flow), though the first confirmation was sent', async () => {
    const h = harness('ics', 'requested');
    const confirmed = { ...h.context().slot, status: 'booked' as const, history: [...h.context().slot.history, { from: 'requested' as const, to: 'booked' as const, cause: 'host_confirmed', at }] };
    await h.notices.decisionMade({ slotId: 'slot-1', slot: confirmed, host }, 'confirm');
    expect(h.sent.map((s) => s.key)).toEqual(['slot-1:guest-ics-confirmation:1']);
  });
});
