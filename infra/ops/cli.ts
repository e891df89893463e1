// `npm run ops -- <command>`: operations on the live data, with the same settings and adapters
// as the functions (functions/services.ts). Commands:
//   host put FILE                  create or update a host from a JSON file (validated; refresh token sealed)
//   channels backfill [--dry-run]  create the missing watch channels of existing hosts
//   channels list                  every channel, soonest expiry first
//   channels renew [--all]         renew the channels expiring within RENEWAL_WINDOW_HOURS (or all)
//   channels sync ID               one incremental sync of a channel, now
//   outbox retry                   send every mail of the outbox that is due, now
// Every command takes --json (one JSON value on stdout; log lines go to stderr); the long ones show a
// progress bar on stderr when it is a terminal. Exit codes: 0 done, 1 something failed, 2 usage.
// This file parses the command line and dispatches; each group lives in its own file here.
import { parseArgs } from 'node:util';
import { logToStderr, services } from '../../functions/services';
import { channelsBackfill, channelsList, channelsRenew, channelsSync } from './channels';
import { hostPut } from './hosts';
import { outboxRetry } from './outbox';
import { UsageError } from './usage-error';

const USAGE = `usage: npm run ops -- host put FILE [--json]
       npm run ops -- channels backfill [--dry-run] [--concurrency N] [--json]
       npm run ops -- channels list [--json]
       npm run ops -- channels renew [--all] [--concurrency N] [--json]
       npm run ops -- channels sync ID [--json]
       npm run ops -- outbox retry [--json]`;

const OPTIONS = {
  json: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  all: { type: 'boolean' },
  concurrency: { type: 'string' },
} as const;

type Option = keyof typeof OPTIONS;

/** What each command takes besides --json: its operands, and the options that apply to it. */
const COMMANDS: Record<string, { operands: string[]; options: Option[] }> = {
  'host put': { operands: ['FILE'], options: [] },
  'channels backfill': { operands: [], options: ['dry-run', 'concurrency'] },
  'channels list': { operands: [], options: [] },
  'channels renew': { operands: [], options: ['all', 'concurrency'] },
  'channels sync': { operands: ['ID'], options: [] },
  'outbox retry': { operands: [], options: [] },
};

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    // node:util's own errors for an unknown option or a missing value: a usage error like ours.
    if (String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) throw new UsageError((error as Error).message);
    throw error;
  }
}

function concurrency(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 50)) throw new UsageError('--concurrency must be a whole number from 1 to 50');
  return n;
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parse(argv);
  const [group, command, ...operands] = positionals;
  const name = `${group ?? ''} ${command ?? ''}`;
  const spec = COMMANDS[name];
  if (!spec) throw new UsageError(`unknown command: ${positionals.join(' ') || '(none)'}`);
  if (operands.length !== spec.operands.length) {
    throw new UsageError(spec.operands.length > operands.length ? `${name} needs ${spec.operands.join(' ')}` : `${name} takes ${spec.operands.join(' ') || 'no operands'}, not: ${operands.join(' ')}`);
  }
  const misplaced = (Object.keys(values) as Option[]).filter((option) => option !== 'json' && !spec.options.includes(option));
  if (misplaced.length > 0) throw new UsageError(`${name} does not take --${misplaced.join(', --')}`);
  const json = values.json ?? false;
  const [operand = ''] = operands;

  switch (name) {
    case 'host put':
      return hostPut(operand, json);
    case 'channels backfill':
      return channelsBackfill({ dryRun: values['dry-run'] ?? false, concurrency: concurrency(values.concurrency, 5), json });
    case 'channels list':
      return channelsList(json);
    case 'channels renew':
      return channelsRenew({ all: values.all ?? false, concurrency: concurrency(values.concurrency, services().config.renewal.concurrency), json });
    case 'channels sync':
      // Our channel ids are document ids: a '/' would name another document path.
      if (operand.includes('/')) throw new UsageError(`not a channel id: ${operand}`);
      return channelsSync(operand, json);
    case 'outbox retry':
      return outboxRetry(json);
  }
}

// Logs go to stderr: stdout holds only the answer, so --json output can be piped as it is.
logToStderr();
main(process.argv.slice(2))
  .then(() => process.exit(process.exitCode ?? 0))
  .catch((error: unknown) => {
    if (error instanceof UsageError) console.error(`${error.message}\n${USAGE}`);
    else console.error(error);
    process.exit(error instanceof UsageError ? 2 : 1);
  });
