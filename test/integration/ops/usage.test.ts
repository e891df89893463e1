// Bad command lines are refused before anything runs: a message, the usage text, exit code 2.
import { runOps } from './run-ops';

jest.setTimeout(90_000);

it.each([
  [['channels', 'sync'], 'channels sync needs ID'],
  [['channels', 'sync', 'a/b'], 'not a channel id: a/b'],
  [['channels', 'list', 'extra'], 'channels list takes no operands, not: extra'],
  [['channels', 'list', '--all'], 'channels list does not take --all'],
  [['channels', 'renew', '--concurrency', 'many'], '--concurrency must be a whole number from 1 to 50'],
  [['channels', 'renew', '--everything'], "Unknown option '--everything'"],
  [['outbox'], 'unknown command: outbox'],
])('%j: %s', async (args, message) => {
  const run = await runOps(args);
  expect(run.status).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toContain(message);
  for (const command of ['host put FILE', 'channels backfill', 'channels list', 'channels renew [--all]', 'channels sync ID', 'outbox retry']) {
    expect(run.stderr).toContain(`npm run ops -- ${command}`);
  }
});
