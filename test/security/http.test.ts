// Hostile input over real HTTP, against the whole system: bodies too big, too deep, in the wrong
// bytes or charset; push notifications for channel ids we could never have made; scheduler tokens
// that are unsigned, foreign or for someone else. Each is refused in our own JSON shape (never
// Express's HTML page), at once, and nothing is written to Firestore.
import { deflateSync, gzipSync } from 'node:zlib';
import { DecisionLinks } from '../../shared/booking/decision-links';
import { SigningKeys } from '../../infra/local/google-calendar-emulator/signing-keys';
import { book, freeSlot, GUEST } from '../support/booking-client';
import { startSystem, type TestHost, type TestSystem } from '../support/system';
import { claimBody, documentsOf, LEAKS, sendBytes, streamBody, type RawAnswer } from './hostile-client';

jest.setTimeout(60_000);

const MiB = 1024 * 1024;
const SCHEDULER = 'renewal-scheduler@demo-calendar-invites.iam.gserviceaccount.com';
const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

let sys: TestSystem;
let host: TestHost;
/** A booking any lenient parser would accept and act on: refusing it must be what stops it. */
let booking: Record<string, unknown>;
/** A confirm a lenient parser would carry out, for a booking that is still requested. */
let decision: { token: string; action: 'confirm' };

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true', SCHEDULER_AUTH: 'verify', SCHEDULER_SERVICE_ACCOUNT: SCHEDULER });
  host = await sys.createHost();
  const [first, second] = [await freeSlot(sys.functionsUrl, host.slug, 0), await freeSlot(sys.functionsUrl, host.slug, 1)];
  const made = await book(sys.functionsUrl, { host: host.slug, start: first.start });
  expect(made.status).toBe(201);
  const { slotId } = (await made.json()) as { slotId: string };
  const links = new DecisionLinks(sys.env.LINK_SIGNING_SECRET ?? 'local-development-link-signing-secret-0123456789', sys.functionsUrl);
  decision = { token: links.token(slotId, 'confirm', new Date(Date.now() + 86_400_000)), action: 'confirm' };
  booking = { host: host.slug, start: second.start, guest: GUEST };
});
afterAll(() => sys.close());

const url = (path: string) => `${sys.functionsUrl}${path}`;

/** A refusal in our JSON shape, with nothing in it that tells how the server is built. */
function expectRefusal(answer: RawAnswer, status: number, error: string): void {
  expect({ status: answer.status, type: answer.headers['content-type'] }).toEqual({ status, type: expect.stringMatching(/^application\/json/) });
  expect((JSON.parse(answer.text) as { error: string }).error).toBe(error);
  expect(answer.text).not.toMatch(LEAKS);
}

/** Runs `act` and checks that no document was created, changed or deleted meanwhile. */
async function writesNothing<T>(act: () => Promise<T>): Promise<T> {
  const before = await documentsOf(sys.db);
  const result = await act();
  expect(await documentsOf(sys.db)).toEqual(before);
  return result;
}

const ENDPOINTS: [string, string][] = [
  ['booking', '/booking/bookings'],
  ['decision', '/decision'],
  ['accounts', '/accounts/settings'],
  ['googleWebhook', '/googleWebhook'],
  ['renewChannels', '/renewChannels'],
];

describe("a body over its function's limit is refused with 413 before it is read", () => {
  it.each(ENDPOINTS)('%s: by its Content-Length, without waiting for a byte of it', async (_name, path) => {
    const answer = await writesNothing(() => claimBody(url(path), 64 * MiB, { 'content-type': JSON_TYPE }));
    expectRefusal(answer, 413, 'payload_too_large');
  });

  it.each(ENDPOINTS)('%s: streamed without a length, answered before the body ends', async (_name, path) => {
    // 1 MiB and then nothing more, the request left open: only a refusal before the end answers.
    const answer = await writesNothing(() => streamBody(url(path), MiB, { 'content-type': JSON_TYPE }));
    expectRefusal(answer, 413, 'payload_too_large');
  });
});

