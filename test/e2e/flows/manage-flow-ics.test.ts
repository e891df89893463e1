// End to end in Chromium, .ics flow (GOOGLE_INVITE_ENABLED=false), on a phone, where a guest
// mostly opens our mail: book → the host confirms from the bookings page → the guest moves the
// booking with the manage link from our invitation mail → the host confirms and cancels
// (./manage-flow.ts). The desktop is covered by the Google flow's file: the pages are the same.
import type { Browser } from 'playwright-core';
import { PHONE } from '../../support/artifacts';
import { closeChromium, launchChromium } from '../../support/browser';
import { startSystem, type TestSystem } from '../../support/system';
import { ICS_FLOW, manageFlow } from './manage-flow';

jest.setTimeout(60_000);

let sys: TestSystem;
let browser: Browser | undefined;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'false' });
  browser = await launchChromium();
});
afterAll(async () => {
  await closeChromium(browser);
  await sys?.close();
});

describe('on a phone', () => manageFlow(() => ({ sys, browser: browser! }), ICS_FLOW, PHONE));
