// The host's bookings page and its JSON, over real HTTP with a signed-in host: order, filters,
// paging, the exact JSON, what the page shows, and who may see it. The slots are written straight
// into the Firestore emulator at chosen times (past ones included, which no booking can make).
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { slotSchema, type Slot } from '../../../shared/store/slots';
import { linkedHost } from '../../support/host-in-browser';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';
import { accountsUrl, signIn } from './host-flows';
import { Visitor } from './visitor';

jest.setTimeout(60_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem();
});
afterAll(() => sys.close());

const DAY = 24 * 60 * 60_000;
const HOUR = 60 * 60_000;
/** Whole hours from now, so the bookings' starts sort as the tests say whatever the time of day. */
const hoursFromNow = (hours: number) => new Date(Math.floor(Date.now() / HOUR) * HOUR + hours * HOUR);

async function signedInHost(): Promise<{ host: TestHost; visitor: Visitor }> {
  const host = await linkedHost(sys);
  const visitor = new Visitor();
  await signIn(sys, visitor, host.email);
  return { host, visitor };
}

let slots = 0;

/** A slot of the host's, written as a booking leaves it; its id. */
async function slotOf(host: TestHost, start: Date, over: Partial<Slot> = {}): Promise<string> {
  slots += 1;
  const slotId = `listed${String(slots).padStart(4, '0')}x${Math.random().toString(36).slice(2, 8)}`;
  const at = new Date(start.getTime() - 3 * DAY);
  const slot = slotSchema.parse({
    subscriberId: host.id,
    start,
    end: new Date(start.getTime() + 30 * 60_000),
    guest: { name: 'Gina Guest', email: 'gina.guest@example.org', timezone: 'America/New_York' },
    message: null,
    status: 'requested',
    inviteMode: 'google',
    calendarId: host.calendarId,
    eventId: eventIdForSlot(slotId),
    guestResponse: 'needsAction',
    claimIds: [],
    history: [{ from: null, to: 'requested', cause: 'guest_booked', at }],
    decision: null,
    notices: [],
    createdAt: at,
    updatedAt: at,
    ...over,
  });
  await sys.db.collection('slots').doc(slotId).set(slot);
  return slotId;
}

interface BookingsJson {
  bookings: { slotId: string; status: string; start: string; history: { to: string; cause: string; at: string }[] }[];
  nextPageToken?: string;
}

async function getJson(visitor: Visitor, query = ''): Promise<Response> {
  return fetch(accountsUrl(sys, `/bookings${query}`), { headers: { accept: 'application/json', cookie: cookieHeader(visitor) } });
}

