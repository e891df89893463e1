// `host put FILE`: create or update a host from a JSON file (validated; refresh token sealed).
import { readFileSync } from 'node:fs';
import { ZodError } from 'zod';
import { services } from '../../functions/services';
import { putHost } from '../../shared/booking/hosts';
import { GoogleAccountTaken, SlugTaken } from '../../shared/store/subscribers';
import { UsageError } from './usage-error';

export async function hostPut(file: string, json: boolean): Promise<void> {
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${file} as JSON: ${(error as Error).message}`);
  }
  const s = services();
  try {
    const result = await putHost({ subscribers: s.subscribers, cipher: s.cipher, now: s.now() }, content);
    console.log(json ? JSON.stringify(result) : `${result.created ? 'created' : 'updated'} host ${result.id}`);
  } catch (error) {
    if (error instanceof ZodError) console.error(`invalid host file:\n${error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`);
    else if (error instanceof SlugTaken || error instanceof GoogleAccountTaken) console.error(error.message);
    else throw error;
    process.exitCode = 1;
  }
}
