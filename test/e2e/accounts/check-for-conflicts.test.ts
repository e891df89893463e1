// End to end in Chromium: a host checks a calendar shared with them read-only "for conflicts" on
// the settings page with the keyboard; the default's box is checked and cannot be unchecked; the
// page stays accessible; the calendar is watched at Google, and unchecking it stops its channel.
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

const liveOn = async (calendarId: string) => (await sys.control<{ calendarId: string }[]>('/channels')).filter((c) => c.calendarId === calendarId);

it('a host checks a shared calendar for conflicts with the keyboard, then unchecks it', async () => {
  const email = 'casey.conflicts@hosts.example.test';
  await sys.control('/accounts', { email: 'robin.partner@example.test' });
  const { calendarId: family } = await sys.control<{ calendarId: string }>('/accounts/robin.partner%40example.test/calendars', { summary: 'Family' });
  // Made last: the emulator's consent screen signs in the account made last.
  const { subject } = await sys.control<{ subject: string }>('/accounts', { email, name: 'Casey Conflicts' });
  await sys.control(`/calendars/${encodeURIComponent(family)}/share`, { email, role: 'reader' });
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();

  await page.goto(`${sys.functionsUrl}/accounts/google/connect`);
  await page.getByRole('heading', { name: 'Booking settings' }).waitFor();
  const conflicts = page.getByRole('group', { name: 'Calendars to check for conflicts' });
  const defaultBox = conflicts.getByRole('checkbox', { name: /your default calendar/ });
  expect(await defaultBox.isChecked()).toBe(true);
  expect(await defaultBox.isDisabled()).toBe(true);
  const familyBox = conflicts.getByRole('checkbox', { name: 'Family (shared with you, read only)' });
  expect(await familyBox.isChecked()).toBe(false);
  await familyBox.focus();
  await page.keyboard.press('Space');
  expect(await familyBox.isChecked()).toBe(true);
  await page.getByRole('button', { name: 'Save settings' }).press('Enter');

  await eventually(async () => expect(await page.getByRole('status').textContent()).toContain('Your settings are saved.'));
  expect(await familyBox.isChecked()).toBe(true);
  await expectAccessible(page, 'the settings page with a calendar checked for conflicts');
  const [linked] = (await sys.db.collection('subscribers').where('googleSubject', '==', subject).get()).docs;
  expect((await services().subscribers.get(linked!.id))?.conflictCalendarIds).toEqual([family]);
  expect(await liveOn(family)).toHaveLength(1);

  await familyBox.focus();
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: 'Save settings' }).press('Enter');
  await eventually(async () => expect(await page.getByRole('status').textContent()).toContain('Your settings are saved.'));
  expect(await familyBox.isChecked()).toBe(false);
  expect((await services().subscribers.get(linked!.id))?.conflictCalendarIds).toEqual([]);
  expect(await liveOn(family)).toEqual([]);
  await context.close();
});
