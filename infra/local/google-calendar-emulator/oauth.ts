// Google's OAuth 2.0 server, reduced to what a web-server app uses ("Using OAuth 2.0 for Web Server
// Applications"): authorization codes from the consent page, the token endpoint's
// `authorization_code` and `refresh_token` grants, bearer access tokens that live 3599 s, and revocation.
import { randomBytes } from 'node:crypto';
import type { Account, Accounts } from './accounts';
import type { EmulatorClock } from './clock';
import { GoogleApiError, OAuthError } from './errors';
import type { SigningKeys } from './signing-keys';

export const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar';
const ACCESS_TOKEN_LIFETIME_S = 3599;
const CODE_LIFETIME_MS = 10 * 60 * 1000;
const ID_TOKEN_LIFETIME_S = 3600;
const GOOGLE_ISSUER = 'https://accounts.google.com';

interface RefreshGrant {
  email: string;
  scope: string;
  clientId: string | undefined;
  accessTokens: Set<string>;
}

interface AccessGrant {
  email: string;
  refreshToken: string;
  expiresAtMs: number;
}

interface AuthorizationCode {
  email: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  expiresAtMs: number;
}

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  scope: string;
  token_type: 'Bearer';
  refresh_token?: string;
  id_token?: string;
}

export interface ConsentRequest {
  account: Account;
  clientId: string;
  redirectUri: string;
  scope: string;
}

function opaque(prefix: string, bytes: number): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

export class OAuthServer {
  private readonly refreshGrants = new Map<string, RefreshGrant>();
  private readonly refreshTokensByEmail = new Map<string, Set<string>>();
  private readonly accessGrants = new Map<string, AccessGrant>();
  private readonly codes = new Map<string, AuthorizationCode>();

  constructor(
    private readonly clock: EmulatorClock,
    private readonly accounts: Accounts,
    private readonly keys: SigningKeys,
  ) {}

  issueRefreshToken(account: Account, scope = CALENDAR_SCOPE, clientId?: string): string {
    const token = opaque('1//0', 48);
    this.refreshGrants.set(token, { email: account.email, scope, clientId, accessTokens: new Set() });
    let owned = this.refreshTokensByEmail.get(account.email);
    if (!owned) this.refreshTokensByEmail.set(account.email, (owned = new Set()));
    owned.add(token);
    return token;
  }

  /** Revokes every refresh token of the account, and with them their access tokens. */
  revokeAccount(email: string): void {
    for (const token of this.refreshTokensByEmail.get(email) ?? []) this.revokeRefreshToken(token);
  }

  /**
   * Google's revoke endpoint takes a refresh or an access token; revoking an access token also
   * revokes the refresh token it came from ("Revoking a token"). Answers false for an unknown token.
   */
  revoke(token: string): boolean {
    if (this.refreshGrants.has(token)) {
      this.revokeRefreshToken(token);
      return true;
    }
    const access = this.accessGrants.get(token);
    if (!access) return false;
    this.revokeRefreshToken(access.refreshToken);
    return true;
  }

  private revokeRefreshToken(token: string): void {
    const grant = this.refreshGrants.get(token);
    if (!grant) return;
    for (const access of grant.accessTokens) this.accessGrants.delete(access);
    this.refreshGrants.delete(token);
    this.refreshTokensByEmail.get(grant.email)?.delete(token);
  }

  createCode(request: ConsentRequest): string {
    const code = opaque('4/0', 32);
    this.codes.set(code, {
      email: request.account.email,
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      scope: request.scope,
      expiresAtMs: this.clock.now() + CODE_LIFETIME_MS,
    });
    return code;
  }

