// The booking page alone, in real headless Chromium: a local server renders it at /booking/demo,
// serves its browser code through the booking function's own asset route (the bundle built by
// infra/build/client.ts in jest's global setup), and answers the availability and bookings
// contracts from the tables below.
import type { IncomingHttpHeaders } from 'node:http';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, Response as PageResponse } from 'playwright-core';
import { booking as bookingFunction } from '../../../functions/booking';
import { renderBookingPage, scriptSrcFor } from '../../../functions/booking/page';
import { clientAssets } from '../../../functions/pages/client-assets';
import { contentSecurityPolicy } from '../../../functions/pages/layout';
import { devServerListener } from '../../../infra/local/dev-server';
import { listen, readBody, sendHtml, sendJson, type RunningServer } from '../../../infra/local/http';
import { closeChromium, cspViolations, describedBy, eventually, isFocused, launchChromium } from '../../support/browser';

interface Slot {
  start: string;
  end: string;
}
type Answer = { status: number; body: unknown };

const SLOTS: Slot[] = [
  { start: '2030-12-02T14:00:00.000Z', end: '2030-12-02T14:30:00.000Z' },
  { start: '2030-12-02T14:30:00.000Z', end: '2030-12-02T15:00:00.000Z' },
  { start: '2030-12-03T04:00:00.000Z', end: '2030-12-03T04:30:00.000Z' },
  { start: '2030-12-04T15:00:00.000Z', end: '2030-12-04T15:30:00.000Z' },
];

let availability: Answer[];
let bookingAnswers: Answer[];
// While set, every booking request loses its connection (Chrome itself retries once on a reset).
let dropBookings: boolean;
let availabilityQueries: URLSearchParams[];
// Chromium asks for /favicon.ico when a page names no icon (once per address while it fails), and
// does not report it as a response: the server counts them, by the host name they were sent to.
let faviconHosts: string[];
let bookings: { headers: IncomingHttpHeaders; body: unknown }[];

function availabilityOf(slots: Slot[]): Answer {
  return { status: 200, body: { host: { name: 'Ada Lovelace', timezone: 'Europe/London' }, slotMinutes: 30, slots } };
}

function created(slot: Slot, status: 'requested' | 'booked' = 'requested', inviteMode?: 'google' | 'ics'): Answer {
  return { status: 201, body: { slotId: 'slot-1', status, ...slot, ...(inviteMode ? { inviteMode } : {}) } };
}

let server: RunningServer;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
let violations: string[];
let responses: PageResponse[];

