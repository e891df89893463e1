// End to end in a real browser: a guest books on the booking page, the host opens the Confirm
// link from the mail sink and confirms, and Google (the emulator) shows the event confirmed and
// the guest's invitation and update mails.
import type { Browser } from 'playwright-core';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { expectAccessible } from '../../support/accessibility';
import { chooseFreeTime, fillGuestDetails, freeDays } from '../../support/booking-page-guest';
import { closeChromium, cspViolations, eventually, launchChromium } from '../../support/browser';
import { decisionLinks } from '../../support/booking-client';
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

it('a guest books on the page, the host confirms from the mail, and Google shows the event confirmed', async () => {
  const host = await sys.createHost();
  const guestEmail = 'browser.guest@example.org';
  const context = await browser.newContext({ timezoneId: 'America/New_York', viewport: { width: 390, height: 844 } });
  // Every page under the policy the functions send: one it blocks would be broken for real guests.
  const violations = cspViolations(context);
  const page = await context.newPage();

  await page.goto(`${sys.functionsUrl}/booking/${host.slug}`);
  await freeDays(page).first().waitFor();
  await expectAccessible(page, 'the booking page');
  await chooseFreeTime(page);
  await fillGuestDetails(page, { name: 'Browser Guest', email: guestEmail, message: 'Looking forward to it' });
  await page.getByRole('button', { name: 'Book this time' }).click();
  await eventually(async () => expect(await page.locator('#result').textContent()).toContain('Request sent'), 10_000);
  await expectAccessible(page, 'the booking page, the request sent');

  const [slotDoc] = (await sys.db.collection('slots').where('subscriberId', '==', host.id).get()).docs;
  expect(slotDoc).toBeDefined();
  const slotId = slotDoc!.id;
  expect(slotDoc!.data()).toMatchObject({ status: 'requested', guest: { name: 'Browser Guest', email: guestEmail, timezone: 'America/New_York' } });

  const [hostMail] = await sys.sinkMessages(host.email);
  const { confirm } = decisionLinks(hostMail!.content.map((c) => c.value).join('\n'));
  await page.goto(confirm);
  await expectAccessible(page, 'the decision page');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await eventually(async () => expect(await page.locator('h1').textContent()).toMatch(/confirmed/i));
  await expectAccessible(page, 'the decision page, confirmed');

  const mails = (await sys.googleMail(guestEmail)).filter((m) => m.eventId === eventIdForSlot(slotId));
  expect(mails.map((m) => m.kind)).toEqual(['invitation', 'update']);
  expect((await sys.calendarEvent(host, slotId)).status).toBe('confirmed');
  expect(violations).toEqual([]);
  await context.close();
});
