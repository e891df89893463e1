// A page for answering as a guest, the way a guest answers Google's invitation mail: the mail
// "Google" sent (GET /emulator/mail[?to=ADDRESS], newest first) and, under each invitation still
// open, Yes / Maybe / No buttons. A button posts to /emulator/mail/respond, which does what the
// control API's `respond` does (the organizer's reply mail, a push to the channel's webhook) and
// comes back to the page. For people trying the stack by hand; tests use the control API.
import type { IncomingMessage, ServerResponse } from 'node:http';
import escapeHtml from 'escape-html';
import { z } from 'zod';
import { readBody, sendHtml } from '../http';
import { GoogleApiError } from './errors';
import type { Mail } from './mail';
import type { EmulatorState } from './state';

const ANSWERS = [
  { value: 'accepted', label: 'Yes' },
  { value: 'tentative', label: 'Maybe' },
  { value: 'declined', label: 'No' },
] as const;

const answerSchema = z.object({
  calendarId: z.string().min(1),
  eventId: z.string().min(1),
  email: z.string().min(1),
  responseStatus: z.enum(['accepted', 'tentative', 'declined']),
});

const STYLE = `
  body { font: 16px/1.4 system-ui, sans-serif; margin: 0 auto; padding: 0.75rem; max-width: 52rem; color: #222; }
  h1 { font-size: 1.25rem; }
  article { border: 1px solid #ccc; border-radius: 6px; padding: 0.75rem; margin: 0 0 1rem; }
  h2 { font-size: 1.1rem; margin: 0 0 0.25rem; overflow-wrap: anywhere; }
  p { margin: 0.25rem 0; }
  pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f6f6; padding: 0.5rem; }
  fieldset { border: 0; padding: 0; margin: 0.5rem 0 0; }
  legend { padding: 0; margin-bottom: 0.25rem; }
  button { font: inherit; padding: 0.4rem 1rem; margin-right: 0.5rem; }
  .answer { font-weight: 600; }
`;

function page(res: ServerResponse, status: number, title: string, body: string): void {
  sendHtml(
    res,
    status,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`,
  );
}

/** The guest's answer to the mail's event as it stands, or undefined when there is nothing left to answer. */
function openAnswer(state: EmulatorState, mail: Mail): string | undefined {
  if (mail.kind !== 'invitation' && mail.kind !== 'update') return undefined;
  const event = state.calendars.find(mail.calendarId)?.events.get(mail.eventId);
  if (!event || event.status === 'cancelled') return undefined;
  return event.attendees.find((attendee) => attendee.email === mail.to.toLowerCase())?.responseStatus;
}

function answerForm(mail: Mail, current: string): string {
  const hidden = (['calendarId', 'eventId'] as const)
    .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(mail[name])}">`)
    .join('');
  const said = ANSWERS.find((answer) => answer.value === current);
  return (
    `<form method="post" action="/emulator/mail/respond">${hidden}<input type="hidden" name="email" value="${escapeHtml(mail.to)}">` +
    `<fieldset><legend>Going? Answer as ${escapeHtml(mail.to)}${said ? ` (now: <span class="answer">${said.label}</span>)` : ''}</legend>` +
    ANSWERS.map((answer) => `<button type="submit" name="responseStatus" value="${answer.value}">${answer.label}</button>`).join('') +
    `</fieldset></form>`
  );
}

function mailArticle(state: EmulatorState, mail: Mail): string {
  const current = openAnswer(state, mail);
  return (
    `<article><h2>${escapeHtml(mail.subject)}</h2>` +
    `<p>To ${escapeHtml(mail.to)}, from ${escapeHtml(mail.from)}, <time datetime="${escapeHtml(mail.sentAt)}">${escapeHtml(`${mail.sentAt.slice(0, 10)} ${mail.sentAt.slice(11, 19)} UTC`)}</time></p>` +
    `<pre>${escapeHtml(mail.text)}</pre>${current === undefined ? '' : answerForm(mail, current)}</article>`
  );
}

export function showGuestMail(state: EmulatorState, url: URL, res: ServerResponse): void {
  const to = url.searchParams.get('to') || undefined;
  const mails = state.mailbox.list(to).reverse();
  const body = mails.length > 0 ? mails.map((mail) => mailArticle(state, mail)).join('') : '<p>No mail yet.</p>';
  page(res, 200, to ? `Mail Google sent to ${to}` : 'Mail Google sent', body);
}

export async function answerAsGuest(state: EmulatorState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parsed = answerSchema.safeParse(Object.fromEntries(new URLSearchParams((await readBody(req)).toString('utf8'))));
  if (!parsed.success) return page(res, 400, 'Not an answer', `<p>${escapeHtml(z.prettifyError(parsed.error))}</p>`);
  const { calendarId, eventId, email, responseStatus } = parsed.data;
  const calendar = state.calendars.find(calendarId);
  try {
    if (!calendar) throw new GoogleApiError(404, 'notFound', 'Not Found');
    state.events.respond(calendar, eventId, email, responseStatus);
  } catch (error) {
    if (error instanceof GoogleApiError && error.code === 404) {
      return page(res, 404, 'Nothing to answer', '<p>The event is gone or cancelled, or this guest is not on it.</p><p><a href="/emulator/mail">Back to the mail</a></p>');
    }
    throw error;
  }
  res.writeHead(303, { location: `/emulator/mail?to=${encodeURIComponent(email)}` }).end();
}
