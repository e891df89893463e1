// End to end in Chromium, Google flow (GOOGLE_INVITE_ENABLED=true), on a desktop and on a phone:
// book → the host confirms from the bookings page → the guest moves the booking with the manage
// link from Google's invitation → the host confirms and cancels (./manage-flow.ts).
import type { Browser } from 'playwright-core';
import { VIEWPORTS } from '../../support/artifacts';
import { closeChromium, launchChromium } from '../../support/browser';
import { startSystem, type TestSystem } from '../../support/system';
import { GOOGLE_FLOW, manageFlow } from './manage-flow';

jest.setTimeout(60_000);

let sys: TestSystem;
let browser: Browser | undefined;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
  browser = await launchChromium();
});
afterAll(async () => {
  await closeChromium(browser);
  await sys?.close();
});

describe.each(VIEWPORTS)('on a $name', (viewport) => manageFlow(() => ({ sys, browser: browser! }), GOOGLE_FLOW, viewport));
