// The booking page as the booking function serves it on the local stack (Firestore, the Google
// Calendar emulator, the mail sink): its bundle loads under the policy, a guest books in each
// flow, and the page says what really happened, from the booking's own answer.
import type { Browser } from 'playwright-core';
import { closeChromium, cspViolations, eventually, launchChromium } from '../../support/browser';
import { startSystem, type TestSystem } from '../../support/system';

jest.setTimeout(60_000);

let sys: TestSystem;
let browser: Browser;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
  browser = await launchChromium();
});
afterAll(async () => {
  await closeChromium(browser);
  await sys.close();
});

/** Books the first free time of the host's page on a phone; the result region's text. */
async function bookFirstTime(slug: string): Promise<string> {
  const context = await browser.newContext({ timezoneId: 'Europe/Berlin', viewport: { width: 375, height: 740 } });
  const violations = cspViolations(context);
  const missing: string[] = [];
  context.on('response', (response) => {
    if (response.status() >= 400) missing.push(`${response.status()} ${response.url()}`);
  });
  const page = await context.newPage();
  await page.goto(`${sys.functionsUrl}/booking/${slug}`);
  await page.locator('#days button[aria-pressed=true]').click();
  await page.locator('#times button').first().click();
  await page.getByLabel('Your name').fill('Stack Guest');
  await page.getByLabel('Your email').fill('stack.guest@example.org');
  await page.getByRole('button', { name: 'Book this time' }).click();
  let text = '';
  await eventually(async () => {
    text = (await page.locator('#result').textContent()) ?? '';
    expect(text).toMatch(/^(Request sent for|Booked:)/);
  }, 15_000);
  await context.close();
  expect(violations).toEqual([]);
  expect(missing).toEqual([]);
  return text;
}

it('in the Google flow, says Google has sent the invitation and the host will confirm it', async () => {
  const host = await sys.createHost();
  expect(await bookFirstTime(host.slug)).toMatch(/Google has sent you an invitation; Host \d+ will confirm it\.$/);
});

it('for a host who confirms automatically, says the time is confirmed', async () => {
  const host = await sys.createHost({ autoConfirm: true });
  expect(await bookFirstTime(host.slug)).toMatch(/^Booked: .*Google has sent you an invitation; the time is confirmed\.$/);
});

it('in the .ics flow, says what our own mail does', async () => {
  const host = await sys.createHost({ google: false });
  expect(await bookFirstTime(host.slug)).toMatch(/We have emailed you an invitation that holds the time in your calendar as tentative; Host \d+ will confirm it, and we will email you as soon as they do\.$/);
});

it('names the same inline icon on the pages of every function, so none leads a browser to a missing favicon.ico', async () => {
  const host = await sys.createHost();
  for (const path of [`/booking/${host.slug}`, '/booking/nobody-here', '/decision', '/accounts/nowhere']) {
    const html = await (await fetch(`${sys.functionsUrl}${path}`)).text();
    expect({ path, icon: /<link rel="icon" type="image\/svg\+xml" href="data:image\/svg\+xml,[^"]+">/.test(html) }).toEqual({ path, icon: true });
  }
});
