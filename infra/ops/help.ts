// What every command does and takes, in words: `npm run ops -- help [COMMAND]`, `--help`, `-h`.
// The usage lines printed with a usage error come from here too, so the two never disagree.

export interface CommandHelp {
  usage: string;
  summary: string;
  details: string[];
}

export const COMMAND_HELP: Record<string, CommandHelp> = {
  status: {
    usage: 'status [--json]',
    summary: 'how the system is now: channels, syncs, the last scheduled run, the outbox, bookings',
    details: [
      'Counts read from Firestore now (aggregation queries: cheap at any size): channels by state, expiring',
      'within 24 h and the soonest expiry; calendars left dirty or failing to sync; the last scheduled run and',
      'its summary; mail waiting in the outbox and the age of the oldest; bookings made in the last 24 h by',
      'their status now. Exit 0 whatever the figures say.',
    ],
  },
  'host put': {
    usage: 'host put FILE [--json]',
    summary: 'create or update a host from a JSON file',
    details: [
      'FILE is a host as JSON (shared/booking/hosts.ts says its fields): validated, each bad field named. A grant in it',
      "is checked first: its refresh token is exchanged at the token endpoint, and a token that does not work",
      'is refused with Google\'s reason. The token is then sealed (TOKEN_ENCRYPTION_KEY) before it is saved;',
      'the local development key is refused against production. Exit 1 when the file is missing or refused.',
    ],
  },
  'channels backfill': {
    usage: 'channels backfill [--dry-run] [--concurrency N] [--json]',
    summary: 'create the missing watch channels of existing hosts',
    details: ['--dry-run   count the hosts that need a channel, create none', '--concurrency N   hosts worked on at once, 1 to 50 (default 5)'],
  },
  'channels list': {
    usage: 'channels list [--json]',
    summary: 'every channel, soonest expiry first, with its calendar\'s sync state',
    details: ['Reads every channel: on a large install prefer `status`.'],
  },
  'channels renew': {
    usage: 'channels renew [--all] [--concurrency N] [--json]',
    summary: 'renew the channels expiring within RENEWAL_WINDOW_HOURS, now',
    details: ['--all   renew every active channel, however far its expiry', '--concurrency N   channels renewed at once, 1 to 50 (default RENEWAL_CONCURRENCY)'],
  },
  'channels sync': {
    usage: 'channels sync ID [--json]',
    summary: 'one incremental sync of the calendar of channel ID, now',
    details: ['ID is a channel id as `channels list` shows it. Exit 1 unless the sync finished (or was queued).'],
  },
  'outbox retry': {
    usage: 'outbox retry [--json]',
    summary: 'send every mail of the outbox that is due, now',
    details: ['Each mail is claimed first, so a scheduled run at the same time does not send it twice.'],
  },
  help: {
    usage: 'help [COMMAND]',
    summary: 'this text, or one command\'s in full (also --help, -h)',
    details: [],
  },
};

const GENERAL = [
  'Options every command takes:',
  '  --json   one JSON value on stdout (log lines go to stderr)',
  '  --help, -h   this help',
  '',
  'Where it talks to: locally, the stack `npm start` runs (found through .local/stack.json, nothing to set);',
  'with APP_ENV=production, the deployed project and its settings (each missing one is named).',
  'Exit codes: 0 done, 1 something failed, 2 the command line is wrong.',
];

export function usageLines(): string {
  return Object.values(COMMAND_HELP)
    .map(({ usage }, i) => `${i === 0 ? 'usage: ' : '       '}npm run ops -- ${usage}`)
    .join('\n');
}

/** The help of everything, or of one command; undefined for a command that does not exist. */
export function helpText(command?: string): string | undefined {
  if (command === undefined) {
    const width = Math.max(...Object.values(COMMAND_HELP).map(({ usage }) => usage.length));
    const lines = Object.values(COMMAND_HELP).map(({ usage, summary }) => `  ${usage.padEnd(width)}  ${summary}`);
    return ['npm run ops -- COMMAND [options]: operations on the live data.', '', 'Commands:', ...lines, '', ...GENERAL, '', 'npm run ops -- help COMMAND   says more about one command.'].join('\n');
  }
  const found = COMMAND_HELP[command];
  if (!found) return undefined;
  return [`npm run ops -- ${found.usage}`, '', `  ${found.summary}.`, ...(found.details.length > 0 ? ['', ...found.details.map((line) => `  ${line}`)] : [])].join('\n');
}
