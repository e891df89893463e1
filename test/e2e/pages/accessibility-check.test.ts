// The accessibility and screenshot helpers themselves, in real headless Chromium, on small pages
// served under the Content-Security-Policy our functions send: axe must run where our pages run,
// report what blocks people, and leave aside what it rates moderate or minor.
import { readFileSync, rmSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { contentSecurityPolicy } from '../../../functions/pages/layout';
import { listen, sendHtml, type RunningServer } from '../../../infra/local/http';
import { axeResults, expectAccessible } from '../../support/accessibility';
import { PHONE, screenshot, screenshotPath } from '../../support/artifacts';
import { closeChromium, cspViolations, launchChromium } from '../../support/browser';

const PIXEL = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

/** A role ARIA has deprecated: a WCAG A failure (4.1.2) that axe rates minor. */
const MINOR = '<div role="directory">Rooms</div>';

const PAGES: Record<string, string> = {
  // No lang (serious), an image without a text alternative and a button without a name (critical).
  '/blocking': `<!doctype html><html><head><meta charset="utf-8"><title>Blocking</title></head><body><main><h1>Blocking</h1><img src="${PIXEL}"><button></button>${MINOR}</main></body></html>`,
  '/minor': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Minor</title></head><body><main><h1>Minor</h1>${MINOR}</main></body></html>`,
};

let server: RunningServer;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
let violations: string[];

beforeAll(async () => {
  server = await listen((req, res) => {
    res.setHeader('content-security-policy', contentSecurityPolicy());
    const html = PAGES[new URL(req.url ?? '/', 'http://localhost').pathname];
    sendHtml(res, html ? 200 : 404, html ?? 'not here');
  }, 0);
  browser = await launchChromium();
});

afterAll(async () => {
  await closeChromium(browser);
  await server?.close();
});

beforeEach(async () => {
  context = await browser!.newContext();
  context.setDefaultTimeout(5000);
  violations = cspViolations(context);
  page = await context.newPage();
});

afterEach(async () => {
  await context.close();
  // axe runs beside the page's policy, not against it: the policy refuses nothing on its account.
  expect(violations).toEqual([]);
});

describe('the accessibility check', () => {
  it('fails naming every serious and critical violation with its elements and help, and none rated lower', async () => {
    await page.goto(`${server.url}/blocking`);
    const failure = await expectAccessible(page, 'the blocking page').then(
      () => '',
      (error: Error) => error.message,
    );
    expect(failure).toContain('3 serious or critical accessibility violation(s) on the blocking page:');
    expect(failure).toMatch(/^critical image-alt: Images must have alternative text \(https:\/\/dequeuniversity\.com\/rules\/axe\/[\d.]+\/image-alt.*\)\n {4}at img$/m);
    expect(failure).toMatch(/^critical button-name: Buttons must have discernible text .*\n {4}at button$/m);
    expect(failure).toMatch(/^serious html-has-lang: <html> element must have a lang attribute .*\n {4}at html$/m);
    expect(failure).not.toContain('aria-deprecated-role');
  });

  it('passes a page whose only violation axe rates minor, though axe saw it', async () => {
    await page.goto(`${server.url}/minor`);
    await expectAccessible(page);
    expect((await axeResults(page)).violations.map((v) => [v.id, v.impact])).toEqual([['aria-deprecated-role', 'minor']]);
  });

  it('checks the page it is on after a navigation, not the one it was brought into', async () => {
    await page.goto(`${server.url}/minor`);
    await expectAccessible(page);
    await page.goto(`${server.url}/blocking`);
    await expect(expectAccessible(page)).rejects.toThrow(/image-alt/);
  });
});

describe('screenshots', () => {
  it('go to test-artifacts/screenshots/<test>/<name>-<viewport>.png as PNG files', async () => {
    const path = screenshotPath('The accessibility check!', 'Minor page', PHONE);
    expect(path.endsWith('/test-artifacts/screenshots/the-accessibility-check/minor-page-phone.png')).toBe(true);
    rmSync(path, { force: true });
    await page.goto(`${server.url}/minor`);
    expect(await screenshot(page, 'The accessibility check!', 'Minor page', PHONE)).toBe(path);
    expect(readFileSync(path).subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});
