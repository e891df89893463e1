// Abuse limits: a client address may book and view availability only so often, and requests
// waiting for a host are bounded per guest and per host; over a limit → 429 with Retry-After,
// decided before any Google call, counted in Firestore.
import { useClock } from '../../functions/services';
import { addressKey, clientKey, UNKNOWN_CLIENT } from '../../shared/abuse/client-address';
import { decideLimits, PENDING_RETRY_AFTER_SECONDS, windowAt, type LimitCheck, type LimitVerdict } from '../../shared/abuse/decide-limit';
import { ConfigError, parseConfig } from '../../shared/config';
import { decide, decisionLinks, tokenOf } from '../support/booking-client';
import { startSystem, type TestHost, type TestSystem } from '../support/system';

const NOW = new Date('2026-06-01T10:00:20.250Z');
const MINUTE_END = new Date('2026-06-01T10:01:00.000Z');

describe('the decision on a request against the limits', () => {
  const perMinute = (count: number, max = 30): LimitCheck => ({ name: 'booking_attempts_per_address', max, count, resetsAt: MINUTE_END });
  const pending = (name: 'pending_per_guest' | 'pending_per_host', count: number, max: number): LimitCheck => ({ name, max, count, resetsAt: null });

  it.each<[string, LimitCheck[], Date, LimitVerdict]>([
    ['no limits to meet → allowed', [], NOW, { allowed: true }],
    ['the first request of the minute → allowed', [perMinute(1)], NOW, { allowed: true }],
    ['the 30th of 30 → allowed: the limit itself is within it', [perMinute(30)], NOW, { allowed: true }],
    ['the 31st of 30 → refused until the minute ends, in whole seconds rounded up', [perMinute(31)], NOW, { allowed: false, name: 'booking_attempts_per_address', retryAfterSeconds: 40 }],
    ['over, with 0.2 s of the window left → wait 1 s, never 0', [perMinute(31)], new Date('2026-06-01T10:00:59.800Z'), { allowed: false, name: 'booking_attempts_per_address', retryAfterSeconds: 1 }],
    ['over, with a clock past the window end → wait 1 s', [perMinute(31)], new Date('2026-06-01T10:01:02Z'), { allowed: false, name: 'booking_attempts_per_address', retryAfterSeconds: 1 }],
    ['a guest within their waiting requests → allowed', [pending('pending_per_guest', 5, 5)], NOW, { allowed: true }],
    ['a guest over their waiting requests → refused, come back in an hour', [pending('pending_per_guest', 6, 5)], NOW, { allowed: false, name: 'pending_per_guest', retryAfterSeconds: PENDING_RETRY_AFTER_SECONDS }],
    ['a host over its waiting requests → refused', [pending('pending_per_guest', 1, 5), pending('pending_per_host', 101, 100)], NOW, { allowed: false, name: 'pending_per_host', retryAfterSeconds: 3600 }],
    ['over two limits → the longer wait, as retrying before both pass fails again', [perMinute(31), pending('pending_per_guest', 6, 5)], NOW, { allowed: false, name: 'pending_per_guest', retryAfterSeconds: 3600 }],
    ['over two per-minute limits → the later reset', [perMinute(31), { name: 'availability_views_per_address', max: 1, count: 2, resetsAt: new Date('2026-06-01T10:02:00Z') }], NOW, { allowed: false, name: 'availability_views_per_address', retryAfterSeconds: 100 }],
  ])('%s', (_case, checks, now, verdict) => {
    expect(decideLimits(checks, now)).toEqual(verdict);
  });

  it.each<[string, string, string]>([
    ['2026-06-01T10:00:20.250Z', '2026-06-01T10:00:00.000Z', '2026-06-01T10:01:00.000Z'],
    ['2026-06-01T10:00:00.000Z', '2026-06-01T10:00:00.000Z', '2026-06-01T10:01:00.000Z'],
    ['2026-06-01T10:00:59.999Z', '2026-06-01T10:00:00.000Z', '2026-06-01T10:01:00.000Z'],
  ])('puts %s in the minute window %s – %s, as every instance does', (now, start, end) => {
    expect(windowAt(new Date(now), 60_000)).toEqual({ start: new Date(start), end: new Date(end) });
  });
});

