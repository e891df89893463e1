// `npm run ops -- <command>`: operations on the live data, with the same settings and adapters
// as the functions (functions/services.ts). The commands, their options and what they do are in
// ./help.ts (`npm run ops -- help`). Every command takes --json (one JSON value on stdout; log
// lines go to stderr); the long ones show a progress bar on stderr when it is a terminal.
// Exit codes: 0 done, 1 something failed, 2 usage.
// This file parses the command line, finds the system to talk to (./target.ts) and dispatches;
// each group lives in its own file here.
import { parseArgs } from 'node:util';
import { logToStderr, services } from '../../functions/services';
import { ConfigError } from '../../shared/config';
import { channelsBackfill, channelsList, channelsRenew, channelsSync } from './channels';
import { COMMAND_HELP, helpText, usageLines } from './help';
import { hostPut } from './hosts';
import { outboxRetry } from './outbox';
import { status } from './status';
import { TargetUnavailable, useTarget } from './target';
import { UsageError } from './usage-error';

const OPTIONS = {
  json: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  all: { type: 'boolean' },
  concurrency: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Option = keyof typeof OPTIONS;

/** What each command takes besides --json: its operands, and the options that apply to it. */
const COMMANDS: Record<string, { operands: string[]; options: Option[] }> = {
  status: { operands: [], options: [] },
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

/** The command a list of words names: one word (`status`) or two (`channels list`). */
function commandOf(words: string[]): { name: string; operands: string[] } | undefined {
  const [first = '', second = '', ...rest] = words;
  if (COMMANDS[first]) return { name: first, operands: words.slice(1) };
  if (COMMANDS[`${first} ${second}`]) return { name: `${first} ${second}`, operands: rest };
  return undefined;
}

/** `help`, `help COMMAND`, `--help`, `-h`, `COMMAND --help`: true when it printed help. */
function printedHelp(positionals: string[], asked: boolean): boolean {
  const [first, ...rest] = positionals;
  if (first !== 'help' && !asked) return false;
  const words = first === 'help' ? rest : positionals;
  const known = commandOf(words)?.name ?? (words.join(' ') === 'help' ? 'help' : undefined);
  if (words.length > 0 && !known) {
    const group = Object.keys(COMMAND_HELP).filter((name) => name.startsWith(`${words[0]} `));
    if (group.length === 0) throw new UsageError(`no command ${words.join(' ')} to describe`);
    console.log(group.map((name) => helpText(name)).join('\n\n'));
    return true;
  }
  console.log(helpText(known));
  return true;
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parse(argv);
  if (printedHelp(positionals, values.help ?? false)) return;
  const command = commandOf(positionals);
  if (!command) throw new UsageError(`unknown command: ${positionals.join(' ') || '(none)'}`);
  const { name, operands } = command;
  const spec = COMMANDS[name]!;
  if (operands.length !== spec.operands.length) {
    throw new UsageError(spec.operands.length > operands.length ? `${name} needs ${spec.operands.join(' ')}` : `${name} takes ${spec.operands.join(' ') || 'no operands'}, not: ${operands.join(' ')}`);
  }
  const misplaced = (Object.keys(values) as Option[]).filter((option) => option !== 'json' && !spec.options.includes(option));
  if (misplaced.length > 0) throw new UsageError(`${name} does not take --${misplaced.join(', --')}`);
  const json = values.json ?? false;
  const [operand = ''] = operands;
  // Our channel ids are document ids: a '/' would name another document path.
  if (name === 'channels sync' && operand.includes('/')) throw new UsageError(`not a channel id: ${operand}`);

  const target = await useTarget(process.env);
  switch (name) {
    case 'status':
      return status(json);
    case 'host put':
      return hostPut(operand, json, target);
    case 'channels backfill':
      return channelsBackfill({ dryRun: values['dry-run'] ?? false, concurrency: concurrency(values.concurrency, 5), json });
    case 'channels list':
      return channelsList(json);
    case 'channels renew':
      return channelsRenew({ all: values.all ?? false, concurrency: concurrency(values.concurrency, services().config.renewal.concurrency), json });
    case 'channels sync':
      return channelsSync(operand, json);
    case 'outbox retry':
      return outboxRetry(json);
  }
}

function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n${usageLines()}\n(npm run ops -- help says what each does)`);
    return 2;
  }
  // Settings and targets are said in words (which one is missing, what to start), not as a stack trace.
  if (error instanceof ConfigError || error instanceof TargetUnavailable) console.error(error.message);
  else console.error(error);
  return 1;
}

// Logs go to stderr: stdout holds only the answer, so --json output can be piped as it is.
logToStderr();
main(process.argv.slice(2))
  .then(() => process.exit(process.exitCode ?? 0))
  .catch((error: unknown) => process.exit(exitCodeOf(error)));
