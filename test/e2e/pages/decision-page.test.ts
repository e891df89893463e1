// The decision page in real headless Chromium: a local server renders it at /decision and
// records what its forms post to /decision.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { renderDecisionDone, renderDecisionPage, type DecisionView } from '../../../functions/decision/page';
import { contentSecurityPolicy } from '../../../functions/pages/layout';
import { listen, readBody, sendHtml, type RunningServer } from '../../../infra/local/http';
import { expectAccessible } from '../../support/accessibility';
import { PHONE, screenshot } from '../../support/artifacts';
import { closeChromium, cspViolations, isFocused, launchChromium } from '../../support/browser';

const view: DecisionView = {
  hostName: 'Ada Lovelace',
  guestName: 'Grace Hopper',
  guestEmail: 'grace.hopper@navy.example.com',
  message: 'I would like to talk about the compiler.\nThirty minutes should be enough.',
  start: new Date('2030-12-02T14:00:00Z'),
  end: new Date('2030-12-02T14:30:00Z'),
  hostTimezone: 'Europe/London',
  status: 'requested',
  inviteMode: 'google',
};

let server: RunningServer;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
let posts: { contentType: string | undefined; form: URLSearchParams }[];
let violations: string[];

beforeAll(async () => {
  server = await listen((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      // The policy our functions send with every answer (functions/security-headers.ts).
      res.setHeader('content-security-policy', contentSecurityPolicy());
      if (url.pathname !== '/decision') return sendHtml(res, 404, 'not here');
      if (req.method === 'GET') {
        return sendHtml(res, 200, renderDecisionPage({ ...view, tokens: { confirm: 'confirm.t0k+/=', deny: 'deny.t0k' }, actionUrl: `${server.url}/decision` }));
      }
      const form = new URLSearchParams((await readBody(req)).toString('utf8'));
      posts.push({ contentType: req.headers['content-type'], form });
      const action = form.get('action') === 'deny' ? 'deny' : 'confirm';
      sendHtml(res, 200, renderDecisionDone({ ...view, status: action === 'deny' ? 'declined' : 'booked' }, action, false));
    })();
  }, 0);
  browser = await launchChromium();
});

afterAll(async () => {
  await closeChromium(browser);
  await server?.close();
});

beforeEach(async () => {
  posts = [];
  context = await browser!.newContext({ locale: 'en-GB' });
  context.setDefaultTimeout(5000);
  violations = cspViolations(context);
  page = await context.newPage();
  await page.goto(`${server.url}/decision?token=opened.token`);
});

afterEach(async () => {
  await context.close();
  expect(violations).toEqual([]);
});

describe('the decision page in a browser', () => {
  it('posts the confirm token and action=confirm as a form when the host presses Confirm', async () => {
    await Promise.all([page.waitForURL(`${server.url}/decision`), page.getByRole('button', { name: 'Confirm' }).click()]);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(posts[0]?.form ?? [])).toEqual({ token: 'confirm.t0k+/=', action: 'confirm' });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Booking confirmed');
    await expectAccessible(page, 'the decision page, confirmed');
  });

  it('posts the deny token and action=deny when the host presses Decline with the keyboard', async () => {
    const deny = page.getByRole('button', { name: 'Decline' });
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await isFocused(deny)).toBe(true);
    await Promise.all([page.waitForURL(`${server.url}/decision`), page.keyboard.press('Enter')]);
    expect(Object.fromEntries(posts[0]?.form ?? [])).toEqual({ token: 'deny.t0k', action: 'deny' });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Request declined');
    await expectAccessible(page, 'the decision page, declined');
  });

  it('fits a phone screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await screenshot(page, 'decision page', 'request', PHONE);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  });

  it('has no serious accessibility violation', async () => {
    await expectAccessible(page, 'the decision page');
  });
});
