import { renderBookingsPage, type BookingsPageInput } from '../../../functions/accounts/bookings-page';
import type { ListedBooking } from '../../../shared/store/host-bookings';
import type { Slot } from '../../../shared/store/slots';

const at = new Date('2031-03-01T08:00:00Z');

function booking(slotId: string, over: Partial<Slot> = {}, phase: ListedBooking['phase'] = 'upcoming'): ListedBooking {
  return {
    slotId,
    phase,
    slot: {
      subscriberId: 'h1',
      start: new Date('2031-03-10T09:00:00Z'),
      end: new Date('2031-03-10T09:30:00Z'),
      guest: { name: 'Gina Guest', email: 'gina@example.org', timezone: 'Europe/Berlin' },
      message: null,
      status: 'requested',
      inviteMode: 'google',
      calendarId: 'host@example.com',
      eventId: 'abcdef',
      guestResponse: 'needsAction',
      claimIds: [],
      history: [{ from: null, to: 'requested', cause: 'guest_booked', at }],
      decision: null,
      notices: [],
      createdAt: at,
      updatedAt: at,
      ...over,
    },
  };
}

function input(over: Partial<BookingsPageInput> = {}): BookingsPageInput {
  return {
    hostZone: 'Europe/Berlin',
    bookings: [booking('waiting1'), booking('booked1', { status: 'booked' }), booking('old1', { status: 'cancelled' }, 'past')],
    query: { statuses: [], filter: { statuses: ['requested', 'booked', 'declined', 'cancelled'] } },
    formToken: 'token"value',
    urls: { bookings: '/accounts/bookings', settings: '/accounts/settings' },
    ...over,
  };
}

describe('the bookings page', () => {
  it('runs no script', () => {
    expect(renderBookingsPage(input())).not.toMatch(/<script/i);
  });

  it('puts the form token, escaped, in every form that posts, and none in the filter form (a GET would show it in the address)', () => {
    const html = renderBookingsPage(input());
    const posts = html.match(/<form method="post"/g) ?? [];
    expect(posts).toHaveLength(3); // confirm and decline the request, cancel the booked one
    expect(html.match(/name="csrf" value="token&quot;value"/g)).toHaveLength(3);
    const filter = html.slice(html.indexOf('<form method="get"'), html.indexOf('</form>', html.indexOf('<form method="get"')));
    expect(filter).not.toContain('csrf');
  });

  it('offers cancel only for an upcoming confirmed booking, and nothing for an ended one', () => {
    const html = renderBookingsPage(input());
    expect(html).toContain('action="/accounts/bookings/booked1/cancel"');
    expect(html).not.toContain('/accounts/bookings/old1/');
    expect(html).not.toContain('/accounts/bookings/waiting1/cancel');
  });

  it('shows a notice from its own words only, naming the booking when it is on the page', () => {
    const named = renderBookingsPage(input({ notice: { code: 'deny-done', slotId: 'waiting1' } }));
    expect(named).toContain('<p class="notice ok" role="status">This booking (Gina Guest, Mon 10 Mar, 10:00) is declined; the guest is told.</p>');
    const elsewhere = renderBookingsPage(input({ notice: { code: 'conflict-cancelled', slotId: 'gone' } }));
    expect(elsewhere).toContain('Nothing was changed to this booking: it is cancelled already.');
  });

  it('escapes what guests wrote wherever it appears', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const html = renderBookingsPage(input({ bookings: [booking('waiting1', { guest: { name: evil, email: 'a@example.org', timezone: 'UTC' }, message: evil })] }));
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('says so when nothing matches, differently with filters', () => {
    expect(renderBookingsPage(input({ bookings: [] }))).toContain('You have no bookings yet.');
    const filtered = input({ bookings: [], query: { statuses: ['declined'], filter: { statuses: ['declined'] } } });
    expect(renderBookingsPage(filtered)).toContain('No bookings match these filters.');
  });
});

describe('the requests waiting for a decision', () => {
  it('are named at the top; with more pages, a link shows only them', () => {
    const one = renderBookingsPage(input());
    expect(one).toContain('1 request waits for you to confirm or decline:');
    expect(one).toContain('<a href="#booking-waiting1">Gina Guest, Mon 10 Mar, 10:00</a>');
    expect(one).not.toContain('Show only the requests waiting for you');
    const paged = renderBookingsPage(input({ nextPageToken: 'next' }));
    expect(paged).toContain('1 request waits for you to confirm or decline on this page:');
    expect(paged).toContain('<a href="/accounts/bookings?status=requested">Show only the requests waiting for you</a>');
  });
});