beforeAll(async () => {
  process.env.LOG_LEVEL = 'silent';
  const functions = devServerListener({ booking: bookingFunction });
  server = await listen((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/favicon.ico') faviconHosts.push(req.headers.host ?? '');
      // The bundle, as the booking function serves it (with its own headers).
      if (url.pathname.startsWith('/booking/assets/')) return functions(req, res);
      // The policy our functions send with every answer (functions/security-headers.ts).
      res.setHeader('content-security-policy', contentSecurityPolicy());
      const pagePath = /^\/booking(\/demo\/*)$/.exec(url.pathname)?.[1];
      if (req.method === 'GET' && pagePath) {
        const scriptSrc = scriptSrcFor(pagePath, clientAssets().fileOf('booking-page'));
        return sendHtml(res, 200, renderBookingPage({ slug: 'demo', hostName: 'Ada Lovelace', hostTimezone: 'Europe/London', slotMinutes: 30, scriptSrc }));
      }
      if (req.method === 'GET' && url.pathname === '/no-icon') return sendHtml(res, 200, '<!doctype html><title>no icon</title><p>A page that names no icon.</p>');
      if (req.method === 'GET' && url.pathname === '/csp-probe') return sendHtml(res, 200, '<!doctype html><title>probe</title><script>document.title = "ran";</script>');
      let answer: Answer | undefined;
      if (req.method === 'GET' && url.pathname === '/booking/availability') {
        availabilityQueries.push(url.searchParams);
        answer = availability.length > 1 ? availability.shift() : availability[0];
      } else if (req.method === 'POST' && url.pathname === '/booking/bookings') {
        bookings.push({ headers: req.headers, body: JSON.parse((await readBody(req)).toString('utf8')) });
        if (dropBookings) return req.socket.destroy();
        answer = bookingAnswers.shift();
      }
      if (!answer) return sendJson(res, 404, { error: 'not_found' });
      sendJson(res, answer.status, answer.body);
    })();
  }, 0);
  browser = await launchChromium();
});

afterAll(async () => {
  await closeChromium(browser);
  await server?.close();
});

async function newContext(options: { locale?: string; viewport?: { width: number; height: number }; javaScriptEnabled?: boolean } = {}): Promise<void> {
  context = await browser!.newContext({ timezoneId: 'America/New_York', locale: 'en-GB', ...options });
  // Fail in seconds with the locator in question rather than at jest's 30 s test timeout.
  context.setDefaultTimeout(5000);
  violations = cspViolations(context);
  responses = [];
  context.on('response', (response) => void responses.push(response));
  page = await context.newPage();
}

beforeEach(async () => {
  availability = [availabilityOf(SLOTS)];
  bookingAnswers = [];
  dropBookings = false;
  availabilityQueries = [];
  bookings = [];
  faviconHosts = [];
  await newContext();
});

afterEach(async () => {
  await context.close();
  expect(violations).toEqual([]);
  // Nothing the page asked for was missing, its bundle above all (favicon.ico: see its own test).
  expect(responses.filter((r) => r.status() === 404 && !r.url().includes('/booking/bookings')).map((r) => r.url())).toEqual([]);
});

async function open(path = '/booking/demo'): Promise<void> {
  await page.goto(`${server.url}${path}`);
}

const day = (name: string | RegExp) => page.locator('#days').getByRole('button', { name });
const time = (name: string) => page.locator('#times').getByRole('button', { name, exact: true });
const result = () => page.locator('#result');

async function dayNames(): Promise<string[]> {
  return Promise.all((await page.locator('#days').getByRole('button').all()).map(async (b) => (await b.getAttribute('aria-label')) ?? ''));
}

async function timeNames(): Promise<string[]> {
  return (await page.locator('#times').getByRole('button').allTextContents()).map((t) => t.replace('✓ ', ''));
}

async function daysShown(count: number): Promise<void> {
  await eventually(async () => expect(await page.locator('#days').getByRole('button').count()).toBe(count));
}

async function pressed(locator: ReturnType<typeof day>): Promise<string | null> {
  return locator.getAttribute('aria-pressed');
}

async function fillDetails(): Promise<void> {
  await page.getByLabel('Your name').fill('Grace Hopper');
  await page.getByLabel('Your email').fill('grace@example.com');
  await page.getByLabel('Message (optional)').fill('About the compiler');
}

/** Picks a day, then one of its times, as a guest would. */
async function choose(dayName: RegExp, timeName: string): Promise<void> {
  await day(dayName).click();
  await time(timeName).click();
}

async function resultText(): Promise<string> {
  return (await result().textContent()) ?? '';
}

/** Waits for the result region to show `text` (all of it, or with `exact` only it). */
async function resultShows(text: string, exact = false): Promise<void> {
  await eventually(async () => {
    if (exact) expect(await resultText()).toBe(text);
    else expect(await resultText()).toContain(text);
  });
}

/** Whether the element is wholly inside the viewport now. */
async function inView(selector: string): Promise<boolean> {
  return page.locator(selector).evaluate((element) => {
    const box = element.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight && box.left >= 0 && box.right <= window.innerWidth;
  });
}

function screenshotPath(name: string): string {
  const dir = join(tmpdir(), 'booking-page-screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

describe('the booking page in a browser', () => {
  it("shows a month of days with free times in the guest's detected zone, the first chosen, with its times", async () => {
    await open();
    expect(await page.getByLabel('Your time zone').inputValue()).toBe('America/New_York');
    await daysShown(2);
    expect(await page.locator('#month-name').textContent()).toBe('December 2030');
    expect(await dayNames()).toEqual(['Monday 2 December, 3 free times', 'Wednesday 4 December, 1 free time']);
    expect(await pressed(day(/^Monday 2 December/))).toBe('true');
    expect(await pressed(day(/^Wednesday 4 December/))).toBe('false');
    expect(await page.locator('#times-heading').textContent()).toBe('Free times on Monday 2 December');
    expect(await timeNames()).toEqual(['Monday 2 December, 09:00–09:30', 'Monday 2 December, 09:30–10:00', 'Monday 2 December, 23:00–23:30']);
    // Each time's name carries its date, for who moves between buttons without seeing the heading.
    await time('Monday 2 December, 09:00–09:30').waitFor();
    expect(await page.locator('#booking-form').isHidden()).toBe(true);
  });

  it('shows the times of the day the guest picks, and says so in the live region', async () => {
    await open();
    await day(/^Wednesday 4 December/).click();
    expect(await pressed(day(/^Wednesday 4 December/))).toBe('true');
    expect(await pressed(day(/^Monday 2 December/))).toBe('false');
    expect(await timeNames()).toEqual(['Wednesday 4 December, 10:00–10:30']);
    expect(await page.locator('#picker-status').textContent()).toBe('Wednesday 4 December: 1 free time.');
  });

  it('moves the focus to the form when a time is picked, with the chosen time shown above it and a way to change it', async () => {
    await open();
    await choose(/^Monday 2 December/, 'Monday 2 December, 09:30–10:00');
    expect(await isFocused(page.getByLabel('Your name'))).toBe(true);
    expect(await pressed(time('Monday 2 December, 09:30–10:00'))).toBe('true');
    expect(await pressed(time('Monday 2 December, 09:00–09:30'))).toBe('false');
    expect(await page.locator('#chosen').textContent()).toBe('Monday 2 December, 09:30–10:00 (America/New York time)');
    expect(await inView('.chosen-bar')).toBe(true);
    expect(await page.locator('#picker-status').textContent()).toBe('Chosen: Monday 2 December, 09:30–10:00 (America/New York time). Next, your details.');
    await page.getByRole('button', { name: 'Change time' }).click();
    expect(await isFocused(time('Monday 2 December, 09:30–10:00'))).toBe(true);
    await time('Monday 2 December, 23:00–23:30').click();
    expect(await page.locator('#chosen').textContent()).toBe('Monday 2 December, 23:00–23:30 (America/New York time)');
  });

  it('tells apart the two 01:00s of the night the clocks go back, and a slot across the change, by their UTC offsets', async () => {
    // New York, 3 November 2030: 02:00 EDT becomes 01:00 EST at 06:00 UTC.
    availability = [
      availabilityOf([
        { start: '2030-11-03T05:00:00.000Z', end: '2030-11-03T05:30:00.000Z' },
        { start: '2030-11-03T05:30:00.000Z', end: '2030-11-03T06:00:00.000Z' },
        { start: '2030-11-03T06:00:00.000Z', end: '2030-11-03T06:30:00.000Z' },
        { start: '2030-11-03T14:00:00.000Z', end: '2030-11-03T14:30:00.000Z' },
      ]),
    ];
    await open();
    await daysShown(1);
    expect(await timeNames()).toEqual([
      'Sunday 3 November, 01:00–01:30 UTC-04:00',
      'Sunday 3 November, 01:30 UTC-04:00–01:00 UTC-05:00',
      'Sunday 3 November, 01:00–01:30 UTC-05:00',
      'Sunday 3 November, 09:00–09:30',
    ]);
    await time('Sunday 3 November, 01:00–01:30 UTC-05:00').click();
    expect(await page.locator('#chosen').textContent()).toBe('Sunday 3 November, 01:00–01:30 UTC-05:00 (America/New York time)');
  });

  it('asks the availability next to the page for the host, from today for 60 days', async () => {
    await open();
    await daysShown(2);
    const [query] = availabilityQueries;
    expect(query?.get('host')).toBe('demo');
    const from = Date.parse(query?.get('from') ?? '');
    const to = Date.parse(query?.get('to') ?? '');
    expect(Math.abs(from - Date.now())).toBeLessThan(2 * 86_400_000);
    expect(Math.round((to - from) / 86_400_000)).toBe(61);
  });

  it("follows the guest's 12-hour clock, naming am or pm once when both ends share it", async () => {
    await context.close();
    await newContext({ locale: 'en-US' });
    availability = [availabilityOf([{ start: '2030-12-02T16:30:00.000Z', end: '2030-12-02T17:30:00.000Z' }, SLOTS[0]!])];
    await open();
    await daysShown(1);
    expect(await timeNames()).toEqual(['Monday 2 December, 9:00–9:30 am', 'Monday 2 December, 11:30 am–12:30 pm']);
  });

  it('finds its code and the API also when the page address ends with a slash', async () => {
    await open('/booking/demo/');
    await daysShown(2);
    expect(availabilityQueries).toHaveLength(1);
  });

  it('regroups the days when the guest picks another time zone, keeping the chosen time', async () => {
    await open();
    await choose(/^Monday 2 December/, 'Monday 2 December, 23:00–23:30');
    await page.getByLabel('Your time zone').selectOption('Asia/Tokyo');
    await daysShown(3);
    expect(await dayNames()).toEqual(['Monday 2 December, 2 free times', 'Tuesday 3 December, 1 free time', 'Thursday 5 December, 1 free time']);
    expect(await pressed(day(/^Tuesday 3 December/))).toBe('true');
    expect(await pressed(time('Tuesday 3 December, 13:00–13:30'))).toBe('true');
    expect(await page.locator('#chosen').textContent()).toBe('Tuesday 3 December, 13:00–13:30 (Asia/Tokyo time)');
  });

  it('turns to the next month with free times, choosing its first free day', async () => {
    availability = [availabilityOf([SLOTS[3]!, { start: '2031-01-07T15:00:00.000Z', end: '2031-01-07T15:30:00.000Z' }])];
    await open();
    await daysShown(1);
    const previous = page.getByRole('button', { name: 'Previous month' });
    const next = page.getByRole('button', { name: 'Next month' });
    expect(await previous.getAttribute('aria-disabled')).toBe('true');
    await next.click();
    expect(await page.locator('#month-name').textContent()).toBe('January 2031');
    expect(await dayNames()).toEqual(['Tuesday 7 January, 1 free time']);
    expect(await pressed(day(/^Tuesday 7 January/))).toBe('true');
    expect(await timeNames()).toEqual(['Tuesday 7 January, 10:00–10:30']);
    expect(await next.getAttribute('aria-disabled')).toBe('true');
    expect(await page.locator('#picker-status').textContent()).toBe('January 2031: 1 day with free times. Tuesday 7 January chosen.');
    await previous.click();
    expect(await page.locator('#month-name').textContent()).toBe('December 2030');
  });

  it('moves with the arrow keys into the next month, keeping one tab stop for the days', async () => {
    availability = [availabilityOf([SLOTS[3]!, { start: '2031-01-07T15:00:00.000Z', end: '2031-01-07T15:30:00.000Z' }])];
    await open();
    await day(/^Wednesday 4 December/).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('#month-name').textContent()).toBe('January 2031');
    expect(await isFocused(day(/^Tuesday 7 January/))).toBe(true);
    expect(await day(/^Tuesday 7 January/).getAttribute('tabindex')).toBe('0');
    // Only seen so far: the times still are those of the chosen day until Enter.
    expect(await timeNames()).toEqual(['Wednesday 4 December, 10:00–10:30']);
    await page.keyboard.press('Enter');
    expect(await timeNames()).toEqual(['Tuesday 7 January, 10:00–10:30']);
    await page.keyboard.press('ArrowLeft');
    expect(await isFocused(day(/^Wednesday 4 December/))).toBe(true);
  });

  it('says so when the host has no free time', async () => {
    availability = [availabilityOf([])];
    await open();
    await page.getByText('There are no free times in the next weeks.').waitFor();
    expect(await page.locator('#picker').isHidden()).toBe(true);
    expect(await page.getByLabel('Your name').isHidden()).toBe(true);
  });

  it('offers to try again when the free times cannot be loaded', async () => {
    availability = [{ status: 503, body: { error: 'calendar_unavailable' } }, availabilityOf(SLOTS)];
    await open();
    await page.getByText('The free times could not be loaded just now.').waitFor();
    await page.getByRole('button', { name: 'Try again' }).click();
    await daysShown(2);
    await page.getByRole('button', { name: 'Try again' }).waitFor({ state: 'hidden' });
  });

  it('offers to try again when too many requests for free times came from the network', async () => {
    availability = [{ status: 429, body: { error: 'rate_limited', limit: 'availability_views_per_address', retryAfterSeconds: 30, message: 'Too many' } }, availabilityOf(SLOTS)];
    await open();
    await page.getByText('Too many requests from your network just now. Please try again in a minute.').waitFor();
    await page.getByRole('button', { name: 'Try again' }).click();
    await daysShown(2);
  });
});

describe('booking from the page', () => {
  it('sends the contracted JSON with an Idempotency-Key and, in the Google flow, says Google has sent the invitation and the host will confirm', async () => {
    const slot = SLOTS[1]!;
    bookingAnswers = [created(slot, 'requested', 'google')];
    await open();
    await choose(/^Monday 2 December/, 'Monday 2 December, 09:30–10:00');
    await fillDetails();
    await page.getByRole('button', { name: 'Book this time' }).click();
    await resultShows(
      'Request sent for Monday 2 December, 09:30–10:00 (America/New York time).Google has sent you an invitation; Ada Lovelace will confirm it.',
      true,
    );
    expect(await isFocused(result())).toBe(true);
    await page.locator('#booking-form').waitFor({ state: 'hidden' });
    expect(await page.locator('#pick').isHidden()).toBe(true);
    expect(bookings).toHaveLength(1);
    const [sent] = bookings;
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers['idempotency-key']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sent?.body).toEqual({
      host: 'demo',
      start: slot.start,
      guest: { name: 'Grace Hopper', email: 'grace@example.com', timezone: 'America/New_York' },
      message: 'About the compiler',
    });
  });

  it('says the time is confirmed when the host confirms automatically, and leaves out an empty message', async () => {
    bookingAnswers = [created(SLOTS[0]!, 'booked', 'google')];
    await open();
    await choose(/^Monday 2 December/, 'Monday 2 December, 09:00–09:30');
    await page.getByLabel('Your name').fill('Grace Hopper');
    await page.getByLabel('Your email').fill('grace@example.com');
    await page.getByRole('button', { name: 'Book this time' }).click();
    await resultShows('Booked: Monday 2 December, 09:00–09:30 (America/New York time).Google has sent you an invitation; the time is confirmed.', true);
    expect(bookings[0]?.body).not.toHaveProperty('message');
  });

  it('says what our own mail does in the .ics flow, and words an answer without the invite mode plainly', async () => {
    bookingAnswers = [created(SLOTS[0]!, 'requested', 'ics')];
    await open();
    await choose(/^Monday 2 December/, 'Monday 2 December, 09:00–09:30');
    await fillDetails();
    await page.getByRole('button', { name: 'Book this time' }).click();
    await resultShows('We have emailed you an invitation that holds the time in your calendar as tentative; Ada Lovelace will confirm it, and we will email you as soon as they do.');

    bookingAnswers = [created(SLOTS[0]!, 'requested')];
    await open();
    await choose(/^Monday 2 December/, 'Monday 2 December, 09:00–09:30');
    await fillDetails();
    await page.getByRole('button', { name: 'Book this time' }).click();
    await resultShows('Ada Lovelace will confirm it; you will get an invitation by email.');
  });

  it('tells the guest beside the times when the time was just taken, reloads them, and keeps the details', async () => {
    bookingAnswers = [{ status: 409, body: { error: 'slot_unavailable' } }];
    availability = [availabilityOf(SLOTS), availabilityOf(SLOTS.slice(1))];
    await open();
    await choose(/^Monday 2 December/, 'Monday 2 December, 09:00–09:30');
    await fillDetails();
    await page.getByRole('button', { name: 'Book this time' }).click();
    await eventually(async () => expect(await page.locator('#slot-error').textContent()).toBe('Sorry, someone has just taken that time. Please choose another one.'));
    await eventually(async () => expect(await time('Monday 2 December, 09:00–09:30').count()).toBe(0));
    expect(availabilityQueries).toHaveLength(2);
    expect(await pressed(time('Monday 2 December, 09:30–10:00'))).toBe('false');
    expect(await page.locator('#booking-form').isHidden()).toBe(true);
    await time('Monday 2 December, 09:30–10:00').click();
    expect(await page.getByLabel('Your name').inputValue()).toBe('Grace Hopper');
    expect(await isFocused(page.getByLabel('Your name'))).toBe(true);
  });

  it('asks again with the same Idempotency-Key while its booking is still being made, and never says the time was taken', async () => {
    bookingAnswers = [{ status: 409, body: { error: 'idempotency_key_in_use' } }, created(SLOTS[0]!)];
    await open();
    await choose(/^Monday 2 December/, 'Monday 2 December, 09:00–09:30');
    await fillDetails();
    await page.getByRole('button', { name: 'Book this time' }).click();
    await resultShows('Request sent');
    expect(await page.locator('#slot-error').textContent()).toBe('');
    expect(bookings).toHaveLength(2);
    expect(new Set(bookings.map((b) => b.headers['idempotency-key'])).size).toBe(1);
  });

  it('passes on what an abuse limit says, and keeps the form for a later try', async () => {
    const message = 'You already have as many requests waiting for this host as we accept. Please wait for the host to answer them.';
    bookingAnswers = [{ status: 429, body: { error: 'rate_limited', limit: 'pending_per_guest', retryAfterSeconds: 3600, message } }];
    await open();
    await choose(/^Monday 2 December/, 'Monday 2 December, 09:00–09:30');
    await fillDetails();
    await page.getByRole('button', { name: 'Book this time' }).click();
    await resultShows(message, true);
    expect(await page.getByLabel('Your name').inputValue()).toBe('Grace Hopper');
  });

  it("shows the server's message next to the field it is about", async () => {
    bookingAnswers = [{ status: 400, body: { error: 'invalid_request', issues: [{ path: ['guest', 'email'], message: 'Invalid email address' }] } }];
    await open();
    await choose(/^Monday 2 December/, 'Monday 2 December, 09:00–09:30');
    await fillDetails();
    await page.getByRole('button', { name: 'Book this time' }).click();
    const email = page.getByLabel('Your email');
    await eventually(async () => expect(await page.locator('#email-error').textContent()).toBe('Invalid email address'));
    expect(await describedBy(email)).toBe('Invalid email address');
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await isFocused(email)).toBe(true);
    expect(await page.getByLabel('Your name').getAttribute('aria-invalid')).not.toBe('true');
  });

  it('keeps the form filled after a server error and reuses the Idempotency-Key for the same booking', async () => {
    dropBookings = true;
    bookingAnswers = [{ status: 503, body: { error: 'calendar_unavailable' } }, created(SLOTS[0]!)];
    await open();
    await choose(/^Monday 2 December/, 'Monday 2 December, 09:00–09:30');
    await fillDetails();
    const book = page.getByRole('button', { name: 'Book this time' });
    await book.click();
    await resultShows('The booking could not be sent. Check your connection and try again.', true);
    dropBookings = false;
    await book.click();
    await resultShows('Something went wrong, try again.', true);
    expect(await page.getByLabel('Message (optional)').inputValue()).toBe('About the compiler');
    await book.click();
    await resultShows('Request sent');
    const keys = bookings.map((b) => b.headers['idempotency-key']);
    expect(keys.length).toBeGreaterThanOrEqual(3);
    expect(new Set(keys).size).toBe(1);
  });

  it('makes a new Idempotency-Key when the guest changes the booking before retrying', async () => {
    bookingAnswers = [{ status: 500, body: { error: 'internal' } }, created(SLOTS[0]!)];
    await open();
    await choose(/^Monday 2 December/, 'Monday 2 December, 09:00–09:30');
    await fillDetails();
    await page.getByRole('button', { name: 'Book this time' }).click();
    await resultShows('Something went wrong, try again.', true);
    await page.getByLabel('Message (optional)').fill('About COBOL');
    await page.getByRole('button', { name: 'Book this time' }).click();
    await resultShows('Request sent');
    expect(bookings[0]?.headers['idempotency-key']).not.toBe(bookings[1]?.headers['idempotency-key']);
  });

  it('can be booked with the keyboard alone: one tab stop for the days, arrows between them, Enter to choose', async () => {
    bookingAnswers = [created(SLOTS[3]!, 'requested', 'google')];
    await open();
    await daysShown(2);
    await page.getByLabel('Your time zone').focus();
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByRole('button', { name: 'Previous month' }))).toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await isFocused(day(/^Monday 2 December/))).toBe(true);
    await page.keyboard.press('ArrowRight');
    expect(await isFocused(day(/^Wednesday 4 December/))).toBe(true);
    await page.keyboard.press('Enter');
    expect(await pressed(day(/^Wednesday 4 December/))).toBe('true');
    await page.keyboard.press('Tab');
    expect(await isFocused(time('Wednesday 4 December, 10:00–10:30'))).toBe(true);
    await page.keyboard.press('Space');
    expect(await isFocused(page.getByLabel('Your name'))).toBe(true);
    await page.keyboard.type('Grace Hopper');
    await page.keyboard.press('Tab');
    await page.keyboard.type('grace@example.com');
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByLabel('Message (optional)'))).toBe(true);
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByRole('button', { name: 'Book this time' }))).toBe(true);
    await page.keyboard.press('Enter');
    await resultShows('Ada Lovelace will confirm it.');
    expect(await isFocused(result())).toBe(true);
    expect(bookings[0]?.body).toMatchObject({ start: SLOTS[3]!.start, guest: { name: 'Grace Hopper', email: 'grace@example.com' } });
  });
});

