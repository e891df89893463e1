// The test helper that reads every .ics we send with ical.js and Python's icalendar: it must read
// what we write, refuse what is broken, and name each iTIP rule a booking's messages break.
import { calendarInvite, type CalendarInviteInput } from '../../../shared/mail/ics';
import { expectItipRules, readCalendarMessages, type CalendarMessage } from '../../support/calendar-files';
import type { SinkMessage } from '../../support/system';

function input(overrides: Partial<CalendarInviteInput> = {}): CalendarInviteInput {
  return {
    slotId: 'slot-9',
    sequence: 0,
    method: 'REQUEST',
    status: 'TENTATIVE',
    start: new Date('2030-03-10T09:00:00Z'),
    end: new Date('2030-03-10T09:30:00Z'),
    summary: 'Ann and Jo',
    description: 'Line one;\nline two, with "quotes" and ünïcödé.',
    organizer: { name: 'Jo Host', email: 'jo@host.example' },
    guest: { name: 'Smith, Ann "A."', email: 'ann@guest.example' },
    ...overrides,
  };
}

function sent(text: string, type = `text/calendar; method=${/^METHOD:(\w+)\r$/m.exec(text)?.[1]}`): SinkMessage {
  return { id: 'm', personalizations: [], subject: 's', content: [], attachments: [{ filename: 'invite.ics', type, content: Buffer.from(text, 'utf8').toString('base64') }] };
}

describe('reading the .ics files we send with both parsers', () => {
  it('reads a request, a confirmation and a cancellation alike in ical.js and Python', () => {
    const messages = readCalendarMessages([
      sent(calendarInvite(input())),
      sent(calendarInvite(input({ sequence: 1, status: 'CONFIRMED' }))),
      sent(calendarInvite(input({ sequence: 2, method: 'CANCEL', status: 'CANCELLED' }))),
    ]);

    expect(messages.map((m) => `${m.method} ${m.sequence} ${m.status}`)).toEqual(['REQUEST 0 TENTATIVE', 'REQUEST 1 CONFIRMED', 'CANCEL 2 CANCELLED']);
    expect(messages[0]).toMatchObject({
      uid: 'slot-9@calendar-invites',
      start: '2030-03-10T09:00:00.000Z',
      end: '2030-03-10T09:30:00.000Z',
      organizer: 'mailto:jo@host.example',
      attendees: ['mailto:ann@guest.example'],
      dtstampUtc: true,
    });
    expectItipRules(messages);
  });

  it('fails on a file a parser refuses, naming the parser', () => {
    const broken = calendarInvite(input()).replace('END:VEVENT', 'END:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART:not-a-date');

    expect(() => readCalendarMessages([sent(broken)])).toThrow(/icalendar refused|ical\.js refused/);
  });

  it('names every iTIP rule a booking breaks', () => {
    const good = readCalendarMessages([sent(calendarInvite(input({ sequence: 3 })))])[0]!;
    const breaking: CalendarMessage[] = [
      good,
      { ...good, sequence: 3, uid: 'other@calendar-invites', type: 'text/calendar', dtstampUtc: false, status: 'CANCELLED', attendees: [] },
    ];

    let failure = '';
    try {
      expectItipRules(breaking);
    } catch (error) {
      failure = String(error);
    }
    for (const rule of ['UID', 'SEQUENCE is not higher', 'MIME type', 'DTSTAMP', 'ATTENDEE', 'STATUS:CANCELLED does not go with METHOD:REQUEST']) {
      expect(failure).toContain(rule);
    }
  });
});
