// Locally the ops CLI finds the running stack by itself, through the file `npm start` writes, with
// no variable set; and it says so in words when there is no stack, or the file is left from a
// stack that is gone. No MetadataLookupWarning: the project is set, the metadata server not probed.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../infra/local/ports';
import { emulatorHost } from '../../support/firestore';
import { startSystem, type TestSystem } from '../../support/system';
import type { OpsRun } from './run-ops';

jest.setTimeout(120_000);

let sys: TestSystem;
const dir = mkdtempSync(join(tmpdir(), 'ops-stack-'));

beforeAll(async () => {
  sys = await startSystem();
});
afterAll(() => sys.close());

/** An operator's shell: none of the settings the tests put in place, only the stack file's path. */
function opsInShell(args: string[], stackFile: string, extra: Record<string, string> = {}): Promise<OpsRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, STACK_FILE: stackFile, ...extra };
  for (const key of [...Object.keys(sys.env), 'FIRESTORE_EMULATOR_HOST', 'METADATA_SERVER_DETECTION', 'APP_ENV']) if (!(key in extra)) delete env[key];
  return new Promise((resolve) => {
    execFile('npm', ['run', '--silent', 'ops', '--', ...args], { env }, (error, stdout, stderr) => {
      resolve({ status: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function stackFile(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

function description(firestoreHost: string) {
  return {
    functionsUrl: sys.functionsUrl,
    firestoreHost,
    googleUrl: sys.google.url,
    googleTokenUrl: sys.google.tokenUrl,
    mailUrl: sys.mail.url,
    projectId: sys.env.GOOGLE_CLOUD_PROJECT,
  };
}

it('talks to the stack the file describes, with nothing set, and nothing on stderr', async () => {
  // A host of the stack with no channel yet: backfill finds it there.
  await sys.createHost();
  const run = await opsInShell(['status', '--json'], stackFile('stack.json', description(emulatorHost())));
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ channels: { total: 0 }, bookings: { byStatus: { requested: 0 } } });
  const backfill = await opsInShell(['channels', 'backfill', '--dry-run', '--json'], join(dir, 'stack.json'));
  expect(backfill.stderr).toBe('');
  expect(JSON.parse(backfill.stdout)).toMatchObject({ dryRun: true, missing: 1 });
});

it('says there is no local stack, and how to start one or talk to production', async () => {
  const run = await opsInShell(['status'], join(dir, 'none.json'));
  expect(run.status).toBe(1);
  expect(run.stderr).toContain(`no local stack: ${join(dir, 'none.json')} does not exist. Start one with \`npm start\``);
  expect(run.stderr).toContain('APP_ENV=production');
});

it('says a stack file is left from a stack that does not answer', async () => {
  const gone = `127.0.0.1:${await freePort()}`;
  const run = await opsInShell(['status'], stackFile('stale.json', description(gone)));
  expect(run.status).toBe(1);
  expect(run.stderr).toContain(`does not answer (Firestore at ${gone})`);
});

it('against production, names each missing setting', async () => {
  const run = await opsInShell(['status'], join(dir, 'none.json'), { APP_ENV: 'production' });
  expect(run.status).toBe(1);
  expect(run.stderr).toContain('TOKEN_ENCRYPTION_KEY is required (APP_ENV=production)');
  expect(run.stderr).toContain('GOOGLE_CLOUD_PROJECT is required (APP_ENV=production)');
  expect(run.stderr).not.toMatch(/\n\s+at /);
});
