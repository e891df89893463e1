// The local status page as a person opens it: the figures of `ops status`, and the last hour's
// pushes and push→slot lag as charts a screen reader can read, with the numbers in a table.
import type { Browser } from 'playwright-core';
import type { RunningServer } from '../../../infra/local/http';
import { startStatusPage } from '../../../infra/local/status-page-server';
import { expectAccessible } from '../../support/accessibility';
import { bookedHost } from '../../support/booked-host';
import { closeChromium, cspViolations, launchChromium } from '../../support/browser';
import { startSystem, type TestSystem } from '../../support/system';

jest.setTimeout(180_000);

let sys: TestSystem;
let page: RunningServer;
let browser: Browser | undefined;

beforeAll(async () => {
  sys = await startSystem();
  page = await startStatusPage({ db: sys.db, now: () => new Date(), port: 0 });
});
afterAll(async () => {
  await closeChromium(browser);
  await page.close();
  await sys.close();
});

it('shows the figures, and the pushes of the last hour with their lag as charts and a table', async () => {
  // A booking's invite reaches the webhook as a push, which runs a sync: one handled push, its lag measured.
  await bookedHost(sys, 'status-page-guest@example.test');

  const json = (await (await fetch(`${page.url}/status.json`)).json()) as { channels: { total: number }; bookings: { byStatus: Record<string, number> } };
  expect(json.channels.total).toBe(1);
  expect(json.bookings.byStatus.requested).toBe(1);

  const res = await fetch(`${page.url}/`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  const html = await res.text();
  // Reloading by itself is the reader's choice (WCAG 2.2.1): a link turns it on.
  expect(html).not.toContain('http-equiv="refresh"');
  expect(html).toContain('<a href="/">Reload now</a>');
  expect(html).toContain('<a href="/?reload=auto">reload every 30 s</a>');
  const reloading = await (await fetch(`${page.url}/?reload=auto`)).text();
  expect(reloading).toContain('<meta http-equiv="refresh" content="30">');
  expect(reloading).toContain('<a href="/">stop reloading</a>');
  expect(html).toMatch(/<svg id="pushes" role="img" aria-labelledby="pushes-title pushes-desc"/);
  expect(html).toContain('<title id="pushes-title">Pushes per minute, last hour</title>');
  expect(html).toMatch(/<desc id="lag-desc">Average \d+ ms over the hour/);
  expect(html).not.toContain('<script');
  // The table: a minute with at least one handled push and its average lag in ms.
  expect(html).toMatch(/<tr><th scope="row">\d\d:\d\d<\/th><td class="n">[1-9]\d*<\/td><td class="n">\d+<\/td><td class="n">0<\/td><td class="n">\d+<\/td><\/tr>/);
  expect(html).toMatch(/<th scope="row">Channels<\/th><td class="n">1<\/td>/);

  expect((await fetch(`${page.url}/elsewhere`)).status).toBe(404);
  expect((await fetch(`${page.url}/`, { method: 'POST' })).status).toBe(405);

  browser = await launchChromium();
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${page.url}/`);
  await expectAccessible(tab, 'the status page');
  expect(cspViolations(context)).toEqual([]);
});
