// Races that answered wrongly or mailed twice (issue 12), each interleaving forced rather than
// hoped for: Google holding a call (the emulator's delayMs), the mail service holding a send (the
// sink's delayMs), a Firestore write made by the test between two steps, a process killed at a step.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { services } from '../../functions/services';
import type { BookingNotices } from '../../shared/booking/booking-notices';
import { carryOutDecision } from '../../shared/booking/decide';
import { eventIdForSlot } from '../../shared/google/event-identity';
import { createLogger } from '../../shared/log';
import { DEDUPE_HEADER } from '../../shared/mail/mailer';
import { sendDueMail } from '../../shared/mail/outbox-job';
import { slotIdForKey } from '../../shared/store/booking-requests';
import { MailOutboxRepository } from '../../shared/store/mail-outbox';
import { availability, book, decide, decisionLinks, freeSlot, GUEST, tokenOf } from '../support/booking-client';
import { startSystem, type TestHost, type TestSystem } from '../support/system';
import { until } from '../support/until';
import { channelState } from '../support/channel-state';

jest.setTimeout(120_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());
afterEach(async () => {
  await fetch(`${sys.google.url}/emulator/v1/faults`, { method: 'DELETE' });
  await fetch(`${sys.mail.url}/faults`, { method: 'DELETE' });
});

interface Booked {
  slotId: string;
  status: string;
  start: string;
  end: string;
}

const silent = createLogger({ level: 'silent' });

async function apiCalls(operation: string): Promise<number> {
  return (await sys.control<{ byOperation: Record<string, number> }>('/requests')).byOperation[operation] ?? 0;
}

