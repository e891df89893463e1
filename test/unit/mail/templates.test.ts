import {
  formatTimeRange,
  guestIcsCancellation,
  guestIcsConfirmation,
  guestIcsInvitation,
  hostDecisionRequest,
  guestIcsUpdate,
  hostCalendarGoneNotice,
  hostEventCancelledNotice,
  hostEventMovedNotice,
  hostGuestDeclinedNotice,
  hostGuestTentativeNotice,
  hostNewBookingNotice,
  type BookingView,
} from '../../../shared/mail/templates';
import { UnsafeLink } from '../../../shared/mail/layout';
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
    message: 'About the roof & the "gutter".\nThanks!',
    start: new Date('2030-03-11T09:00:00Z'),
    end: new Date('2030-03-11T09:30:00Z'),
    ...overrides,
  };
}

/** Where a moved booking was before: the day before, an hour earlier. */
const PREVIOUS = { start: new Date('2030-03-10T08:00:00Z'), end: new Date('2030-03-10T08:30:00Z') };

const LINKS = { confirmUrl: 'https://book.example/decide?t=abc&a=confirm', denyUrl: 'https://book.example/decide?t=abc&a=deny' };

function icsOf(mail: OutgoingMail) {
  const [attachment, ...more] = mail.attachments ?? [];
  expect(more).toEqual([]);
  expect(attachment).toMatchObject({ disposition: 'attachment', filename: expect.stringMatching(/\.ics$/) });
  const ics = parseIcs(Buffer.from(attachment?.content ?? '', 'base64').toString('utf8'));
  // RFC 6047 §2.4: the MIME type names the same method as the file, or Outlook shows no invitation.
  expect(attachment?.type).toBe(`text/calendar; method=${prop(ics.calendar, 'METHOD').value}`);
  return ics;
}

const everyTemplate: [string, (v: BookingView) => OutgoingMail][] = [
  ['hostDecisionRequest', (v) => hostDecisionRequest(v, LINKS, 'google')],
  ['hostNewBookingNotice', (v) => hostNewBookingNotice(v, 'ics')],
  ['guestIcsInvitation', (v) => guestIcsInvitation(v, 0)],
  ['guestIcsConfirmation', (v) => guestIcsConfirmation(v, 1)],
  ['guestIcsCancellation', (v) => guestIcsCancellation(v, 1)],
  ['hostGuestDeclinedNotice', hostGuestDeclinedNotice],
  ['hostGuestTentativeNotice', hostGuestTentativeNotice],
  ['hostEventCancelledNotice', hostEventCancelledNotice],
  ['guestIcsUpdate', (v) => guestIcsUpdate(v, 2, PREVIOUS, 'CONFIRMED')],
  ['hostEventMovedNotice', (v) => hostEventMovedNotice(v, PREVIOUS, 'ics')],
];

const hostTemplates = new Set([
  'hostDecisionRequest',
  'hostNewBookingNotice',
  'hostGuestDeclinedNotice',
  'hostGuestTentativeNotice',
  'hostEventCancelledNotice',
  'hostEventMovedNotice',
]);

describe('formatTimeRange', () => {
  it('shows the time in the given zone and names the zone and its offset', () => {
    expect(formatTimeRange(new Date('2030-03-11T09:00:00Z'), new Date('2030-03-11T09:30:00Z'), 'Europe/Berlin')).toBe(
      'Monday 11 March 2030, 10:00–10:30 (Europe/Berlin, UTC+01:00)',
    );
  });

  it('follows daylight saving time of the zone', () => {
    expect(formatTimeRange(new Date('2030-07-01T09:00:00Z'), new Date('2030-07-01T10:00:00Z'), 'America/New_York')).toBe(
      'Monday 1 July 2030, 05:00–06:00 (America/New_York, UTC-04:00)',
    );
  });

  it('gives the end its own date when the booking crosses midnight in that zone', () => {
    expect(formatTimeRange(new Date('2030-03-11T22:30:00Z'), new Date('2030-03-11T23:30:00Z'), 'Europe/Berlin')).toBe(
      'Monday 11 March 2030, 23:30–Tuesday 12 March 2030, 00:30 (Europe/Berlin, UTC+01:00)',
    );
  });

  it('says plain UTC for the UTC zone', () => {
    expect(formatTimeRange(new Date('2030-03-11T09:00:00Z'), new Date('2030-03-11T09:30:00Z'), 'UTC')).toBe('Monday 11 March 2030, 09:00–09:30 (UTC)');
  });
});

