// What the booking page says once a booking is made (functions/booking/client/booking-outcome.ts).
import { outcomeLines } from '../../../functions/booking/client/booking-outcome';

const when = 'Monday 2 December, 09:30–10:00 (America/New York time)';

describe('what the guest is told after booking', () => {
  it.each([
    [
      'requested',
      'google',
      ['Request sent for Monday 2 December, 09:30–10:00 (America/New York time).', 'Google has sent you an invitation; Ada Lovelace will confirm it.'],
    ],
    ['booked', 'google', ['Booked: Monday 2 December, 09:30–10:00 (America/New York time).', 'Google has sent you an invitation; the time is confirmed.']],
    [
      'requested',
      'ics',
      [
        'Request sent for Monday 2 December, 09:30–10:00 (America/New York time).',
        'We have emailed you an invitation that holds the time in your calendar as tentative; Ada Lovelace will confirm it, and we will email you as soon as they do.',
      ],
    ],
    ['booked', 'ics', ['Booked: Monday 2 December, 09:30–10:00 (America/New York time).', 'We have emailed you an invitation for your calendar; the time is confirmed.']],
  ])('a %s booking in the %s flow', (status, inviteMode, lines) => {
    expect(outcomeLines({ status, inviteMode }, 'Ada Lovelace', when)).toEqual(lines);
  });

  it('promises no particular sender for an answer saved before it named the invite mode', () => {
    expect(outcomeLines({ status: 'requested' }, 'Ada Lovelace', when)[1]).toBe('Ada Lovelace will confirm it; you will get an invitation by email.');
    expect(outcomeLines({ status: 'booked' }, 'Ada Lovelace', when)[1]).toBe('You will get an invitation by email.');
  });
});
