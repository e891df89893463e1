// SCHEDULER_AUTH=off, for the local dev server only: renewChannels runs without a token.
import { startSystem, type TestSystem } from '../../support/system';

jest.setTimeout(60_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ SCHEDULER_AUTH: 'off' });
});
afterAll(() => sys.close());

it('with the check off, a run starts without a token', async () => {
  const res = await fetch(`${sys.functionsUrl}/renewChannels`, { method: 'POST' });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ skipped: false, failed: 0 });
});
