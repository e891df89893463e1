// The sink's web inbox. Every value shown comes from a request body anyone on the
// machine could have posted, so every one goes through escape-html, and the HTML part
// is only ever shown inside a sandboxed iframe (no scripts, no same-origin access).
import escapeHtml from 'escape-html';
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
  iframe { width: 100%; height: 24rem; border: 1px solid #ddd; background: #fff; }
  ul { padding-left: 1.25rem; }
`;

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
    row('Received', `<time datetime="${escapeHtml(message.receivedAt)}">${escapeHtml(message.receivedAt)}</time>`),
  ].join('')}</dl>
${text ? `<pre>${escapeHtml(text.value)}</pre>` : ''}
${html ? `<iframe sandbox="" referrerpolicy="no-referrer" title="HTML part" srcdoc="${escapeHtml(html.value)}"></iframe>` : ''}
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
</head>
<body>
<h1>Mail sink: ${messages.length} message${messages.length === 1 ? '' : 's'}</h1>
${body}
</body>
</html>
`;
}
