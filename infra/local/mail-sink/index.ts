// A local stand-in for SendGrid's v3 mail API: accepts what SendGrid would accept,
// rejects what it would reject (with its status codes and error bodies), keeps every
// accepted mail in memory and shows it on a small web inbox.
//
//   POST   /v3/mail/send                         SendGrid's endpoint (Bearer auth)
//   GET    /messages[?to=ADDRESS]                [{id, receivedAt, ...request body}], oldest first
//   DELETE /messages                             forget every message
//   GET    /messages/{id}/attachments/{index}    one attachment, decoded, as a download
//   GET    /messages/{id}/html                   the HTML part on its own, unable to run script
//   GET    /                                     the inbox page, newest first
//   GET    /inbox.js                             the inbox page's script
//   POST   /faults {status?, count, delayMs?}    the next `count` sends wait `delayMs`, then fail
//                                                with `status` (or are taken, when none is given)
//   DELETE /faults                               cancel a pending fault
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { finished } from 'node:stream/promises';
import { z } from 'zod';
import { BodyTooLarge, listen, readBody, sendJson } from '../http';
import { HTML_PART_POLICY, htmlPartPage } from './html-part';
import { INBOX_POLICY, renderInbox } from './inbox-page';
import { inboxScript } from './inbox-script';
import { Mailbox } from './mailbox';
import { type SendGridError, validateMailSend } from './validate';

export interface MailSinkOptions {
  port?: number;
  host?: string;
}

export interface RunningMailSink {
  url: string;
  close(): Promise<void>;
}

// SendGrid's Limitations page: "The total size of your email, including attachments,
// must be less than 30MB." Its status table answers 413 for a payload that is too large.
const MAX_SEND_BYTES = 30 * 1024 * 1024;

const FaultRequest = z
  .object({
    status: z.number().int().min(400).max(599).optional(),
    count: z.number().int().min(1),
    delayMs: z.number().int().min(0).max(120_000).optional(),
  })
  .strict()
  .refine((fault) => fault.status !== undefined || fault.delayMs !== undefined, 'give a status, a delayMs, or both');
type Fault = Omit<z.infer<typeof FaultRequest>, 'count'>;

type Params = string[];
type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, params: Params) => Promise<void> | void;

interface Route {
  pattern: RegExp;
  methods: Record<string, Handler>;
}

function sendGridErrors(res: ServerResponse, status: number, errors: SendGridError[]): void {
  sendJson(res, status, { errors });
}

function sendGridError(res: ServerResponse, status: number, message: string): void {
  sendGridErrors(res, status, [{ message, field: null, help: null }]);
}

/** Returns the 401 message SendGrid gives, or undefined when the header carries a key. */
function authorizationProblem(header: string | undefined): string | undefined {
  if (header === undefined) return 'authorization required';
  return /^Bearer +\S+ *$/i.test(header) ? undefined : 'The provided authorization grant is invalid, expired, or revoked';
}