describe('who the client is', () => {
  it.each<[string, string | undefined, string | undefined, string]>([
    ["Google's entry alone", '203.0.113.7', '169.254.1.1', '203.0.113.7'],
    ['the right-most entry, which Google appended, not what the client wrote before it', '198.51.100.1, 10.0.0.1, 203.0.113.7', '169.254.1.1', '203.0.113.7'],
    ['a spoofed left entry changes nothing', '1.2.3.4,203.0.113.7', undefined, '203.0.113.7'],
    ['an IPv6 client by its /64, so rotating addresses in it does not help', '2001:db8:1:2:aaaa:bbbb:cccc:dddd', undefined, '2001:db8:1:2::/64'],
    ['an IPv6 client written short', 'x, 2001:db8::1', undefined, '2001:db8:0:0::/64'],
    ['an IPv4 client seen through IPv6', '::ffff:203.0.113.7', undefined, '203.0.113.7'],
    ['no header (the local dev server): the socket address', undefined, '::ffff:127.0.0.1', '127.0.0.1'],
    ['an entry that is no address: the socket address', 'not-an-address', '127.0.0.1', '127.0.0.1'],
    ['nothing readable at all', 'garbage', undefined, UNKNOWN_CLIENT],
  ])('%s', (_case, forwardedFor, socket, key) => {
    expect(clientKey(forwardedFor, socket)).toBe(key);
  });

  it('keys two addresses of one /64 alike and of two /64s apart', () => {
    expect(addressKey('2001:db8:0:1::1')).toBe(addressKey('2001:db8:0:1:ffff::2'));
    expect(addressKey('2001:db8:0:1::1')).not.toBe(addressKey('2001:db8:0:2::1'));
  });
});

describe('the limits are settings', () => {
  it('default to what a person never meets', () => {
    expect(parseConfig({}).limits).toEqual({ bookingAttemptsPerMinute: 30, availabilityViewsPerMinute: 60, pendingPerGuest: 5, pendingPerHost: 100 });
  });

  it('are whole numbers of at least 1', () => {
    expect(() => parseConfig({ LIMIT_PENDING_PER_GUEST: '0' })).toThrow(new ConfigError(['LIMIT_PENDING_PER_GUEST must be at least 1']));
    expect(() => parseConfig({ LIMIT_BOOKING_ATTEMPTS_PER_MINUTE: 'many' })).toThrow(new ConfigError(['LIMIT_BOOKING_ATTEMPTS_PER_MINUTE must be a whole number']));
  });
});

