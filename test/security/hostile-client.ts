// A client that behaves badly on purpose, with node:http so that it controls what fetch would
// not let it: a Content-Length it never honours, a chunked body it keeps streaming, raw bytes.
// And a snapshot of every Firestore document, to show that a refused request wrote nothing.
import type { Firestore } from '@google-cloud/firestore';
import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

interface Exchange {
  answer: Promise<RawAnswer>;
  /** Whether the answer has come, or the exchange failed. */
  settled(): boolean;
  write(chunk: Buffer): Promise<void>;
  end(): void;
}

/**
 * Answers slower than this are a server waiting for a body it should have refused (generous: a
 * loaded CI machine answers slowly, a waiting server never).
 */
const ANSWER_TIMEOUT_MS = 20_000;

function exchange(url: string, method: string, headers: OutgoingHttpHeaders): Exchange {
  let sent = 0;
  let answered = false;
  let failed = false;
  const req = request(url, { method, headers });
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    const timer = setTimeout(() => {
      failed = true;
      req.destroy();
      reject(new Error(`no answer from ${method} ${url} within ${ANSWER_TIMEOUT_MS} ms (${sent} body bytes sent)`));
    }, ANSWER_TIMEOUT_MS);
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        req.destroy();
      });
    });
    // A server that refuses a body closes the connection while the client still writes: EPIPE or
    // ECONNRESET after the answer is expected; before it, it is the failure.
    req.on('error', (error) => {
      if (answered) return;
      failed = true;
      clearTimeout(timer);
      reject(error);
    });
  });
  return {
    answer,
    settled: () => answered || failed,
    write: (chunk) =>
      new Promise<void>((resolve) => {
        sent += chunk.length;
        if (req.write(chunk)) return resolve();
        const go = () => {
          req.off('drain', go).off('response', go).off('close', go).off('error', go);
          resolve();
        };
        req.on('drain', go).on('response', go).on('close', go).on('error', go);
      }),
    end: () => req.end(),
  };
}

/** Declares a body of `declaredBytes` and sends none of it: the answer must come anyway. */
export function claimBody(url: string, declaredBytes: number, headers: OutgoingHttpHeaders = {}): Promise<RawAnswer> {
  const x = exchange(url, 'POST', { ...headers, 'content-length': String(declaredBytes) });
  // Headers only: a server that waits for the body never answers.
  void x.write(Buffer.alloc(0));
  return x.answer;
}

/**
 * Streams `totalBytes` in 64 KiB chunks without Content-Length, then keeps the request open
 * without ending it: an answer can only come from a server that judged the body before its end
 * (one that waits for the whole body never answers, and the test times out). No clock involved.
 */
export async function streamBody(url: string, totalBytes: number, headers: OutgoingHttpHeaders = {}): Promise<RawAnswer> {
  const x = exchange(url, 'POST', { ...headers, 'transfer-encoding': 'chunked' });
  x.answer.catch(() => undefined);
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  for (let sent = 0; sent < totalBytes && !x.settled(); sent += chunk.length) await x.write(chunk);
  return x.answer;
}

/** Sends exactly these bytes with these headers. */
export function sendBytes(url: string, body: Buffer | string, headers: OutgoingHttpHeaders = {}, method = 'POST'): Promise<RawAnswer> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const x = exchange(url, method, { ...headers, 'content-length': String(bytes.length) });
  void x.write(bytes).then(() => x.end());
  return x.answer;
}

/** Every document of every top-level collection, by path, with its update time. */
export async function documentsOf(db: Firestore): Promise<Map<string, number>> {
  const documents = new Map<string, number>();
  for (const collection of await db.listCollections()) {
    for (const doc of (await collection.get()).docs) documents.set(doc.ref.path, doc.updateTime.toMillis());
  }
  return documents;
}

/** What a stack trace or a file path in an answer looks like. */
export const LEAKS = /\bat \S+ \(|node_modules|\/work\/|\.ts:\d+/;
