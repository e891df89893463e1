// `npm run ops -- <command>`: operations on the live data, with the same settings and adapters
// as the functions (functions/services.ts). Commands:
//   host put FILE                  create or update a host from a JSON file (validated; refresh token sealed)
//   channels backfill [--dry-run]  create the missing watch channels of existing hosts
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { ZodError } from 'zod';
import { services } from '../../functions/services';
import { backfillChannels } from '../../shared/channels/backfill';
import { putHost } from '../../shared/booking/hosts';
import { SlugTaken } from '../../shared/store/subscribers';

const USAGE = `usage: npm run ops -- host put FILE [--json]
       npm run ops -- channels backfill [--dry-run] [--concurrency N] [--json]`;

class UsageError extends Error {}

async function hostPut(file: string | undefined, json: boolean): Promise<void> {
  if (!file) throw new UsageError('host put needs the path of a JSON file');
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${file} as JSON: ${(error as Error).message}`);
  }
  const s = services();
  const result = await putHost({ subscribers: s.subscribers, cipher: s.cipher, now: s.now() }, content);
  console.log(json ? JSON.stringify(result) : `${result.created ? 'created' : 'updated'} host ${result.id}`);
}

async function channelsBackfill(dryRun: boolean, concurrency: number, json: boolean): Promise<void> {
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 50) throw new UsageError('--concurrency must be a whole number from 1 to 50');
  const s = services();
  // A progress bar only for a person at a terminal; logs and pipes get the summary alone.
  const bar = process.stderr.isTTY && !json ? new SingleBar({ stream: process.stderr, format: 'channels {bar} {value}/{total} hosts' }, Presets.shades_classic) : undefined;
  const report = await backfillChannels(
    { subscribers: s.subscribers, channels: s.channels },
    {
      dryRun,
      concurrency,
      onProgress: (done, total) => {
        if (done === 0) bar?.start(total, 0);
        else bar?.update(done);
      },
    },
  );
  bar?.stop();
  if (json) {
    console.log(JSON.stringify({ dryRun, ...report }));
  } else {
    const verb = dryRun ? 'would create' : 'created';
    console.log(`${report.eligible} hosts with a connected Google default calendar: ${verb} ${dryRun ? report.missing : report.created}, already watched ${report.alreadyWatched}, failed ${report.failed.length}`);
    for (const failure of report.failed) console.log(`  failed ${failure.subscriberId}: ${failure.error}`);
  }
  if (report.failed.length > 0) process.exitCode = 1;
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, 'dry-run': { type: 'boolean', default: false }, concurrency: { type: 'string', default: '5' } },
  });
  const [group, command, ...rest] = positionals;
  if (group === 'host' && command === 'put') return hostPut(rest[0], values.json);
  if (group === 'channels' && command === 'backfill') return channelsBackfill(values['dry-run'], Number(values.concurrency), values.json);
  throw new UsageError(`unknown command: ${positionals.join(' ') || '(none)'}`);
}

main(process.argv.slice(2))
  .then(() => process.exit(process.exitCode ?? 0))
  .catch((error: unknown) => {
    if (error instanceof UsageError) console.error(`${error.message}\n${USAGE}`);
    else if (error instanceof ZodError) console.error(`invalid host file:\n${error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`);
    else if (error instanceof SlugTaken) console.error(error.message);
    else console.error(error);
    process.exit(error instanceof UsageError ? 2 : 1);
  });