type HostileBody = [name: string, headers: Record<string, string>, body: () => Buffer, status: number, error: string];

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
const nested = (depth: number) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown;

/** Hostile versions of a JSON body that would otherwise be acted on. */
function hostileJson(valid: () => Record<string, unknown>): HostileBody[] {
  return [
    ['malformed JSON', { 'content-type': JSON_TYPE }, () => json(valid()).subarray(0, 20), 400, 'invalid_request'],
    ['JSON nested 1,000 deep', { 'content-type': JSON_TYPE }, () => json({ ...valid(), extra: nested(1000) }), 400, 'invalid_request'],
    ['bytes that are not UTF-8', { 'content-type': JSON_TYPE }, () => Buffer.concat([json(valid()).subarray(0, -1), Buffer.from(',"x":"\xff\xfe"}', 'latin1')]), 400, 'invalid_request'],
    ['charset ISO-8859-1', { 'content-type': `${JSON_TYPE}; charset=iso-8859-1` }, () => json(valid()), 415, 'unsupported_media_type'],
    ['charset UTF-16', { 'content-type': `${JSON_TYPE}; charset=utf-16le` }, () => Buffer.from(JSON.stringify(valid()), 'utf16le'), 415, 'unsupported_media_type'],
    ['an unknown charset', { 'content-type': `${JSON_TYPE}; charset=x-hostile` }, () => json(valid()), 415, 'unsupported_media_type'],
    ['gzip-compressed', { 'content-type': JSON_TYPE, 'content-encoding': 'gzip' }, () => gzipSync(json(valid())), 415, 'unsupported_media_type'],
    ['deflate-compressed', { 'content-type': JSON_TYPE, 'content-encoding': 'deflate' }, () => deflateSync(json(valid())), 415, 'unsupported_media_type'],
  ];
}

/** Hostile versions of a form that would otherwise be acted on. */
function hostileForm(valid: () => Record<string, string>): HostileBody[] {
  const form = () => new URLSearchParams(valid()).toString();
  return [
    ['a form in ISO-8859-1', { 'content-type': `${FORM_TYPE}; charset=iso-8859-1` }, () => Buffer.from(form()), 415, 'unsupported_media_type'],
    ['a form with bytes that are not UTF-8', { 'content-type': FORM_TYPE }, () => Buffer.from(`${form()}&x=\xff\xfe`, 'latin1'), 400, 'invalid_request'],
    ['a form naming a field twice', { 'content-type': FORM_TYPE }, () => Buffer.from(`${form()}&${form()}`), 400, 'invalid_request'],
    ['a gzip-compressed form', { 'content-type': FORM_TYPE, 'content-encoding': 'gzip' }, () => gzipSync(form()), 415, 'unsupported_media_type'],
  ];
}

describe('a body that is not what it says is refused in our JSON shape, and nothing is written', () => {
  it.each(hostileJson(() => booking))('booking: %s', async (_name, headers, body, status, error) => {
    expectRefusal(await writesNothing(() => sendBytes(url('/booking/bookings'), body(), headers)), status, error);
  });

  it.each([...hostileJson(() => decision), ...hostileForm(() => decision)])('decision: %s', async (_name, headers, body, status, error) => {
    expectRefusal(await writesNothing(() => sendBytes(url('/decision'), body(), headers)), status, error);
  });

  it.each(hostileForm(() => ({ calendarId: host.calendarId, autoConfirm: 'on', csrf: 'x' })))('accounts: %s', async (_name, headers, body, status, error) => {
    expectRefusal(await writesNothing(() => sendBytes(url('/accounts/settings'), body(), headers)), status, error);
  });

  it('the webhook and renewChannels take no body: a malformed one is not parsed, the request is judged as usual', async () => {
    const junk = Buffer.from('{"a":', 'utf8');
    expectRefusal(await writesNothing(() => sendBytes(url('/googleWebhook'), junk, { 'content-type': JSON_TYPE })), 400, 'invalid_request');
    expectRefusal(await writesNothing(() => sendBytes(url('/renewChannels'), junk, { 'content-type': JSON_TYPE })), 401, 'unauthenticated');
  });
});

