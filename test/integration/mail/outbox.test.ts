// The outbox repository against the real Firestore emulator.
import { MailOutboxRepository, OutboxMailNotFound, type MailRequest, type SendFailure } from '../../../shared/store/mail-outbox';
import { testFirestore } from '../../support/firestore';

const MINUTE = 60_000;
const T0 = new Date('2030-01-01T08:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);

const UNAVAILABLE: SendFailure = { status: 503, message: 'Service Unavailable', permanent: false };
const REFUSED: SendFailure = { status: 400, message: 'Bad Request; Does not contain a valid address.', permanent: true };

function request(subject = 'Your booking'): MailRequest {
  return {
    from: { email: 'bookings@example.test', name: 'Bookings' },
    to: { email: 'ann@guest.example' },
    subject,
    text: 'See you.',
    html: '<p>See you.</p>',
    headers: { 'X-Dedupe-Key': subject },
    customArgs: { dedupeKey: subject },
  };
}

describe('the mail outbox', () => {
  const store = testFirestore();
  // random() = 1: the longest wait of each backoff step, so times are exact.
  const outbox = new MailOutboxRepository(store.db, undefined, () => 1);

  beforeEach(() => store.clear());
  afterAll(() => store.db.terminate());

  /** A mail claimed and its first attempt failed, as the mailer leaves it. */
  async function enqueue(mail: MailRequest, dedupeKey: string, error: SendFailure, now: Date): Promise<{ id: string }> {
    const claim = await outbox.claimNew(mail, dedupeKey, now, 5 * MINUTE);
    await outbox.markAttemptFailed(claim.id, error, now, 10);
    return { id: claim.id };
  }

  it('claims a mail before its first attempt: pending, no attempt yet, due only once the lease has run out', async () => {
    const claim = await outbox.claimNew(request(), 'booking-0/host', T0, 5 * MINUTE);

    expect(claim).toEqual({ id: MailOutboxRepository.idFor('booking-0/host'), claimed: true });
    expect(await outbox.get(claim.id)).toEqual({
      id: claim.id,
      dedupeKey: 'booking-0/host',
      request: request(),
      status: 'pending',
      attempts: 0,
      lastError: null,
      nextAttemptAt: at(5),
      createdAt: T0,
      updatedAt: T0,
    });
    expect(await outbox.due(at(4), 10)).toEqual([]);
    expect((await outbox.due(at(5), 10)).map((m) => m.id)).toEqual([claim.id]);
  });

  it('keeps a queued mail with its request, the error, one attempt and a first retry a minute later', async () => {
    const { id } = await enqueue(request(), 'booking-1/host', UNAVAILABLE, T0);

    expect(await outbox.get(id)).toEqual({
      id,
      dedupeKey: 'booking-1/host',
      request: request(),
      status: 'pending',
      attempts: 1,
      lastError: UNAVAILABLE,
      nextAttemptAt: at(1),
      createdAt: T0,
      updatedAt: T0,
    });
  });

  it('lets one claim of a dedupe key through, whenever and however concurrently the others come, keeping the first document', async () => {
    const claims = await Promise.all(['first', 'second', 'third'].map((subject) => outbox.claimNew(request(subject), 'booking-2/guest', T0, MINUTE)));
    const later = await outbox.claimNew(request('later'), 'booking-2/guest', at(60), MINUTE);

    expect(claims.filter((c) => c.claimed)).toHaveLength(1);
    expect(claims.filter((c) => !c.claimed)).toEqual([expect.objectContaining({ status: 'pending' }), expect.objectContaining({ status: 'pending' })]);
    const all = await store.db.collection('mailOutbox').get();
    expect(all.size).toBe(1);
    const won = ['first', 'second', 'third'][claims.findIndex((c) => c.claimed)];
    expect((await outbox.get(later.id))?.request.subject).toBe(won);
    await outbox.markSent(later.id, at(61));
    expect(await outbox.claimNew(request(), 'booking-2/guest', at(62), MINUTE)).toEqual({ id: later.id, claimed: false, status: 'sent' });
  });

  it('stores a mail SendGrid refused for good as failed, so it is never due', async () => {
    const { id } = await enqueue(request(), 'booking-3/guest', REFUSED, T0);

    expect((await outbox.get(id))?.status).toBe('failed');
    expect(await outbox.due(at(600), 10)).toEqual([]);
  });

  it('finds a mail by its dedupe key', async () => {
    const { id } = await enqueue(request(), 'booking-4/host', UNAVAILABLE, T0);

    expect((await outbox.findByDedupeKey('booking-4/host'))?.id).toBe(id);
    expect(await outbox.findByDedupeKey('booking-5/host')).toBeUndefined();
  });

  it('returns as due only pending mail whose time has come, longest waiting first, up to the limit', async () => {
    const early = await enqueue(request('early'), 'early', UNAVAILABLE, T0); // due at 1 min
    const later = await enqueue(request('later'), 'later', UNAVAILABLE, at(2)); // due at 3 min
    await enqueue(request('future'), 'future', UNAVAILABLE, at(10)); // due at 11 min
    const sent = await enqueue(request('sent'), 'sent', UNAVAILABLE, T0);
    await outbox.markSent(sent.id, at(1));
    await enqueue(request('refused'), 'refused', REFUSED, T0);

    expect((await outbox.due(at(5), 10)).map((m) => m.id)).toEqual([early.id, later.id]);
    expect((await outbox.due(at(5), 1)).map((m) => m.id)).toEqual([early.id]);
    expect((await outbox.due(at(3), 10)).map((m) => m.id)).toEqual([early.id, later.id]);
    expect(await outbox.due(at(0.5), 10)).toEqual([]);
  });

  it('waits twice as long after each further failed attempt, up to an hour', async () => {
    const { id } = await enqueue(request(), 'backoff', UNAVAILABLE, T0);
    const waits: number[] = [];
    let now = T0;
    for (let attempt = 2; attempt <= 9; attempt++) {
      now = (await outbox.get(id))?.nextAttemptAt ?? now;
      expect(await outbox.markAttemptFailed(id, UNAVAILABLE, now, 20)).toBe('pending');
      const next = (await outbox.get(id))?.nextAttemptAt ?? now;
      waits.push((next.getTime() - now.getTime()) / MINUTE);
    }

    expect(waits).toEqual([2, 4, 8, 16, 32, 60, 60, 60]);
    expect((await outbox.get(id))?.attempts).toBe(9);
  });

  it('gives a mail up as failed on its last allowed attempt, keeping the last error', async () => {
    const { id } = await enqueue(request(), 'give-up', UNAVAILABLE, T0);
    const throttled: SendFailure = { status: 429, message: 'Too Many Requests', permanent: false };

    expect(await outbox.markAttemptFailed(id, UNAVAILABLE, at(1), 3)).toBe('pending');
    expect(await outbox.markAttemptFailed(id, throttled, at(3), 3)).toBe('failed');
    expect(await outbox.get(id)).toMatchObject({ status: 'failed', attempts: 3, lastError: throttled, updatedAt: at(3) });
    expect(await outbox.due(at(1000), 10)).toEqual([]);
  });

  it('gives a mail up at once when a retry is refused for good', async () => {
    const { id } = await enqueue(request(), 'refused-later', UNAVAILABLE, T0);

    expect(await outbox.markAttemptFailed(id, REFUSED, at(1), 10)).toBe('failed');
  });

  it('marks a mail sent, after which it is never due and a late failure does not reopen it', async () => {
    const { id } = await enqueue(request(), 'sent-once', UNAVAILABLE, T0);
    await outbox.markSent(id, at(1));

    expect(await outbox.get(id)).toMatchObject({ status: 'sent', attempts: 2, updatedAt: at(1) });
    expect(await outbox.markAttemptFailed(id, UNAVAILABLE, at(2), 10)).toBe('sent');
    expect(await outbox.due(at(1000), 10)).toEqual([]);
  });

  it('lets one claimant of a due mail have it until its lease runs out', async () => {
    const { id } = await enqueue(request(), 'claimed', UNAVAILABLE, T0);

    expect(await outbox.claim(id, at(0.5), 5 * MINUTE)).toBeUndefined();
    const [first, second] = await Promise.all([outbox.claim(id, at(1), 5 * MINUTE), outbox.claim(id, at(1), 5 * MINUTE)]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    expect(await outbox.claim(id, at(5), 5 * MINUTE)).toBeUndefined();
    expect(await outbox.claim(id, at(6), 5 * MINUTE)).toMatchObject({ id, nextAttemptAt: at(11) });
  });

  it('says which mail is missing when asked to update one that does not exist', async () => {
    await expect(outbox.markSent('nope', T0)).rejects.toThrow(OutboxMailNotFound);
    await expect(outbox.markAttemptFailed('nope', UNAVAILABLE, T0, 3)).rejects.toThrow(OutboxMailNotFound);
    await expect(outbox.claim('nope', T0, MINUTE)).rejects.toThrow(OutboxMailNotFound);
  });
});