describe.each(everyTemplate)('%s', (name, template) => {
  const toHost = hostTemplates.has(name);

  it('is a mail SendGrid will take: both parts, one recipient, a one-line subject', () => {
    const mail = template(view({ guestName: 'Ann\nGuest' }));

    expect(outgoingMailSchema.parse(mail)).toEqual(mail);
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });

  it('goes to the right person, with replies going to the other one', () => {
    const mail = template(view());

    expect(mail.to).toEqual(toHost ? { email: 'jo@host.example', name: 'Jo Host' } : { email: 'ann@guest.example', name: 'Ann Guest' });
    expect(mail.replyTo).toEqual(toHost ? { email: 'ann@guest.example', name: 'Ann Guest' } : { email: 'jo@host.example', name: 'Jo Host' });
  });

  it('escapes a name that holds HTML in the html part and keeps it as typed in the text part', () => {
    const mail = template(view({ guestName: SCRIPT, hostName: `Jo ${SCRIPT}`, message: `${SCRIPT} hello` }));

    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.text).toContain(SCRIPT);
  });

  it("shows the time in the recipient's zone, naming the zone, in both parts", () => {
    const mail = template(view());
    const expected = toHost ? 'Monday 11 March 2030, 10:00–10:30 (Europe/Berlin, UTC+01:00)' : 'Monday 11 March 2030, 05:00–05:30 (America/New_York, UTC-04:00)';

    expect(mail.text).toContain(expected);
    expect(mail.html).toContain(expected);
  });

  it('is laid out for a phone with inline styles only', () => {
    const { html } = template(view());

    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).not.toMatch(/<style|<link|<img|<script/i);
  });
});

describe('hostDecisionRequest', () => {
  it('carries the Confirm and Decline links in both parts, escaped in the html', () => {
    const mail = hostDecisionRequest(view(), LINKS, 'google');

    expect(mail.text).toContain(`Confirm: ${LINKS.confirmUrl}`);
    expect(mail.text).toContain(`Decline: ${LINKS.denyUrl}`);
    expect(mail.html).toContain('href="https://book.example/decide?t=abc&amp;a=confirm"');
    expect(mail.html).toContain('href="https://book.example/decide?t=abc&amp;a=deny"');
  });

  it('says the links ask once more before acting', () => {
    expect(hostDecisionRequest(view(), LINKS, 'google').text).toContain('asks you once more before anything happens');
  });

  it("shows who asked and the guest's message, escaped", () => {
    const mail = hostDecisionRequest(view(), LINKS, 'google');

    expect(mail.subject).toBe('Booking request from Ann Guest: Mon 11 Mar, 10:00');
    expect(mail.text).toContain('Guest: Ann Guest <ann@guest.example>');
    expect(mail.text).toContain('> About the roof & the "gutter".\n> Thanks!');
    expect(mail.html).toContain('About the roof &amp; the &quot;gutter&quot;.\nThanks!');
  });

  it('leaves out the message block when the guest wrote none', () => {
    expect(hostDecisionRequest(view({ message: null }), LINKS, 'google').text).not.toContain('wrote');
    expect(hostDecisionRequest(view({ message: '  ' }), LINKS, 'google').text).not.toContain('wrote');
  });

  it('says who sent the guest the invitation, by invite mode', () => {
    expect(hostDecisionRequest(view(), LINKS, 'google').text).toContain('Google Calendar has sent Ann Guest an invitation');
    expect(hostDecisionRequest(view(), LINKS, 'ics').text).toContain('We emailed Ann Guest a tentative invitation');
  });

  it('refuses a link that is not http(s)', () => {
    expect(() => hostDecisionRequest(view(), { ...LINKS, denyUrl: 'javascript:alert(1)' }, 'google')).toThrow(UnsafeLink);
  });

  it('has no attachment', () => {
    expect(hostDecisionRequest(view(), LINKS, 'ics').attachments).toBeUndefined();
  });
});

