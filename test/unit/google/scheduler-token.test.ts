import { bearerToken, judgeClaims, SchedulerTokenVerifier, type SchedulerClaims } from '../../../shared/google/scheduler-token';

const expected = { audience: 'https://fn.example/renewChannels', serviceAccount: 'scheduler@acme.iam.gserviceaccount.com' };
const NOW_S = 1_800_000_000;
const valid: SchedulerClaims = { iss: 'https://accounts.google.com', aud: expected.audience, email: expected.serviceAccount, email_verified: true, exp: NOW_S + 600, iat: NOW_S - 60 };

function unsigned(claims: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

describe("the scheduler token's claims", () => {
  it.each<[string, string, Partial<SchedulerClaims>]>([
    ['the scheduler, for us', 'ok', {}],
    ['the legacy issuer spelling', 'ok', { iss: 'accounts.google.com' }],
    ['the email in capitals', 'ok', { email: expected.serviceAccount.toUpperCase() }],
    ['another issuer', '401', { iss: 'https://evil.example' }],
    ['expired', '401', { exp: NOW_S }],
    ['another audience', '403', { aud: 'https://fn.example/booking' }],
    ['another service account', '403', { email: 'someone@acme.iam.gserviceaccount.com' }],
    ['an unverified email', '403', { email_verified: false }],
    ['no email', '403', { email: undefined }],
  ])('%s → %s', (_case, outcome, change) => {
    const verdict = judgeClaims({ ...valid, ...change }, expected, NOW_S);
    expect(verdict.ok ? 'ok' : String(verdict.status)).toBe(outcome);
  });
});

describe('the bearer token of an Authorization header', () => {
  it('is read from "Bearer <jwt>" only', () => {
    expect(bearerToken('Bearer aaa.bbb.ccc')).toBe('aaa.bbb.ccc');
    expect(bearerToken('bearer aaa.bbb.')).toBe('aaa.bbb.');
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken('Bearer not-a-jwt')).toBeUndefined();
  });
});

describe('deployed private (iam): IAM checked the signature, we check the claims', () => {
  // No certificates are fetched in this mode: an unreachable certs URL proves it.
  const verifier = new SchedulerTokenVerifier({ ...expected, mode: 'iam', certsUrl: 'http://127.0.0.1:9/certs' }, () => NOW_S);

  it('accepts the scheduler token whose signature Cloud Run removed', async () => {
    const token = unsigned(valid).replace(/\.$/, '.SIGNATURE_REMOVED_BY_GOOGLE');
    await expect(verifier.check(`Bearer ${token}`)).resolves.toEqual({ ok: true, email: expected.serviceAccount });
  });

  it('refuses a missing, unreadable, foreign or expired token', async () => {
    await expect(verifier.check(undefined)).resolves.toMatchObject({ ok: false, status: 401 });
    await expect(verifier.check('Bearer a.b.c')).resolves.toMatchObject({ ok: false, status: 401 });
    await expect(verifier.check(`Bearer ${unsigned({ ...valid, aud: 'https://other.example' })}`)).resolves.toMatchObject({ ok: false, status: 403 });
    await expect(verifier.check(`Bearer ${unsigned({ ...valid, exp: NOW_S - 1 })}`)).resolves.toMatchObject({ ok: false, status: 401 });
  });
});