async function listed(visitor: Visitor, query = ''): Promise<BookingsJson> {
  const res = await getJson(visitor, query);
  if (res.status !== 200) throw new Error(`bookings answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as BookingsJson;
}

function cookieHeader(visitor: Visitor): string {
  return [...visitor.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
}

/** Every page of the query, following nextPageToken; the ids in order. */
async function allPages(visitor: Visitor, query: string): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await listed(visitor, `?${query}${token ? `&pageToken=${token}` : ''}`);
    ids.push(...page.bookings.map((b) => b.slotId));
    token = page.nextPageToken;
    pages += 1;
  } while (token && pages < 20);
  return { ids, pages };
}

describe("the host's bookings", () => {
  it('lists upcoming bookings soonest first, then past ones latest first, the host’s own only, as JSON of exactly this shape', async () => {
    const { host, visitor } = await signedInHost();
    const other = await linkedHost(sys);
    const start = hoursFromNow(24);
    const later = await slotOf(host, hoursFromNow(48));
    const soon = await slotOf(host, start, { status: 'booked', guestResponse: 'accepted', message: 'About the roof' });
    const yesterday = await slotOf(host, hoursFromNow(-24), { status: 'cancelled' });
    const lastWeek = await slotOf(host, hoursFromNow(-24 * 7), { status: 'declined', inviteMode: 'ics', calendarId: null });
    await slotOf(other, hoursFromNow(30));

    const page = await listed(visitor);
    expect(page.bookings.map((b) => b.slotId)).toEqual([soon, later, yesterday, lastWeek]);
    expect(page.nextPageToken).toBeUndefined();
    const at = new Date(start.getTime() - 3 * DAY).toISOString();
    expect(page.bookings[0]).toStrictEqual({
      slotId: soon,
      status: 'booked',
      start: start.toISOString(),
      end: new Date(start.getTime() + 30 * 60_000).toISOString(),
      guest: { name: 'Gina Guest', email: 'gina.guest@example.org', timezone: 'America/New_York' },
      guestResponse: 'accepted',
      inviteMode: 'google',
      message: 'About the roof',
      history: [{ to: 'requested', cause: 'guest_booked', at }],
    });
  });

  it('filters by status (repeated or comma-separated) and by whole days in the host zone', async () => {
    const { host, visitor } = await signedInHost();
    // The test hosts live in Europe/Berlin: a day there starts at 22:00 or 23:00 UTC the day before.
    const day = (iso: string, time: string) => new Date(`${iso}T${time}`);
    const firstDay = await slotOf(host, day('2031-05-12', '22:30:00Z'), { status: 'booked' }); // 13 May, 00:30 in Berlin
    const lateOnTheLast = await slotOf(host, day('2031-05-14', '21:30:00Z')); // 14 May, 23:30
    const dayBefore = await slotOf(host, day('2031-05-12', '21:30:00Z')); // 12 May, 23:30
    const dayAfter = await slotOf(host, day('2031-05-14', '22:00:00Z')); // 15 May, 00:00
    const cancelled = await slotOf(host, day('2031-05-13', '10:00:00Z'), { status: 'cancelled' });

    expect((await listed(visitor, '?from=2031-05-13&to=2031-05-14')).bookings.map((b) => b.slotId)).toEqual([firstDay, cancelled, lateOnTheLast]);
    expect((await listed(visitor, '?status=requested&status=booked&from=2031-05-13&to=2031-05-14')).bookings.map((b) => b.slotId)).toEqual([firstDay, lateOnTheLast]);
    expect((await listed(visitor, '?status=cancelled,booked')).bookings.map((b) => b.slotId)).toEqual([firstDay, cancelled]);
    expect((await listed(visitor, '?status=requested&from=2031-05-15')).bookings.map((b) => b.slotId)).toEqual([dayAfter]);
    expect((await listed(visitor, '?to=2031-05-12')).bookings.map((b) => b.slotId)).toEqual([dayBefore]);
  });

  it('pages through upcoming and past bookings with the token, each once and in order, however many share a start', async () => {
    const { host, visitor } = await signedInHost();
    const upcoming: string[] = [];
    const past: string[] = [];
    // 25 upcoming (five starts, five bookings each) and 20 past: three pages of 20.
    for (let i = 0; i < 25; i++) upcoming.push(await slotOf(host, hoursFromNow(24 + Math.floor(i / 5))));
    for (let i = 0; i < 20; i++) past.push(await slotOf(host, hoursFromNow(-24 - i), { status: i % 2 === 0 ? 'booked' : 'declined' }));

    const { ids, pages } = await allPages(visitor, '');
    expect(pages).toBe(3);
    expect(ids).toEqual([...upcoming, ...past]);

    const booked = await allPages(visitor, 'status=booked');
    expect(booked.ids).toEqual(past.filter((_, i) => i % 2 === 0));
    expect(booked.pages).toBe(1);
  });

  it('a page that ends exactly at the last upcoming booking goes on to the past ones', async () => {
    const { host, visitor } = await signedInHost();
    const upcoming: string[] = [];
    for (let i = 0; i < 20; i++) upcoming.push(await slotOf(host, hoursFromNow(24 + i)));
    const past = await slotOf(host, hoursFromNow(-24));
    const first = await listed(visitor);
    expect(first.bookings.map((b) => b.slotId)).toEqual(upcoming);
    expect(first.nextPageToken).toBeDefined();
    const second = await listed(visitor, `?pageToken=${first.nextPageToken}`);
    expect(second.bookings.map((b) => b.slotId)).toEqual([past]);
    expect(second.nextPageToken).toBeUndefined();
  });

  it('refuses a query it cannot read with 400 and what was wrong: JSON for JSON, a page for browsers', async () => {
    const { visitor } = await signedInHost();
    const json = await getJson(visitor, '?status=maybe&from=2031-13-01&pageToken=abc');
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({
      error: 'invalid_request',
      issues: [
        { path: ['status'], message: 'must be one or more of requested, booked, declined, cancelled (got "maybe")' },
        { path: ['from'], message: '2031-13-01 is not a day of the calendar' },
        { path: ['pageToken'], message: 'the page token is not one this page gave out' },
      ],
    });
    const page = await visitor.request(accountsUrl(sys, '/bookings?from=2031-05-14&to=2031-05-13'));
    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('to: must not be before from');
  });

  it('without a session: 401 JSON for JSON clients, the way to sign in for browsers', async () => {
    const json = await fetch(accountsUrl(sys, '/bookings'), { headers: { accept: 'application/json' } });
    expect(json.status).toBe(401);
    expect(await json.json()).toEqual({ error: 'not_signed_in', message: expect.any(String) });
    const page = await new Visitor().request(accountsUrl(sys, '/bookings'));
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe(accountsUrl(sys, '/google/connect'));
  });
});

describe("the host's bookings page", () => {
  it('shows each booking with its guest, times in both zones, status, answer in Google, invite, message and history in words', async () => {
    const { host, visitor } = await signedInHost();
    const start = new Date('2031-03-10T09:00:00Z');
    const slotId = await slotOf(host, new Date('2031-03-10T10:00:00Z'), {
      status: 'booked',
      guest: { name: 'Gina <b>Guest</b>', email: 'gina.guest@example.org', timezone: 'America/New_York' },
      guestResponse: 'tentative',
      message: 'Bring the plans\nand the keys',
      history: [
        { from: null, to: 'requested', cause: 'guest_booked', at: new Date('2031-03-01T08:00:00Z') },
        { from: 'requested', to: 'booked', cause: 'host_confirmed', at: new Date('2031-03-01T09:00:00Z') },
        { from: 'booked', to: 'booked', cause: 'moved_in_google', at: new Date('2031-03-02T09:00:00Z'), movedFrom: { start, end: new Date(start.getTime() + 30 * 60_000) } },
      ],
    });
    const res = await visitor.request(accountsUrl(sys, '/bookings'));
    expect(res.status).toBe(200);
    const html = await res.text();
    const item = itemOf(html, slotId);
    expect(item).toContain('Gina &lt;b&gt;Guest&lt;/b&gt;');
    expect(item).not.toContain('<b>Guest</b>');
    expect(item).toContain('Monday 10 March 2031, 11:00–11:30 (Europe/Berlin, UTC+01:00)');
    expect(item).toContain('For the guest: Monday 10 March 2031, 06:00–06:30 (America/New_York, UTC-04:00)');
    expect(item).toContain('<dt>Status</dt><dd>Confirmed</dd>');
    expect(item).toContain('<dt>In Google</dt><dd>Maybe</dd>');
    expect(item).toContain('Google Calendar invitation');
    expect(item).toContain('America/New_York');
    expect(item).toContain('Bring the plans\nand the keys');
    expect(item).toMatch(/<time datetime="2031-03-01T08:00:00.000Z">Sat 1 Mar, 09:00<\/time>: Requested by the guest/);
    expect(item).toContain('Confirmed by you');
    expect(item).toContain('Moved in Google from 10:00 to 11:00 on Monday 10 March');
    expect(item).toMatch(/<form method="post" action="[^"]+\/accounts\/bookings\/[^"]+\/cancel">/);
    expect(item).toMatch(/<button type="submit" class="danger">Cancel booking<span class="visually-hidden"> the booking of Gina &lt;b&gt;Guest&lt;\/b&gt;, Mon 10 Mar, 11:00<\/span>/);
  });

  it('names the requests waiting for a decision at the top, in words, each with Confirm and Decline', async () => {
    const { host, visitor } = await signedInHost();
    const waiting = await slotOf(host, hoursFromNow(30));
    const booked = await slotOf(host, hoursFromNow(50), { status: 'booked' });
    const html = await (await visitor.request(accountsUrl(sys, '/bookings'))).text();
    const top = html.slice(html.indexOf('<section class="notice" aria-labelledby="waiting-heading">'), html.indexOf('</section>'));
    expect(top).toContain('<h2 id="waiting-heading">Waiting for your decision</h2>');
    expect(top).toContain('1 request waits for you to confirm or decline');
    expect(top).toContain(`href="#booking-${waiting}"`);
    expect(top).not.toContain(booked);
    const item = itemOf(html, waiting);
    expect(item).toContain('<dt>Status</dt><dd><strong>Waiting for your decision</strong></dd>');
    expect(item).toMatch(/>Confirm<span class="visually-hidden">/);
    expect(item).toMatch(/>Decline<span class="visually-hidden">/);
    expect(itemOf(html, booked)).not.toMatch(/>Confirm</);
  });

  it('keeps the filters in its form and links to the next page and back to the first', async () => {
    const { host, visitor } = await signedInHost();
    for (let i = 0; i < 21; i++) await slotOf(host, hoursFromNow(-24 - i), { status: 'declined' });
    const html = await (await visitor.request(accountsUrl(sys, '/bookings?status=declined&from=2020-01-01'))).text();
    expect(html).toContain('<input type="checkbox" name="status" value="declined" checked>');
    expect(html).toContain('<input type="checkbox" name="status" value="booked">');
    expect(html).toMatch(/<label for="filter-from">From[\s\S]*?<input type="date" id="filter-from" name="from" value="2020-01-01">/);
    const next = /<a rel="next" href="([^"]+)">Next page<\/a>/.exec(html)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toMatch(/\?status=declined&from=2020-01-01&pageToken=/);
    const second = await (await visitor.request(next!)).text();
    expect(second.match(/<article /g)).toHaveLength(1);
    expect(second).toMatch(/<a href="[^"]+\/accounts\/bookings\?status=declined&amp;from=2020-01-01">First page<\/a>/);
    expect(second).not.toContain('rel="next"');
  });

  it('links to the settings page, and the settings page links back', async () => {
    const { visitor } = await signedInHost();
    const html = await (await visitor.request(accountsUrl(sys, '/bookings'))).text();
    expect(html).toContain(`<a href="${accountsUrl(sys, '/settings')}" id="settings-link">Booking settings</a>`);
    expect(html).toContain('You have no bookings yet.');
    const settings = await (await visitor.request(accountsUrl(sys, '/settings'))).text();
    expect(settings).toContain('<a href="bookings" id="bookings-link">');
    expect(new URL('bookings', accountsUrl(sys, '/settings')).toString()).toBe(accountsUrl(sys, '/bookings'));
  });
});

/** The list item of one booking in the page. */
function itemOf(html: string, slotId: string): string {
  const from = html.indexOf(`<li id="booking-${slotId}">`);
  if (from < 0) throw new Error(`no booking ${slotId} in the page`);
  return html.slice(from, html.indexOf('</li>\n', html.indexOf('</article>', from)));
}
