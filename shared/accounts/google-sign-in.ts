// Google's OAuth 2.0 web-server flow, through google-auth-library's OAuth2Client pointed at our
// configured endpoints (Google's, or the local emulator's).
// Facts from Google's "Using OAuth 2.0 for Web Server Applications" and its OpenID Connect guide:
// - a refresh token comes only with `access_type=offline`, and on a repeat sign-in only when the
//   consent screen is shown again, hence `prompt=consent` (a reconnect must yield a new one);
// - `include_granted_scopes` is left off: we ask for exactly the scopes below and no others the
//   client may have been granted before;
// - with granular consent the host may untick a scope: the token response's `scope` says what
//   was granted, and bookings need every calendar scope;
// - the id_token's `iss` is https://accounts.google.com (or the legacy accounts.google.com, which
//   OAuth2Client accepts too), `aud` is our client id, and `email` is present because of the
//   `email` scope, trustworthy only with `email_verified`;
// - `sub` is who signed in ("never reused"; ./identity.ts matches hosts by it). The address is
//   shown, and names a new host and its booking link, but never finds one: Google reassigns it.
import { OAuth2Client, type TokenPayload } from 'google-auth-library';
import { statusOf, toCalendarError } from '../google/errors';
import { CalendarAccessNotGranted, CodeExchangeFailed, IdentityNotVerified } from './errors';

// Which scope covers which call is the discovery document's `scopes` of each method
// (test/fixtures/google/calendar-v3-discovery.json). A scope never widens a calendar's sharing:
// on a calendar shared read-only with the host, events can be read (listed, watched) and not
// written whatever the scope, which is all we do with the calendars checked for conflicts.
export const CALENDAR_SCOPES = [
  // Insert, patch, delete, list and watch events ("on all your calendars": the default, and the
  // calendars checked for conflicts, read only); nothing else of the calendar.
  'https://www.googleapis.com/auth/calendar.events',
  // freebusy.query, which `calendar.events` does not cover: busy time of the default and the
  // conflict calendars when the busy data kept by the sync cannot be trusted. The narrowest scope
  // that does, "the availability on Google calendars you have access to" (shared ones included).
  'https://www.googleapis.com/auth/calendar.events.freebusy',
  // The list of calendars, to offer a default and the calendars to check for conflicts, and read
  // the primary calendar's time zone.
  'https://www.googleapis.com/auth/calendar.calendarlist.readonly',
];
/** Who signed in: the id_token's `sub`, and its verified email address. */
const IDENTITY_SCOPES = ['openid', 'email'];

/** The calendar scopes a token response's `scope` (space-separated) lacks. */
export function missingCalendarScopes(granted: string | undefined): string[] {
  const scopes = new Set((granted ?? '').split(' '));
  return CALENDAR_SCOPES.filter((scope) => !scopes.has(scope));
}

export interface SignInSettings {
  authUrl: string;
  tokenUrl: string;
  certsUrl: string;
  clientId: string;
  clientSecret: string;
  /** `${PUBLIC_BASE_URL}/accounts/google/callback`, registered with the OAuth client. */
  redirectUri: string;
}

export interface GoogleIdentity {
  email: string;
  /** Google's stable user id (`sub`). */
  subject: string;
  name: string | undefined;
}

export interface GoogleGrant {
  identity: GoogleIdentity;
  /** Absent when Google did not issue one (the caller decides what that means). */
  refreshToken: string | undefined;
}

export class GoogleSignIn {
  private readonly client: OAuth2Client;

  constructor(private readonly settings: SignInSettings) {
    this.client = new OAuth2Client({
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      redirectUri: settings.redirectUri,
      endpoints: {
        oauth2AuthBaseUrl: settings.authUrl,
        oauth2TokenUrl: settings.tokenUrl,
        oauth2FederatedSignonPemCertsUrl: settings.certsUrl,
        // Google serves revocation beside the token endpoint (oauth2.googleapis.com/{token,revoke}),
        // and so does the emulator: no setting of its own.
        oauth2RevokeUrl: new URL('/revoke', settings.tokenUrl).toString(),
      },
      // Node's own fetch: gaxios would import node-fetch dynamically, which jest's sandbox refuses.
      transporterOptions: { fetchImplementation: fetch },
    });
  }

  /**
   * `chooseAccount`: Google shows its account chooser first (`prompt` takes a space-separated
   * list), so a host linking another account is not signed in with the one in use.
   */
  consentUrl(state: string, { loginHint, chooseAccount = false }: { loginHint?: string; chooseAccount?: boolean } = {}): string {
    return this.client.generateAuthUrl({
      access_type: 'offline',
      prompt: chooseAccount ? 'select_account consent' : 'consent',
      scope: [...IDENTITY_SCOPES, ...CALENDAR_SCOPES],
      state,
      ...(loginHint ? { login_hint: loginHint } : {}),
    });
  }

  /** Exchanges the code and verifies who signed in; the refresh token is returned, not stored. */
  async exchange(code: string): Promise<GoogleGrant> {
    let tokens;
    try {
      ({ tokens } = await this.client.getToken(code));
    } catch (error) {
      const status = statusOf(error);
      if (status === 400 || status === 401) throw new CodeExchangeFailed((error as Error).message);
      throw toCalendarError(error, 'other');
    }
    const missing = missingCalendarScopes(tokens.scope);
    if (missing.length > 0) throw new CalendarAccessNotGranted(missing);
    if (!tokens.id_token) throw new IdentityNotVerified('no id_token in the token response');
    return { identity: await this.identityOf(tokens.id_token), refreshToken: tokens.refresh_token ?? undefined };
  }

  private async identityOf(idToken: string): Promise<GoogleIdentity> {
    let payload: TokenPayload | undefined;
    try {
      payload = (await this.client.verifyIdToken({ idToken, audience: this.settings.clientId })).getPayload();
    } catch (error) {
      throw new IdentityNotVerified((error as Error).message);
    }
    if (!payload?.email || payload.email_verified !== true) throw new IdentityNotVerified('no verified email address');
    return { email: payload.email.toLowerCase(), subject: payload.sub, name: payload.name };
  }

  /** Revokes the grant at Google (the refresh token and every access token made from it). */
  async revoke(refreshToken: string): Promise<void> {
    await this.client.revokeToken(refreshToken);
  }
}
