// The guest's booking page: the server renders the frame, the browser code (./client, bundled
// ahead by infra/build/client.ts and loaded from its own URL) fetches the free times, shows them
// in the guest's time zone and sends the booking.
import escapeHtml from 'escape-html';
import { renderPage } from '../pages/layout';
import type { BookingPageConfig } from './client/page-config';

export interface BookingPageInput {
  slug: string;
  hostName: string;
  hostTimezone: string;
  slotMinutes: number;
  /** The browser code's URL, relative to the page (functions/booking/index.ts knows where it is). */
  scriptSrc: string;
}

/**
 * JSON that is also safe inside a <script> element: `<` cannot start `</script>` or `<!--`, and
 * U+2028/U+2029 are escaped for engines that treat them as line ends.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Where the page at `pagePath` (the function's own path, /SLUG or /SLUG/) finds a bundle served at
 * /assets/FILE: relative, so it works wherever the function is mounted, each trailing slash being
 * one folder deeper for the browser.
 */
export function scriptSrcFor(pagePath: string, file: string): string {
  return `${'../'.repeat(/\/*$/.exec(pagePath)?.[0].length ?? 0)}assets/${file}`;
}

function duration(minutes: number): string {
  if (minutes % 60 !== 0) return `${minutes} minutes`;
  const hours = minutes / 60;
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

export function renderBookingPage(input: BookingPageInput): string {
  const config: BookingPageConfig = { slug: input.slug, hostName: input.hostName, hostTimezone: input.hostTimezone };
  const host = escapeHtml(input.hostName);
  // Hidden until the browser code shows it: without script only the <noscript> text makes sense.
  const body = `<h1>Book a time with ${host}</h1>
<p class="muted">Each meeting is ${escapeHtml(duration(input.slotMinutes))}.</p>
<noscript><p class="notice error">This page needs JavaScript to show the free times and book one. Please turn it on, or use another browser.</p></noscript>
<div id="booking" class="booking" hidden>
<section id="pick" class="pick" aria-labelledby="pick-heading">
<h2 id="pick-heading">Choose a day and time</h2>
<label for="timezone">Your time zone</label>
<select id="timezone" name="timezone" aria-describedby="timezone-error"></select>
<p id="timezone-error" class="field-error"></p>
<p id="slots-state" role="status">Loading free times…</p>
<button type="button" id="slots-retry" class="secondary" hidden>Try again</button>
<div id="picker" hidden>
<div class="month-bar">
<button type="button" id="month-prev" class="month-turn" aria-label="Previous month">‹</button>
<h3 id="month-name"></h3>
<button type="button" id="month-next" class="month-turn" aria-label="Next month">›</button>
</div>
<div class="weekdays" aria-hidden="true"><span>Mon</span><span>Tue</span><span>Wed</span><span>Thu</span><span>Fri</span><span>Sat</span><span>Sun</span></div>
<div id="days" class="days" role="group" aria-labelledby="month-name" aria-describedby="days-hint"></div>
<p id="days-hint" class="visually-hidden">Days with free times are buttons; the arrow keys move between them.</p>
<h3 id="times-heading"></h3>
<div id="times" class="times" role="group" aria-labelledby="times-heading"></div>
</div>
<p id="slot-error" class="field-error" role="alert"></p>
</section>
<form id="booking-form" class="details" aria-labelledby="details-heading" hidden>
<h2 id="details-heading">Your details</h2>
<div class="chosen-bar">
<p class="chosen"><span class="hint">Your time:</span> <span id="chosen"></span></p>
<button type="button" id="change-time" class="secondary">Change time</button>
</div>
<label for="name">Your name</label>
<input id="name" name="name" type="text" autocomplete="name" required maxlength="200" aria-describedby="name-error">
<p id="name-error" class="field-error"></p>
<label for="email">Your email</label>
<input id="email" name="email" type="email" autocomplete="email" required maxlength="320" aria-describedby="email-error">
<p id="email-error" class="field-error"></p>
<label for="message">Message <span class="hint">(optional)</span></label>
<textarea id="message" name="message" maxlength="2000" aria-describedby="message-error"></textarea>
<p id="message-error" class="field-error"></p>
<button type="submit" id="submit" class="primary">Book this time</button>
</form>
<p id="picker-status" class="visually-hidden" role="status"></p>
<div id="result" class="notice" role="status" aria-live="polite" tabindex="-1"></div>
</div>
<script type="application/json" id="booking-config">${scriptJson(config)}</script>`;
  return renderPage({ title: `Book a time with ${input.hostName}`, body, scriptSrc: input.scriptSrc, wide: true });
}

export function renderUnknownHostPage(slug: string): string {
  return renderPage({
    title: 'No booking page here',
    body: `<h1>No booking page here</h1>
<p>There is no booking page called “${escapeHtml(slug)}”. Check the link you were given, or ask the person who sent it.</p>`,
  });
}
