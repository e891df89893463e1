// The scheduled run's summary line, through renewChannels over HTTP: the gauges the alerts watch
// (a channel within 12 h of expiry that the run could not renew, mail waiting in the outbox) are on
// its `upkeep.run` line, the failed renewal is its own event, and the metrics count them.
import { Writable } from 'node:stream';
import { logTo, services } from '../../../functions/services';
import { eventProblems } from '../../../shared/business-events';
import { asLogEntry, logMetrics, matchesFilter } from '../../support/logging-filter';
import { startSystem, type TestSystem } from '../../support/system';

jest.setTimeout(90_000);

let sys: TestSystem;
const written: string[] = [];

beforeAll(async () => {
  logTo(
    new Writable({
      write(chunk, _encoding, done) {
        written.push(String(chunk));
        done();
      },
    }),
  );
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true', SCHEDULER_AUTH: 'off', LOG_LEVEL: 'info' });
});
afterAll(async () => {
  await fetch(`${sys.mail.url}/faults`, { method: 'DELETE' });
  await sys.close();
});

const events = (): Record<string, unknown>[] =>
  written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => typeof line.event === 'string');

it("a run that cannot renew a channel expiring within 12 h, with mail waiting, says so on its summary line, which the alerts' metrics read", async () => {
  const s = services();
  const host = await sys.createHost();
  const { channelId } = await s.channels.ensureChannel(host.id, (await s.subscribers.get(host.id))!, host.calendarId);
  // Six hours left, and Google failing every watch: the run tries to renew it and cannot.
  await s.db.collection('googleCalendarChannels').doc(channelId).update({ expiration: new Date(s.now().getTime() + 6 * 3_600_000) });
  await sys.control('/faults', { pathContains: '/events/watch', status: 500, count: 100 });
  // A mail SendGrid refuses: it waits in the outbox.
  await fetch(`${sys.mail.url}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 503, count: 100 }) });
  expect(await s.mailer.send({ to: { email: 'outbox-host@example.test' }, subject: 'Booking request', text: 'hello', html: '<p>hello</p>' }, 'observability:outbox')).toBe('queued');

  const res = await fetch(`${sys.functionsUrl}/renewChannels`, { method: 'POST' });
  expect(res.status).toBe(200);

  const run = events().filter((line) => line.event === 'upkeep.run');
  expect(run).toEqual([
    expect.objectContaining({
      severity: 'INFO',
      outcome: 'done_with_failures',
      shard: '0of1',
      channelsActive: 1,
      channelsExpiringWithin24h: 1,
      channelsExpiringWithin12h: 1,
      outboxDepth: 1,
      oldestMailAgeSeconds: expect.any(Number),
    }),
  ]);
  expect(events()).toEqual(expect.arrayContaining([expect.objectContaining({ event: 'channel.upkeep_failed', step: 'renew', channelId, hostId: host.id })]));
  expect(events()).toEqual(expect.arrayContaining([expect.objectContaining({ event: 'calendar.error', status: 500, hostId: host.id })]));
  expect(events()).toEqual(expect.arrayContaining([expect.objectContaining({ event: 'mail.queued', sendgridStatus: 503 })]));
  expect(events().flatMap(eventProblems)).toEqual([]);

  const entries = events().map(asLogEntry);
  const counted = (name: string) => entries.filter((entry) => matchesFilter(logMetrics().find((metric) => metric.name === name)!.filter, entry)).length;
  for (const name of ['invites_upkeep_runs', 'invites_channels_expiring_12h', 'invites_outbox_depth', 'invites_outbox_oldest_age', 'invites_channel_upkeep_failures', 'invites_calendar_errors', 'invites_mail']) {
    expect({ name, counted: counted(name) > 0 }).toEqual({ name, counted: true });
  }
});
