// The one HTML shell every page of ours uses, and the Content-Security-Policy that goes with it.
// Pages must work with nothing but our own functions on the network, so the styles are inline and
// fonts are the system's. Every inline style and script is constant text, allowed by its hash: one
// policy serves every page, sent as a header on every answer (functions/security-headers.ts),
// where, unlike a <meta>, it can also forbid framing.
import { createHash } from 'node:crypto';
import escapeHtml from 'escape-html';

const STYLE = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1a1a1a; --muted: #555555; --line: #b8b8b8; --panel: #f3f4f6;
  --accent: #0b57d0; --accent-fg: #ffffff; --danger: #b3261e; --danger-fg: #ffffff;
  --ok-bg: #e6f4ea; --ok-fg: #0d5223; --err-bg: #fce8e6; --err-fg: #8c1d18; --focus: #c2410c;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #16181c; --fg: #ececec; --muted: #b4b4b4; --line: #5c5f66; --panel: #23262b;
    --accent: #8ab4f8; --accent-fg: #0b1a33; --danger: #f2b8b5; --danger-fg: #3c0b08;
    --ok-bg: #173a22; --ok-fg: #c4eed0; --err-bg: #4a1512; --err-fg: #ffdad6; --focus: #fdba74;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 1.0625rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 40rem; margin: 0 auto; padding: 1rem 1rem 3rem; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0.5rem 0 0.25rem; overflow-wrap: anywhere; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 0.5rem; }
