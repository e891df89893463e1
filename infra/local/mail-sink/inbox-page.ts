// The sink's web inbox. Every value shown comes from a request body anyone on the
// machine could have posted, so every one goes through escape-html, and the HTML part
// is only ever framed from its own URL, where it may not run script (./html-part).
// The page's own script (./inbox-client) shows each part whole and times in local time.
import escapeHtml from 'escape-html';
import { HTML_PART_SANDBOX } from './html-part';
import type { StoredMessage } from './mailbox';
import type { EmailAddress } from './validate';

const STYLE = `
  body { font: 16px/1.4 system-ui, sans-serif; margin: 0 auto; padding: 0.75rem; max-width: 52rem; color: #222; }
  h1 { font-size: 1.25rem; }
  article { border: 1px solid #ccc; border-radius: 6px; padding: 0.75rem; margin: 0 0 1rem; }
  h2 { font-size: 1.1rem; margin: 0 0 0.5rem; overflow-wrap: anywhere; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 0.5rem; margin: 0 0 0.5rem; font-size: 0.9rem; }
  dt { color: #666; }
  dd { margin: 0; overflow-wrap: anywhere; }
  pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f6f6; padding: 0.5rem; margin: 0.5rem 0; }
  iframe { display: block; width: 100%; height: 24rem; border: 1px solid #ddd; background: #fff; }
  ul { padding-left: 1.25rem; }
  a { color: #1d4ed8; }
  summary { cursor: pointer; color: #444; }
`;

/** The inbox's own policy: its style, its one script, and frames of the sink's own URLs. */
export const INBOX_POLICY = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "script-src 'self'",
  "frame-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const LINK = /\bhttps?:\/\/[^\s<>"']+/g;

/** Escaped text with every http(s) URL in it a link that opens in a new tab. */
export function linkedText(text: string): string {
  let html = '';
  let at = 0;
  for (const match of text.matchAll(LINK)) {
    // A sentence's closing punctuation is not part of the URL it ends with.
    const url = match[0].replace(/[.,;:!?)\]]+$/, '');
    html += escapeHtml(text.slice(at, match.index));
    html += `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(url)}</a>`;
    at = match.index + url.length;
  }
  return html + escapeHtml(text.slice(at));
}

/** "2026-11-26 16:34:31 UTC": what the page shows until its script puts it in the reader's zone. */
function utcText(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

function address({ email, name }: EmailAddress): string {
  return name ? `${name} <${email}>` : email;
}

function addresses(list: EmailAddress[]): string {
  return escapeHtml(list.map(address).join(', '));
}

function subjectOf(message: StoredMessage): string {
  if (message.subject !== undefined) return message.subject;
  const subjects = new Set(message.personalizations.flatMap((p) => (p.subject === undefined ? [] : [p.subject])));
  return [...subjects].join(' / ');
}

function row(label: string, html: string): string {
  return html ? `<dt>${label}</dt><dd>${html}</dd>` : '';
}

function htmlPart(message: StoredMessage): string {
  const url = `/messages/${encodeURIComponent(message.id)}/html`;
  const title = `HTML part of "${subjectOf(message)}"`;
  return `<iframe class="html-part" src="${url}" sandbox="${HTML_PART_SANDBOX}" referrerpolicy="no-referrer" title="${escapeHtml(title)}"></iframe>
<p><a href="${url}" target="_blank" rel="noopener">Open the HTML part in a new tab</a></p>`;
}

/** The text part; folded away under the HTML part, which is what most readers see of a mail. */
function textPart(text: string, folded: boolean): string {
  const pre = `<pre>${linkedText(text)}</pre>`;
  return folded ? `<details><summary>Text part</summary>${pre}</details>` : pre;
}

function renderMessage(message: StoredMessage): string {
  const people = message.personalizations;
  const text = message.content?.find((c) => c.type.toLowerCase() === 'text/plain');
  const html = message.content?.find((c) => c.type.toLowerCase() === 'text/html');
  const attachments = message.attachments ?? [];
  const base = `/messages/${escapeHtml(message.id)}/attachments/`;
  const templateData = people.flatMap((p) => (p.dynamic_template_data === undefined ? [] : [p.dynamic_template_data]));

  return `<article>
<h2>${escapeHtml(subjectOf(message)) || '<em>(no subject)</em>'}</h2>
<dl>${[
    row('From', escapeHtml(address(message.from))),
    row('To', addresses(people.flatMap((p) => p.to))),
    row('Cc', addresses(people.flatMap((p) => p.cc ?? []))),
    row('Bcc', addresses(people.flatMap((p) => p.bcc ?? []))),
    row('Template', escapeHtml(message.template_id ?? '')),
    row('Received', `<time datetime="${escapeHtml(message.receivedAt)}">${escapeHtml(utcText(message.receivedAt))}</time>`),
  ].join('')}</dl>
${html ? htmlPart(message) : ''}
${text ? textPart(text.value, html !== undefined) : ''}
${templateData.length > 0 ? `<pre>${escapeHtml(JSON.stringify(templateData, null, 2))}</pre>` : ''}
${
  attachments.length > 0
    ? `<ul>${attachments
        .map(
          (a, i) =>
            `<li><a href="${base}${i}" download="${escapeHtml(a.filename)}">${escapeHtml(a.filename)}</a> ${escapeHtml(a.type ?? '')}</li>`,
        )
        .join('')}</ul>`
    : ''
}
</article>`;
}

/** `messages` newest first. */
export function renderInbox(messages: StoredMessage[]): string {
  const body = messages.length > 0 ? messages.map(renderMessage).join('\n') : '<p>No mail yet.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mail sink (${messages.length})</title>
<style>${STYLE}</style>
<script src="/inbox.js" defer></script>
</head>
<body>
<h1>Mail sink: ${messages.length} message${messages.length === 1 ? '' : 's'}</h1>
${body}
</body>
</html>
`;
}
