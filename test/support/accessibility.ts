// An accessibility check of a page as it stands, with axe-core: every WCAG 2.x A and AA rule, and
// a failure that lists each serious or critical violation with the elements it was found on.
//
// axe is evaluated into the page through the DevTools protocol (page.evaluate), which a page's
// Content-Security-Policy does not govern: an injected <script> would be refused by our policy
// (functions/pages/layout.ts), and `bypassCSP` would switch the policy off for the whole context,
// hiding the violations the other checks (cspViolations) are there to catch.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { AxeResults, ImpactValue, Result, RunOptions } from 'axe-core';

/** The WCAG 2.0, 2.1 and 2.2 success criteria of levels A and AA, as axe tags its rules. */
export const WCAG_A_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** What stops someone from using the page; axe's `moderate` and `minor` are left to review. */
const BLOCKING: readonly ImpactValue[] = ['serious', 'critical'];

export interface Violation {
  rule: string;
  impact: ImpactValue;
  help: string;
  helpUrl: string;
  /** A CSS selector of each element it was found on. */
  targets: string[];
}

let axeSource: string | undefined;

function axeScript(): string {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/** The serious and critical violations among axe's results. */
export function blockingViolations(results: Pick<AxeResults, 'violations'>): Violation[] {
  return results.violations
    .filter((v: Result) => v.impact != null && BLOCKING.includes(v.impact))
    .map((v) => ({ rule: v.id, impact: v.impact!, help: v.help, helpUrl: v.helpUrl, targets: v.nodes.map((n) => n.target.map(String).join(' ')) }));
}

/** One line per violation and one per element: what a failing test shows. */
export function describeViolations(where: string, violations: readonly Violation[]): string {
  const lines = violations.flatMap((v) => [`${v.impact} ${v.rule}: ${v.help} (${v.helpUrl})`, ...v.targets.map((t) => `    at ${t}`)]);
  return `${violations.length} serious or critical accessibility violation(s) on ${where}:\n${lines.join('\n')}`;
}

/** Runs axe's WCAG A/AA rules on the page as it is now; every violation found, of any impact. */
export async function axeResults(page: Page): Promise<Pick<AxeResults, 'violations'>> {
  // A navigation leaves axe behind with the old document, so each check brings it if missing.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeScript());
  const options: RunOptions = { runOnly: { type: 'tag', values: WCAG_A_AA }, resultTypes: ['violations'] };
  return page.evaluate(async (runOptions) => {
    const { violations } = await (window as unknown as { axe: { run(context: Document, options: RunOptions): Promise<AxeResults> } }).axe.run(document, runOptions);
    return { violations };
  }, options);
}

/** Fails, listing every serious or critical violation, unless the page has none. */
export async function expectAccessible(page: Page, where = page.url()): Promise<void> {
  const violations = blockingViolations(await axeResults(page));
  if (violations.length > 0) throw new Error(describeViolations(where, violations));
}
