import { X509Certificate } from 'node:crypto';
import { CLIENT_ID, CLIENT_SECRET, failureOf, HOUR_MS, useEmulator, type Emulator } from './harness';

const REDIRECT_URI = 'http://127.0.0.1:9/oauth/callback';

async function tokenRequest(emulator: Emulator, form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${emulator.url}/token`, { method: 'POST', body: new URLSearchParams(form) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function consent(emulator: Emulator, query: Record<string, string>): Promise<Response> {
  return fetch(`${emulator.url}/o/oauth2/v2/auth?${new URLSearchParams(query).toString()}`, { redirect: 'manual' });
}

async function codeFor(emulator: Emulator, query: Record<string, string> = {}): Promise<URL> {
  const response = await consent(emulator, {
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid email https://www.googleapis.com/auth/calendar',
    state: 'xyz',
    access_type: 'offline',
    prompt: 'consent',
    ...query,
  });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location') ?? '');
}

describe('the emulator OAuth server', () => {
  const emulator = useEmulator();
  beforeEach(() => emulator().reset());

  it('trades a refresh token for an access token that lives 3599 seconds', async () => {
    const account = await emulator().createAccount('host@example.com');
    const answer = await tokenRequest(emulator(), {
      grant_type: 'refresh_token',
      refresh_token: account.refreshToken,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, scope: 'https://www.googleapis.com/auth/calendar' });
    expect(answer.body.access_token).toEqual(expect.any(String));
  });

  it('lets the real client call the API with the access token it refreshed', async () => {
    const account = await emulator().createAccount('host@example.com');
    const { api } = emulator().calendarFor(account);
    const list = await api.calendarList.list();
    expect(list.data.items?.map((item) => item.id)).toEqual(['host@example.com']);
  });

  it('refuses an access token once the emulator clock passes its expiry, and a new one works', async () => {
    const account = await emulator().createAccount('host@example.com');
    const { auth } = emulator().calendarFor(account);
    const { token } = await auth.getAccessToken();
    const call = (accessToken: string | null | undefined): Promise<Response> =>
      fetch(`${emulator().url}/calendar/v3/users/me/calendarList`, { headers: { authorization: `Bearer ${accessToken ?? ''}` } });
    expect((await call(token)).status).toBe(200);
    await emulator().control('POST', 'clock', { advanceMs: 3599 * 1000 });
    const expired = await call(token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: { code: 401, errors: [{ reason: 'authError' }], status: 'UNAUTHENTICATED' } });
    const refreshed = await auth.refreshAccessToken();
    expect((await call(refreshed.credentials.access_token)).status).toBe(200);
  });

  it('answers 401 in Google shape to a call without a token or with an unknown one', async () => {
    const missing = await fetch(`${emulator().url}/calendar/v3/users/me/calendarList`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    expect(await missing.json()).toMatchObject({ error: { code: 401, errors: [{ domain: 'global', reason: 'required' }] } });
    const unknown = await fetch(`${emulator().url}/calendar/v3/users/me/calendarList`, { headers: { authorization: 'Bearer ya29.nothing' } });
    expect(await unknown.json()).toMatchObject({ error: { code: 401, message: 'Invalid Credentials', errors: [{ reason: 'authError' }] } });
  });

  it('answers invalid_grant to a refresh token revoked through the control API, and 401 to its access tokens', async () => {
    const account = await emulator().createAccount('host@example.com');
    const { api, auth } = emulator().calendarFor(account);
    await api.calendarList.list();
    expect((await emulator().control('POST', 'accounts/host@example.com/revoke')).status).toBe(200);
    expect((await failureOf(api.calendarList.list())).status).toBe(401);
    const refresh = await failureOf(auth.refreshAccessToken());
    expect(refresh.status).toBe(400);
    expect(refresh.body).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
  });

  it('answers invalid_grant to an unknown refresh token', async () => {
    const answer = await tokenRequest(emulator(), { grant_type: 'refresh_token', refresh_token: '1//0unknown', client_id: 'a', client_secret: 'b' });
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('accepts any client id and secret but answers 401 invalid_client when either is missing', async () => {
    const account = await emulator().createAccount('host@example.com');
    const withBasic = await fetch(`${emulator().url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('any-id:any-secret').toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: account.refreshToken }),
    });
    expect(withBasic.status).toBe(200);
    const noSecret = await tokenRequest(emulator(), { grant_type: 'refresh_token', refresh_token: account.refreshToken, client_id: 'x' });
    expect(noSecret).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const noId = await tokenRequest(emulator(), { grant_type: 'refresh_token', refresh_token: account.refreshToken, client_secret: 'x' });
    expect(noId).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('answers unsupported_grant_type to another grant', async () => {
    const answer = await tokenRequest(emulator(), { grant_type: 'password', client_id: 'a', client_secret: 'b' });
    expect(answer).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
  });

  it('revokes a refresh token through POST /revoke, as Google revoke endpoint does', async () => {
    const account = await emulator().createAccount('host@example.com');
    const revoked = await fetch(`${emulator().url}/revoke?token=${encodeURIComponent(account.refreshToken)}`, { method: 'POST' });
    expect(revoked.status).toBe(200);
    const answer = await tokenRequest(emulator(), { grant_type: 'refresh_token', refresh_token: account.refreshToken, client_id: 'a', client_secret: 'b' });
    expect(answer.body.error).toBe('invalid_grant');
    const again = await fetch(`${emulator().url}/revoke?token=${encodeURIComponent(account.refreshToken)}`, { method: 'POST' });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_token', error_description: 'Token expired or revoked' });
  });

  it('revoking an access token with the real client also revokes its refresh token', async () => {
    const account = await emulator().createAccount('host@example.com');
    const { auth } = emulator().calendarFor(account);
    const { token } = await auth.getAccessToken();
    await auth.revokeToken(token as string);
    expect((await failureOf(auth.refreshAccessToken())).body).toMatchObject({ error: 'invalid_grant' });
  });

  describe('the consent page and the code exchange', () => {
    it('approves at once for the account named by login_hint and redirects with the code and state', async () => {
      await emulator().createAccount('first@example.com');
      await emulator().createAccount('second@example.com');
      const redirect = await codeFor(emulator(), { login_hint: 'FIRST@example.com' });
      expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT_URI);
      expect(redirect.searchParams.get('state')).toBe('xyz');
      const { tokens } = await emulator().oauthClient().getToken({ code: redirect.searchParams.get('code') as string, redirect_uri: REDIRECT_URI });
      const ticket = await emulator().oauthClient().verifyIdToken({ idToken: tokens.id_token as string, audience: CLIENT_ID });
      expect(ticket.getPayload()?.email).toBe('first@example.com');
    });

    it('signs in the most recently created account when there is no login_hint', async () => {
      await emulator().createAccount('first@example.com');
      await emulator().createAccount('second@example.com');
      const redirect = await codeFor(emulator());
      const { tokens } = await emulator().oauthClient().getToken({ code: redirect.searchParams.get('code') as string, redirect_uri: REDIRECT_URI });
      const ticket = await emulator().oauthClient().verifyIdToken({ idToken: tokens.id_token as string, audience: CLIENT_ID });
      expect(ticket.getPayload()?.email).toBe('second@example.com');
    });

    it('exchanges a code for a refresh token, the scope and an id_token the real client verifies against the certs', async () => {
      await emulator().createAccount('host@example.com', 'Host Person');
      const redirect = await codeFor(emulator());
      const client = emulator().oauthClient();
      const { tokens } = await client.getToken({ code: redirect.searchParams.get('code') as string, redirect_uri: REDIRECT_URI });
      expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'openid email https://www.googleapis.com/auth/calendar' });
      expect(tokens.refresh_token).toEqual(expect.any(String));
      const ticket = await client.verifyIdToken({ idToken: tokens.id_token as string, audience: CLIENT_ID });
      const payload = ticket.getPayload();
      expect(payload).toMatchObject({ iss: 'https://accounts.google.com', aud: CLIENT_ID, email: 'host@example.com', email_verified: true });
      expect(payload?.sub).toMatch(/^\d{21}$/);
      expect((payload?.exp ?? 0) - (payload?.iat ?? 0)).toBe(3600);

      client.setCredentials({ refresh_token: tokens.refresh_token as string });
      expect((await client.refreshAccessToken()).credentials.access_token).toEqual(expect.any(String));
    });

    it('serves the signing key as an X.509 PEM map on v1 and as a JWK set on v3', async () => {
      await emulator().createAccount('host@example.com');
      const redirect = await codeFor(emulator());
      const { tokens } = await emulator().oauthClient().getToken({ code: redirect.searchParams.get('code') as string, redirect_uri: REDIRECT_URI });
      const header = JSON.parse(Buffer.from((tokens.id_token as string).split('.')[0] as string, 'base64url').toString()) as { kid: string; alg: string };
      expect(header.alg).toBe('RS256');
      const pems = (await (await fetch(`${emulator().url}/oauth2/v1/certs`)).json()) as Record<string, string>;
      const certificate = new X509Certificate(pems[header.kid] as string);
      expect(certificate.verify(certificate.publicKey)).toBe(true);
      const jwks = (await (await fetch(`${emulator().url}/oauth2/v3/certs`)).json()) as { keys: { kid: string; kty: string; alg: string }[] };
      expect(jwks.keys).toEqual([expect.objectContaining({ kid: header.kid, kty: 'RSA', alg: 'RS256' })]);
    });

    it('accepts a code once only', async () => {
      await emulator().createAccount('host@example.com');
      const code = (await codeFor(emulator())).searchParams.get('code') as string;
      const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET };
      expect((await tokenRequest(emulator(), form)).status).toBe(200);
      expect(await tokenRequest(emulator(), form)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    });

    it('refuses a code presented with another redirect_uri', async () => {
      await emulator().createAccount('host@example.com');
      const code = (await codeFor(emulator())).searchParams.get('code') as string;
      const answer = await tokenRequest(emulator(), {
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'http://127.0.0.1:9/elsewhere',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      });
      expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    });

    it('refuses a code ten minutes after it was given', async () => {
      await emulator().createAccount('host@example.com');
      const code = (await codeFor(emulator())).searchParams.get('code') as string;
      await emulator().control('POST', 'clock', { advanceMs: 10 * 60 * 1000 });
      const answer = await tokenRequest(emulator(), {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      });
      expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    });

    it.each([
      ['client_id', { redirect_uri: REDIRECT_URI, response_type: 'code' }],
      ['redirect_uri', { client_id: CLIENT_ID, response_type: 'code' }],
      ['response_type', { client_id: CLIENT_ID, redirect_uri: REDIRECT_URI }],
    ])('shows a 400 page naming the missing %s', async (missing, query) => {
      await emulator().createAccount('host@example.com');
      const response = await consent(emulator(), query);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(await response.text()).toContain(missing);
    });

    it('shows a 400 page when no account exists to sign in with', async () => {
      const response = await consent(emulator(), { client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code' });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('POST /emulator/v1/accounts');
    });
  });

  it('gives an id_token whose times follow the emulator clock', async () => {
    await emulator().createAccount('host@example.com');
    await emulator().control('POST', 'clock', { nowMs: Date.UTC(2031, 0, 1) });
    const code = (await codeFor(emulator())).searchParams.get('code') as string;
    const answer = await tokenRequest(emulator(), { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    const payload = JSON.parse(Buffer.from(String(answer.body.id_token).split('.')[1] as string, 'base64url').toString()) as { iat: number };
    expect(payload.iat * 1000).toBeGreaterThanOrEqual(Date.UTC(2031, 0, 1));
    expect(payload.iat * 1000).toBeLessThan(Date.UTC(2031, 0, 1) + HOUR_MS);
  });
});
