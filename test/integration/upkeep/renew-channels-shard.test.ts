// The renewChannels function reads its shard from the URL the scheduler job calls
// (`?shard=INDEX&of=COUNT`): a shard that is not one is refused with 400 and nothing runs; a valid
// one runs that shard, with a lease of its own.
import { startSystem, type TestSystem } from '../../support/system';

jest.setTimeout(60_000);

const SCHEDULER = 'renewal-scheduler@demo-calendar-invites.iam.gserviceaccount.com';
let sys: TestSystem;
let url: string;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true', SCHEDULER_AUTH: 'verify', SCHEDULER_SERVICE_ACCOUNT: SCHEDULER });
  url = `${sys.functionsUrl}/renewChannels`;
});
afterAll(() => sys.close());

async function call(query: string): Promise<Response> {
  const { token } = await sys.control<{ token: string }>('/oidc-token', { email: SCHEDULER, audience: url });
  return fetch(`${url}${query}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
}

async function leases(): Promise<string[]> {
  return (await sys.db.collection('upkeep').get()).docs.map((doc) => doc.id).filter((id) => id.startsWith('renewChannels')).sort();
}

it.each([
  ['?shard=3&of=3', 'shard must be less than of'],
  ['?shard=1', 'of '],
  ['?of=4', 'shard '],
  ['?shard=-1&of=4', 'must be at least 0'],
  ['?shard=0&of=1000', 'must be at most 256'],
  ['?shard=x&of=2', 'shard '],
])('refuses %s with 400, and runs nothing', async (query, message) => {
  const res = await call(query);
  expect(res.status).toBe(400);
  const body = (await res.json()) as { error: string; message: string };
  expect(body.error).toBe('invalid_shard');
  expect(body.message).toContain(message);
  expect(await leases()).toEqual([]);
});

it('runs the shard the URL names, under a lease of its own beside the whole install’s', async () => {
  const res = await call('?shard=1&of=4');
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ shard: '1of4', skipped: false, failed: 0 });
  expect((await call('')).status).toBe(200);
  expect(await leases()).toEqual(['renewChannels', 'renewChannels-1of4']);
});
