// Every way of asking the ops CLI for help answers in words, on stdout, exit 0; and nothing runs.
import { COMMAND_HELP } from '../../../infra/ops/help';
import { runOps } from './run-ops';

jest.setTimeout(90_000);

it.each([[['--help']], [['-h']], [['help']]])('%j describes every command', async (args) => {
  const run = await runOps(args);
  expect(run.status).toBe(0);
  expect(run.stderr).toBe('');
  for (const { usage, summary } of Object.values(COMMAND_HELP)) {
    expect(run.stdout).toContain(usage);
    expect(run.stdout).toContain(summary);
  }
  expect(run.stdout).toContain('--json');
});

it('help COMMAND and COMMAND --help describe that command and its options in full', async () => {
  const renew = await runOps(['help', 'channels', 'renew']);
  expect(renew.status).toBe(0);
  expect(renew.stdout).toContain('npm run ops -- channels renew [--all] [--concurrency N] [--json]');
  expect(renew.stdout).toContain('--all   renew every active channel');
  expect(renew.stdout).not.toContain('outbox retry');
  const put = await runOps(['host', 'put', '--help']);
  expect(put.status).toBe(0);
  expect(put.stdout).toContain('refresh token is exchanged at the token endpoint');
  const group = await runOps(['help', 'channels']);
  expect(group.stdout).toContain('channels backfill');
  expect(group.stdout).toContain('channels sync ID');
});

it('help for a command that does not exist is a usage error', async () => {
  const run = await runOps(['help', 'frobnicate']);
  expect(run.status).toBe(2);
  expect(run.stderr).toContain('no command frobnicate to describe');
});
