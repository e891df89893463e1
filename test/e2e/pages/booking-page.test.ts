// The booking page alone, in real headless Chromium: a local server renders it at /booking/demo
// and answers the availability and bookings contracts from the tables below.
import type { IncomingHttpHeaders } from 'node:http';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { renderBookingPage } from '../../../functions/booking/page';
import { contentSecurityPolicy } from '../../../functions/pages/layout';
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
let bookings: { headers: IncomingHttpHeaders; body: unknown }[];

function availabilityOf(slots: Slot[]): Answer {
  return { status: 200, body: { host: { name: 'Ada Lovelace', timezone: 'Europe/London' }, slotMinutes: 30, slots } };
}

function created(slot: Slot, status: 'requested' | 'booked' = 'requested'): Answer {
  return { status: 201, body: { slotId: 'slot-1', status, ...slot } };
}

let server: RunningServer;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
let violations: string[];

beforeAll(async () => {
  server = await listen((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      // The policy our functions send with every answer (functions/security-headers.ts).
      res.setHeader('content-security-policy', contentSecurityPolicy());
      if (req.method === 'GET' && /^\/booking\/demo\/?$/.test(url.pathname)) {
        return sendHtml(res, 200, renderBookingPage({ slug: 'demo', hostName: 'Ada Lovelace', hostTimezone: 'Europe/London', slotMinutes: 30 }));
      }
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

beforeEach(async () => {
  availability = [availabilityOf(SLOTS)];
  bookingAnswers = [];
  dropBookings = false;
  availabilityQueries = [];
  bookings = [];
  context = await browser!.newContext({ timezoneId: 'America/New_York', locale: 'en-GB' });
  // Fail in seconds with the locator in question rather than at jest's 30 s test timeout.
  context.setDefaultTimeout(5000);
  violations = cspViolations(context);
  page = await context.newPage();
});

afterEach(async () => {
  await context.close();
  expect(violations).toEqual([]);
});

async function open(path = '/booking/demo'): Promise<void> {
  await page.goto(`${server.url}${path}`);
}

async function dayHeadings(): Promise<string[]> {
  return page.locator('#slots h3').allTextContents();
}

async function timesOn(day: string): Promise<string[]> {
  const radios = page.getByRole('group', { name: day, exact: true }).getByRole('radio');
  return Promise.all((await radios.all()).map(async (r) => (await r.evaluate((el) => (el as { labels?: { textContent: string | null }[] }).labels?.[0]?.textContent)) ?? ''));
}

async function fillDetails(): Promise<void> {
  await page.getByLabel('Your name').fill('Grace Hopper');
  await page.getByLabel('Your email').fill('grace@example.com');
  await page.getByLabel('Message (optional)').fill('About the compiler');
}

const result = () => page.locator('#result');

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

async function daysShown(count: number): Promise<void> {
  await eventually(async () => expect(await page.locator('#slots h3').count()).toBe(count));
}

const radio = (name: string) => page.getByRole('radio', { name, exact: true });

describe('the booking page in a browser', () => {
  it("shows the free slots grouped by day in the guest's detected time zone", async () => {
    await open();
    expect(await page.getByLabel('Your time zone').inputValue()).toBe('America/New_York');
    await daysShown(2);
    expect(await dayHeadings()).toEqual(['Monday 2 December', 'Wednesday 4 December']);
    expect(await timesOn('Monday 2 December')).toEqual([
      'Monday 2 December, 09:00–09:30',
      'Monday 2 December, 09:30–10:00',
      'Monday 2 December, 23:00–23:30',
    ]);
    expect(await timesOn('Wednesday 4 December')).toEqual(['Wednesday 4 December, 10:00–10:30']);
    await radio('Monday 2 December, 09:00–09:30').waitFor();
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
    expect(await timesOn('Sunday 3 November')).toEqual([
      'Sunday 3 November, 01:00–01:30 UTC-04:00',
      'Sunday 3 November, 01:30 UTC-04:00–01:00 UTC-05:00',
      'Sunday 3 November, 01:00–01:30 UTC-05:00',
      'Sunday 3 November, 09:00–09:30',
    ]);
    await radio('Sunday 3 November, 01:00–01:30 UTC-05:00').check();
    await eventually(async () => expect(await page.locator('#chosen').textContent()).toBe('Your choice: Sunday 3 November, 01:00–01:30 UTC-05:00 (America/New York time)'));
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
    context = await browser!.newContext({ timezoneId: 'America/New_York', locale: 'en-US' });
    context.setDefaultTimeout(5000);
    violations = cspViolations(context);
    page = await context.newPage();
    availability = [availabilityOf([{ start: '2030-12-02T16:30:00.000Z', end: '2030-12-02T17:30:00.000Z' }, SLOTS[0]!])];
    await open();
    await daysShown(1);
    expect(await timesOn('Monday 2 December')).toEqual(['Monday 2 December, 9:00–9:30 am', 'Monday 2 December, 11:30 am–12:30 pm']);
  });

  it('finds the API also when the page address ends with a slash', async () => {
    await open('/booking/demo/');
    await daysShown(2);
    expect(availabilityQueries).toHaveLength(1);
  });

  it('regroups the slots when the guest picks another time zone, keeping the chosen slot', async () => {
    await open();
    await radio('Monday 2 December, 23:00–23:30').check();
    await page.getByLabel('Your time zone').selectOption('Asia/Tokyo');
    await daysShown(3);
    expect(await dayHeadings()).toEqual(['Monday 2 December', 'Tuesday 3 December', 'Thursday 5 December']);
    expect(await timesOn('Monday 2 December')).toEqual(['Monday 2 December, 23:00–23:30', 'Monday 2 December, 23:30–00:00']);
    expect(await radio('Tuesday 3 December, 13:00–13:30').isChecked()).toBe(true);
    await eventually(async () => expect(await page.locator('#chosen').textContent()).toBe('Your choice: Tuesday 3 December, 13:00–13:30 (Asia/Tokyo time)'));
  });

  it('says so when the host has no free time', async () => {
    availability = [availabilityOf([])];
    await open();
    await page.getByText('There are no free times in the next weeks.').waitFor();
    await page.getByLabel('Your name').waitFor({ state: 'hidden' });
  });

  it('offers to try again when the free times cannot be loaded', async () => {
    availability = [{ status: 503, body: { error: 'calendar_unavailable' } }, availabilityOf(SLOTS)];
    await open();
    await page.getByText('The free times could not be loaded just now.').waitFor();
    await page.getByRole('button', { name: 'Try again' }).click();
    await daysShown(2);
    await page.getByRole('button', { name: 'Try again' }).waitFor({ state: 'hidden' });
  });

  it('sends the contracted JSON with an Idempotency-Key and tells the guest the host will confirm', async () => {
    const slot = SLOTS[1]!;
    bookingAnswers = [created(slot)];
    await open();
    await radio('Monday 2 December, 09:30–10:00').check();
    await fillDetails();
    await page.getByRole('button', { name: 'Book this time' }).click();
    await resultShows('Request sent: Ada Lovelace will confirm; you will get an invitation by email.');
    await resultShows('Monday 2 December, 09:30–10:00 (America/New York time)');
    expect(await isFocused(result())).toBe(true);
    await page.locator('#booking-form').waitFor({ state: 'hidden' });
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

  it('says Booked when the host confirms automatically, and leaves out an empty message', async () => {
    const slot = SLOTS[0]!;
    bookingAnswers = [created(slot, 'booked')];
    await open();
    await radio('Monday 2 December, 09:00–09:30').check();
    await page.getByLabel('Your name').fill('Grace Hopper');
    await page.getByLabel('Your email').fill('grace@example.com');
    await page.getByRole('button', { name: 'Book this time' }).click();
    await resultShows('Booked: Monday 2 December, 09:00–09:30 (America/New York time).');
    expect(bookings[0]?.body).not.toHaveProperty('message');
  });

  it('asks for a time before sending anything', async () => {
    await open();
    await fillDetails();
    await page.getByRole('button', { name: 'Book this time' }).click();
    await eventually(async () => expect(await page.locator('#slot-error').textContent()).toBe('Choose a time first.'));
    expect(await isFocused(radio('Monday 2 December, 09:00–09:30'))).toBe(true);
    expect(bookings).toHaveLength(0);
  });

  it('tells the guest when the slot was just taken and reloads the free slots', async () => {
    bookingAnswers = [{ status: 409, body: { error: 'slot_unavailable' } }];
    availability = [availabilityOf(SLOTS), availabilityOf(SLOTS.slice(1))];
    await open();
    await radio('Monday 2 December, 09:00–09:30').check();
    await fillDetails();
    await page.getByRole('button', { name: 'Book this time' }).click();
    await resultShows('Sorry, someone has just taken that time. Please choose another one.', true);
    await eventually(async () => expect(await radio('Monday 2 December, 09:00–09:30').count()).toBe(0));
    expect(await radio('Monday 2 December, 09:30–10:00').isChecked()).toBe(false);
    expect(availabilityQueries).toHaveLength(2);
    expect(await page.getByLabel('Your name').inputValue()).toBe('Grace Hopper');
    await eventually(async () => expect(await page.locator('#chosen').textContent()).toBe('No time chosen yet.'));
  });

  it('asks again with the same Idempotency-Key while its booking is still being made, and never says the time was taken', async () => {
    bookingAnswers = [{ status: 409, body: { error: 'idempotency_key_in_use' } }, created(SLOTS[0]!)];
    await open();
    await radio('Monday 2 December, 09:00–09:30').check();
    await fillDetails();
    await page.getByRole('button', { name: 'Book this time' }).click();
    await resultShows('Request sent');
    expect(await resultText()).not.toContain('taken');
    expect(bookings).toHaveLength(2);
    expect(new Set(bookings.map((b) => b.headers['idempotency-key'])).size).toBe(1);
  });

  it('passes on what an abuse limit says, and keeps the form for a later try', async () => {
    const message = 'You already have as many requests waiting for this host as we accept. Please wait for the host to answer them.';
    bookingAnswers = [{ status: 429, body: { error: 'rate_limited', limit: 'pending_per_guest', retryAfterSeconds: 3600, message } }];
    await open();
    await radio('Monday 2 December, 09:00–09:30').check();
    await fillDetails();
    await page.getByRole('button', { name: 'Book this time' }).click();
    await resultShows(message, true);
    expect(await page.getByLabel('Your name').inputValue()).toBe('Grace Hopper');
  });

  it('offers to try again when too many requests for free times came from the network', async () => {
    availability = [{ status: 429, body: { error: 'rate_limited', limit: 'availability_views_per_address', retryAfterSeconds: 30, message: 'Too many' } }, availabilityOf(SLOTS)];
    await open();
    await page.getByText('Too many requests from your network just now. Please try again in a minute.').waitFor();
    await page.getByRole('button', { name: 'Try again' }).click();
    await daysShown(2);
  });

  it("shows the server's message next to the field it is about", async () => {
    bookingAnswers = [{ status: 400, body: { error: 'invalid_request', issues: [{ path: ['guest', 'email'], message: 'Invalid email address' }] } }];
    await open();
    await radio('Monday 2 December, 09:00–09:30').check();
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
    await radio('Monday 2 December, 09:00–09:30').check();
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
    await radio('Monday 2 December, 09:00–09:30').check();
    await fillDetails();
    await page.getByRole('button', { name: 'Book this time' }).click();
    await resultShows('Something went wrong, try again.', true);
    await page.getByLabel('Message (optional)').fill('About COBOL');
    await page.getByRole('button', { name: 'Book this time' }).click();
    await resultShows('Request sent');
    expect(bookings[0]?.headers['idempotency-key']).not.toBe(bookings[1]?.headers['idempotency-key']);
  });

  it('can be booked with the keyboard alone', async () => {
    bookingAnswers = [created(SLOTS[1]!)];
    await open();
    await daysShown(2);
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByLabel('Your time zone'))).toBe(true);
    await page.keyboard.press('Tab');
    expect(await isFocused(radio('Monday 2 December, 09:00–09:30'))).toBe(true);
    await page.keyboard.press('ArrowDown');
    expect(await radio('Monday 2 December, 09:30–10:00').isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByLabel('Your name'))).toBe(true);
    await page.keyboard.type('Grace Hopper');
    await page.keyboard.press('Tab');
    await page.keyboard.type('grace@example.com');
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByLabel('Message (optional)'))).toBe(true);
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByRole('button', { name: 'Book this time' }))).toBe(true);
    await page.keyboard.press('Enter');
    await resultShows('Request sent: Ada Lovelace will confirm');
    expect(await isFocused(result())).toBe(true);
    expect(bookings[0]?.body).toMatchObject({ start: SLOTS[1]!.start, guest: { name: 'Grace Hopper', email: 'grace@example.com' } });
  });

  it('fits a phone screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await open();
    await radio('Monday 2 December, 09:30–10:00').check();
    const dir = join(tmpdir(), 'booking-page-screenshots');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'booking-page.png'), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
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
