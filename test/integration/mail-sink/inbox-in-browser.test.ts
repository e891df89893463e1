// The mail sink's inbox in Chromium, as a newcomer uses it: a mail's HTML part is shown whole,
// runs no script, times are in the reader's zone, and the Confirm link of a host's mail opens the
// decision page of the functions, whose form then works.
import type { Browser, Page } from 'playwright-core';
import { expectAccessible } from '../../support/accessibility';
import { book, freeSlot, GUEST } from '../../support/booking-client';
import { closeChromium, eventually, launchChromium } from '../../support/browser';
import { startSystem, type TestSystem } from '../../support/system';
import { until } from '../../support/until';
import { createMailService } from '../../../shared/mail/sendgrid-client';
import { aMail, API_KEY } from './fixtures';

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
afterEach(async () => {
  await fetch(`${sys.mail.url}/messages`, { method: 'DELETE' });
});

async function openInbox(timezoneId = 'America/New_York'): Promise<Page> {
  const context = await browser.newContext({ timezoneId, viewport: { width: 1024, height: 700 } });
  const page = await context.newPage();
  await page.goto(`${sys.mail.url}/`);
  return page;
}

/** The framed part's height and its document's full height, once the inbox's script has fitted it. */
async function frameHeights(page: Page): Promise<{ frame: number; content: number }> {
  return page.locator('iframe.html-part').first().evaluate((frame: HTMLIFrameElement) => ({
    frame: frame.getBoundingClientRect().height,
    content: frame.contentDocument?.documentElement.scrollHeight ?? -1,
  }));
}

it('shows a long HTML part whole, lets no script in it run, and shows times in the reader\'s zone', async () => {
  const paragraphs = Array.from({ length: 60 }, (_, i) => `<p>Line ${i + 1}</p>`).join('');
  const mail = createMailService({ apiKey: API_KEY, apiRoot: sys.mail.url });
  await mail.send(aMail({ subject: 'A long mail', html: `<html><head><title>Long</title></head><body>${paragraphs}<p id="last">The end</p><script>document.title = 'ran'</script><img src="x" onerror="document.title = 'ran'"></body></html>` }));
  const page = await openInbox('America/New_York');
  expect(await page.getByRole('heading', { level: 2 }).allTextContents()).toEqual(['A long mail']);

  await eventually(async () => {
    const { frame, content } = await frameHeights(page);
    expect(content).toBeGreaterThan(60 * 30);
    // The frame's border is outside the document it shows.
    expect(Math.round(frame) - 2).toBe(content);
  });
  const frame = page.frameLocator('iframe.html-part').first();
  expect(await frame.locator('#last').isVisible()).toBe(true);
  expect(await page.locator('iframe.html-part').first().evaluate((f: HTMLIFrameElement) => f.contentDocument?.title)).toBe('Long');
  // Written as UTC by the server; the script puts it in New York's zone.
  await eventually(async () => expect(await page.locator('time').first().textContent()).toMatch(/\b(EST|EDT)\b/));
  await expectAccessible(page, 'the mail sink inbox');
  await page.context().close();
});

it('opens the decision page of the local functions from the Confirm link of a host\'s mail, and its form confirms', async () => {
  const host = await sys.createHost();
  const slot = await freeSlot(sys.functionsUrl, host.slug);
  const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start, guest: { ...GUEST, email: 'inbox.guest@example.org' } });
  expect(res.status).toBe(201);
  await until(async () => ((await sys.sinkMessages(host.email)).length > 0 ? true : undefined), 'the host\'s mail');
  const page = await openInbox();

  const confirmLink = page.frameLocator('iframe.html-part').first().getByRole('link', { name: 'Confirm' });
  const [decision] = await Promise.all([page.context().waitForEvent('page'), confirmLink.click()]);
  await decision.waitForLoadState();
  expect(decision.url()).toMatch(new RegExp(`^${sys.functionsUrl}/decision\\?token=`));
  await decision.getByRole('button', { name: 'Confirm' }).click();
  await eventually(async () => expect(await decision.locator('h1').textContent()).toMatch(/confirmed/i), 10_000);
  await page.context().close();
});
