// End to end in Chromium, .ics flow (GOOGLE_INVITE_ENABLED=false), on a phone, where a guest
// mostly opens our mail, in the dark colour scheme: book → the host confirms from the bookings
// page → the guest moves the booking with the manage link from our invitation mail → the host
// confirms and cancels (./manage-flow.ts). The Google flow's file runs the same pages on a desktop
// and a phone in the light scheme.
import type { Browser } from 'playwright-core';
import { PHONE_DARK } from '../../support/artifacts';
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

describe('on a phone, dark', () => manageFlow(() => ({ sys, browser: browser! }), ICS_FLOW, PHONE_DARK));
