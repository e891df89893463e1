// `npm run ops -- outbox retry` as an operator runs it, against the whole local system.
import { services } from '../../../functions/services';
import { startSystem, type TestSystem } from '../../support/system';
import { answer, runOps } from './run-ops';

jest.setTimeout(180_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem();
});
afterAll(() => sys.close());

function sinkFails(count: number): Promise<Response> {
  return fetch(`${sys.mail.url}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 500, count }) });
}

/**
 * The backoff of every pending mail has passed, but for `waiting`'s, which has an hour to go. The
 * command runs on real time in its own process: the test moves the mail's times, not the clock.
 */
async function backoffPassed(waiting: string): Promise<void> {
  const pending = await sys.db.collection('mailOutbox').where('status', '==', 'pending').get();
  await Promise.all(pending.docs.map((d) => d.ref.update({ nextAttemptAt: new Date(Date.now() + (d.id === waiting ? 3_600_000 : -1_000)) })));
}

// More than one page of the command (50), so it must go on until nothing is due.
const QUEUED = 60;

it('sends every due mail queued while the sink was down, exactly once; mail not yet due waits', async () => {
  const { mailer, outbox } = services();
  const mail = (to: string) => ({ to: { email: to }, subject: 'Booking request', text: 'hello', html: '<p>hello</p>' });
  const due = Array.from({ length: QUEUED }, (_, i) => `outbox-${i}@example.test`);

  await (await sinkFails(QUEUED + 1)).text();
  expect(new Set(await Promise.all(due.map((to) => mailer.send(mail(to), `ops-retry:${to}`))))).toEqual(new Set(['queued']));
  expect(await mailer.send(mail('not-yet@example.test'), 'ops-retry:not-yet')).toBe('queued');
  const notYet = (await outbox.findByDedupeKey('ops-retry:not-yet'))!.id;
  await backoffPassed(notYet);

  // The sink refuses once more: one mail waits a longer backoff, the others go.
  await (await sinkFails(1)).text();
  const first = await runOps(['outbox', 'retry', '--json'], sys.env);
  expect(first.stderr).toBe('');
  expect(answer(first)).toEqual({ mailed: QUEUED - 1, stillWaiting: 1, failed: 0 });
  expect(first.status).toBe(1);

  // Nothing due now: the refused one waits its backoff.
  const idle = await runOps(['outbox', 'retry', '--json'], sys.env);
  expect(idle.status).toBe(0);
  expect(answer(idle)).toEqual({ mailed: 0, stillWaiting: 0, failed: 0 });

  await backoffPassed(notYet);
  const last = await runOps(['outbox', 'retry'], sys.env);
  expect(last.status).toBe(0);
  expect(last.stdout).toMatch(/^mailed 1, still waiting 0 .*, failed 0 /m);

  expect((await Promise.all(due.map((to) => sys.sinkMessages(to)))).map((messages) => messages.length)).toEqual(due.map(() => 1));
  expect(await sys.sinkMessages('not-yet@example.test')).toHaveLength(0);
  expect((await outbox.get(notYet))?.status).toBe('pending');
});
