// End to end in Chromium, on a desktop and on a phone, in the Google flow: a guest books on the
// booking page → the host, signed in, finds the request standing out on the bookings page and
// confirms it → the guest opens their manage link from the Google event's description and moves
// the booking to another offered time → the host confirms the new time and cancels the booking.
// After each step: the words the page shows, the booking as the host's bookings JSON has it, a
// screenshot (test-artifacts/screenshots/manage-flow/) and axe on every page visited. Locators
// are roles and labels only, so the pages are also checked to be usable by name.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectAccessible } from '../../support/accessibility';
import { screenshot, VIEWPORTS, type Viewport } from '../../support/artifacts';
import { availability } from '../../support/booking-client';
import { chooseFreeTime, fillGuestDetails } from '../../support/booking-page-guest';
import { closeChromium, cspViolations, launchChromium } from '../../support/browser';
import { linkedHost, signInAs } from '../../support/host-in-browser';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';
import { until } from '../../support/until';

jest.setTimeout(60_000);

/** A booking as GET /accounts/bookings answers it in JSON (the fields this flow looks at). */
interface ListedBooking {
  slotId: string;
  status: string;
  start: string;
  end: string;
  guest: { name: string; email: string; timezone: string };
  guestResponse: string;
  inviteMode: string;
  history: { to: string; cause: string; at: string }[];
}

const MANAGE_LINK = /https?:\/\/[^\s"<>]+\/booking\/manage\?token=[A-Za-z0-9._%~-]+/;

let sys: TestSystem;
let browser: Browser | undefined;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
  browser = await launchChromium();
});
afterAll(async () => {
  await closeChromium(browser);
  await sys?.close();
});

