// The guest's manage page in Chromium (a page with no script of its own): opened from the link in Google's
// invitation, the guest moves the booking by picking a time and pressing the button, follows the
// new link, and cancels. Every page checked by axe (no serious or critical violation) at a desktop
// and a phone viewport, with screenshots kept in test-artifacts/screenshots/manage-page/.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { services } from '../../../functions/services';
import { expectAccessible } from '../../support/accessibility';
import { screenshot, VIEWPORTS } from '../../support/artifacts';
import { book, freeSlot, GUEST } from '../../support/booking-client';
import { closeChromium, cspViolations, launchChromium } from '../../support/browser';
import { manageLinkIn, setSchedule } from '../../support/manage-client';
import { startSystem, type TestSystem } from '../../support/system';

jest.setTimeout(60_000);

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

/** A booking of a new host's, and the manage link Google mailed its guest. */
async function bookedLink(email: string): Promise<{ hostId: string; slotId: string; link: string }> {
  const host = await sys.createHost();
  const slot = await freeSlot(sys.functionsUrl, host.slug);
  const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start, guest: { ...GUEST, email } });
  const { slotId } = (await res.json()) as { slotId: string };
  return { hostId: host.id, slotId, link: manageLinkIn((await sys.calendarEvent(host, slotId)).description) };
}

describe.each(VIEWPORTS)('at the $name viewport', (viewport) => {
  let context: BrowserContext;
  let page: Page;
  let violations: string[];

  beforeAll(async () => {
    context = await browser!.newContext({ ...viewport.context, timezoneId: 'America/New_York', locale: 'en-GB' });
    context.setDefaultTimeout(10_000);
    violations = cspViolations(context);
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
  });
  afterEach(() => {
    expect(violations).toEqual([]);
  });

  async function check(name: string): Promise<void> {
    await screenshot(page, 'manage-page', name, viewport);
    await expectAccessible(page, `${name} (${viewport.name})`);
  }

  it('the guest moves their booking, then cancels it, with the page\'s plain forms', async () => {
    const { slotId, link } = await bookedLink(`mover.${viewport.name}@example.org`);
    await page.goto(link);
    await page.getByRole('heading', { name: /Your booking with/ }).waitFor();
    // Plain forms: the page ships no script (axe, injected by the test, needs the browser's).
    expect(await page.locator('script').count()).toBe(0);
    await check('manage page');

    const choice = page.getByRole('radio').nth(3);
    const chosen = await choice.getAttribute('value');
    await choice.check();
    await page.getByRole('button', { name: 'Move my booking' }).click();
    await page.getByRole('heading', { name: 'Booking moved' }).waitFor();
    await check('booking moved');
    expect((await services().slots.require(slotId)).start.toISOString()).toBe(chosen);

    await page.getByRole('link', { name: 'Change or cancel this booking' }).click();
    await page.getByRole('button', { name: 'Cancel this booking' }).click();
    await page.getByRole('heading', { name: 'Booking cancelled' }).waitFor();
    await check('booking cancelled');
    expect((await services().slots.require(slotId)).status).toBe('cancelled');
  });

  it('past the host\'s limit, and with a link that does not work', async () => {
    const { hostId, link } = await bookedLink(`late.${viewport.name}@example.org`);
    await setSchedule(hostId, { guestChangeLimitHours: 24 * 30 });
    await page.goto(link);
    await page.getByText('too late to change this booking online').waitFor();
    await check('manage page, too late');

    await page.goto(link.replace(/token=[^.]+/, 'token=eyJ2IjoxfQ'));
    await page.getByRole('heading', { name: 'This link does not work' }).waitFor();
    await check('manage page, link does not work');
  });
});
