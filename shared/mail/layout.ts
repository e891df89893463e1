// Every mail we send is one card: a heading, a few paragraphs, the booking's details, perhaps
// the guest's message and some buttons. Templates describe that content once, as plain strings;
// this module renders it both as text and as HTML, so the two parts cannot say different
// things, and it is the only place that escapes, so no template can forget to.
//
// The HTML is what mail clients render reliably: tables for layout, inline styles only (many
// clients drop <style>), no images (often blocked), one column that fits a phone.
import escapeHtml from 'escape-html';

export type Block =
  | { kind: 'paragraph'; text: string }
  | { kind: 'details'; rows: { label: string; value: string }[] }
  | { kind: 'quote'; label: string; text: string }
  | { kind: 'actions'; actions: Action[] };

export interface Action {
  label: string;
  url: string;
  tone: 'primary' | 'danger';
}

export interface MailContent {
  /** The line a mail client shows next to the subject in the inbox. */
  preview: string;
  heading: string;
  blocks: Block[];
}

export class UnsafeLink extends Error {
  constructor(readonly url: string) {
    super('mail links must be absolute http(s) URLs');
    this.name = 'UnsafeLink';
  }
}

const BRAND = 'Bookings';
const FOOTER = 'You are receiving this because of a booking made through a booking page.';

const COLORS = {
  page: '#f3f4f6',
  card: '#ffffff',
  text: '#111827',
  muted: '#6b7280',
  rule: '#e5e7eb',
  primary: '#1d4ed8',
  danger: '#b91c1c',
};

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

function safeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UnsafeLink(url);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new UnsafeLink(url);
  return parsed.href;
}

function textBlock(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return block.text;
    case 'details':
      return block.rows.map((row) => `${row.label}: ${row.value}`).join('\n');
    case 'quote':
      return `${block.label}:\n${block.text
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n')}`;
    case 'actions':
      return block.actions.map((action) => `${action.label}: ${safeUrl(action.url)}`).join('\n');
  }
}

export function renderText(content: MailContent): string {
  return [content.heading, ...content.blocks.map(textBlock), '-- ', `${BRAND}. ${FOOTER}`].join('\n\n') + '\n';
}

function paragraphHtml(text: string, style = ''): string {
  const lines = text.split('\n').map((line) => escapeHtml(line));
  return `<p style="margin:0 0 16px;font-size:16px;line-height:24px;${style}">${lines.join('<br>')}</p>`;
}

function htmlBlock(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return paragraphHtml(block.text);
    case 'details': {
      const rows = block.rows
        .map(
          (row) =>
            `<tr><td style="padding:4px 12px 4px 0;color:${COLORS.muted};font-size:14px;vertical-align:top;white-space:nowrap">${escapeHtml(row.label)}</td>` +
            `<td style="padding:4px 0;font-size:16px;line-height:22px;vertical-align:top">${escapeHtml(row.value)}</td></tr>`,
        )
        .join('');
      return `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 16px;border-collapse:collapse">${rows}</table>`;
    }
    case 'quote':
      return (
        `<p style="margin:0 0 4px;color:${COLORS.muted};font-size:14px">${escapeHtml(block.label)}</p>` +
        `<blockquote style="margin:0 0 16px;padding:8px 12px;border-left:4px solid ${COLORS.rule};white-space:pre-wrap;font-size:16px;line-height:24px">${escapeHtml(block.text)}</blockquote>`
      );
    case 'actions': {
      const buttons = block.actions
        .map(
          (action) =>
            `<a href="${escapeHtml(safeUrl(action.url))}" style="display:inline-block;margin:0 8px 8px 0;padding:12px 24px;border-radius:6px;` +
            `background:${COLORS[action.tone]};color:#ffffff;font-size:16px;font-weight:600;text-decoration:none">${escapeHtml(action.label)}</a>`,
        )
        .join('');
      return `<div style="margin:8px 0 8px">${buttons}</div>`;
    }
  }
}

export function renderHtml(content: MailContent): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(content.heading)}</title></head>`,
    `<body style="margin:0;padding:0;background:${COLORS.page};color:${COLORS.text};font-family:${FONT}">`,
    `<div style="display:none;max-height:0;overflow:hidden">${escapeHtml(content.preview)}</div>`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:${COLORS.page}"><tr><td align="center" style="padding:24px 12px">`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:${COLORS.card};border-radius:8px;border:1px solid ${COLORS.rule}">`,
    `<tr><td style="padding:16px 24px;border-bottom:1px solid ${COLORS.rule};font-size:14px;font-weight:700;letter-spacing:0.04em;text-transform:uppercase;color:${COLORS.primary}">${BRAND}</td></tr>`,
    '<tr><td style="padding:24px">',
    `<h1 style="margin:0 0 16px;font-size:22px;line-height:28px">${escapeHtml(content.heading)}</h1>`,
    ...content.blocks.map(htmlBlock),
    '</td></tr></table>',
    `<p style="max-width:560px;margin:16px auto 0;color:${COLORS.muted};font-size:12px;line-height:18px">${escapeHtml(FOOTER)}</p>`,
    '</td></tr></table>',
    '</body></html>',
  ].join('\n');
}
