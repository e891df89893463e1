// Every page of ours, served by the local stack, checked by axe (WCAG 2.x A/AA, no serious or
// critical violation) at a desktop and a phone viewport and on a phone in the dark colour scheme,
// with a screenshot of each kept in test-artifacts/screenshots/pages/. A guest books through the
// booking page; the host, signed in, answers from the mailed decision link and visits the settings
// and the accounts' message pages. The bookings and manage pages are visited by ../flows/manage-flow.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectAccessible } from '../../support/accessibility';
import { PHONE_DARK, screenshot, VIEWPORTS } from '../../support/artifacts';
import { decisionLinks } from '../../support/booking-client';
import { chooseFreeTime, fillGuestDetails, freeDays } from '../../support/booking-page-guest';
import { closeChromium, cspViolations, launchChromium } from '../../support/browser';
import { linkedHost, signInAs } from '../../support/host-in-browser';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';
import { until } from '../../support/until';

jest.setTimeout(60_000);

let sys: TestSystem;
let browser: Browser | undefined;
let host: TestHost;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
  browser = await launchChromium();
  host = await linkedHost(sys);
});
afterAll(async () => {
  await closeChromium(browser);
  await sys?.close();
});

describe.each([...VIEWPORTS, PHONE_DARK])('at the $name viewport', (viewport) => {
  let context: BrowserContext;
  let page: Page;
  let violations: string[];
  let decisionLink: string;

  beforeAll(async () => {
    context = await browser!.newContext({ ...viewport.context, timezoneId: 'America/New_York', locale: 'en-GB' });
    context.setDefaultTimeout(10_000);
    violations = cspViolations(context);
    await signInAs(sys, context, host);
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
  });
  afterEach(() => {
    expect(violations).toEqual([]);
  });

  async function check(name: string): Promise<void> {
    await screenshot(page, 'pages', name, viewport);
    await expectAccessible(page, `${name} (${viewport.name})`);
  }

  it('the booking page, its free times loaded', async () => {
    await page.goto(`${sys.functionsUrl}/booking/${host.slug}`);
    await freeDays(page).first().waitFor();
    await check('booking page');
  });

  it('the booking page, a time chosen and the details filled', async () => {
    await chooseFreeTime(page);
    await fillGuestDetails(page, { name: 'Grace Hopper', email: `grace.${viewport.name}@example.org` });
    await check('booking page, details');
  });

  it('the booking page, the request sent', async () => {
    const mailsBefore = (await sys.sinkMessages(host.email)).length;
    await page.getByRole('button', { name: 'Book this time' }).click();
    await page.getByText('Request sent').waitFor();
    await check('booking page, request sent');
    const mail = await until(async () => (await sys.sinkMessages(host.email))[mailsBefore], "the host's mail of the request");
    decisionLink = decisionLinks(mail.content.map((c) => c.value).join('\n')).confirm;
  });

  it('the booking page of a host that does not exist', async () => {
    await page.goto(`${sys.functionsUrl}/booking/nobody-here`);
    await page.getByRole('heading', { name: 'No booking page here' }).waitFor();
    await check('booking page, no such host');
  });

  it('the decision page', async () => {
    await page.goto(decisionLink);
    await page.getByRole('button', { name: 'Confirm' }).waitFor();
    await check('decision page');
  });

  it('the decision page, the booking confirmed', async () => {
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'Booking confirmed' }).waitFor();
    await check('decision page, confirmed');
  });

  it('the decision page of a request already answered', async () => {
    await page.goto(decisionLink);
    await page.getByText('This booking is confirmed. Nothing more to do here.').waitFor();
    await check('decision page, answered');
  });

  it('the decision page of a link that has been changed', async () => {
    await page.goto(`${sys.functionsUrl}/decision?token=changed.link`);
    await page.getByRole('heading', { name: 'This link does not work' }).waitFor();
    await check('decision page, changed link');
  });

  it('the settings page', async () => {
    await page.goto(`${sys.functionsUrl}/accounts/settings`);
    await page.getByRole('heading', { name: 'Booking settings' }).waitFor();
    await check('settings page');
  });

  it('the settings page, saved', async () => {
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').getByText('Your settings are saved.').waitFor();
    await check('settings page, saved');
  });

  it('the settings page, with mistakes in the schedule shown beside their fields', async () => {
    await page.getByLabel('Monday').fill('nine to five');
    await page.getByLabel(/^Length of a booking/).fill('0');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('alert').getByRole('heading', { name: 'There is a problem' }).waitFor();
    expect(await page.getByLabel('Monday').getAttribute('aria-invalid')).toBe('true');
    await check('settings page, mistakes');
  });

  it('the accounts page of an address that does not exist', async () => {
    await page.goto(`${sys.functionsUrl}/accounts/nowhere`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await check('accounts, not found');
  });

  it('the accounts page of a sign-in that cannot be completed', async () => {
    await page.goto(`${sys.functionsUrl}/accounts/google/callback?state=not.ours&code=c0de`);
    await page.getByRole('heading', { name: 'This sign-in cannot be completed' }).waitFor();
    await check('accounts, sign-in refused');
  });

  it('the accounts page after signing out', async () => {
    await page.goto(`${sys.functionsUrl}/accounts/settings`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    await check('accounts, signed out');
  });
});