describe('the functions keep to the limits', () => {
  let sys: TestSystem;
  // The functions' clock, held still so a burst cannot straddle two minute windows.
  let now = Date.now();
  let clients = 0;

  beforeAll(async () => {
    sys = await startSystem({
      GOOGLE_INVITE_ENABLED: 'true',
      LIMIT_BOOKING_ATTEMPTS_PER_MINUTE: '5',
      LIMIT_AVAILABILITY_VIEWS_PER_MINUTE: '4',
      LIMIT_PENDING_PER_GUEST: '2',
      LIMIT_PENDING_PER_HOST: '3',
    });
    useClock(() => new Date(now));
  });
  afterAll(() => sys.close());

  /** A client address no other test uses. */
  const newClient = () => `203.0.113.${++clients}`;
  const googleCalls = async () => sys.control<{ total: number; byOperation: Record<string, number> }>('/requests');
  const secondsLeftInMinute = () => Math.ceil((Math.floor(now / 60_000) * 60_000 + 60_000 - now) / 1000);

  function view(client: string, host: TestHost): Promise<Response> {
    const from = new Date(now).toISOString().slice(0, 10);
    const to = new Date(now + 10 * 86_400_000).toISOString().slice(0, 10);
    return fetch(`${sys.functionsUrl}/booking/availability?host=${host.slug}&from=${from}&to=${to}`, { headers: { 'x-forwarded-for': client } });
  }

  async function freeStarts(host: TestHost): Promise<string[]> {
    const res = await view(newClient(), host);
    expect(res.status).toBe(200);
    return ((await res.json()) as { slots: { start: string }[] }).slots.map((s) => s.start).slice(4);
  }

  function bookAs(client: string, host: TestHost, start: string, guestEmail: string, key?: string): Promise<Response> {
    return fetch(`${sys.functionsUrl}/booking/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': client, ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify({ host: host.slug, start, guest: { name: 'Gina Guest', email: guestEmail, timezone: 'Europe/Berlin' } }),
    });
  }

  async function expectRefused(res: Response, limit: string, retryAfterSeconds: number): Promise<void> {
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe(String(retryAfterSeconds));
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ error: 'rate_limited', limit, retryAfterSeconds, message: expect.any(String) });
  }

  it('a burst of bookings from one address: 429 with Retry-After after the limit, nothing of the refused ones reaches Google or Firestore', async () => {
    const host = await sys.createHost({ autoConfirm: true });
    const starts = await freeStarts(host);
    const client = newClient();
    const answers: Response[] = [];
    for (let i = 0; i < 5; i += 1) answers.push(await bookAs(client, host, starts[i]!, `burst${i}@example.org`));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);

    const before = await googleCalls();
    for (let i = 5; i < 8; i += 1) await expectRefused(await bookAs(client, host, starts[i]!, `burst${i}@example.org`), 'booking_attempts_per_address', secondsLeftInMinute());
    expect(await googleCalls()).toEqual(before);
    expect((await sys.db.collection('slots').where('subscriberId', '==', host.id).get()).size).toBe(5);
    expect(before.byOperation['events.insert']).toBeGreaterThanOrEqual(5);

    // A client-written entry before Google's does not make it another client.
    await expectRefused(await bookAs(`198.51.100.77, ${client}`, host, starts[8]!, 'spoof@example.org'), 'booking_attempts_per_address', secondsLeftInMinute());

    now += secondsLeftInMinute() * 1000;
    expect((await bookAs(client, host, starts[8]!, 'next-minute@example.org')).status).toBe(201);
  });

  it('another address books while one is refused: addresses are counted apart', async () => {
    const host = await sys.createHost({ autoConfirm: true });
    const starts = await freeStarts(host);
    const [noisy, quiet] = [newClient(), newClient()];
    for (let i = 0; i < 5; i += 1) expect((await bookAs(noisy, host, starts[i]!, `noisy${i}@example.org`)).status).toBe(201);
    expect((await bookAs(noisy, host, starts[5]!, 'noisy5@example.org')).status).toBe(429);
    expect((await bookAs(quiet, host, starts[5]!, 'quiet@example.org')).status).toBe(201);
    expect((await bookAs('2001:db8:77:1::1', host, starts[6]!, 'v6@example.org')).status).toBe(201);
  });

  it('availability views from one address: 429 after the limit, with no freeBusy call for the refused', async () => {
    const host = await sys.createHost();
    const client = newClient();
    for (let i = 0; i < 4; i += 1) expect((await view(client, host)).status).toBe(200);
    const before = await googleCalls();
    await expectRefused(await view(client, host), 'availability_views_per_address', secondsLeftInMinute());
    await expectRefused(await view(client, host), 'availability_views_per_address', secondsLeftInMinute());
    expect(await googleCalls()).toEqual(before);
    expect((await view(newClient(), host)).status).toBe(200);
  });

  it('a guest with as many requests waiting as allowed is refused another until the host answers one', async () => {
    const host = await sys.createHost();
    const starts = await freeStarts(host);
    const first = await bookAs(newClient(), host, starts[0]!, 'waiting@example.org', 'waiting-1');
    expect(first.status).toBe(201);
    expect((await bookAs(newClient(), host, starts[1]!, 'waiting@example.org')).status).toBe(201);

    const before = await googleCalls();
    // Another address and another spelling of the same address change nothing.
    await expectRefused(await bookAs(newClient(), host, starts[2]!, 'Waiting@Example.ORG'), 'pending_per_guest', PENDING_RETRY_AFTER_SECONDS);
    expect(await googleCalls()).toEqual(before);
    expect((await sys.db.collection('slots').where('guest.email', '==', 'waiting@example.org').get()).size).toBe(2);

    // A retry of a request already made is answered as before, not counted as a new one.
    const retry = await bookAs(newClient(), host, starts[0]!, 'waiting@example.org', 'waiting-1');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    // Another guest is not held up by this one.
    expect((await bookAs(newClient(), host, starts[3]!, 'other@example.org')).status).toBe(201);

    const texts = (await sys.sinkMessages(host.email)).map((m) => m.content.find((c) => c.type === 'text/plain')?.value ?? '');
    const { deny } = decisionLinks(texts.find((t) => t.includes('<waiting@example.org>')) ?? '');
    expect((await decide(sys.functionsUrl, tokenOf(deny), 'deny')).status).toBe(200);
    expect((await bookAs(newClient(), host, starts[2]!, 'waiting@example.org')).status).toBe(201);
  });

  it('a host with as many requests waiting as allowed takes no more until it answers', async () => {
    const host = await sys.createHost();
    const starts = await freeStarts(host);
    for (let i = 0; i < 3; i += 1) expect((await bookAs(newClient(), host, starts[i]!, `guest${i}@example.org`)).status).toBe(201);
    const before = await googleCalls();
    await expectRefused(await bookAs(newClient(), host, starts[3]!, 'guest3@example.org'), 'pending_per_host', PENDING_RETRY_AFTER_SECONDS);
    expect(await googleCalls()).toEqual(before);
    // Another host is not affected.
    const other = await sys.createHost();
    expect((await bookAs(newClient(), other, (await freeStarts(other))[0]!, 'guest3@example.org')).status).toBe(201);
  });
});