function sendPage(res: ServerResponse, body: string, contentType: string, policy: string): void {
  res.writeHead(200, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'content-security-policy': policy,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  res.end(body);
}

function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export async function startMailSink(options: MailSinkOptions = {}): Promise<RunningMailSink> {
  const mailbox = new Mailbox();
  let fault: (Fault & { remaining: number }) | undefined;

  function takeFault(): Fault | undefined {
    if (!fault) return undefined;
    const { status, delayMs } = fault;
    fault.remaining -= 1;
    if (fault.remaining === 0) fault = undefined;
    return { status, delayMs };
  }

  async function mailSend(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (Number(req.headers['content-length']) > MAX_SEND_BYTES) {
      // Read and drop the rest so the client gets the answer instead of a reset socket.
      await finished(req.resume());
      return sendGridError(res, 413, 'The JSON payload you have included in your request is too large.');
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_SEND_BYTES);
    } catch (err) {
      // Only chunked uploads get here; readBody has already dropped the connection, so
      // this answer is a best effort.
      if (err instanceof BodyTooLarge) return sendGridError(res, 413, 'The JSON payload you have included in your request is too large.');
      throw err;
    }

    const denied = authorizationProblem(req.headers.authorization);
    if (denied) return sendGridError(res, 401, denied);

    // A fault stands for SendGrid being slow, unavailable or throttling: it does not care what was
    // sent. A held send goes on when its caller has gone, as SendGrid's would (a caller killed while
    // waiting is how tests make a crash between a mail's claim and its send).
    const taken = takeFault();
    // Unref'd: a send still held when the sink closes does not keep the process alive.
    if (taken?.delayMs) await new Promise((resolve) => setTimeout(resolve, taken.delayMs).unref());
    if (taken?.status !== undefined) return sendGridError(res, taken.status, STATUS_CODES[taken.status] ?? 'Error');

    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      return sendGridError(res, 400, 'Invalid UTF8 in request.');
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return sendGridError(res, 400, 'Bad Request');
    }

    const result = validateMailSend(body);
    if (!result.ok) return sendGridErrors(res, 400, result.errors);
    const stored = mailbox.add(result.mail, new Date());
    res.writeHead(202, { 'x-message-id': stored.id, 'content-length': 0 });
    res.end();
  }

  function listMessages(_req: IncomingMessage, res: ServerResponse, url: URL): void {
    sendJson(res, 200, mailbox.list(url.searchParams.get('to') || undefined));
  }

  function clearMessages(_req: IncomingMessage, res: ServerResponse): void {
    mailbox.clear();
    res.writeHead(204).end();
  }

  function attachment(_req: IncomingMessage, res: ServerResponse, _url: URL, [id, index]: Params): void {
    const message = mailbox.find(id ?? '');
    const file = message?.attachments?.[Number(index)];
    if (!file) return sendJson(res, 404, { message: 'No such message or attachment' });
    const data = Buffer.from(file.content, 'base64');
    res.writeHead(200, {
      'content-type': file.type ?? 'application/octet-stream',
      'content-disposition': contentDisposition(file.filename),
      'content-length': data.length,
      // Whatever the type a mail claims, an attachment opened in the browser runs nothing here.
      'content-security-policy': "sandbox; default-src 'none'",
      'x-content-type-options': 'nosniff',
    });
    res.end(data);
  }

  function htmlPart(_req: IncomingMessage, res: ServerResponse, _url: URL, [id]: Params): void {
    const html = mailbox.find(id ?? '')?.content?.find((c) => c.type.toLowerCase() === 'text/html');
    if (!html) return sendJson(res, 404, { message: 'No such message, or it has no HTML part' });
    sendPage(res, htmlPartPage(html.value), 'text/html; charset=utf-8', HTML_PART_POLICY);
  }

  function inbox(_req: IncomingMessage, res: ServerResponse): void {
    sendPage(res, renderInbox(mailbox.list().reverse()), 'text/html; charset=utf-8', INBOX_POLICY);
  }

  async function inboxJs(_req: IncomingMessage, res: ServerResponse): Promise<void> {
    sendPage(res, await inboxScript(), 'text/javascript; charset=utf-8', "default-src 'none'");
  }

  async function armFault(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let input: unknown;
    try {
      input = JSON.parse((await readBody(req)).toString('utf8'));
    } catch (err) {
      if (err instanceof SyntaxError) return sendJson(res, 400, { message: 'The body must be JSON: {"status": 500, "count": 1}' });
      throw err;
    }
    const parsed = FaultRequest.safeParse(input);
    if (!parsed.success) return sendJson(res, 400, { message: z.prettifyError(parsed.error) });
    fault = { status: parsed.data.status, delayMs: parsed.data.delayMs, remaining: parsed.data.count };
    sendJson(res, 200, parsed.data);
  }

  function clearFault(_req: IncomingMessage, res: ServerResponse): void {
    fault = undefined;
    res.writeHead(204).end();
  }

  const routes: Route[] = [
    { pattern: /^\/v3\/mail\/send$/, methods: { POST: mailSend } },
    { pattern: /^\/messages$/, methods: { GET: listMessages, DELETE: clearMessages } },
    { pattern: /^\/messages\/([^/]+)\/attachments\/(\d+)$/, methods: { GET: attachment } },
    { pattern: /^\/messages\/([^/]+)\/html$/, methods: { GET: htmlPart } },
    { pattern: /^\/$/, methods: { GET: inbox } },
    { pattern: /^\/inbox\.js$/, methods: { GET: inboxJs } },
    { pattern: /^\/faults$/, methods: { POST: armFault, DELETE: clearFault } },
  ];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://mail-sink');
    for (const route of routes) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      const handler = route.methods[req.method ?? 'GET'];
      if (!handler) {
        return sendJson(res, 405, { message: `${req.method} is not allowed on ${url.pathname}` }, { allow: Object.keys(route.methods).join(', ') });
      }
      return handler(req, res, url, match.slice(1));
    }
    sendJson(res, 404, { message: `Nothing at ${url.pathname}` });
  }

  const server = await listen(
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        console.error('mail sink: request failed', err);
        if (!res.headersSent) sendJson(res, 500, { message: 'mail sink internal error' });
        else res.destroy();
      });
    },
    options.port ?? 0,
    options.host ?? '127.0.0.1',
  );
  return { url: server.url, close: () => server.close() };
}