describe.each(VIEWPORTS)('on a $name', (viewport: Viewport) => {
  const guest = { name: `Grace ${viewport.name === 'phone' ? 'Phone' : 'Desk'}`, email: `grace.${viewport.name}@example.org`, message: 'About the compiler' };
  let host: TestHost;
  let guestContext: BrowserContext;
  let hostContext: BrowserContext;
  let guestPage: Page;
  let hostPage: Page;
  let violations: string[][];
  let slotId: string;
  let bookedStart: string;
  let movedStart: string;

  beforeAll(async () => {
    host = await linkedHost(sys);
    guestContext = await browser!.newContext({ ...viewport.context, timezoneId: 'America/New_York', locale: 'en-GB' });
    hostContext = await browser!.newContext({ ...viewport.context, timezoneId: 'Europe/Berlin', locale: 'en-GB' });
    guestContext.setDefaultTimeout(10_000);
    hostContext.setDefaultTimeout(10_000);
    violations = [cspViolations(guestContext), cspViolations(hostContext)];
    await signInAs(sys, hostContext, host);
    guestPage = await guestContext.newPage();
    hostPage = await hostContext.newPage();
  });
  afterAll(async () => {
    await guestContext?.close();
    await hostContext?.close();
  });

  /** The page as it is now: a screenshot kept for people, and axe's verdict. */
  async function look(page: Page, name: string): Promise<void> {
    await screenshot(page, 'manage flow', name, viewport);
    await expectAccessible(page, `${name} (${viewport.name})`);
  }

  /** The booking as the host's bookings JSON has it, read with the host's session. */
  async function listed(): Promise<ListedBooking> {
    const res = await hostContext.request.get(`${sys.functionsUrl}/accounts/bookings`, { headers: { accept: 'application/json' } });
    expect(res.status()).toBe(200);
    const { bookings } = (await res.json()) as { bookings: ListedBooking[] };
    const booking = bookings.find((b) => b.guest.email === guest.email);
    if (!booking) throw new Error(`no booking of ${guest.email} among ${bookings.length}`);
    return booking;
  }

  async function isOffered(start: string): Promise<boolean> {
    return (await availability(sys.functionsUrl, host.slug)).slots.some((s) => s.start === start);
  }

  function bookingArticle(page: Page) {
    return page.getByRole('article', { name: new RegExp(`^${guest.name}, `) });
  }

  afterEach(() => {
    expect(violations.flat()).toEqual([]);
  });

  it('a guest books a time on the booking page, and is told Google sent the invitation and the host will confirm', async () => {
    await guestPage.goto(`${sys.functionsUrl}/booking/${host.slug}`);
    const chosen = await chooseFreeTime(guestPage, 2);
    await look(guestPage, '1 booking page, time chosen');
    await fillGuestDetails(guestPage, guest);
    await guestPage.getByRole('button', { name: 'Book this time' }).click();
    const result = guestPage.getByRole('status').filter({ hasText: 'Request sent' });
    await result.waitFor();
    expect(await result.textContent()).toContain(`Request sent for ${chosen.name} (America/New York time).`);
    expect(await result.textContent()).toContain(`Google has sent you an invitation; Host `);
    await look(guestPage, '1 booking page, request sent');

    const booking = await listed();
    expect(booking).toMatchObject({ status: 'requested', start: chosen.start, inviteMode: 'google', guest: { name: guest.name, email: guest.email, timezone: 'America/New_York' } });
    slotId = booking.slotId;
    bookedStart = chosen.start;
    expect(await isOffered(bookedStart)).toBe(false);
  });

  it('the host sees the request waiting for a decision at the top of the bookings page and confirms it', async () => {
    await hostPage.goto(`${sys.functionsUrl}/accounts/bookings`);
    const waiting = hostPage.getByRole('region', { name: 'Waiting for your decision' });
    expect(await waiting.getByRole('link', { name: new RegExp(`^${guest.name}, `) }).count()).toBe(1);
    expect(await bookingArticle(hostPage).getByText('Waiting for your decision').isVisible()).toBe(true);
    await look(hostPage, '2 bookings page, request waiting');

    await bookingArticle(hostPage).getByRole('button', { name: /^Confirm / }).click();
    const notice = hostPage.getByRole('status');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(new RegExp(`^This booking \\(${guest.name}, .*\\) is confirmed; the guest is told\\.$`));
    expect(await waiting.count()).toBe(0);
    await look(hostPage, '2 bookings page, confirmed');

    expect(await listed()).toMatchObject({ slotId, status: 'booked', start: bookedStart });
    expect((await sys.calendarEvent(host, slotId)).status).toBe('confirmed');
  });

  it("the guest opens the manage link in Google's invitation and moves the booking to another offered time", async () => {
    const description = (await sys.calendarEvent(host, slotId)).description ?? '';
    const link = MANAGE_LINK.exec(description)?.[0];
    if (!link) throw new Error(`no manage link in the event's description:\n${description}`);
    await guestPage.goto(link);
    await guestPage.getByRole('heading', { name: /^Your booking with Host / }).waitFor();
    expect(await guestPage.getByRole('definition').filter({ hasText: /^Confirmed$/ }).count()).toBe(1);
    await look(guestPage, '3 manage page');

    // A time on another day than the booking's: the second day's first time.
    const days = guestPage.getByRole('group').filter({ has: guestPage.getByRole('radio') });
    const newTime = days.nth(1).getByRole('radio').first();
    movedStart = await newTime.inputValue();
    await newTime.check();
    await guestPage.getByRole('button', { name: 'Move my booking' }).click();
    await guestPage.getByRole('heading', { name: 'Booking moved' }).waitFor();
    expect(await guestPage.getByRole('status').textContent()).toMatch(/^Your booking has moved and Host \d+ has been asked to confirm the new time\.$/);
    await look(guestPage, '3 manage page, moved');

    const booking = await listed();
    expect(booking).toMatchObject({ slotId, status: 'requested', start: movedStart });
    expect(booking.history.at(-1)?.cause).toBe('guest_rescheduled');
    await until(async () => ((await isOffered(bookedStart)) ? true : undefined), 'the old time offered again');
    expect(await isOffered(movedStart)).toBe(false);
  });

  it('the host confirms the new time and then cancels the booking from the bookings page, and the time is free again', async () => {
    await hostPage.goto(`${sys.functionsUrl}/accounts/bookings`);
    await hostPage.getByRole('region', { name: 'Waiting for your decision' }).waitFor();
    await bookingArticle(hostPage).getByRole('button', { name: /^Confirm / }).click();
    await hostPage.getByRole('status').filter({ hasText: 'is confirmed' }).waitFor();
    expect(await listed()).toMatchObject({ slotId, status: 'booked', start: movedStart });

    await bookingArticle(hostPage).getByLabel(`Message to ${guest.name}`).fill('Something came up, sorry.');
    await look(hostPage, '4 bookings page, about to cancel');
    await bookingArticle(hostPage).getByRole('button', { name: /^Cancel booking / }).click();
    const notice = hostPage.getByRole('status').filter({ hasText: 'cancelled' });
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(new RegExp(`^This booking \\(${guest.name}, .*\\) is cancelled; the guest is told and the time is free again\\.$`));
    await look(hostPage, '4 bookings page, cancelled');

    const booking = await listed();
    expect(booking).toMatchObject({ slotId, status: 'cancelled' });
    expect(booking.history.at(-1)?.cause).toBe('host_cancelled');
    expect(await isOffered(movedStart)).toBe(true);
    expect((await sys.googleMail(guest.email)).filter((m) => m.kind === 'cancellation')).toHaveLength(1);
  });

  it("the guest's link, followed from the page that moved the booking, then says it is cancelled and offers nothing", async () => {
    await guestPage.getByRole('link', { name: 'Change or cancel this booking' }).click();
    await guestPage.getByText('This booking is cancelled. Nothing more to do here.').waitFor();
    expect(await guestPage.getByRole('button').count()).toBe(0);
    await look(guestPage, '5 manage page, cancelled');
  });
});