function holdMail(body: { status?: number; delayMs: number; count: number }): Promise<Response> {
  return fetch(`${sys.mail.url}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Our mails to the host, by dedupe key (one entry per mail delivered). */
async function hostMailKeys(host: TestHost): Promise<string[]> {
  const messages = (await sys.sinkMessages(host.email)) as unknown as { headers?: Record<string, string> }[];
  return messages.map((m) => m.headers?.[DEDUPE_HEADER] ?? '?').sort();
}

async function invitesFor(slotId: string): Promise<number> {
  return (await sys.googleMail(GUEST.email)).filter((m) => m.eventId === eventIdForSlot(slotId) && m.kind === 'invitation').length;
}

/** A host whose default calendar is watched, as first-time setup leaves it: pushes drive a sync. */
async function watchedHost(options: { autoConfirm?: boolean } = {}): Promise<{ host: TestHost; channelId: string }> {
  const host = await sys.createHost(options);
  const { channelId } = await services().channels.ensureChannel(host.id, (await services().subscribers.get(host.id))!, host.calendarId);
  return { host, channelId };
}

async function settled(channelId: string): Promise<void> {
  await until(async () => {
    const channel = await channelState(channelId);
    return channel && channel.syncToken && !channel.lease && !channel.dirty ? true : undefined;
  }, 'the channel to settle');
}

function keyed(host: TestHost, start: string, key: string): Promise<Response> {
  return book(sys.functionsUrl, { host: host.slug, start }, { 'idempotency-key': key });
}

describe('auto-confirm racing the push-driven sync', () => {
  it('a booking the sync books first (the host accepted in Google) answers 201, and the host is told once', async () => {
    const { host, channelId } = await watchedHost({ autoConfirm: true });
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const slotId = slotIdForKey(host.id, 'auto-race');
    const inserts = await apiCalls('events.insert');
    // Google holds the insert; meanwhile the sync books the slot, as it does when the push for the
    // inserted event (host accepted) comes before the insert's answer.
    await sys.control('/faults', { method: 'POST', pathContains: '/events?', delayMs: 1500, count: 1 });
    const answer = keyed(host, slot.start, 'auto-race');
    await until(async () => ((await apiCalls('events.insert')) > inserts ? true : undefined), 'the insert to reach Google');
    await services().slots.transition(slotId, { to: 'booked', cause: 'host_accepted_in_google', at: new Date(), from: ['requested'] });

    const res = await answer;
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ slotId, status: 'booked' });
    await settled(channelId);
    expect(await hostMailKeys(host)).toEqual([`${slotId}:host-new-booking`]);
    expect((await services().slots.require(slotId)).history.map((t) => t.cause)).toEqual(['guest_booked', 'host_accepted_in_google']);
    expect(await invitesFor(slotId)).toBe(1);
  });

  it('auto-confirmed bookings of a watched calendar all answer 201 and each host mail goes once, whichever books first', async () => {
    const { host, channelId } = await watchedHost({ autoConfirm: true });
    const offered = (await availability(sys.functionsUrl, host.slug)).slots.slice(4);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => book(sys.functionsUrl, { host: host.slug, start: offered[i * 3]!.start })));

    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 8 }, () => 201));
    const slotIds = await Promise.all(answers.map(async (a) => ((await a.json()) as Booked).slotId));
    await settled(channelId);
    expect(await hostMailKeys(host)).toEqual(slotIds.map((id) => `${id}:host-new-booking`).sort());
  });
});

describe('the same Idempotency-Key twice at once', () => {
  it('a duplicate arriving while the first is at Google answers 409 idempotency_key_in_use with Retry-After; its retry replays the first answer', async () => {
    const host = await sys.createHost();
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const inserts = await apiCalls('events.insert');
    await sys.control('/faults', { method: 'POST', pathContains: '/events?', delayMs: 1500, count: 1 });
    const first = keyed(host, slot.start, 'twice-at-once');
    await until(async () => ((await apiCalls('events.insert')) > inserts ? true : undefined), 'the first insert to reach Google');

    const duplicate = await keyed(host, slot.start, 'twice-at-once');
    expect(duplicate.status).toBe(409);
    expect(await duplicate.json()).toMatchObject({ error: 'idempotency_key_in_use' });
    expect(Number(duplicate.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    const answered = await first;
    expect(answered.status).toBe(201);
    const body = (await answered.json()) as Booked;
    const retry = await keyed(host, slot.start, 'twice-at-once');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toEqual(body);
    expect(await hostMailKeys(host)).toEqual([`${body.slotId}:host-decision-request`]);
    expect(await invitesFor(body.slotId)).toBe(1);
  });

  it('a duplicate that checks the time after the first has taken it is not told "taken": it replays the first answer', async () => {
    const host = await sys.createHost();
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const queries = await apiCalls('freeBusy.query');
    // The duplicate found no record of its key, then Google holds its free/busy query while the
    // first request books the time and answers.
    await sys.control('/faults', { pathContains: '/freeBusy', delayMs: 2500, count: 1 });
    const duplicate = keyed(host, slot.start, 'checked-late');
    await until(async () => ((await apiCalls('freeBusy.query')) > queries ? true : undefined), "the duplicate's free/busy query to reach Google");
    const first = await keyed(host, slot.start, 'checked-late');
    expect(first.status).toBe(201);

    const late = await duplicate;
    const body = await late.json();
    expect(body).not.toMatchObject({ error: 'slot_unavailable' });
    expect(late.status).toBe(201);
    expect(late.headers.get('idempotent-replayed')).toBe('true');
    expect(body).toEqual(await first.json());
    expect(await hostMailKeys(host)).toHaveLength(1);
  });

  it('twenty pairs of identical requests sent at once: one booking and one host mail each, the other answer a replay or 409 in use, never "taken"', async () => {
    const host = await sys.createHost();
    const offered = (await availability(sys.functionsUrl, host.slug)).slots.slice(4);
    const slotIds: string[] = [];
    for (let round = 0; round < 20; round += 1) {
      const start = offered[round * 3]!.start;
      const pair = await Promise.all([keyed(host, start, `pair-${round}`), keyed(host, start, `pair-${round}`)]);
      const answers = await Promise.all(
        pair.map(async (res) => ({
          status: res.status,
          replayed: res.headers.get('idempotent-replayed') === 'true',
          retryAfter: res.headers.get('retry-after'),
          body: (await res.json()) as Booked & { error?: string },
        })),
      );
      const made = answers.filter((a) => a.status === 201 && !a.replayed);
      expect(made).toHaveLength(1);
      const other = answers.find((a) => a !== made[0])!;
      if (other.status === 201) expect(other).toMatchObject({ replayed: true, body: made[0]!.body });
      else expect(other).toMatchObject({ status: 409, body: { error: 'idempotency_key_in_use' }, retryAfter: expect.stringMatching(/^\d+$/) });
      slotIds.push(made[0]!.body.slotId);
    }
    expect((await sys.db.collection('slots').where('subscriberId', '==', host.id).get()).size).toBe(20);
    expect(await hostMailKeys(host)).toEqual(slotIds.map((id) => `${id}:host-decision-request`).sort());
    expect(await Promise.all(slotIds.map(invitesFor))).toEqual(slotIds.map(() => 1));
  });
});

describe('our mail, exactly once', () => {
  it("a request killed between claiming the host's mail and sending it leaves the mail to the outbox, which sends it once; the request's retry mails nothing more", async () => {
    const host = await sys.createHost();
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const slotId = slotIdForKey(host.id, 'killed-mid-mail');
    const outboxId = MailOutboxRepository.idFor(`${slotId}:host-decision-request`);
    // SendGrid holds the send long enough to kill the sender while it waits, then refuses it.
    await holdMail({ status: 503, delayMs: 10_000, count: 1 });
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../support/book-in-child.ts'), host.slug, slot.start, 'killed-mid-mail'], {
      env: { ...process.env, ...sys.env, LOG_LEVEL: 'silent' },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await until(async () => ((await services().outbox.get(outboxId)) ? true : undefined), 'the host mail to be claimed', 30_000);
    } finally {
      child.kill('SIGKILL');
    }
    expect(await exited).toBeNull();
    await fetch(`${sys.mail.url}/faults`, { method: 'DELETE' });
    expect(await services().outbox.get(outboxId)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await hostMailKeys(host)).toEqual([]);

    // The claim's lease and the request's run out (the test moves their times, not the clock).
    const past = new Date(Date.now() - 1000);
    await sys.db.doc(`mailOutbox/${outboxId}`).update({ nextAttemptAt: past });
    await services().requests.ref(host.id, 'killed-mid-mail').update({ 'lease.until': past });
    const run = () => sendDueMail({ mailer: services().mailer, outbox: services().outbox, now: () => new Date() }, { limit: 10, deadline: Date.now() + 10_000 });
    expect(await run()).toMatchObject({ mailed: 1 });
    expect(await run()).toMatchObject({ mailed: 0 });
    expect(await hostMailKeys(host)).toEqual([`${slotId}:host-decision-request`]);

    const retry = await keyed(host, slot.start, 'killed-mid-mail');
    expect(retry.status).toBe(201);
    expect(await retry.json()).toMatchObject({ slotId, status: 'requested' });
    expect(await hostMailKeys(host)).toEqual([`${slotId}:host-decision-request`]);
    expect(await invitesFor(slotId)).toBe(1);
  });

  it('two paths sending the same notice at once, each seeing the slot from before either sent it: the host gets it once', async () => {
    const host = await sys.createHost();
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const slotId = slotIdForKey(host.id, 'two-senders');
    // SendGrid holds the request's own send of the host mail for a while (then takes it).
    await holdMail({ delayMs: 2000, count: 1 });
    const answer = keyed(host, slot.start, 'two-senders');
    await until(async () => ((await sys.calendarEvent(host, slotId).catch(() => undefined)) ? true : undefined), 'the event to be in Google');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stale = await services().slots.require(slotId);
    const subscriber = (await services().subscribers.get(host.id))!;
    await services().notices.bookingMade({ slotId, slot: { ...stale, notices: [] }, host: subscriber });

    expect((await answer).status).toBe(201);
    expect(await hostMailKeys(host)).toEqual([`${slotId}:host-decision-request`]);
  });

  it("a decision whose instance stopped after saving the confirm, before mailing the guest: the host's retry mails the guest's confirmation, once", async () => {
    const host = await sys.createHost({ google: false });
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    expect((await book(sys.functionsUrl, { host: host.slug, start: slot.start, guest: { ...GUEST, email: 'stopped-decision@example.org' } })).status).toBe(201);
    const [request] = await sys.sinkMessages(host.email);
    const { confirm } = decisionLinks(request!.content.map((c) => c.value).join('\n'));
    const stopping = { ...services(), log: silent, notices: { decisionMade: () => Promise.reject(new Error('instance stopped')) } as unknown as BookingNotices };
    await expect(carryOutDecision(stopping, tokenOf(confirm), 'confirm')).rejects.toThrow('instance stopped');
    const guestSubjects = async () => (await sys.sinkMessages('stopped-decision@example.org')).map((m) => m.subject);
    expect(await guestSubjects()).toHaveLength(1);

    const retried = await decide(sys.functionsUrl, tokenOf(confirm), 'confirm');
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ status: 'booked', repeated: true });
    expect(await guestSubjects()).toHaveLength(2);
    expect((await decide(sys.functionsUrl, tokenOf(confirm), 'confirm')).status).toBe(200);
    expect(await guestSubjects()).toHaveLength(2);
  });
});
