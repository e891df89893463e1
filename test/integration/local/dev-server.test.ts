import type { HttpFunction } from '@google-cloud/functions-framework';
import { httpFunction } from '../../../functions/http-function';
import { startDevServer } from '../../../infra/local/dev-server';
import type { RunningServer } from '../../../infra/local/http';

describe('the dev server', () => {
  let server: RunningServer;
  const probe: HttpFunction = (req, res) => {
    res.json({ path: req.path, query: req.query, body: req.body as unknown, rawBodyBytes: req.rawBody?.length ?? null });
  };
  const failing = httpFunction(async () => {
    throw new Error('kaboom');
  });

  beforeAll(async () => {
    process.env.LOG_LEVEL = 'silent';
    server = await startDevServer({ port: 0, functions: { probe, failing } });
  });
  afterAll(() => server.close());

  it('serves each function under its name, with the path Cloud Functions would give it', async () => {
    const res = await fetch(`${server.url}/probe/slots/abc?from=2026-11-24`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ path: '/slots/abc', query: { from: '2026-11-24' }, rawBodyBytes: null });
  });

  it('parses bodies as the Functions Framework does, keeping the raw bytes', async () => {
    const res = await fetch(`${server.url}/probe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await res.json()).toEqual({ path: '/', query: {}, body: { a: 1 }, rawBodyBytes: 7 });
  });

  it('answers 404 with the list of functions for a name it does not serve', async () => {
    const res = await fetch(`${server.url}/nope/x`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'unknown_function', functions: ['probe', 'failing'] });
  });

  it('turns an unexpected failure inside a function into a 500 with a plain message', async () => {
    const res = await fetch(`${server.url}/failing`);
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('internal');
    expect(body.message).not.toContain('kaboom');
  });
});
