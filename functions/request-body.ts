// A request's body, read by our functions themselves (see ./framework-body-parsing): measured
// before it is parsed, so a body over the function's limit costs at most the limit. Over it by its
// Content-Length → refused without reading a byte; over it while streaming → refused at the first
// byte past it. Only UTF-8 is read (JSON must be UTF-8, RFC 8259 §8.1; our forms are), never
// decompressed (a few KiB of gzip can inflate to GiBs), and JSON nesting is bounded before
// JSON.parse builds anything.
import type { Request } from '@google-cloud/functions-framework';

export type BodyMediaType = 'application/json' | 'application/x-www-form-urlencoded';

export interface BodyRule {
  /** The largest body the function takes, in bytes. */
  maxBytes: number;
  /**
   * The media types parsed into `req.body`. A body of another type is measured and left
   * unparsed: the function decides what to answer it.
   */
  parse: readonly BodyMediaType[];
  /**
   * Form fields a form may give more than once (a group of checkboxes): each always read as the
   * list of its values, in order, even when given once. Any other field given twice is refused.
   */
  repeatable?: readonly string[];
}

/** Deeper than any body of ours (the booking is two levels) and far from the parser's stack. */
export const MAX_JSON_DEPTH = 32;

/** How long the rest of a refused body is thrown away before the connection is cut. */
const LINGER_MS = 1_000;

/** 413: over the function's limit. */
export class BodyTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`the body may be at most ${maxBytes} bytes`);
    this.name = 'BodyTooLarge';
  }
}

/** 415: a charset other than UTF-8, or a content encoding. */
export class UnsupportedBody extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedBody';
  }
}

/** 400: bytes that are not UTF-8, JSON that does not parse or nests too deep, a repeated field. */
export class MalformedBody extends Error {
  constructor(
    message: string,
    readonly path: string[] = [],
  ) {
    super(message);
    this.name = 'MalformedBody';
  }
}

/** The client went away before its body was complete: there is nobody to answer. */
export class BodyAborted extends Error {
  constructor() {
    super('the client closed the connection before its body was complete');
    this.name = 'BodyAborted';
  }
}

/** The Functions Framework read the body before us: the limits above would not have held. */
export class BodyReadBeforeUs extends Error {
  constructor() {
    super("the request's body was read before the function's own reader; see functions/framework-body-parsing.ts");
    this.name = 'BodyReadBeforeUs';
  }
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `type/subtype` and the charset of a Content-Type, lower case; other parameters are ignored. */
function contentType(req: Request): { type: string; charset: string | undefined } {
  const [type = '', ...parameters] = (header(req, 'content-type') ?? '').split(';');
  const charset = parameters
    .map((p) => /^\s*charset\s*=\s*"?([^";\s]*)"?\s*$/i.exec(p)?.[1])
    .find((value) => value !== undefined);
  return { type: type.trim().toLowerCase(), charset: charset?.toLowerCase() };
}

/** Collects the body, failing at the first byte past `maxBytes` (the rest stays unread). */
function collect(req: Request, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error?: Error) => {
      req.off('data', onData).off('end', onEnd).off('error', onAbort).off('close', onAbort);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      // Paused, not destroyed: destroying the request would take the socket, and our 413, with it.
      req.pause();
      finish(new BodyTooLarge(maxBytes));
    };
    const onEnd = () => finish();
    const onAbort = () => finish(new BodyAborted());
    req.on('data', onData).once('end', onEnd).once('error', onAbort).once('close', onAbort);
  });
}

/** How deep arrays and objects nest in JSON text, strings skipped; stops counting past `limit`. */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length && deepest <= limit; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') deepest = Math.max(deepest, ++depth);
    else if (c === ']' || c === '}') depth--;
  }
  return deepest;
}

function parseJson(text: string): unknown {
  if (nestingDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw new MalformedBody(`JSON may nest at most ${MAX_JSON_DEPTH} levels deep`);
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedBody('the body is not valid JSON');
  }
}

/**
 * A form's fields; a field given twice is refused rather than one of its values picked, unless
 * the rule names it repeatable: then it is the list of its values.
 */
function parseForm(text: string, repeatable: readonly string[]): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    const earlier = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (repeatable.includes(name)) fields[name] = [...(Array.isArray(earlier) ? earlier : []), value];
    else if (earlier !== undefined) throw new MalformedBody('this field is given more than once', [name]);
    else fields[name] = value;
  }
  return fields;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * After a 413 the rest of the body may still be on its way. Closing at once would lose the answer:
 * a socket closed with unread data sends a TCP reset, and the client's kernel drops what its
 * program has not read yet, our 413 with it (a client busy sending reads late). So, as web servers
 * do ("lingering close"), the rest is read and thrown away, never kept, for at most LINGER_MS; then
 * the connection is cut. A client that stops sending, as one should on a 413, keeps it.
 */
export function discardRestOfBody(req: Request): void {
  const timer = setTimeout(() => req.socket.destroy(), LINGER_MS).unref();
  req.once('end', () => clearTimeout(timer)).once('close', () => clearTimeout(timer));
  req.resume();
}

/**
 * Reads the body of `req` under `rule`: `req.rawBody` gets its bytes and, for a type the rule
 * parses, `req.body` its value. Throws the errors above.
 */
export async function readRequestBody(req: Request, rule: BodyRule): Promise<void> {
  const length = header(req, 'content-length');
  if (length === undefined && header(req, 'transfer-encoding') === undefined) return;
  if (req.rawBody !== undefined || req.readableEnded) throw new BodyReadBeforeUs();
  // Node's parser has already refused a Content-Length that is not a number.
  if (Number(length) > rule.maxBytes) throw new BodyTooLarge(rule.maxBytes);
  const encoding = header(req, 'content-encoding')?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') throw new UnsupportedBody('send the body uncompressed (no Content-Encoding)');
  const { type, charset } = contentType(req);
  const parsed = rule.parse.find((t) => t === type);
  if (parsed && charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw new UnsupportedBody('send the body as UTF-8');

  const raw = await collect(req, rule.maxBytes);
  req.rawBody = raw;
  if (!parsed || raw.length === 0) return;
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new MalformedBody('the body is not valid UTF-8');
  }
  req.body = parsed === 'application/json' ? parseJson(text) : parseForm(text, rule.repeatable ?? []);
}