describe('hostNewBookingNotice', () => {
  it('announces a new booking without buttons', () => {
    const mail = hostNewBookingNotice(view(), 'google');

    expect(mail.subject).toBe('New booking: Ann Guest, Mon 11 Mar, 10:00');
    expect(mail.text).toContain('confirmed automatically');
    expect(mail.html).not.toContain('<a ');
    expect(mail.attachments).toBeUndefined();
  });
});

describe('the guest mails of the .ics path', () => {
  it('invite with a tentative REQUEST and say the host will confirm', () => {
    const mail = guestIcsInvitation(view(), 0);
    const ics = icsOf(mail);

    expect(mail.text).toContain('Jo Host will confirm');
    expect(prop(ics.calendar, 'METHOD').value).toBe('REQUEST');
    const event = ics.events[0] ?? [];
    expect(prop(event, 'STATUS').value).toBe('TENTATIVE');
    expect(prop(event, 'SEQUENCE').value).toBe('0');
    expect(prop(event, 'UID').value).toBe('slot-42@calendar-invites');
    expect(prop(event, 'DTSTART').value).toBe('20300311T090000Z');
  });

  it('confirm with a CONFIRMED REQUEST of the same UID and the given sequence', () => {
    const event = icsOf(guestIcsConfirmation(view(), 1)).events[0] ?? [];

    expect(prop(event, 'STATUS').value).toBe('CONFIRMED');
    expect(prop(event, 'SEQUENCE').value).toBe('1');
    expect(prop(event, 'UID').value).toBe('slot-42@calendar-invites');
  });

  it("cancel with a CANCEL of the same UID and say politely the host can't make it", () => {
    const mail = guestIcsCancellation(view(), 2);
    const ics = icsOf(mail);

    expect(mail.subject).toBe("Jo Host can't make it: Mon 11 Mar, 05:00");
    expect(mail.text).toContain('Sorry');
    expect(prop(ics.calendar, 'METHOD').value).toBe('CANCEL');
    expect(prop(ics.events[0] ?? [], 'STATUS').value).toBe('CANCELLED');
    expect(prop(ics.events[0] ?? [], 'SEQUENCE').value).toBe('2');
  });
});

