// The renewChannels function over HTTP: only Cloud Scheduler's OIDC token starts a run (checked
// here with signature verification, as when deployed public, against the Google emulator's
// certificates), and a run answers with its summary.
import { SigningKeys } from '../../../infra/local/google-calendar-emulator/signing-keys';
import { startSystem, type TestSystem } from '../../support/system';

jest.setTimeout(60_000);

const SCHEDULER = 'renewal-scheduler@demo-calendar-invites.iam.gserviceaccount.com';
let sys: TestSystem;
let url: string;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true', SCHEDULER_AUTH: 'verify', SCHEDULER_SERVICE_ACCOUNT: SCHEDULER });
  url = `${sys.functionsUrl}/renewChannels`;
});
afterAll(() => sys.close());

async function oidcToken(claims: { email?: string; audience?: string; issuedAtMs?: number; lifetimeSeconds?: number } = {}): Promise<string> {
  const { token } = await sys.control<{ token: string }>('/oidc-token', { email: SCHEDULER, audience: url, ...claims });
  return token;
}

function call(authorization?: string, method = 'POST'): Promise<Response> {
  return fetch(url, { method, headers: authorization ? { authorization } : {} });
}

async function runRecorded(): Promise<boolean> {
  return (await sys.db.collection('upkeep').doc('renewChannels').get()).exists;
}

function claimsPart(token: string): string {
  return token.split('.')[1]!;
}

describe('who may start a run', () => {
  it('refuses anything but the scheduler, and runs nothing', async () => {
    const now = Date.now();
    const valid = await oidcToken();
    const foreignKeys = await SigningKeys.generate(now);
    const nowS = Math.floor(now / 1000);
    const forged = foreignKeys.signJwt({ iss: 'https://accounts.google.com', aud: url, azp: '1', sub: '1', email: SCHEDULER, email_verified: true, iat: nowS, exp: nowS + 3600 });
    const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');

    const cases: [string, string | undefined, number][] = [
      ['no token', undefined, 401],
      ['not a bearer token', 'Basic c2NoZWR1bGVyOnB3', 401],
      ['another audience', `Bearer ${await oidcToken({ audience: `${sys.functionsUrl}/booking` })}`, 403],
      ['another service account', `Bearer ${await oidcToken({ email: 'intruder@demo-calendar-invites.iam.gserviceaccount.com' })}`, 403],
      ['expired', `Bearer ${await oidcToken({ issuedAtMs: now - 2 * 3600_000, lifetimeSeconds: 3600 })}`, 401],
      ['unsigned (alg none), right claims', `Bearer ${noneHeader}.${claimsPart(valid)}.`, 401],
      ['the right claims with the signature cut off', `Bearer ${valid.split('.').slice(0, 2).join('.')}.`, 401],
      ['signed with a key Google never published', `Bearer ${forged}`, 401],
    ];
    for (const [name, authorization, status] of cases) {
      const res = await call(authorization);
      expect({ name, status: res.status }).toEqual({ name, status });
      const body = (await res.json()) as { error: string; message: string };
      expect(body.error).toBe(status === 401 ? 'unauthenticated' : 'forbidden');
      expect(body.message).toEqual(expect.any(String));
    }
    expect(await runRecorded()).toBe(false);
  });

  it('answers 405 to anything but POST', async () => {
    const res = await call(`Bearer ${await oidcToken()}`, 'GET');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it("runs on the scheduler's valid token and answers with the run's summary", async () => {
    const host = await sys.createHost();
    expect(await sys.control<unknown[]>('/channels')).toEqual([]);

    const res = await call(`Bearer ${await oidcToken()}`);
    expect(res.status).toBe(200);
    const summary = (await res.json()) as Record<string, unknown>;
    expect(summary).toMatchObject({ renewed: 0, healed: 1, failed: 0, remaining: 0, skipped: false });
    for (const key of ['reconciled', 'mailed', 'durationMs']) expect(summary[key]).toEqual(expect.any(Number));
    // The heal gave the host's default calendar the channel it lacked.
    const live = await sys.control<{ calendarId: string }[]>('/channels');
    expect(live.map((c) => c.calendarId)).toEqual([host.calendarId]);
    expect(await runRecorded()).toBe(true);
  });
});
