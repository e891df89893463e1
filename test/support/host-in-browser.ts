// A host a browser test can sign in as: a test host (free all day, so any weekday has times to
// book) whose Google account is the one the emulator's consent screen signs in with, and a
// browser context holding that host's session, as after "Sign in with Google".
import type { BrowserContext } from 'playwright-core';
import { services } from '../../functions/services';
import type { TestHost, TestSystem } from './system';

/** A test host linked to its Google account by the account's `sub`, so signing in reaches it. */
export async function linkedHost(sys: TestSystem, options: Parameters<TestSystem['createHost']>[0] = {}): Promise<TestHost> {
  const host = await sys.createHost(options);
  const { subject } = await sys.control<{ subject: string }>('/accounts', { email: host.email });
  const linked = await services().subscribers.change(host.id, (current) => ({ ...current, googleSubject: subject }));
  if (!linked) throw new Error(`host ${host.id} is gone`);
  return host;
}

/** Signs the context in as the host through the consent screen; the page it ends on is closed. */
export async function signInAs(sys: TestSystem, context: BrowserContext, host: TestHost): Promise<void> {
  const page = await context.newPage();
  await page.goto(`${sys.functionsUrl}/accounts/google/connect?login_hint=${encodeURIComponent(host.email)}`);
  if (page.url() !== `${sys.functionsUrl}/accounts/settings`) throw new Error(`signing in as ${host.email} ended at ${page.url()}`);
  await page.close();
}