describe('on a phone and on a desktop', () => {
  for (const [device, viewport] of [
    ['phone', { width: 375, height: 740 }],
    ['desktop', { width: 1280, height: 800 }],
  ] as const) {
    it(`on a ${device} (${viewport.width} px): picks a day and a time, lands in the form with the time in sight, books, without sideways scrolling`, async () => {
      await context.close();
      await newContext({ viewport });
      bookingAnswers = [created(SLOTS[2]!, 'requested', 'google')];
      await open();
      await daysShown(2);
      await page.screenshot({ path: screenshotPath(`booking-page-${device}-days.png`), fullPage: true });
      await choose(/^Monday 2 December/, 'Monday 2 December, 23:00–23:30');
      expect(await isFocused(page.getByLabel('Your name'))).toBe(true);
      expect(await inView('.chosen-bar')).toBe(true);
      expect(await inView('#name')).toBe(true);
      await page.screenshot({ path: screenshotPath(`booking-page-${device}-form.png`) });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await fillDetails();
      await page.getByRole('button', { name: 'Book this time' }).click();
      await resultShows('Google has sent you an invitation; Ada Lovelace will confirm it.');
      expect(await inView('#result')).toBe(true);
      await page.screenshot({ path: screenshotPath(`booking-page-${device}-booked.png`) });
    });
  }

  it('puts the form beside the picker on a wide screen', async () => {
    await context.close();
    await newContext({ viewport: { width: 1280, height: 800 } });
    await open();
    await choose(/^Monday 2 December/, 'Monday 2 December, 09:00–09:30');
    const picker = await page.locator('#pick').boundingBox();
    const form = await page.locator('#booking-form').boundingBox();
    expect(form!.x).toBeGreaterThanOrEqual(picker!.x + picker!.width);
  });
});

