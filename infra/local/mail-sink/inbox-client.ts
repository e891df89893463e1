/// <reference lib="dom" />
// The inbox in the browser (bundled by ./inbox-script when the sink first serves it): each framed
// HTML part is made as tall as its content, so a mail is shown whole, not in a clipped window;
// and each time is shown in the reader's own zone (the server writes UTC, which stays if this
// script does not run).

function fitFrame(frame: HTMLIFrameElement): void {
  // Readable because the part is served with allow-same-origin (./html-part); it runs no script.
  const root = frame.contentDocument?.documentElement;
  if (!root) return;
  frame.style.height = '0px';
  frame.style.height = `${root.scrollHeight}px`;
}

function fitFrames(): void {
  for (const frame of document.querySelectorAll<HTMLIFrameElement>('iframe.html-part')) fitFrame(frame);
}

for (const frame of document.querySelectorAll<HTMLIFrameElement>('iframe.html-part')) {
  frame.addEventListener('load', () => fitFrame(frame));
  if (frame.contentDocument?.readyState === 'complete') fitFrame(frame);
}
// A narrower window wraps the mail's lines: its height changes with the width.
window.addEventListener('resize', fitFrames);

// dateStyle and timeStyle may not be combined with timeZoneName: the fields are named one by one.
const localTime = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
});
for (const time of document.querySelectorAll<HTMLTimeElement>('time[datetime]')) {
  const at = new Date(time.dateTime);
  if (Number.isNaN(at.getTime())) continue;
  time.title = time.textContent ?? '';
  time.textContent = localTime.format(at);
}
