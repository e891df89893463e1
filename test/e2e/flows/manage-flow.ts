// The booking's whole life in Chromium, as its two people live it: a guest books on the booking
// page → the host, signed in, finds the request standing out on the bookings page and confirms it
// → the guest opens their manage link and moves the booking to another offered time → the host
// confirms the new time and cancels the booking with a note → the guest's link then offers nothing.
// After each step: the words the page shows, the booking as the host's bookings JSON has it,
// whether its time is offered, what the guest was sent, a screenshot
// (test-artifacts/screenshots/manage-flow-<flow>/) and axe on every page visited. Locators are
// roles and labels only, so the pages are also checked to be usable by name.
//
// The invite flow is the system's (GOOGLE_INVITE_ENABLED), so each flow's test file starts its own
// stack and calls manageFlow for each viewport.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectAccessible } from '../../support/accessibility';
import { screenshot, type Viewport } from '../../support/artifacts';
import { availability } from '../../support/booking-client';
import { chooseFreeTime, fillGuestDetails } from '../../support/booking-page-guest';
import { cspViolations } from '../../support/browser';
import { readCalendarMessages } from '../../support/calendar-files';
import { linkedHost, signInAs } from '../../support/host-in-browser';
import { manageLinkIn } from '../../support/manage-client';
import type { SinkMessage, TestHost, TestSystem } from '../../support/system';
import { until } from '../../support/until';

/** A booking as GET /accounts/bookings answers it in JSON (the fields this flow looks at). */
interface ListedBooking {
  slotId: string;
  status: string;
  start: string;
  end: string;
  guest: { name: string; email: string; timezone: string };
  inviteMode: string;
  history: { to: string; cause: string; at: string }[];
}

interface Booking {
  sys: TestSystem;
  host: TestHost;
  slotId: string;
  guestEmail: string;
}

/** What differs between the Google flow and the .ics flow, for the guest. */
export interface InviteFlow {
  mode: 'google' | 'ics';
  /** What the booking page tells the guest after "Request sent for <time>." */
  promise: RegExp;
  /** Where the guest's manage link is, in words, and how the test reads it there. */
  linkFrom: string;
  manageLink(booking: Booking): Promise<string>;
  expectGuestToldOfConfirm(booking: Booking): Promise<void>;
  expectGuestToldOfCancel(booking: Booking): Promise<void>;
}

function textOf(message: SinkMessage): string {
  return message.content.map((c) => c.value).join('\n');
}

export const GOOGLE_FLOW: InviteFlow = {
  mode: 'google',
  promise: /Google has sent you an invitation; Host \d+ will confirm it\.$/,
  linkFrom: "Google's invitation (the event's description)",
  async manageLink({ sys, host, slotId }) {
    return manageLinkIn((await sys.calendarEvent(host, slotId)).description);
  },
  async expectGuestToldOfConfirm({ sys, host, slotId, guestEmail }) {
    expect((await sys.calendarEvent(host, slotId)).status).toBe('confirmed');
    expect((await sys.googleMail(guestEmail)).map((m) => m.kind)).toEqual(['invitation', 'update']);
  },
  async expectGuestToldOfCancel({ sys, guestEmail }) {
    expect((await sys.googleMail(guestEmail)).map((m) => m.kind).at(-1)).toBe('cancellation');
  },
};

export const ICS_FLOW: InviteFlow = {
  mode: 'ics',
  promise: /We have emailed you an invitation that holds the time in your calendar as tentative; Host \d+ will confirm it, and we will email you as soon as they do\.$/,
  linkFrom: 'our invitation mail',
  async manageLink({ sys, guestEmail }) {
    const [invitation] = await sys.sinkMessages(guestEmail);
    if (!invitation) throw new Error(`no mail to ${guestEmail}`);
    return manageLinkIn(textOf(invitation));
  },
  async expectGuestToldOfConfirm({ sys, guestEmail }) {
    const files = await until(async () => {
      const read = readCalendarMessages(await sys.sinkMessages(guestEmail));
      return read.length >= 2 ? read : undefined;
    }, 'the confirmed invitation in the guest mail');
    expect(files.map((f) => [f.method, f.status])).toEqual([
      ['REQUEST', 'TENTATIVE'],
      ['REQUEST', 'CONFIRMED'],
    ]);
    expect(await sys.googleMail(guestEmail)).toEqual([]);
  },
  async expectGuestToldOfCancel({ sys, guestEmail }) {
    const last = await until(async () => {
      const file = readCalendarMessages(await sys.sinkMessages(guestEmail)).at(-1);
      return file?.method === 'CANCEL' ? file : undefined;
    }, 'the cancellation in the guest mail');
    expect(last.status).toBe('CANCELLED');
  },
};

/**
 * The flow's steps as tests, in order, for one viewport: each builds on the one before (a failed
 * step fails those after it). `stack` is read once the file's beforeAll has started it.
 */
