// The booking page's browser code as the booking function serves it: the bundle built in jest's
// global setup (infra/build/client.ts), under its content-hashed name, cached for a year; and a
// missing build that stops the page loudly rather than serving it broken.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { booking } from '../../../functions/booking';
import { ClientAssets, ClientBundleMissing, clientAssets, clientAssetsDir } from '../../../functions/pages/client-assets';
import { startDevServer } from '../../../infra/local/dev-server';
import type { RunningServer } from '../../../infra/local/http';

let server: RunningServer;
let file: string;

beforeAll(async () => {
  process.env.LOG_LEVEL = 'silent';
  server = await startDevServer({ port: 0, functions: { booking } });
  file = clientAssets().fileOf('booking-page');
});
afterAll(() => server.close());

describe('GET /booking/assets/FILE', () => {
  it('serves the built bundle as JavaScript, cached for a year and never revalidated', async () => {
    const res = await fetch(`${server.url}/booking/assets/${file}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(join(clientAssetsDir(), file)))).toBe(true);
  });

  it.each([
    ['an unknown name', 'booking-page.0000000000000000.js'],
    ['the manifest', 'manifest.json'],
    ['a path out of the folder', '..%2F..%2Fpackage.json'],
  ])('answers 404 for %s, cached by nobody', async (_, name) => {
    const res = await fetch(`${server.url}/booking/assets/${name}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toMatchObject({ error: 'not_found' });
  });

  it('takes nothing but GET', async () => {
    const res = await fetch(`${server.url}/booking/assets/${file}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(405);
  });
});

describe('a build that is missing', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'client-assets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stops the page with a message that says how to build it', () => {
    expect(() => new ClientAssets(dir).fileOf('booking-page')).toThrow(ClientBundleMissing);
    expect(() => new ClientAssets(dir).fileOf('booking-page')).toThrow(/manifest\.json does not exist\. Build the pages' browser code first: npm run build/);
  });

  it('names the bundle the manifest lacks, and the file the manifest lists but the folder lacks', () => {
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ 'other-page': 'other-page.0123456789abcdef.js' }));
    expect(() => new ClientAssets(dir).fileOf('booking-page')).toThrow(/The bundle "booking-page" is not in/);
    expect(() => new ClientAssets(dir).content('other-page.0123456789abcdef.js')).toThrow(/listed in the manifest but missing/);
  });
});
