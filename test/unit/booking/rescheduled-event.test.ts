// The patch that moves a slot's event when the guest reschedules: a table of flow and status.
import { HOLD_PREFIX, rescheduledEvent } from '../../../shared/booking/invite-events';
import type { GoogleEvent } from '../../../shared/google/calendar';
import type { Slot } from '../../../shared/store/slots';
import type { Subscriber } from '../../../shared/store/subscribers';

const host = { name: 'Jo Host', email: 'jo@host.example', timezone: 'Europe/Berlin' } as Subscriber;
const slot = {
  start: new Date('2030-03-12T13:00:00Z'),
  end: new Date('2030-03-12T13:30:00Z'),
  guest: { name: 'Ann Guest', email: 'ann@guest.example', timezone: 'UTC' },
  message: 'See you',
  calendarId: 'jo@host.example',
} as Slot;
const event: GoogleEvent = {
  attendees: [
    { email: 'jo@host.example', self: true, responseStatus: 'accepted' },
    { email: 'ann@guest.example', responseStatus: 'accepted' },
  ],
};
const LINK = 'https://book.example/booking/manage?token=new';

describe('the event of a rescheduled booking', () => {
  it.each([
    ['Google flow, back to requested: tentative, the host asked again, the guest\'s answer kept', 'google', 'requested', 'tentative', 'needsAction'],
    ['Google flow, still confirmed: confirmed, the host accepted', 'google', 'booked', 'confirmed', 'accepted'],
  ] as const)('%s', (_name, inviteMode, status, eventStatus, hostAnswer) => {
    const patch = rescheduledEvent({ ...slot, inviteMode, status }, host, event, LINK);
    expect(patch).toMatchObject({ start: { dateTime: slot.start.toISOString(), timeZone: 'Europe/Berlin' }, end: { dateTime: slot.end.toISOString() }, status: eventStatus });
    expect(patch.attendees).toEqual([
      { email: 'jo@host.example', self: true, responseStatus: hostAnswer },
      { email: 'ann@guest.example', responseStatus: 'accepted' },
    ]);
    expect(patch.description).toContain(LINK);
    expect(patch.description).toContain('See you');
  });

  it.each([
    ['.ics flow, back to requested: a HOLD again', 'requested', true],
    ['.ics flow, still confirmed: the booking', 'booked', false],
  ] as const)('%s, moved silently with no attendees and no link (the guest has it from our mail)', (_name, status, hold) => {
    const patch = rescheduledEvent({ ...slot, inviteMode: 'ics', status }, host, event, LINK);
    expect(patch.summary?.startsWith(HOLD_PREFIX)).toBe(hold);
    expect(patch.start?.dateTime).toBe(slot.start.toISOString());
    expect(patch.attendees).toBeUndefined();
    expect(patch.description).toBeUndefined();
  });
});
