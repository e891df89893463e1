// The guest's booking page: the server renders the frame, the script (./page-script) fetches the
// free slots, shows them in the guest's time zone and sends the booking.
import escapeHtml from 'escape-html';
import { offsetsToShow } from '../../shared/time/time-text';
import { InlineScript, renderPage } from '../pages/layout';
import { bookingPageScript, type BookingPageConfig } from './page-script';

export interface BookingPageInput {
  slug: string;
  hostName: string;
  hostTimezone: string;
  slotMinutes: number;
}

/**
 * JSON that is also safe inside a <script> element: `<` cannot start `</script>` or `<!--`, and
 * U+2028/U+2029 are escaped for engines that treat them as line ends.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The local dev server runs through tsx, whose esbuild transform wraps named functions in
 * `__name(fn, "name")`, a helper defined outside the function and so missing in the browser.
 */
const KEEP_NAMES_SHIM = 'var __name = function (target) { return target; };\n';

/**
 * The same on every booking page, so the Content-Security-Policy allows it by one hash: the
 * host's settings reach it as data, in the page's #booking-config JSON block (a data block is
 * never run, so the policy need not allow it).
 */
const BOOKING_SCRIPT = InlineScript.register(
  `${KEEP_NAMES_SHIM}(${bookingPageScript.toString()})(JSON.parse(document.getElementById('booking-config').textContent), ${offsetsToShow.toString()});`,
);

function duration(minutes: number): string {
  if (minutes % 60 !== 0) return `${minutes} minutes`;
  const hours = minutes / 60;
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

export function renderBookingPage(input: BookingPageInput): string {
  const config: BookingPageConfig = { slug: input.slug, hostName: input.hostName, hostTimezone: input.hostTimezone };
  const host = escapeHtml(input.hostName);
  const body = `<h1>Book a time with ${host}</h1>
<p class="muted">Each meeting is ${escapeHtml(duration(input.slotMinutes))}.</p>
<noscript><p class="notice error">This page needs JavaScript to show the free times.</p></noscript>
<form id="booking-form">
<h2>Choose a time</h2>
<label for="timezone">Your time zone</label>
<select id="timezone" name="timezone" aria-describedby="timezone-error"></select>
<p id="timezone-error" class="field-error"></p>
<p id="slots-state" role="status">Loading free times…</p>
<button type="button" id="slots-retry" class="secondary" hidden>Try again</button>
<div id="slots"></div>
<p id="slot-error" class="field-error" role="alert"></p>
<div id="details" hidden>
<h2>Your details</h2>
<label for="name">Your name</label>
<input id="name" name="name" type="text" autocomplete="name" required maxlength="200" aria-describedby="name-error">
<p id="name-error" class="field-error"></p>
<label for="email">Your email</label>
<input id="email" name="email" type="email" autocomplete="email" required maxlength="320" aria-describedby="email-error">
<p id="email-error" class="field-error"></p>
<label for="message">Message <span class="hint">(optional)</span></label>
<textarea id="message" name="message" maxlength="2000" aria-describedby="message-error"></textarea>
<p id="message-error" class="field-error"></p>
<p id="chosen" class="chosen">No time chosen yet.</p>
<button type="submit" id="submit" class="primary">Book this time</button>
</div>
</form>
<div id="result" class="notice" role="status" aria-live="polite" tabindex="-1"></div>
<script type="application/json" id="booking-config">${scriptJson(config)}</script>`;
  return renderPage({ title: `Book a time with ${input.hostName}`, body, script: BOOKING_SCRIPT });
}

export function renderUnknownHostPage(slug: string): string {
  return renderPage({
    title: 'No booking page here',
    body: `<h1>No booking page here</h1>
<p>There is no booking page called “${escapeHtml(slug)}”. Check the link you were given, or ask the person who sent it.</p>`,
  });
}
