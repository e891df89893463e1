// The guest's manage page in real headless Chromium, rendered here in the states neither the
// end-to-end flow (../flows/manage-flow) nor ./manage-page.test.ts reach on the local stack: the
// host's calendar not answering, no other free time, a problem with the last try, declined, and
// the 503 page. Each at a desktop, a phone and a dark phone, under the policy our functions send:
// axe finds no serious violation, nothing is wider than the screen, and a screenshot is kept.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { renderManagePage, renderManageUnavailable, type ManagePageInput } from '../../../functions/booking/manage-page';
import { contentSecurityPolicy } from '../../../functions/pages/layout';
import { listen, sendHtml, type RunningServer } from '../../../infra/local/http';
import { expectAccessible } from '../../support/accessibility';
import { PHONE_DARK, screenshot, VIEWPORTS } from '../../support/artifacts';
import { closeChromium, cspViolations, launchChromium } from '../../support/browser';

const start = new Date('2030-12-02T14:00:00Z');
const end = new Date('2030-12-02T14:30:00Z');

const OPEN: ManagePageInput = {
  hostName: 'Ada Lovelace',
  hostTimezone: 'Europe/London',
  guestName: 'Grace Hopper',
  guestTimezone: 'America/New_York',
  start,
  end,
  status: 'booked',
  choices: { kind: 'open', closesAt: new Date('2030-12-01T14:00:00Z') },
  token: 'manage.t0k',
  actionUrl: '/booking/manage',
  times: [
    { start: new Date('2030-12-03T14:00:00Z'), end: new Date('2030-12-03T14:30:00Z') },
    { start: new Date('2030-12-03T15:00:00Z'), end: new Date('2030-12-03T15:30:00Z') },
    { start: new Date('2030-12-04T14:00:00Z'), end: new Date('2030-12-04T14:30:00Z') },
  ],
  laterUrl: '/booking/manage?token=manage.t0k&from=2030-12-05',
};

const PAGES: Record<string, { title: string; html: string }> = {
  '/times-unavailable': { title: 'Your booking with Ada Lovelace', html: renderManagePage({ ...OPEN, times: 'unavailable' }) },
  '/no-other-time': { title: 'Your booking with Ada Lovelace', html: renderManagePage({ ...OPEN, times: [] }) },
  '/problem': { title: 'Your booking with Ada Lovelace', html: renderManagePage({ ...OPEN, status: 'requested', problem: 'Someone has just taken that time. Please choose another one.' }) },
  '/declined': { title: 'Your booking with Ada Lovelace', html: renderManagePage({ ...OPEN, status: 'declined', choices: { kind: 'over', status: 'declined' } }) },
  '/unavailable': { title: 'Please try again in a few minutes', html: renderManageUnavailable() },
};

let server: RunningServer;
let browser: Browser | undefined;

beforeAll(async () => {
  server = await listen((req, res) => {
    res.setHeader('content-security-policy', contentSecurityPolicy());
    const found = PAGES[new URL(req.url ?? '/', 'http://localhost').pathname];
    sendHtml(res, found ? 200 : 404, found?.html ?? 'not here');
  }, 0);
  browser = await launchChromium();
});

afterAll(async () => {
  await closeChromium(browser);
  await server?.close();
});

describe.each([...VIEWPORTS, PHONE_DARK])('the manage page at the $name viewport', (viewport) => {
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

  it.each(Object.entries(PAGES))('%s', async (path, { title }) => {
    await page.goto(`${server.url}${path}`);
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await screenshot(page, 'manage page states', path, viewport);
    await expectAccessible(page, `the manage page ${path} (${viewport.name})`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.context.viewport!.width);
  });
});