export function manageFlow(stack: () => { sys: TestSystem; browser: Browser }, flow: InviteFlow, viewport: Viewport): void {
  const guest = { name: `Grace ${viewport.name.startsWith('phone') ? 'Phone' : 'Desk'}`, email: `grace.${viewport.name}.${flow.mode}@example.org`, message: 'About the compiler' };
  let sys: TestSystem;
  let host: TestHost;
  let guestContext: BrowserContext;
  let hostContext: BrowserContext;
  let guestPage: Page;
  let hostPage: Page;
  let violations: string[][];
  let slotId: string;
  let bookedStart: string;
  let movedStart: string;
  let newLink: string;

  beforeAll(async () => {
    const started = stack();
    sys = started.sys;
    host = await linkedHost(sys);
    guestContext = await started.browser.newContext({ ...viewport.context, timezoneId: 'America/New_York', locale: 'en-GB' });
    hostContext = await started.browser.newContext({ ...viewport.context, timezoneId: 'Europe/Berlin', locale: 'en-GB' });
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
  afterEach(() => {
    expect(violations.flat()).toEqual([]);
  });

  /** The page as it is now: a screenshot kept for people, and axe's verdict. */
  async function look(page: Page, name: string): Promise<void> {
    await screenshot(page, `manage flow ${flow.mode}`, name, viewport);
    await expectAccessible(page, `${name} (${flow.mode} flow, ${viewport.name})`);
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

  const booking = (): Booking => ({ sys, host, slotId, guestEmail: guest.email });
  const bookingOnPage = () => hostPage.getByRole('article', { name: new RegExp(`^${guest.name}, `) });

  it('a guest books a time on the booking page, and is told what happens next', async () => {
    await guestPage.goto(`${sys.functionsUrl}/booking/${host.slug}`);
    const chosen = await chooseFreeTime(guestPage, 2);
    await look(guestPage, '1 booking page, time chosen');
    await fillGuestDetails(guestPage, guest);
    await guestPage.getByRole('button', { name: 'Book this time' }).click();
    const result = guestPage.getByRole('status').filter({ hasText: 'Request sent' });
    await result.waitFor();
    expect(await result.textContent()).toContain(`Request sent for ${chosen.name} (America/New York time).`);
    expect(await result.textContent()).toMatch(flow.promise);
    await look(guestPage, '1 booking page, request sent');

    const listing = await listed();
    expect(listing).toMatchObject({ status: 'requested', start: chosen.start, inviteMode: flow.mode, guest: { name: guest.name, email: guest.email, timezone: 'America/New_York' } });
    slotId = listing.slotId;
    bookedStart = chosen.start;
    expect(await isOffered(bookedStart)).toBe(false);
  });

  it('the host sees the request waiting for a decision at the top of the bookings page and confirms it', async () => {
    await hostPage.goto(`${sys.functionsUrl}/accounts/bookings`);
    const waiting = hostPage.getByRole('region', { name: 'Waiting for your decision' });
    expect(await waiting.getByRole('link', { name: new RegExp(`^${guest.name}, `) }).count()).toBe(1);
    expect(await bookingOnPage().getByText('Waiting for your decision').isVisible()).toBe(true);
    await look(hostPage, '2 bookings page, request waiting');

    await bookingOnPage().getByRole('button', { name: /^Confirm / }).click();
    const notice = hostPage.getByRole('status');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(new RegExp(`^This booking \\(${guest.name}, .*\\) is confirmed; the guest is told\\.$`));
    expect(await waiting.count()).toBe(0);
    await look(hostPage, '2 bookings page, confirmed');

    expect(await listed()).toMatchObject({ slotId, status: 'booked', start: bookedStart });
    await flow.expectGuestToldOfConfirm(booking());
  });

  it(`the guest opens the manage link in ${flow.linkFrom} and moves the booking to another offered time`, async () => {
    const link = await flow.manageLink(booking());
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
    newLink = (await guestPage.getByRole('link', { name: 'Change or cancel this booking' }).getAttribute('href')) ?? '';

    const listing = await listed();
    expect(listing).toMatchObject({ slotId, status: 'requested', start: movedStart });
    expect(listing.history.at(-1)?.cause).toBe('guest_rescheduled');
    await until(async () => ((await isOffered(bookedStart)) ? true : undefined), 'the old time offered again');
    expect(await isOffered(movedStart)).toBe(false);

    await guestPage.goto(link);
    await guestPage.getByRole('heading', { name: 'This link has been replaced' }).waitFor();
    await look(guestPage, '3 manage page, the old link');
  });

  it('the host confirms the new time and then cancels the booking from the bookings page, and the time is free again', async () => {
    await hostPage.goto(`${sys.functionsUrl}/accounts/bookings`);
    await hostPage.getByRole('region', { name: 'Waiting for your decision' }).waitFor();
    await bookingOnPage().getByRole('button', { name: /^Confirm / }).click();
    await hostPage.getByRole('status').filter({ hasText: 'is confirmed' }).waitFor();
    expect(await listed()).toMatchObject({ slotId, status: 'booked', start: movedStart });

    await bookingOnPage().getByLabel(`Message to ${guest.name}`).fill('Something came up, sorry.');
    await look(hostPage, '4 bookings page, about to cancel');
    await bookingOnPage().getByRole('button', { name: /^Cancel booking / }).click();
    const notice = hostPage.getByRole('status').filter({ hasText: 'cancelled' });
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(new RegExp(`^This booking \\(${guest.name}, .*\\) is cancelled; the guest is told and the time is free again\\.$`));
    await look(hostPage, '4 bookings page, cancelled');

    const listing = await listed();
    expect(listing).toMatchObject({ slotId, status: 'cancelled' });
    expect(listing.history.at(-1)?.cause).toBe('host_cancelled');
    expect(await isOffered(movedStart)).toBe(true);
    await flow.expectGuestToldOfCancel(booking());
  });

  it("the guest's new link, from the page that moved the booking, then says it is cancelled and offers nothing", async () => {
    await guestPage.goto(newLink);
    await guestPage.getByText('This booking is cancelled. Nothing more to do here.').waitFor();
    expect(await guestPage.getByRole('button').count()).toBe(0);
    await look(guestPage, '5 manage page, cancelled');
  });
}