  /** The token endpoint. `form` is the request body; `basicAuth` the client from an HTTP Basic header. */
  exchange(form: URLSearchParams, basicAuth: { clientId: string; clientSecret: string } | undefined): TokenResponse {
    const clientId = form.get('client_id') || basicAuth?.clientId;
    const clientSecret = form.get('client_secret') || basicAuth?.clientSecret;
    if (!clientId || !clientSecret) throw new OAuthError(401, 'invalid_client', 'The OAuth client was not found.');
    const grantType = form.get('grant_type');
    if (grantType === 'refresh_token') return this.refreshGrant(required(form, 'refresh_token'));
    if (grantType === 'authorization_code') return this.codeGrant(required(form, 'code'), clientId, form.get('redirect_uri'));
    throw new OAuthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
  }

  private refreshGrant(refreshToken: string): TokenResponse {
    const grant = this.refreshGrants.get(refreshToken);
    const account = grant && this.accounts.find(grant.email);
    if (!grant || !account) throw new OAuthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    const response = this.accessTokenFor(refreshToken, grant);
    // An id_token comes back on refresh only when the grant included OpenID scopes.
    if (grant.clientId && grant.scope.split(' ').includes('openid')) response.id_token = this.idToken(account, grant.clientId);
    return response;
  }

  private codeGrant(code: string, clientId: string, redirectUri: string | null): TokenResponse {
    const pending = this.codes.get(code);
    if (!pending || pending.expiresAtMs <= this.clock.now() || pending.clientId !== clientId) {
      throw new OAuthError(400, 'invalid_grant', 'Bad Request');
    }
    // RFC 6749 §4.1.3: the redirect_uri must be the one the authorization request used.
    if (redirectUri !== pending.redirectUri) throw new OAuthError(400, 'invalid_grant', 'Bad Request');
    const account = this.accounts.find(pending.email);
    if (!account) throw new OAuthError(400, 'invalid_grant', 'Bad Request');
    this.codes.delete(code);
    const refreshToken = this.issueRefreshToken(account, pending.scope, clientId);
    const grant = this.refreshGrants.get(refreshToken) as RefreshGrant;
    return { ...this.accessTokenFor(refreshToken, grant), refresh_token: refreshToken, id_token: this.idToken(account, clientId) };
  }

  private accessTokenFor(refreshToken: string, grant: RefreshGrant): TokenResponse {
    const token = opaque('ya29.', 64);
    this.accessGrants.set(token, { email: grant.email, refreshToken, expiresAtMs: this.clock.now() + ACCESS_TOKEN_LIFETIME_S * 1000 });
    grant.accessTokens.add(token);
    return { access_token: token, expires_in: ACCESS_TOKEN_LIFETIME_S, scope: grant.scope, token_type: 'Bearer' };
  }

  private idToken(account: Account, clientId: string): string {
    const iat = Math.floor(this.clock.now() / 1000);
    return this.keys.signJwt({
      iss: GOOGLE_ISSUER,
      azp: clientId,
      aud: clientId,
      sub: account.subject,
      email: account.email,
      email_verified: true,
      name: account.name,
      iat,
      exp: iat + ID_TOKEN_LIFETIME_S,
    });
  }

  /** Resolves `Authorization: Bearer …` to its account, or answers 401 as the Calendar API does. */
  authenticate(authorization: string | undefined): Account {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) {
      throw new GoogleApiError(
        401,
        'required',
        'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
        { location: 'Authorization', locationType: 'header' },
      );
    }
    const grant = this.accessGrants.get(match[1]);
    if (grant && grant.expiresAtMs <= this.clock.now()) this.accessGrants.delete(match[1]);
    const account = grant && grant.expiresAtMs > this.clock.now() ? this.accounts.find(grant.email) : undefined;
    if (!account) throw new GoogleApiError(401, 'authError', 'Invalid Credentials', { location: 'Authorization', locationType: 'header' });
    return account;
  }

  clear(): void {
    this.refreshGrants.clear();
    this.refreshTokensByEmail.clear();
    this.accessGrants.clear();
    this.codes.clear();
  }
}

function required(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (!value) throw new OAuthError(400, 'invalid_request', `Missing required parameter: ${name}`);
  return value;
}
