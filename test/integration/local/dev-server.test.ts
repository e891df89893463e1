import type { HttpFunction } from '@google-cloud/functions-framework';
import { httpFunction } from '../../../functions/http-function';
import { startDevServer } from '../../../infra/local/dev-server';
import type { RunningServer } from '../../../infra/local/http';

describe('the dev server', () => {
  let server: RunningServer;
  const probe = httpFunction(
    async (req, res) => {
      res.json({ path: req.path, query: req.query, body: req.body as unknown, rawBodyBytes: req.rawBody?.length ?? null });
    },
    { maxBytes: 1024, parse: ['application/json'] },
  );
  const failing = httpFunction(
    async () => {
      throw new Error('kaboom');
    },
    { maxBytes: 0, parse: [] },
  );
  // A function not made with httpFunction: the framework hands it the body unread.
  const bare: HttpFunction = (req, res) => {
    res.json({ body: req.body as unknown, rawBody: req.rawBody === undefined ? null : 'read', unread: !req.readableEnded });
  };

  beforeAll(async () => {
    process.env.LOG_LEVEL = 'silent';
    server = await startDevServer({ port: 0, functions: { probe, failing, bare } });
  });
  afterAll(() => server.close());

  it('serves each function under its name, with the path Cloud Functions would give it', async () => {
    const res = await fetch(`${server.url}/probe/slots/abc?from=2026-11-24`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ path: '/slots/abc', query: { from: '2026-11-24' }, rawBodyBytes: null });
  });

  it("leaves bodies to the function, which reads them under its own rule, keeping the raw bytes", async () => {
    const res = await fetch(`${server.url}/probe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await res.json()).toEqual({ path: '/', query: {}, body: { a: 1 }, rawBodyBytes: 7 });
    const bare = await fetch(`${server.url}/bare`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await bare.json()).toEqual({ rawBody: null, unread: true });
  });

  it('answers 404 with the list of functions for a name it does not serve', async () => {
    const res = await fetch(`${server.url}/nope/x`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'unknown_function', functions: ['probe', 'failing', 'bare'] });
  });

  it('turns an unexpected failure inside a function into a 500 with a plain message', async () => {
    const res = await fetch(`${server.url}/failing`);
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('internal');
    expect(body.message).not.toContain('kaboom');
  });
});