describe('the mails of a move in Google', () => {
  it('move the guest with a REQUEST of the same UID at the new time, the given SEQUENCE, and the status the booking has', () => {
    const requested = icsOf(guestIcsUpdate(view(), 1, PREVIOUS, 'TENTATIVE'));
    const booked = icsOf(guestIcsUpdate(view(), 2, PREVIOUS, 'CONFIRMED'));

    expect(prop(requested.calendar, 'METHOD').value).toBe('REQUEST');
    const event = requested.events[0] ?? [];
    expect(prop(event, 'UID').value).toBe('slot-42@calendar-invites');
    expect(prop(event, 'SEQUENCE').value).toBe('1');
    expect(prop(event, 'DTSTART').value).toBe('20300311T090000Z');
    expect(prop(event, 'DTEND').value).toBe('20300311T093000Z');
    expect(prop(event, 'STATUS').value).toBe('TENTATIVE');
    expect(prop(booked.events[0] ?? [], 'STATUS').value).toBe('CONFIRMED');
    expect(prop(booked.events[0] ?? [], 'SEQUENCE').value).toBe('2');
  });

  it("tell the guest the old and the new time in the guest's zone", () => {
    const mail = guestIcsUpdate(view(), 2, PREVIOUS, 'CONFIRMED');

    expect(mail.subject).toBe('New time: Jo Host, Mon 11 Mar, 05:00');
    expect(mail.text).toContain('Jo Host moved your booking to a new time');
    expect(mail.text).toContain('Was: Sunday 10 March 2030, 04:00–04:30 (America/New_York, UTC-04:00)');
    expect(mail.text).toContain('When: Monday 11 March 2030, 05:00–05:30 (America/New_York, UTC-04:00)');
  });

  it('say a booking still waiting for the host is still waiting', () => {
    expect(guestIcsUpdate(view(), 1, PREVIOUS, 'TENTATIVE').text).toContain('still waiting for Jo Host to confirm');
    expect(guestIcsUpdate(view(), 2, PREVIOUS, 'CONFIRMED').text).not.toContain('waiting');
  });

  it("tell the host what moved, from → to in the host's zone, and who told the guest", () => {
    const mail = hostEventMovedNotice(view(), PREVIOUS, 'ics');

    expect(mail.subject).toBe('Booking moved: Ann Guest, Mon 11 Mar, 10:00');
    expect(mail.text).toContain('From: Sunday 10 March 2030, 09:00–09:30 (Europe/Berlin, UTC+01:00)');
    expect(mail.text).toContain('To: Monday 11 March 2030, 10:00–10:30 (Europe/Berlin, UTC+01:00)');
    expect(mail.text).toContain('We emailed Ann Guest the new time');
    expect(hostEventMovedNotice(view(), PREVIOUS, 'google').text).toContain('Google Calendar');
    expect(hostEventMovedNotice(view(), PREVIOUS, 'google').text).not.toContain('We emailed');
    expect(mail.attachments).toBeUndefined();
  });

  it('tell the host when the new time overlaps another booking, and that all of it stays taken', () => {
    expect(hostEventMovedNotice(view(), PREVIOUS, 'google', true).text).toContain('Part of the new time overlaps another booking in your calendar. All of it stays taken');
    expect(hostEventMovedNotice(view(), PREVIOUS, 'google').text).not.toContain('overlaps');
  });
});

describe('the host notices of guest answers and cancelled events', () => {
  it.each([
    [hostGuestDeclinedNotice, 'Ann Guest declined the invitation'],
    [hostGuestTentativeNotice, 'Ann Guest answered "maybe"'],
    [hostEventCancelledNotice, 'Your booking with Ann Guest was cancelled'],
  ])('say what happened in their heading (%#)', (template, heading) => {
    const mail = template(view());

    expect(mail.text.startsWith(`${heading}\n`)).toBe(true);
    expect(mail.attachments).toBeUndefined();
  });
});

describe('the calendar attachment type', () => {
  it('still reads a mail queued before the type named its method (the outbox retries those)', () => {
    const queued = { ...guestIcsInvitation(view(), 0) };
    queued.attachments = queued.attachments?.map((a) => ({ ...a, type: 'text/calendar' as const }));

    expect(outgoingMailSchema.parse(queued)).toEqual(queued);
  });

  it('refuses a type with a charset, which SendGrid would refuse', () => {
    const mail = guestIcsInvitation(view(), 0);
    const withCharset = { ...mail, attachments: mail.attachments?.map((a) => ({ ...a, type: 'text/calendar; method=REQUEST; charset="UTF-8"' })) };

    expect(outgoingMailSchema.safeParse(withCharset).success).toBe(false);
  });
});

describe('the host notice of a calendar Google says is gone', () => {
  it('names the calendar, says we stopped watching it and what to do', () => {
    const mail = hostCalendarGoneNotice({ name: 'Jo Host', email: 'jo@host.example' }, 'team@group.calendar.google.com');
    expect(outgoingMailSchema.parse(mail)).toEqual(mail);
    expect(mail.to).toEqual({ email: 'jo@host.example', name: 'Jo Host' });
    expect(mail.subject).toBe('Your booking calendar is gone from Google');
    expect(mail.text).toContain('Calendar: team@group.calendar.google.com');
    expect(mail.text).toContain('we stopped watching it');
    expect(mail.text).toContain('choose another calendar in your settings');
  });
});
