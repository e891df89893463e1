// End to end in Chromium: a host connects Google Calendar through the emulator's consent screen,
// chooses the default calendar with the keyboard, and finds their booking link.
import type { Browser } from 'playwright-core';
import { services } from '../../../functions/services';
import { expectAccessible } from '../../support/accessibility';
import { closeChromium, eventually, launchChromium } from '../../support/browser';
import { startSystem, type TestSystem } from '../../support/system';

jest.setTimeout(60_000);

let sys: TestSystem;
let browser: Browser;

beforeAll(async () => {
  sys = await startSystem();
  browser = await launchChromium();
});
afterAll(async () => {
  await closeChromium(browser);
  await sys.close();
});

it('a host connects Google, picks another default calendar with the keyboard, and sees the booking link', async () => {
  const email = 'pat.browser@hosts.example.test';
  await sys.control('/accounts', { email, name: 'Pat Browser' });
  const { calendarId: work } = await sys.control<{ calendarId: string }>(`/accounts/${encodeURIComponent(email)}/calendars`, { summary: 'Work bookings' });
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();

  await page.goto(`${sys.functionsUrl}/accounts/google/connect`);
  await page.getByRole('heading', { name: 'Booking settings' }).waitFor();
  expect(page.url()).toBe(`${sys.functionsUrl}/accounts/settings`);
  expect(await page.getByText(`Connected as ${email}`).isVisible()).toBe(true);
  expect(await page.getByRole('radio', { name: /primary/ }).isChecked()).toBe(true);

  const workChoice = page.getByRole('radio', { name: 'Work bookings' });
  await page.getByRole('radio', { name: /primary/ }).focus();
  await page.keyboard.press('ArrowDown');
  expect(await workChoice.isChecked()).toBe(true);
  await page.getByRole('checkbox', { name: 'Automatically confirm bookings if time is available' }).check();
  await page.getByRole('button', { name: 'Save settings' }).press('Enter');

  await eventually(async () => expect(await page.getByRole('status').textContent()).toContain('Your settings are saved.'));
  expect(await workChoice.isChecked()).toBe(true);
  await expectAccessible(page, 'the settings page, saved');
  const { subject } = await sys.control<{ subject: string }>('/accounts', { email });
  const [linked] = (await sys.db.collection('subscribers').where('googleSubject', '==', subject).get()).docs;
  const subscriber = (await services().subscribers.get(linked!.id))!;
  expect(subscriber.defaultCalendar).toEqual({ provider: 'google', calendarId: work });
  expect(subscriber.schedule.autoConfirm).toBe(true);
  expect((await sys.control<{ calendarId: string }[]>('/channels')).filter((c) => [email, work].includes(c.calendarId)).map((c) => c.calendarId)).toEqual([work]);

  const link = page.locator('#booking-link');
  const bookingUrl = `${sys.functionsUrl}/booking/pat-browser`;
  expect(await link.textContent()).toBe(bookingUrl);
  await link.click();
  await page.waitForURL(bookingUrl);
  expect(await page.locator('h1').textContent()).toContain('Pat Browser');
  await context.close();
});
