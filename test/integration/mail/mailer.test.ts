// The Mailer end to end: the real @sendgrid/mail client against the local mail sink, the
// outbox on the real Firestore emulator.
import { startMailSink, type RunningMailSink } from '../../../infra/local/mail-sink';
import { DEDUPE_HEADER, Mailer, MailNotQueued, type MailLog } from '../../../shared/mail/mailer';
import { createMailService } from '../../../shared/mail/sendgrid-client';
import { guestIcsInvitation, hostDecisionRequest, type BookingView } from '../../../shared/mail/templates';
import type { OutgoingMail } from '../../../shared/mail/outgoing-mail';
import { MailOutboxRepository } from '../../../shared/store/mail-outbox';
import { testFirestore } from '../../support/firestore';
import { parseIcs, prop } from '../../unit/mail/parse-ics';

const API_KEY = 'SG.mailer-test.secret';
const MINUTE = 60_000;

interface SinkMessage {
  id: string;
  subject: string;
  personalizations: { to: { email: string; name?: string }[] }[];
  from: { email: string; name?: string };
  reply_to?: { email: string; name?: string };
  headers?: Record<string, string>;
  custom_args?: Record<string, string>;
  attachments?: { content: string; filename: string; type: string; disposition: string }[];
}

const view: BookingView = {
  slotId: 'slot-7',
  hostName: 'Jo Host',
  hostEmail: 'jo@host.example',
  hostTimezone: 'Europe/Berlin',
  guestName: 'Smith, Ann',
  guestEmail: 'ann@guest.example',
  guestTimezone: 'Europe/London',
  message: null,
  start: new Date('2030-05-06T09:00:00Z'),
  end: new Date('2030-05-06T09:30:00Z'),
};

/** `lines`: the mailer's own lines; `events`: its business events (mail.sent, mail.queued, mail.given_up). */
function recordingLog(): MailLog & { lines: { level: string; fields: object; message: string }[]; events: object[] } {
  const lines: { level: string; fields: object; message: string }[] = [];
  const events: object[] = [];
  const record = (level: string) => (fields: object, message: string) => void ('event' in fields ? events.push(fields) : lines.push({ level, fields, message }));
  return { lines, events, info: record('info'), warn: record('warn'), error: record('error') };
}

