// Small pieces shared by the local servers (Google Calendar emulator, mail sink, dev server):
// read a body with a size limit, answer JSON, listen on a port and report the URL.
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export class BodyTooLarge extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body is larger than ${limitBytes} bytes`);
    this.name = 'BodyTooLarge';
  }
}

export async function readBody(req: IncomingMessage, limitBytes = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limitBytes) throw new BodyTooLarge(limitBytes);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
  res.end(html);
}

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

const CLOSE_GRACE_MS = 5_000;

/** Listens on `port` (0 = any free port) and resolves with the base URL, e.g. `http://127.0.0.1:8123`. */
export function listen(handler: RequestListener, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  const server = createServer(handler);
  return listenServer(server, port, host);
}

export function listenServer(server: Server, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      resolve({
        server,
        port: address.port,
        url: `http://${host}:${address.port}`,
        // Requests in flight are let finish (a function still working when its Firestore client is
        // closed under it fails after the test); idle keep-alive connections go at once, and
        // whatever is still open after the grace period is cut.
        close: () =>
          new Promise<void>((done, fail) => {
            const idle = setInterval(() => server.closeIdleConnections(), 50);
            const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
            server.close((err) => {
              clearInterval(idle);
              clearTimeout(cut);
              if (err) fail(err);
              else done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