p { margin: 0.5rem 0; }
.muted { color: var(--muted); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
label { display: block; font-weight: 600; margin: 1rem 0 0.25rem; }
.hint { font-weight: 400; color: var(--muted); }
input, select, textarea, button { font: inherit; color: inherit; }
input[type=text], input[type=email], select, textarea {
  display: block; width: 100%; padding: 0.6rem 0.7rem; border: 1px solid var(--line); border-radius: 8px; background: var(--bg);
}
textarea { min-height: 6rem; resize: vertical; }
[aria-invalid=true] { border-color: var(--danger); border-width: 2px; }
button { cursor: pointer; border-radius: 8px; padding: 0.7rem 1.2rem; border: 2px solid transparent; font-weight: 600; }
button.primary { background: var(--accent); color: var(--accent-fg); }
button.danger { background: var(--danger); color: var(--danger-fg); }
button.secondary { background: transparent; color: var(--accent); border-color: var(--accent); }
button:disabled { opacity: 0.6; cursor: progress; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.4rem 1rem; margin: 1rem 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
.message { white-space: pre-wrap; }
.notice { padding: 0.75rem 1rem; border-radius: 8px; margin: 1rem 0; }
.notice:empty { display: none; }
.notice.ok { background: var(--ok-bg); color: var(--ok-fg); }
.notice.error { background: var(--err-bg); color: var(--err-fg); }
.field-error { color: var(--danger); margin: 0.25rem 0 0; font-weight: 600; }
.field-error:empty { display: none; }
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip-path: inset(50%); white-space: nowrap; border: 0; }
[hidden] { display: none !important; }
main.wide { max-width: 62rem; }
.month-bar { display: flex; align-items: center; justify-content: space-between; gap: 0.5rem; margin: 1.25rem 0 0; }
.month-bar h3 { margin: 0; font-size: 1.05rem; }
button.month-turn { padding: 0.3rem 1rem; font-size: 1.4rem; line-height: 1; background: transparent; color: var(--accent); border: 1px solid var(--line); }
button.month-turn[aria-disabled=true] { opacity: 0.35; cursor: default; }
.weekdays, .days { display: grid; grid-template-columns: repeat(7, minmax(0, 1fr)); gap: 0.25rem; text-align: center; }
.weekdays { margin: 0.75rem 0 0.25rem; font-size: 0.8rem; color: var(--muted); }
.day-cell { display: flex; align-items: center; justify-content: center; min-height: 2.75rem; padding: 0; border-radius: 8px; color: var(--muted); }
button.day-cell { color: var(--fg); background: var(--panel); border: 1px solid var(--line); font-weight: 600; }
button.day-cell:hover, button.time:hover { border-color: var(--accent); }
button.day-cell[aria-pressed=true], button.time[aria-pressed=true] { background: var(--accent); color: var(--accent-fg); border-color: var(--accent); }
#times-heading { font-size: 1rem; margin: 1.25rem 0 0.5rem; }
.times { display: grid; grid-template-columns: repeat(auto-fill, minmax(8.5rem, 1fr)); gap: 0.5rem; }
button.time { padding: 0.65rem 0.25rem; font-weight: 400; background: transparent; color: var(--fg); border: 1px solid var(--line); }
button.time[aria-pressed=true] { font-weight: 700; }
button.time[aria-pressed=true]::before { content: "✓ " / ""; }
.chosen-bar { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem 1rem; margin: 0.5rem 0 0; padding: 0.75rem 1rem; border-radius: 8px; background: var(--panel); border-left: 4px solid var(--accent); }
.chosen { font-weight: 600; margin: 0; }
.chosen-bar button { padding: 0.4rem 0.9rem; }
@media (min-width: 56rem) {
  .booking { display: grid; grid-template-columns: minmax(0, 25rem) minmax(0, 1fr); gap: 0 3rem; align-items: start; }
  .booking > .notice { grid-column: 1 / -1; }
}
[aria-disabled=true] { opacity: 0.6; cursor: progress; }
.actions { display: flex; flex-wrap: wrap; gap: 0.75rem; margin: 1.5rem 0; }
.actions form { margin: 0; }
`;

/** A CSP source for exactly this inline text, so an injected script or style would not run. */
function hashSource(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

const scriptHashes = new Set<string>();

/**
 * A script a page runs inline: constant text (anything that varies goes in the page as data),
 * made once when its module loads, so that the policy allows it, and only it, by its hash.
 */
export class InlineScript {
  private constructor(readonly source: string) {}

  static register(source: string): InlineScript {
    scriptHashes.add(hashSource(source));
    return new InlineScript(source);
  }
}

const STYLE_HASH = hashSource(STYLE);

/**
 * The Content-Security-Policy of every answer: our inline style and registered scripts, script
 * files from our own origin (the bundles of ./client-assets, served by our functions with nosniff,
 * so no answer of another type runs as one), no frames.
 */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'none'",
    `style-src ${STYLE_HASH}`,
    `script-src ${["'self'", ...scriptHashes].join(' ')}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export interface PageInput {
  title: string;
  /** Trusted markup: every value in it must already be escaped by the page that built it. */
  body: string;
  /** Run inline at the end of the body. */
  script?: InlineScript;
  /** A script file of ours (./client-assets) loaded at the end of the body. */
  scriptSrc?: string;
  /** Pages behind a private link (decision links) must stay out of search engines. */
  noindex?: boolean;
  /** Room for two columns on a wide screen (the booking page's picker beside its form). */
  wide?: boolean;
}

/**
 * Every page's icon, inline: a browser asks for /favicon.ico when a page names none, and at the
 * root of a Cloud Functions host nothing answers it (a 404 on every page). img-src allows data:.
 */
const ICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect x="3" y="5" width="26" height="24" rx="4" fill="#0b57d0"/><rect x="3" y="5" width="26" height="7" rx="3" fill="#083c91"/><path d="M10 19.5l4 4 8-9" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/></svg>',
)}`;

export function renderPage({ title, body, script, scriptSrc, noindex = false, wide = false }: PageInput): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${noindex ? '<meta name="robots" content="noindex, nofollow">\n' : ''}<title>${escapeHtml(title)}</title>
<link rel="icon" type="image/svg+xml" href="${ICON}">
<style>${STYLE}</style>
</head>
<body>
<main${wide ? ' class="wide"' : ''}>
${body}
</main>
${script === undefined ? '' : `<script>${script.source}</script>\n`}${scriptSrc === undefined ? '' : `<script src="${escapeHtml(scriptSrc)}"></script>\n`}</body>
</html>
`;
}