describe('what the page loads', () => {
  it('loads its code from a content-hashed file cached for a year, as JavaScript', async () => {
    await open();
    await daysShown(2);
    const script = responses.find((r) => /\/booking\/assets\/booking-page\.[0-9a-f]{16}\.js$/.test(r.url()));
    expect(script?.status()).toBe(200);
    expect(await script?.allHeaders()).toMatchObject({
      'cache-control': 'public, max-age=31536000, immutable',
      'content-type': 'text/javascript; charset=utf-8',
      'x-content-type-options': 'nosniff',
    });
  });

  it('makes the browser ask for no favicon.ico, which a page naming no icon does', async () => {
    await open();
    await daysShown(2);
    // Then a page with no icon under another host name (its own favicon.ico address), whose
    // request comes after any the booking page made.
    const other = new URL(server.url);
    other.hostname = 'localhost';
    await page.goto(`${other.origin}/no-icon`);
    await eventually(async () => expect(faviconHosts).toContain(other.host));
    expect(faviconHosts).toEqual([other.host]);
  });

  it('has an icon that loads under the policy, so no browser asks for a missing favicon.ico', async () => {
    await open();
    const href = await page.locator('link[rel=icon]').getAttribute('href');
    expect(href).toMatch(/^data:image\/svg\+xml,/);
    const loaded = await page.evaluate(
      (src) =>
        new Promise<boolean>((resolve) => {
          const image = new Image();
          image.onload = () => resolve(true);
          image.onerror = () => resolve(false);
          image.src = src;
        }),
      href!,
    );
    expect(loaded).toBe(true);
  });

  it('says it needs JavaScript, and shows nothing that would not work, when script is off', async () => {
    await context.close();
    await newContext({ javaScriptEnabled: false });
    await open();
    // (Playwright's text search leaves <noscript> out, so it is found by its element.)
    const notice = page.locator('noscript p');
    expect(await notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toContain('This page needs JavaScript to show the free times and book one.');
    expect(await page.locator('#booking').isHidden()).toBe(true);
  });
});

describe('under the Content-Security-Policy our functions send', () => {
  it('the page runs its own script, and a script the policy does not name is stopped and reported', async () => {
    await open();
    await daysShown(2);
    await page.goto(`${server.url}/csp-probe`);
    await eventually(async () => expect(violations).toHaveLength(1));
    expect(await page.title()).toBe('probe');
    // Wanted here: the check after each test must not count it.
    violations.length = 0;
  });
});
