// What a function's cold start loads (test/bench/cold-start.bench.ts measures the time): a fresh
// Node process per check, since jest's own module registry cannot tell what Node has loaded.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../../..');

/** The packages among `watched` that Node has loaded after running `code` in a new process. */
function loadedAfter(code: string, watched: string[]): string[] {
  const script = `${code};const loaded=Object.keys(require.cache);` +
    `console.log(JSON.stringify(${JSON.stringify(watched)}.filter((p)=>loaded.some((f)=>f.includes('/node_modules/'+p+'/')))))`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '[]') as string[];
}

const HEAVY = ['@sendgrid/mail', '@sendgrid/client', '@googleapis/calendar', 'googleapis-common'];

test('registering every function loads none of their modules: each is loaded by its first request', () => {
  const script = `require('./functions/index');const ours=Object.keys(require.cache).filter((f)=>/\\/functions\\/(booking|accounts|decision|google-webhook|renew-channels)\\//.test(f));if(ours.length)throw new Error(ours.join())`;
  expect(loadedAfter(script, [...HEAVY, '@google-cloud/firestore'])).toEqual([]);
});

test("the webhook's module and its services load neither the mail client nor the Calendar client", () => {
  expect(loadedAfter(`require('./functions/google-webhook');require('./functions/services').services()`, HEAVY)).toEqual([]);
});

test('the Calendar client is loaded with the first Google session, the mail client with the first mail', () => {
  const firstSession = `const s=require('./functions/services').services();s.calendars.sessionFor('h',{google:{refreshToken:s.cipher.encrypt('r')}})`;
  expect(loadedAfter(firstSession, HEAVY)).toEqual(['@googleapis/calendar', 'googleapis-common']);
  const firstMail = `require('./functions/services').services().mailer.options.mailService.send({}).catch(()=>{})`;
  expect(loadedAfter(firstMail, HEAVY)).toEqual(['@sendgrid/mail', '@sendgrid/client']);
});
