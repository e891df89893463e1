import { calendarInvite, InvalidCalendarInvite, type CalendarInviteInput } from '../../../shared/mail/ics';
import { parseIcs, prop } from './parse-ics';

function input(overrides: Partial<CalendarInviteInput> = {}): CalendarInviteInput {
  return {
    slotId: 'slot-123',
    sequence: 0,
    method: 'REQUEST',
    status: 'TENTATIVE',
    start: new Date('2030-03-10T09:00:00Z'),
    end: new Date('2030-03-10T09:30:00Z'),
    summary: 'Ann Guest and Jo Host',
    description: 'Booked by Ann.\n\nCan we talk about; the roof, please?',
    organizer: { name: 'Jo Host', email: 'jo@host.example' },
    guest: { name: 'Smith, Ann "A."', email: 'ann@guest.example' },
    ...overrides,
  };
}

describe('calendarInvite', () => {
  it('writes an iTIP REQUEST with one event carrying the slot UID and the given SEQUENCE', () => {
    const ics = parseIcs(calendarInvite(input({ sequence: 3 })));

    expect(prop(ics.calendar, 'METHOD').value).toBe('REQUEST');
    expect(prop(ics.calendar, 'VERSION').value).toBe('2.0');
    expect(ics.events).toHaveLength(1);
    const event = ics.events[0] ?? [];
    expect(prop(event, 'UID').value).toBe('slot-123@calendar-invites');
    expect(prop(event, 'SEQUENCE').value).toBe('3');
    expect(prop(event, 'STATUS').value).toBe('TENTATIVE');
    expect(prop(event, 'DTSTAMP').value).toMatch(/^\d{8}T\d{6}Z$/);
  });

  it('gives start and end in UTC, whatever zone the Dates were made in', () => {
    const event = parseIcs(calendarInvite(input({ start: new Date('2030-03-10T10:00:00+01:00'), end: new Date('2030-03-10T11:15:00+01:00') }))).events[0] ?? [];

    expect(prop(event, 'DTSTART')).toEqual({ name: 'DTSTART', params: {}, value: '20300310T090000Z' });
    expect(prop(event, 'DTEND')).toEqual({ name: 'DTEND', params: {}, value: '20300310T101500Z' });
  });

  it('names the host as ORGANIZER and invites the guest as a required attendee who is asked to reply', () => {
    const event = parseIcs(calendarInvite(input())).events[0] ?? [];

    expect(prop(event, 'ORGANIZER')).toMatchObject({ params: { CN: 'Jo Host' }, value: 'mailto:jo@host.example' });
    const attendee = prop(event, 'ATTENDEE');
    expect(attendee.value.toLowerCase()).toBe('mailto:ann@guest.example');
    expect(attendee.params).toMatchObject({ PARTSTAT: 'NEEDS-ACTION', RSVP: 'TRUE', ROLE: 'REQ-PARTICIPANT' });
    // RFC 6868: a double quote inside a quoted parameter is written ^'.
    expect(attendee.params.CN).toBe("Smith, Ann ^'A.^'");
  });

  it('escapes text values so a ";" or "," in the description does not split it', () => {
    const event = parseIcs(calendarInvite(input())).events[0] ?? [];

    expect(prop(event, 'SUMMARY').value).toBe('Ann Guest and Jo Host');
    expect(prop(event, 'DESCRIPTION').value).toBe('Booked by Ann.\\n\\nCan we talk about\\; the roof\\, please?');
  });

  it('writes a confirmed REQUEST with STATUS:CONFIRMED', () => {
    const ics = parseIcs(calendarInvite(input({ status: 'CONFIRMED', sequence: 1 })));

    expect(prop(ics.calendar, 'METHOD').value).toBe('REQUEST');
    expect(prop(ics.events[0] ?? [], 'STATUS').value).toBe('CONFIRMED');
  });

  it('writes a CANCEL for the same UID with STATUS:CANCELLED that asks for no reply', () => {
    const ics = parseIcs(calendarInvite(input({ method: 'CANCEL', status: 'CANCELLED', sequence: 2 })));
    const event = ics.events[0] ?? [];

    expect(prop(ics.calendar, 'METHOD').value).toBe('CANCEL');
    expect(prop(event, 'UID').value).toBe('slot-123@calendar-invites');
    expect(prop(event, 'SEQUENCE').value).toBe('2');
    expect(prop(event, 'STATUS').value).toBe('CANCELLED');
    expect(prop(event, 'ATTENDEE').params.RSVP ?? 'FALSE').toBe('FALSE');
  });

  it('uses CRLF line endings and folds no line beyond 75 octets', () => {
    const text = calendarInvite(input({ description: 'x'.repeat(300) }));

    expect(text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it.each([
    ['a CANCEL that keeps the event', { method: 'CANCEL', status: 'CONFIRMED' }],
    ['a REQUEST for a cancelled event', { method: 'REQUEST', status: 'CANCELLED' }],
    ['a negative SEQUENCE', { sequence: -1 }],
    ['a fractional SEQUENCE', { sequence: 1.5 }],
    ['an end before the start', { end: new Date('2030-03-10T08:00:00Z') }],
    ['an end equal to the start', { end: new Date('2030-03-10T09:00:00Z') }],
  ] as const)('refuses %s', (_case, overrides) => {
    expect(() => calendarInvite(input(overrides as Partial<CalendarInviteInput>))).toThrow(InvalidCalendarInvite);
  });
});
