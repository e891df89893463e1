// `npm run ops -- channels backfill` as an operator runs it, against the whole local system.
import { execFile } from 'node:child_process';
import { startSystem, type TestSystem } from '../../support/system';

jest.setTimeout(90_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem();
});
afterAll(() => sys.close());

/** Runs the command without blocking this process: the emulators it talks to live here. */
function backfill(...args: string[]): Promise<{ status: number; report: Record<string, unknown>; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npm', ['run', '--silent', 'ops', '--', 'channels', 'backfill', '--json', ...args], { env: { ...process.env, ...sys.env } }, (error, stdout, stderr) => {
      const status = error ? Number((error as { code?: number }).code ?? 1) : 0;
      resolve({ status, report: JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>, stderr });
    });
  });
}

it('creates the missing channels of connected hosts once; a second run and a dry run change nothing', async () => {
  const hosts = [await sys.createHost(), await sys.createHost(), await sys.createHost()];
  await sys.createHost({ google: false });

  const dry = await backfill('--dry-run');
  expect(dry.stderr).toBe('');
  expect(dry.report).toMatchObject({ dryRun: true, eligible: 3, missing: 3, alreadyWatched: 0, failed: [] });
  expect(await sys.control<unknown[]>('/channels')).toHaveLength(0);

  const first = await backfill('--concurrency', '2');
  expect(first.status).toBe(0);
  expect(first.report).toMatchObject({ eligible: 3, created: 3, alreadyWatched: 0, failed: [] });
  const second = await backfill();
  expect(second.report).toMatchObject({ eligible: 3, created: 0, alreadyWatched: 3, failed: [] });

  const live = await sys.control<{ calendarId: string; address: string }[]>('/channels');
  expect(live.map((c) => c.calendarId).sort()).toEqual(hosts.map((h) => h.calendarId).sort());
  expect(live.every((c) => c.address === `${sys.functionsUrl}/googleWebhook`)).toBe(true);
  const docs = await sys.db.collection('googleCalendarChannels').get();
  expect(docs.docs.map((d) => d.get('state'))).toEqual(['active', 'active', 'active']);
});
