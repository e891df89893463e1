// What browser tests leave behind for people to look at: screenshots of each page at each
// viewport, under test-artifacts/ at the repository's root, which CI keeps after the run.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';

export const ARTIFACTS_DIR = resolve(__dirname, '../../test-artifacts');
export const SCREENSHOTS_DIR = join(ARTIFACTS_DIR, 'screenshots');

/** A screen size a test runs at, named for the file names of its screenshots. */
export interface Viewport {
  name: string;
  context: BrowserContextOptions;
}

export const DESKTOP: Viewport = { name: 'desktop', context: { viewport: { width: 1280, height: 800 } } };
export const PHONE: Viewport = { name: 'phone', context: { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true } };
export const VIEWPORTS: readonly Viewport[] = [DESKTOP, PHONE];
/** Our pages follow the system's dark scheme (functions/pages/layout.ts): its colours need checking too. */
export const PHONE_DARK: Viewport = { name: 'phone-dark', context: { ...PHONE.context, colorScheme: 'dark' } };

/** Lower-case words joined by dashes: safe as a file or folder name on every system. */
export function fileSafe(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'unnamed'
  );
}

export function screenshotPath(test: string, name: string, viewport: Viewport): string {
  return join(SCREENSHOTS_DIR, fileSafe(test), `${fileSafe(name)}-${fileSafe(viewport.name)}.png`);
}

/** A full-page screenshot at test-artifacts/screenshots/<test>/<name>-<viewport>.png; its path. */
export async function screenshot(page: Page, test: string, name: string, viewport: Viewport): Promise<string> {
  const path = screenshotPath(test, name, viewport);
  mkdirSync(resolve(path, '..'), { recursive: true });
  await page.screenshot({ path, fullPage: true });
  return path;
}
