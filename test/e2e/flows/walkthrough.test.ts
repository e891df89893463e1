// The README's five-minute walk-through, done as a newcomer does it, on the stack `npm start`
// runs (the real command, on free ports, read back from the stack file it writes): open the demo
// host's booking page, book, open the mail sink, confirm from the host's mail, decline as the
// guest on the Google emulator's mail page, and see the time free again on the booking page.
// Screenshots of each step go to test-artifacts/screenshots/walkthrough/.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { freePort } from '../../../infra/local/ports';
import type { StackDescription } from '../../../infra/local/stack';
import { expectAccessible } from '../../support/accessibility';
import { screenshot, type Viewport } from '../../support/artifacts';
import { chooseFreeTime, fillGuestDetails, freeDays } from '../../support/booking-page-guest';
import { closeChromium, cspViolations, eventually, launchChromium } from '../../support/browser';
import { until } from '../../support/until';

jest.setTimeout(180_000);

const WALKTHROUGH = 'walkthrough';
/** Small enough for a picture in the README that still reads. */
const README: Viewport = { name: 'readme', context: { viewport: { width: 960, height: 720 } } };
const GUEST = { name: 'Nora Newcomer', email: 'nora.newcomer@example.org' };

let child: ChildProcess | undefined;
let output = '';
let browser: Browser | undefined;
/** The stack under test, for afterAll to stop. */
let running: StackDescription | undefined;

/** `npm start` in its own process group, as a terminal runs it; resolves with what it wrote to its stack file. */
async function npmStart(): Promise<StackDescription> {
  const stackFile = join(mkdtempSync(join(tmpdir(), 'walkthrough-')), 'stack.json');
  const env: NodeJS.ProcessEnv = { ...process.env, STACK_FILE: stackFile, LOG_LEVEL: 'warn' };
  // The stack brings its own Firestore emulator, as it does on a newcomer's machine.
  delete env.FIRESTORE_EMULATOR_HOST;
  for (const name of ['FUNCTIONS_PORT', 'FIRESTORE_PORT', 'GOOGLE_EMULATOR_PORT', 'MAIL_SINK_PORT']) env[name] = String(await freePort());
  child = spawn('npm', ['start', '--silent'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await until(async () => (existsSync(stackFile) ? true : undefined), 'npm start to write its stack file', 90_000).catch((error: unknown) => {
    throw new Error(`${String(error)}; its output:\n${output}`);
  });
  running = JSON.parse(readFileSync(stackFile, 'utf8')) as StackDescription;
  return running;
}

async function answers(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(1000) }).then(
    () => true,
    () => false,
  );
}

/** Ctrl-C, as a terminal sends it to the group; once the stack's servers are down (or after 15 s), nothing of it is left. */
async function stopNpmStart(stack: StackDescription | undefined): Promise<void> {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, 'SIGINT');
    if (stack) await until(async () => ((await answers(stack.functionsUrl)) || (await answers(stack.mailUrl)) ? undefined : true), 'the stack to stop', 15_000).catch(() => undefined);
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is gone: nothing left behind.
  }
  child.stdout?.destroy();
  child.stderr?.destroy();
}

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await closeChromium(browser);
  await stopNpmStart(running);
});

/** Whether the booking page, opened afresh, offers the time starting `start` on the day `dayKey`. */
async function offers(page: Page, bookingUrl: string, dayKey: string, start: string): Promise<boolean> {
  await page.goto(bookingUrl);
  await freeDays(page).first().waitFor();
  for (;;) {
    const day = page.locator(`#days button[data-day="${dayKey}"]`);
    if ((await day.count()) > 0) {
      await day.click();
      return (await page.locator(`#times button[data-start="${start}"]`).count()) > 0;
    }
    const next = page.getByRole('button', { name: 'Next month' });
    if ((await next.getAttribute('aria-disabled')) === 'true') return false;
    await next.click();
  }
}

async function shoot(page: Page, name: string): Promise<void> {
  await screenshot(page, WALKTHROUGH, name, README);
}

it('a newcomer books on the demo page, confirms from the mail sink, declines as the guest in the emulator, and sees the time free again', async () => {
  const stack = await npmStart();
  const context = await browser!.newContext({ ...README.context, timezoneId: 'Europe/Berlin' });
  const violations = cspViolations(context);
  const page = await context.newPage();

  // 1. The demo host's booking page: choose a day and a time, give a name and an email, book.
  await page.goto(stack.demoHost.bookingUrl);
  const chosen = await chooseFreeTime(page);
  const dayKey = (await page.locator('#days button[aria-pressed=true]').getAttribute('data-day')) ?? '';
  await fillGuestDetails(page, GUEST);
  await shoot(page, '1-booking-page');
  await page.getByRole('button', { name: 'Book this time' }).click();
  await eventually(async () => expect(await page.locator('#result').textContent()).toMatch(/^Request sent for .*Google has sent you an invitation; Demo Host will confirm it\.$/), 15_000);
  await shoot(page, '2-request-sent');
  expect(await offers(page, stack.demoHost.bookingUrl, dayKey, chosen.start)).toBe(false);

  // 2. The mail sink: the host's mail, shown whole, with Confirm and Decline.
  await page.goto(`${stack.mailUrl}/`);
  const hostMail = page.frameLocator('iframe.html-part').first();
  await hostMail.getByRole('link', { name: 'Confirm' }).waitFor();
  expect(await page.locator('article').first().textContent()).toContain(stack.demoHost.email);
  await expectAccessible(page, 'the mail sink inbox');
  await shoot(page, '3-mail-sink');

  // 3. Confirm: the link opens the decision page in a new tab; its button confirms.
  const [decision] = await Promise.all([context.waitForEvent('page'), hostMail.getByRole('link', { name: 'Confirm' }).click()]);
  await decision.waitForLoadState();
  expect(decision.url().startsWith(`${stack.functionsUrl}/decision?token=`)).toBe(true);
  await decision.getByRole('button', { name: 'Confirm' }).click();
  await eventually(async () => expect(await decision.locator('h1').textContent()).toMatch(/confirmed/i), 10_000);
  await shoot(decision, '4-confirmed');
  await decision.close();

  // 4. The guest's mail in the Google emulator: answer No.
  await page.goto(`${stack.googleUrl}/emulator/mail?to=${encodeURIComponent(GUEST.email)}`);
  await expectAccessible(page, 'the Google emulator\'s mail page');
  await shoot(page, '5-google-mail');
  // The answer comes back to this page, where the invitation may already be gone: the webhook
  // has the declined event deleted as soon as Google's push reaches it.
  const [answered] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/emulator/mail/respond')), page.getByRole('button', { name: 'No' }).first().click()]);
  expect(answered.status()).toBe(303);
  await page.waitForLoadState();
  await shoot(page, '6-declined-as-guest');

  // 5. Google's push reaches the webhook, the sync frees the slot: the time is offered again.
  await eventually(async () => expect(await offers(page, stack.demoHost.bookingUrl, dayKey, chosen.start)).toBe(true), 30_000);
  await page.locator(`#times button[data-start="${chosen.start}"]`).click();
  await shoot(page, '7-free-again');

  // The host hears of it in the mail sink: Google's reply became our mail to the host.
  const hostSubjects = async () =>
    ((await (await fetch(`${stack.mailUrl}/messages?to=${encodeURIComponent(stack.demoHost.email)}`)).json()) as { subject: string }[]).map((m) => m.subject);
  await eventually(async () => expect(await hostSubjects()).toContainEqual(expect.stringMatching(new RegExp(`^${GUEST.name} declined: `))), 10_000);
  expect(violations).toEqual([]);
  await context.close();
});