describe('the mailer', () => {
  const store = testFirestore();
  const outbox = new MailOutboxRepository(store.db);
  let sink: RunningMailSink;
  let clock: Date;
  let log: ReturnType<typeof recordingLog>;
  let mailer: Mailer;

  async function messages(): Promise<SinkMessage[]> {
    return (await (await fetch(`${sink.url}/messages`)).json()) as SinkMessage[];
  }

  async function failNextSends(status: number, count: number): Promise<void> {
    const response = await fetch(`${sink.url}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status, count }) });
    expect(response.status).toBe(200);
  }

  function advance(minutes: number): void {
    clock = new Date(clock.getTime() + minutes * MINUTE);
  }

  beforeAll(async () => {
    sink = await startMailSink({ port: 0 });
  });
  afterAll(async () => {
    await sink.close();
    await store.db.terminate();
  });
  beforeEach(async () => {
    await fetch(`${sink.url}/messages`, { method: 'DELETE' });
    await fetch(`${sink.url}/faults`, { method: 'DELETE' });
    await store.clear();
    clock = new Date('2030-05-01T12:00:00Z');
    log = recordingLog();
    mailer = new Mailer({
      mailService: createMailService({ apiKey: API_KEY, apiRoot: sink.url }),
      outbox,
      from: { email: 'bookings@example.test', name: 'Bookings' },
      now: () => clock,
      log,
      maxAttempts: 3,
    });
  });

  it('delivers a mail with its .ics attachment, marked with its dedupe key, and records it as sent', async () => {
    const mail = guestIcsInvitation(view, 0);

    expect(await mailer.send(mail, 'slot-7/guest-invite')).toBe('sent');

    const [message, ...others] = await messages();
    expect(others).toEqual([]);
    expect(message).toMatchObject({
      subject: mail.subject,
      from: { email: 'bookings@example.test', name: 'Bookings' },
      reply_to: { email: 'jo@host.example', name: 'Jo Host' },
      headers: { [DEDUPE_HEADER]: 'slot-7/guest-invite' },
      custom_args: { dedupeKey: 'slot-7/guest-invite' },
    });
    // SendGrid refuses ',' in a display name: the name goes out without it.
    expect(message?.personalizations).toEqual([{ to: [{ email: 'ann@guest.example', name: 'Smith Ann' }] }]);
    const [attachment] = message?.attachments ?? [];
    expect(attachment).toMatchObject({ filename: 'invite.ics', type: 'text/calendar; method=REQUEST', disposition: 'attachment' });
    const ics = parseIcs(Buffer.from(attachment?.content ?? '', 'base64').toString('utf8'));
    expect(prop(ics.calendar, 'METHOD').value).toBe('REQUEST');
    expect(prop(ics.events[0] ?? [], 'UID').value).toBe('slot-7@calendar-invites');
    expect(await outbox.findByDedupeKey('slot-7/guest-invite')).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(await outbox.due(new Date(clock.getTime() + 24 * 60 * MINUTE), 10)).toEqual([]);
  });

  it('of two sends of one mail at once, one claims it and sends it; the other sends nothing', async () => {
    const outcomes = await Promise.all([mailer.send(guestIcsInvitation(view, 0), 'slot-7/racing'), mailer.send(guestIcsInvitation(view, 0), 'slot-7/racing')]);

    expect(outcomes).toContain('sent');
    expect(await messages()).toHaveLength(1);
  });

  it('a send of a mail whose first send SendGrid still holds sends nothing, and says it is queued', async () => {
    await fetch(`${sink.url}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ delayMs: 500, count: 1 }) });
    const first = mailer.send(guestIcsInvitation(view, 0), 'slot-7/held');
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(await mailer.send(guestIcsInvitation(view, 0), 'slot-7/held')).toBe('queued');
    expect(await first).toBe('sent');
    expect(await messages()).toHaveLength(1);
  });

  it('sends nothing and throws MailNotQueued when the outbox cannot claim the mail', async () => {
    const gone = testFirestore();
    await gone.db.terminate();
    const unclaimable = new Mailer({ mailService: createMailService({ apiKey: API_KEY, apiRoot: sink.url }), outbox: new MailOutboxRepository(gone.db), from: { email: 'bookings@example.test' }, now: () => clock, log });

    await expect(unclaimable.send(guestIcsInvitation(view, 0), 'slot-7/unclaimable')).rejects.toThrow(MailNotQueued);
    expect(await messages()).toEqual([]);
    expect(log.lines.map((line) => line.level)).toEqual(['error']);
  });

  it('queues a mail SendGrid did not take, with the error and never the API key, and resolves queued', async () => {
    await failNextSends(503, 1);
    const mail = hostDecisionRequest(view, { confirmUrl: 'https://b.example/c', denyUrl: 'https://b.example/d' }, 'ics');

    expect(await mailer.send(mail, 'slot-7/host-decision')).toBe('queued');

    expect(await messages()).toEqual([]);
    const queued = await outbox.findByDedupeKey('slot-7/host-decision');
    expect(queued).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: { status: 503, permanent: false, message: expect.stringContaining('Service Unavailable') },
      request: { to: { email: 'jo@host.example', name: 'Jo Host' }, subject: mail.subject, html: mail.html, text: mail.text },
    });
    expect(queued?.nextAttemptAt.getTime()).toBeGreaterThan(clock.getTime());
    expect(JSON.stringify(queued)).not.toContain('secret');
    expect(log.lines).toEqual([expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ dedupeKey: 'slot-7/host-decision', status: 503 }) })]);
  });

  it('queues a mail when SendGrid cannot be reached at all', async () => {
    const unreachable = new Mailer({
      mailService: createMailService({ apiKey: API_KEY, apiRoot: 'http://127.0.0.1:9' }),
      outbox,
      from: { email: 'bookings@example.test' },
      now: () => clock,
    });

    expect(await unreachable.send(guestIcsInvitation(view, 0), 'slot-7/unreachable')).toBe('queued');
    expect(await outbox.findByDedupeKey('slot-7/unreachable')).toMatchObject({ lastError: { status: null, permanent: false } });
  });

  it('queues a mail once for one dedupe key, and does not send what is already queued', async () => {
    await failNextSends(503, 1);
    const mail = guestIcsInvitation(view, 0);

    expect(await mailer.send(mail, 'slot-7/twice')).toBe('queued');
    expect(await mailer.send(mail, 'slot-7/twice')).toBe('queued');

    expect(await messages()).toEqual([]);
    expect((await store.db.collection('mailOutbox').get()).size).toBe(1);
  });

  it('stores a mail SendGrid refuses as invalid as failed at once, logs an error and does not throw', async () => {
    const refused: OutgoingMail = { ...guestIcsInvitation(view, 0), to: { email: 'not-an-address' } };

    expect(await mailer.send(refused, 'slot-7/refused')).toBe('failed');

    expect(await outbox.findByDedupeKey('slot-7/refused')).toMatchObject({
      status: 'failed',
      lastError: { status: 400, permanent: true, message: expect.stringContaining('personalizations.0.to.0.email') },
    });
    expect(log.lines.map((line) => line.level)).toEqual(['error']);
    advance(24 * 60);
    expect(await outbox.due(clock, 10)).toEqual([]);
  });

  it('delivers a queued mail exactly once on retry after SendGrid recovers, and marks it sent', async () => {
    await failNextSends(503, 1);
    await mailer.send(guestIcsInvitation(view, 0), 'slot-7/retry');
    const id = MailOutboxRepository.idFor('slot-7/retry');

    expect(await mailer.retry(id)).toBe('skipped');
    advance(1);
    expect((await outbox.due(clock, 10)).map((m) => m.id)).toEqual([id]);
    const outcomes = await Promise.all([mailer.retry(id), mailer.retry(id)]);
    expect(outcomes.sort()).toEqual(['sent', 'skipped']);
    expect(await mailer.retry(id)).toBe('skipped');

    const delivered = await messages();
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.attachments?.[0]?.filename).toBe('invite.ics');
    expect(await outbox.get(id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await mailer.send(guestIcsInvitation(view, 0), 'slot-7/retry')).toBe('sent');
    expect(await messages()).toHaveLength(1);
  });

  it('gives a mail up as failed when its attempts reach the maximum, and sends it no more', async () => {
    await failNextSends(500, 10);
    await mailer.send(guestIcsInvitation(view, 0), 'slot-7/give-up');
    const id = MailOutboxRepository.idFor('slot-7/give-up');

    advance(1);
    expect(await mailer.retry(id)).toBe('queued');
    advance(2);
    expect(await mailer.retry(id)).toBe('failed');
    advance(60);
    expect(await mailer.retry(id)).toBe('skipped');

    expect(await outbox.get(id)).toMatchObject({ status: 'failed', attempts: 3, lastError: { status: 500 } });
    expect(log.lines.at(-1)).toMatchObject({ level: 'error', message: 'mail given up after its last attempt' });
    expect(log.events.at(-1)).toMatchObject({ event: 'mail.given_up', permanent: false });
    await fetch(`${sink.url}/faults`, { method: 'DELETE' });
    expect(await messages()).toEqual([]);
  });
});
