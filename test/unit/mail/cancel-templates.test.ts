// The mails of a cancel from our own buttons: the host's (to the guest, with their note) and the
// guest's (to the host, and the guest's own METHOD:CANCEL).
import { guestCancelledByHost, guestIcsCancelledByGuest, hostGuestCancelledNotice, type BookingView } from '../../../shared/mail/templates';
import { outgoingMailSchema, type OutgoingMail } from '../../../shared/mail/outgoing-mail';
import { parseIcs, prop } from './parse-ics';

const SCRIPT = '<script>alert(1)</script>';

function view(overrides: Partial<BookingView> = {}): BookingView {
  return {
    slotId: 'slot-42',
    hostName: 'Jo Host',
    hostEmail: 'jo@host.example',
    hostTimezone: 'Europe/Berlin',
    guestName: 'Ann Guest',
    guestEmail: 'ann@guest.example',
    guestTimezone: 'America/New_York',
    message: 'About the roof.',
    start: new Date('2030-03-11T09:00:00Z'),
    end: new Date('2030-03-11T09:30:00Z'),
    ...overrides,
  };
}

const HOST = { email: 'jo@host.example', name: 'Jo Host' };
const GUEST = { email: 'ann@guest.example', name: 'Ann Guest' };
const IN_BERLIN = 'Monday 11 March 2030, 10:00–10:30 (Europe/Berlin, UTC+01:00)';
const IN_NEW_YORK = 'Monday 11 March 2030, 05:00–05:30 (America/New_York, UTC-04:00)';

const templates: [string, (v: BookingView) => OutgoingMail, 'host' | 'guest'][] = [
  ['guestCancelledByHost, .ics flow', (v) => guestCancelledByHost(v, `A note ${SCRIPT}`, 3), 'guest'],
  ['guestCancelledByHost, Google flow', (v) => guestCancelledByHost(v, `A note ${SCRIPT}`, null), 'guest'],
  ['guestIcsCancelledByGuest', (v) => guestIcsCancelledByGuest(v, 2), 'guest'],
  ['hostGuestCancelledNotice', hostGuestCancelledNotice, 'host'],
];

describe.each(templates)('%s', (_name, template, to) => {
  it('is a mail SendGrid will take, to the right person, replies to the other, the time in their zone', () => {
    const mail = template(view({ guestName: 'Ann\nGuest' }));
    expect(outgoingMailSchema.parse(mail)).toEqual(mail);
    expect(mail.subject).not.toMatch(/[\r\n]/);
    const plain = template(view());
    expect([plain.to, plain.replyTo]).toEqual(to === 'host' ? [HOST, GUEST] : [GUEST, HOST]);
    expect(plain.text).toContain(to === 'host' ? IN_BERLIN : IN_NEW_YORK);
  });

  it('escapes names and the note in the html part and keeps them as typed in the text part', () => {
    const mail = template(view({ guestName: SCRIPT, hostName: `Jo ${SCRIPT}` }));
    expect(mail.html).not.toContain('<script>');
    expect(mail.text).toContain(SCRIPT);
  });
});

function calendarFile(mail: OutgoingMail) {
  const [attachment, ...more] = mail.attachments ?? [];
  expect(more).toEqual([]);
  const ics = parseIcs(Buffer.from(attachment!.content, 'base64').toString('utf8'));
  expect(attachment!.type).toBe('text/calendar; method=CANCEL');
  const event = ics.events[0] ?? [];
  return { method: prop(ics.calendar, 'METHOD').value, uid: prop(event, 'UID').value, sequence: prop(event, 'SEQUENCE').value, status: prop(event, 'STATUS').value };
}

describe("the host's cancel, to the guest", () => {
  it('in the .ics flow carries the METHOD:CANCEL of the booking\'s UID at the given SEQUENCE, and the host\'s note as a quote', () => {
    const mail = guestCancelledByHost(view(), 'Something came up.\nSorry!', 3);
    expect(calendarFile(mail)).toEqual({ method: 'CANCEL', uid: 'slot-42@calendar-invites', sequence: '3', status: 'CANCELLED' });
    expect(mail.subject).toBe('Cancelled: Jo Host, Mon 11 Mar, 05:00');
    expect(mail.text).toContain('Jo Host wrote:\n> Something came up.\n> Sorry!');
    expect(mail.text).toContain('The attached cancellation removes it from your calendar.');
  });

  it('in the Google flow has no calendar file and says Google sent the cancellation', () => {
    const mail = guestCancelledByHost(view(), 'Sorry!', null);
    expect(mail.attachments).toBeUndefined();
    expect(mail.text).toContain('Google Calendar has sent you the cancellation');
  });

  it('leaves the note out when there is none', () => {
    expect(guestCancelledByHost(view(), null, 3).text).not.toContain('wrote:');
  });
});

describe("the guest's cancel", () => {
  it("gives the guest their own METHOD:CANCEL and tells the host who cancelled, in the host's zone", () => {
    expect(calendarFile(guestIcsCancelledByGuest(view(), 2))).toMatchObject({ method: 'CANCEL', sequence: '2', status: 'CANCELLED' });
    const notice = hostGuestCancelledNotice(view());
    expect(notice.subject).toBe('Ann Guest cancelled: Mon 11 Mar, 10:00');
    expect(notice.text).toContain('the time can be booked again');
    expect(notice.attachments).toBeUndefined();
  });
});
