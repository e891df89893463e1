// A guest on the booking page, by what a screen reader hears: the day picker's days are buttons
// named "<day>, N free times", the chosen day's times a group "Free times on <day>".
import type { Locator, Page } from 'playwright-core';

/** Times this close to the first offered are skipped: see freeSlot in ./booking-client. */
const TIMES_AT_THE_NOTICE_EDGE = 2;

export function freeDays(page: Page): Locator {
  return page.getByRole('button', { name: /, \d+ free times?$/ });
}

export function timesOfTheDay(page: Page): Locator {
  return page.getByRole('group', { name: /^Free times on / }).getByRole('button');
}

function countIn(dayName: string | null): number {
  const count = /, (\d+) free times?$/.exec(dayName ?? '')?.[1];
  if (count === undefined) throw new Error(`no count of free times in the day button "${dayName}"`);
  return Number(count);
}

export interface ChosenTime {
  /** The time's button text as shown ("17:00–17:30"), its day named for screen readers before it. */
  name: string;
  /** The time's start, as the page sends it. */
  start: string;
}

/**
 * Chooses the n-th free time (0 = the first), counted from the first times at the edge of the
 * host's minimum notice on, moving on to the next month when this one has too few.
 */
export async function chooseFreeTime(page: Page, n = 0): Promise<ChosenTime> {
  let left = n + TIMES_AT_THE_NOTICE_EDGE;
  await freeDays(page).first().waitFor();
  for (;;) {
    for (const day of await freeDays(page).all()) {
      const count = countIn(await day.getAttribute('aria-label'));
      if (left < count) {
        await day.click();
        const time = timesOfTheDay(page).nth(left);
        const chosen = { name: ((await time.textContent()) ?? '').replace(/^✓ /, ''), start: (await time.getAttribute('data-start')) ?? '' };
        await time.click();
        return chosen;
      }
      left -= count;
    }
    const next = page.getByRole('button', { name: 'Next month' });
    if ((await next.getAttribute('aria-disabled')) === 'true') throw new Error(`the booking page offers fewer than ${n + TIMES_AT_THE_NOTICE_EDGE + 1} free times`);
    await next.click();
  }
}

export async function fillGuestDetails(page: Page, guest: { name: string; email: string; message?: string }): Promise<void> {
  await page.getByLabel('Your name').fill(guest.name);
  await page.getByLabel('Your email').fill(guest.email);
  if (guest.message !== undefined) await page.getByLabel('Message').fill(guest.message);
}
