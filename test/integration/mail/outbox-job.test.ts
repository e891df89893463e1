// The outbox job against the real mail sink and Firestore emulator, with a clock we move.
import { Mailer } from '../../../shared/mail/mailer';
import { sendDueMail } from '../../../shared/mail/outbox-job';
import { createMailService } from '../../../shared/mail/sendgrid-client';
import { MailOutboxRepository } from '../../../shared/store/mail-outbox';
import { startMailSink, type RunningMailSink } from '../../../infra/local/mail-sink';
import { testFirestore } from '../../support/firestore';

const { db } = testFirestore();
let sink: RunningMailSink;
let clock = new Date('2026-12-01T10:00:00Z');

beforeAll(async () => {
  sink = await startMailSink({ port: 0 });
});
afterAll(async () => {
  await sink.close();
  await db.terminate();
});

function setSinkDown(count: number): Promise<Response> {
  return fetch(`${sink.url}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 503, count }) });
}

it('mail the sink refused is sent by a later run, exactly once, after the sink was down for two runs', async () => {
  const outbox = new MailOutboxRepository(db);
  const mailer = new Mailer({ mailService: createMailService({ apiKey: 'SG.test', apiRoot: sink.url }), outbox, from: { email: 'bookings@example.test' }, now: () => clock });
  const mail = { to: { email: 'host@example.test' }, subject: 'Booking request', text: 'hello', html: '<p>hello</p>' };

  await setSinkDown(3);
  expect(await mailer.send(mail, 'slot-1:host-decision-request')).toBe('queued');
  const run = () => sendDueMail({ mailer, outbox, now: () => clock }, { limit: 50, deadline: Date.now() + 10_000 });

  // Runs an hour apart (past any backoff): down, down, up.
  clock = new Date(clock.getTime() + 3600_000);
  expect(await run()).toMatchObject({ mailed: 0, stillWaiting: 1 });
  clock = new Date(clock.getTime() + 3600_000);
  expect(await run()).toMatchObject({ mailed: 0, stillWaiting: 1 });
  clock = new Date(clock.getTime() + 3600_000);
  expect(await run()).toMatchObject({ mailed: 1, stillWaiting: 0 });
  clock = new Date(clock.getTime() + 3600_000);
  expect(await run()).toMatchObject({ mailed: 0, stillWaiting: 0 });

  const delivered = (await (await fetch(`${sink.url}/messages?to=host@example.test`)).json()) as unknown[];
  expect(delivered).toHaveLength(1);
});

it('a run sends nothing before the backoff has passed', async () => {
  const outbox = new MailOutboxRepository(db);
  const mailer = new Mailer({ mailService: createMailService({ apiKey: 'SG.test', apiRoot: sink.url }), outbox, from: { email: 'bookings@example.test' }, now: () => clock });
  await setSinkDown(1);
  expect(await mailer.send({ to: { email: 'early@example.test' }, subject: 's', text: 't', html: '<p>t</p>' }, 'slot-2:x')).toBe('queued');
  expect(await sendDueMail({ mailer, outbox, now: () => clock }, { limit: 50, deadline: Date.now() + 10_000 })).toMatchObject({ mailed: 0, stillWaiting: 0 });
  expect((await (await fetch(`${sink.url}/messages?to=early@example.test`)).json()) as unknown[]).toHaveLength(0);
});