describe('a push for a channel id we could never have made', () => {
  const pushHeaders = (channelId: string) => ({
    'x-goog-channel-id': channelId,
    'x-goog-channel-token': 'some-token',
    'x-goog-resource-id': 'some-resource',
    'x-goog-resource-state': 'exists',
    'x-goog-message-number': '7',
  });

  it.each([['a/b'], ['.'], ['..'], ['__x__'], ['__name__'], ['c'.repeat(65)], [`ch-${'a'.repeat(30)}/x`]])('%s: 404, nothing read or written', async (channelId) => {
    // That nothing is read is test/unit/sync/receive-push.test.ts's (a store that throws on any read).
    const answer = await writesNothing(() => sendBytes(url('/googleWebhook'), '', pushHeaders(channelId)));
    expect({ status: answer.status, text: answer.text }).toEqual({ status: 404, text: '' });
  });

  it('one of our shape that is not stored: 404, nothing written', async () => {
    const answer = await writesNothing(() => sendBytes(url('/googleWebhook'), '', pushHeaders(`ch-${'A'.repeat(32)}`)));
    expect(answer.status).toBe(404);
  });
});

describe('renewChannels checks the signature before any claim', () => {
  let runUrl: string;
  const oidcToken = async (claims: { email?: string; audience?: string; issuedAtMs?: number; lifetimeSeconds?: number } = {}) =>
    (await sys.control<{ token: string }>('/oidc-token', { email: SCHEDULER, audience: runUrl, ...claims })).token;
  const call = (authorization?: string) => sendBytes(runUrl, '', authorization ? { authorization } : {});
  beforeAll(() => {
    runUrl = url('/renewChannels');
  });

  it('an unsigned, foreign, expired or unreadable token is 401, all alike and with no detail', async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const foreign = await SigningKeys.generate(Date.now());
    const claims = { iss: 'https://accounts.google.com', azp: '1', sub: '1', email_verified: true, iat: nowS, exp: nowS + 3600 };
    const valid = await oidcToken();
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const cases: [string, string | undefined][] = [
      ['no token', undefined],
      ['not a bearer token', 'Basic c2NoZWR1bGVyOnB3'],
      ['junk', 'Bearer a.b.c'],
      ['unsigned (alg none) with the right claims', `Bearer ${none}.${valid.split('.')[1]}.`],
      ['signed by a key Google never published, right claims', `Bearer ${foreign.signJwt({ ...claims, aud: runUrl, email: SCHEDULER })}`],
      ['signed by a foreign key, for another audience', `Bearer ${foreign.signJwt({ ...claims, aud: 'https://elsewhere.example', email: SCHEDULER })}`],
      ['signed by a foreign key, from another account', `Bearer ${foreign.signJwt({ ...claims, aud: runUrl, email: 'intruder@example.com' })}`],
      ['validly signed but expired', `Bearer ${await oidcToken({ issuedAtMs: Date.now() - 2 * 3600_000, lifetimeSeconds: 3600 })}`],
    ];
    const answers = await writesNothing(async () => Promise.all(cases.map(async ([name, authorization]) => ({ name, answer: await call(authorization) }))));
    const [first] = answers;
    for (const { name, answer } of answers) {
      expect({ name, status: answer.status }).toEqual({ name, status: 401 });
      expectRefusal(answer, 401, 'unauthenticated');
      expect({ name, text: answer.text }).toEqual({ name, text: first!.answer.text });
    }
  });

  it('a validly signed token for another audience or account is 403, naming neither ours', async () => {
    const cases = [await oidcToken({ audience: url('/booking') }), await oidcToken({ email: 'intruder@demo-calendar-invites.iam.gserviceaccount.com' })];
    const answers = await writesNothing(async () => Promise.all(cases.map((token) => call(`Bearer ${token}`))));
    for (const answer of answers) {
      expectRefusal(answer, 403, 'forbidden');
      expect(answer.text).toBe(answers[0]!.text);
      for (const secret of [runUrl, sys.functionsUrl, SCHEDULER]) expect(answer.text).not.toContain(secret);
    }
  });
});
