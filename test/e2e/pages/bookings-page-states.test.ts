// The host's bookings page in real headless Chromium, rendered here in the states the end-to-end
// flow (../flows/manage-flow, one booking at a time) does not reach: a full page (several
// requests waiting, a booking the guest declined in Google, one moved in Google, a past one, a
// notice that nothing was changed, links to the first and the next page, filters set), no
// bookings yet, and filters that match nothing. Each at a desktop, a phone and a dark phone, under
// the policy our functions send: axe finds no serious violation, nothing is wider than the screen,
// and a screenshot is kept.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { renderBookingsPage, type BookingsPageInput } from '../../../functions/accounts/bookings-page';
import { contentSecurityPolicy } from '../../../functions/pages/layout';
import { listen, sendHtml, type RunningServer } from '../../../infra/local/http';
import type { ListedBooking } from '../../../shared/store/host-bookings';
import type { Slot } from '../../../shared/store/slots';
import { expectAccessible } from '../../support/accessibility';
import { PHONE_DARK, screenshot, VIEWPORTS } from '../../support/artifacts';
import { closeChromium, cspViolations, launchChromium } from '../../support/browser';

const at = new Date('2031-03-01T08:00:00Z');
const ALL_STATUSES = { statuses: ['requested', 'booked', 'declined', 'cancelled'] } as BookingsPageInput['query']['filter'];

function booking(slotId: string, guestName: string, start: string, over: Partial<Slot> = {}, phase: ListedBooking['phase'] = 'upcoming'): ListedBooking {
  const startAt = new Date(start);
  return {
    slotId,
    phase,
    slot: {
      subscriberId: 'h1',
      start: startAt,
      end: new Date(startAt.getTime() + 30 * 60_000),
      guest: { name: guestName, email: `${slotId}@example.org`, timezone: 'America/New_York' },
      message: 'I would like to talk about the compiler.\nThirty minutes should be enough.',
      status: 'requested',
      inviteMode: 'google',
      calendarId: 'host@example.com',
      eventId: slotId,
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

const FULL: BookingsPageInput = {
  hostZone: 'Europe/Berlin',
  bookings: [
    booking('waiting1', 'Grace Hopper', '2031-03-10T09:00:00Z'),
    booking('waiting2', 'Katherine Johnson', '2031-03-10T13:30:00Z', { message: null, inviteMode: 'ics' }),
    booking('moved1', 'Alan Turing', '2031-03-11T10:00:00Z', {
      status: 'booked',
      guestResponse: 'accepted',
      history: [
        { from: null, to: 'requested', cause: 'guest_booked', at },
        { from: 'requested', to: 'booked', cause: 'host_confirmed', at: new Date('2031-03-01T09:00:00Z') },
        { from: 'booked', to: 'booked', cause: 'moved_in_google', at: new Date('2031-03-02T09:00:00Z'), movedFrom: { start: new Date('2031-03-11T09:00:00Z'), end: new Date('2031-03-11T09:30:00Z') } },
      ],
    }),
    booking('declined1', 'Edsger Dijkstra', '2031-03-12T15:00:00Z', {
      status: 'declined',
      guestResponse: 'declined',
      history: [
        { from: null, to: 'requested', cause: 'guest_booked', at },
        { from: 'requested', to: 'declined', cause: 'guest_declined', at: new Date('2031-03-01T10:00:00Z') },
      ],
    }),
    booking('past1', 'Barbara Liskov', '2031-02-20T08:00:00Z', { status: 'cancelled', history: [{ from: null, to: 'requested', cause: 'guest_booked', at }, { from: 'requested', to: 'cancelled', cause: 'guest_cancelled', at }] }, 'past'),
  ],
  query: { statuses: ['requested', 'booked'], from: '2031-03-01', to: '2031-03-31', pageToken: 'p1', filter: ALL_STATUSES },
  nextPageToken: 'p2',
  notice: { code: 'conflict-booked', slotId: 'moved1' },
  formToken: 'form.t0k',
  urls: { bookings: '/accounts/bookings', settings: '/accounts/settings' },
};

const PAGES: Record<string, BookingsPageInput> = {
  '/full': FULL,
  '/empty': { ...FULL, bookings: [], query: { statuses: [], filter: ALL_STATUSES }, nextPageToken: undefined, notice: undefined },
  '/no-match': { ...FULL, bookings: [], query: { statuses: ['declined'], from: '2031-04-01', filter: ALL_STATUSES }, nextPageToken: undefined, notice: undefined },
};

let server: RunningServer;
let browser: Browser | undefined;

beforeAll(async () => {
  server = await listen((req, res) => {
    res.setHeader('content-security-policy', contentSecurityPolicy());
    const found = PAGES[new URL(req.url ?? '/', 'http://localhost').pathname];
    sendHtml(res, found ? 200 : 404, found ? renderBookingsPage(found) : 'not here');
  }, 0);
  browser = await launchChromium();
});

afterAll(async () => {
  await closeChromium(browser);
  await server?.close();
});

describe.each([...VIEWPORTS, PHONE_DARK])('the bookings page at the $name viewport', (viewport) => {
  let context: BrowserContext;
  let page: Page;
  let violations: string[];

  beforeAll(async () => {
    context = await browser!.newContext({ ...viewport.context, locale: 'en-GB' });
    context.setDefaultTimeout(5000);
    violations = cspViolations(context);
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
  });
  afterEach(() => {
    expect(violations).toEqual([]);
  });

  it.each(Object.keys(PAGES))('%s', async (path) => {
    await page.goto(`${server.url}${path}`);
    await page.getByRole('heading', { level: 1, name: 'Your bookings' }).waitFor();
    await screenshot(page, 'bookings page states', path, viewport);
    await expectAccessible(page, `the bookings page ${path} (${viewport.name})`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.context.viewport!.width);
  });

  it('names each action button by the booking it acts on', async () => {
    await page.goto(`${server.url}/full`);
    expect(await page.getByRole('button', { name: /^Confirm the booking of Grace Hopper, / }).count()).toBe(1);
    expect(await page.getByRole('button', { name: /^Decline the booking of Katherine Johnson, / }).count()).toBe(1);
    expect(await page.getByRole('button', { name: /^Cancel booking the booking of Alan Turing, / }).count()).toBe(1);
    const waiting = page.getByRole('region', { name: 'Waiting for your decision' });
    expect(await waiting.getByRole('link', { name: /^(Grace Hopper|Katherine Johnson), / }).count()).toBe(2);
  });
});
