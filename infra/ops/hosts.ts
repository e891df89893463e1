// `host put FILE`: create or update a host from a JSON file (validated; the Google grant checked;
// the refresh token sealed).
import { readFileSync } from 'node:fs';
import { ZodError } from 'zod';
import { services } from '../../functions/services';
import { hostFileSchema, putHost } from '../../shared/booking/hosts';
import { parseConfig } from '../../shared/config';
import { GoogleAccountTaken, SlugTaken } from '../../shared/store/subscribers';
import { checkGrant } from './grant';
import { maySealWith, type Target } from './target';

/** A host file the command refuses: said on stderr, exit code 1, nothing written. */
class HostRefused extends Error {}

function readHostFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HostRefused(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HostRefused(`${file} is not JSON: ${(error as Error).message}`);
  }
}

async function checkedHost(file: string, target: Target): Promise<unknown> {
  const content = readHostFile(file);
  const host = hostFileSchema.parse(content);
  const { config } = services();
  if (!host.google) return content;
  if (!maySealWith(config.tokenEncryptionKey, parseConfig({}).tokenEncryptionKey, target)) {
    throw new HostRefused('TOKEN_ENCRYPTION_KEY is the local development key (public in this repository): set the install\'s own key to save a refresh token in production');
  }
  const grant = await checkGrant(config.google, host.google.refreshToken);
  if (!grant.works) throw new HostRefused(`the Google grant of ${host.google.accountEmail} does not work, nothing saved: ${grant.reason}`);
  return content;
}

export async function hostPut(file: string, json: boolean, target: Target): Promise<void> {
  const s = services();
  try {
    const content = await checkedHost(file, target);
    const result = await putHost({ subscribers: s.subscribers, cipher: s.cipher, now: s.now() }, content);
    console.log(json ? JSON.stringify(result) : `${result.created ? 'created' : 'updated'} host ${result.id}`);
  } catch (error) {
    if (error instanceof ZodError) console.error(`invalid host file:\n${error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`);
    else if (error instanceof HostRefused || error instanceof SlugTaken || error instanceof GoogleAccountTaken) console.error(error.message);
    else throw error;
    process.exitCode = 1;
  }
}
