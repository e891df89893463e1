// Our functions as Cloud Run starts them, not as the dev server does. Google's Node.js buildpack
// runs node_modules/.bin/functions-framework (the framework's main.js) with the function's name;
// main.js loads package.json's `main` and only then builds its server. Here that same main.js
// loads functions/index.ts (through tsx: no build needed) with NODE_ENV=production, as deployed:
// this is the proof that bodies are refused before they are read, in our JSON shape, by the
// framework's own server, and that a hostile push is logged at WARNING at most.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../infra/local/ports';
import { until } from '../support/until';
import { claimBody, LEAKS, sendBytes, streamBody } from './hostile-client';

jest.setTimeout(60_000);

const root = join(__dirname, '../..');

interface Running {
  url: string;
  output: () => string;
  child: ChildProcess;
}

/** One function, served by the framework's own command line, ready when it answers. */
async function serve(target: string): Promise<Running> {
  const source = mkdtempSync(join(tmpdir(), 'function-source-'));
  writeFileSync(join(source, 'package.json'), JSON.stringify({ main: join(root, 'functions/index.ts') }));
  const port = await freePort();
  // The very path the buildpack's web process runs (`/bin/bash -c node_modules/.bin/functions-framework`).
  const main = join(root, 'node_modules/.bin/functions-framework');
  const child = spawn(process.execPath, ['--import', 'tsx', main, `--target=${target}`, `--source=${source}`], {
    cwd: root,
    env: { ...process.env, PORT: String(port), NODE_ENV: 'production', LOG_LEVEL: 'debug', GOOGLE_CLOUD_PROJECT: 'framework-runtime-test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 200))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${target} did not start:\n${output}`);
    if (await fetch(`${url}/`, { signal: AbortSignal.timeout(1000) }).then(() => true, () => false)) break;
  }
  return { url, output: () => output, child };
}

let booking: Running;
let webhook: Running;

beforeAll(async () => {
  [booking, webhook] = await Promise.all([serve('booking'), serve('googleWebhook')]);
});
afterAll(() => {
  booking?.child.kill();
  webhook?.child.kill();
});

function expectJsonRefusal(answer: { status: number; headers: Record<string, unknown>; text: string }, status: number, error: string): void {
  expect({ status: answer.status, type: answer.headers['content-type'], error: (JSON.parse(answer.text) as { error: string }).error }).toEqual({
    status,
    type: expect.stringMatching(/^application\/json/),
    error,
  });
}

describe("the framework's own server, as deployed", () => {
  it('refuses a body over the limit by its Content-Length without waiting for it, and a streamed one as it passes the limit', async () => {
    expectJsonRefusal(await claimBody(`${booking.url}/bookings`, 1024 * 1024 * 1024, { 'content-type': 'application/json' }), 413, 'payload_too_large');
    // 1 MiB and then nothing more, the request left open: only a refusal before the end answers.
    const streamed = await streamBody(`${booking.url}/bookings`, 1024 * 1024, { 'content-type': 'application/json' });
    expectJsonRefusal(streamed, 413, 'payload_too_large');
  });

  it('answers malformed JSON, a foreign charset and a compressed body in our JSON shape', async () => {
    const post = (body: Buffer | string, headers: Record<string, string>) => sendBytes(`${booking.url}/bookings`, body, headers);
    expectJsonRefusal(await post('{"host":', { 'content-type': 'application/json' }), 400, 'invalid_request');
    expectJsonRefusal(await post(`${'['.repeat(5000)}${']'.repeat(5000)}`, { 'content-type': 'application/json' }), 400, 'invalid_request');
    expectJsonRefusal(await post('{}', { 'content-type': 'application/json; charset=latin1' }), 415, 'unsupported_media_type');
    expectJsonRefusal(await post('{}', { 'content-type': 'application/json', 'content-encoding': 'gzip' }), 415, 'unsupported_media_type');
  });

  it("leaves what only Express answers (a path that does not decode) without a stack or a file path", async () => {
    const answer = await sendBytes(`${booking.url}/%E0%A4%A`, '', {}, 'GET');
    expect(answer.status).toBe(400);
    expect(answer.text).not.toMatch(LEAKS);
  });

  it('sends the security headers with a page', async () => {
    const page = await sendBytes(`${booking.url}/nobody-here`, '', {}, 'GET');
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
  });

  it('answers a push for a channel id we never made with 404, logging it at WARNING at most', async () => {
    for (const channelId of ['a/b', '..', '__x__', 'c'.repeat(65)]) {
      const answer = await sendBytes(`${webhook.url}/`, '', {
        'x-goog-channel-id': channelId,
        'x-goog-channel-token': 'token',
        'x-goog-resource-id': 'resource',
        'x-goog-resource-state': 'exists',
        'x-goog-message-number': '1',
      });
      expect({ channelId, status: answer.status }).toEqual({ channelId, status: 404 });
    }
    const logLines = () =>
      webhook
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { severity?: string; message?: string });
    const refusals = await until(async () => {
      const found = logLines().filter((line) => line.message?.startsWith('push refused'));
      return found.length === 4 ? found : undefined;
    }, 'the four refusals to be logged');
    expect(refusals.map((line) => line.severity)).toEqual(['WARNING', 'WARNING', 'WARNING', 'WARNING']);
    expect(logLines().filter((line) => line.severity === 'ERROR' || line.severity === 'CRITICAL')).toEqual([]);
  });
});
