// Debian's Chromium, driven by playwright-core: Playwright's own browser downloads are not
// available here, so the system binary is used.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium is not installed at ${executablePath}. Install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium binary.`,
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    // Without the background-networking flags Chromium keeps calling Google services, which on a
    // closed network is a stream of refused connections.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Every Content-Security-Policy violation the page meets from now on, as Chromium reports them
 * in its console ("Refused to execute inline script because it violates ..."). A page of ours
 * that needs something the policy forbids is broken for real visitors: tests expect none.
 */
export function cspViolations(pages: BrowserContext | Page): string[] {
  const seen: string[] = [];
  pages.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) seen.push(message.text());
  });
  return seen;
}

/** Safe in afterAll even when launching failed, so the launch error is the one reported. */
export async function closeChromium(browser: Browser | undefined): Promise<void> {
  await browser?.close();
}

/**
 * Retries an assertion until it passes or `timeoutMs` runs out, then throws its last failure:
 * pages update after their fetches answer, and playwright-core has no waiting matchers.
 */
export async function eventually(assertion: () => Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === element.ownerDocument.activeElement);
}

/** The text a screen reader reads as the element's description (aria-describedby). */
export function describedBy(locator: Locator): Promise<string> {
  return locator.evaluate((element) =>
    (element.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => element.ownerDocument.getElementById(id)?.textContent?.trim() ?? '')
      .filter(Boolean)
      .join(' '),
  );
}
