// `npm run ops -- <command>`: operations on the live data, with the same settings as the
// functions (shared/config.ts). Commands:
//   host put FILE     create or update a host from a JSON file (validated; refresh token sealed)
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { putHost } from '../../shared/booking/hosts';
import { config } from '../../shared/config';
import { firestore } from '../../shared/store/firestore';
import { SlugTaken, SubscriberRepository } from '../../shared/store/subscribers';
import { TokenCipher } from '../../shared/store/token-cipher';

const USAGE = `usage: npm run ops -- host put FILE [--json]`;

class UsageError extends Error {}

async function hostPut(file: string | undefined, json: boolean): Promise<void> {
  if (!file) throw new UsageError('host put needs the path of a JSON file');
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${file} as JSON: ${(error as Error).message}`);
  }
  const settings = config();
  const result = await putHost(
    { subscribers: new SubscriberRepository(firestore()), cipher: new TokenCipher(settings.tokenEncryptionKey), now: new Date() },
    content,
  );
  console.log(json ? JSON.stringify(result) : `${result.created ? 'created' : 'updated'} host ${result.id}`);
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  const [group, command, ...rest] = positionals;
  if (group === 'host' && command === 'put') return hostPut(rest[0], values.json);
  throw new UsageError(`unknown command: ${positionals.join(' ') || '(none)'}`);
}

main(process.argv.slice(2))
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    if (error instanceof UsageError) console.error(`${error.message}\n${USAGE}`);
    else if (error instanceof ZodError) console.error(`invalid host file:\n${error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`);
    else if (error instanceof SlugTaken) console.error(error.message);
    else console.error(error);
    process.exit(error instanceof UsageError ? 2 : 1);
  });
