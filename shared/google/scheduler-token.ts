// Is this request from our Cloud Scheduler job? The job sends an OIDC token (a Google-signed JWT)
// whose `aud` is the audience it was configured with and whose `email` is its service account.
// - Deployed private (`iam`), IAM has verified the token before the request reaches us (and Cloud
//   Run hands it on without its signature), so we check its claims: defence in depth against a
//   wrong invoker binding.
// - Deployed public (`verify`), anyone can reach us: the signature is verified against Google's
//   certificates with google-auth-library before any claim is read, then the same claims are
//   checked. An unsigned or foreign token is a 401 whatever it claims; only a token Google signed
//   can earn a 403 for its audience or account.
import { OAuth2Client } from 'google-auth-library';
import { z } from 'zod';

/** Google's ID tokens name either issuer ("Validating an ID token", OpenID Connect guide). */
const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

const claimsSchema = z.object({
  iss: z.string(),
  aud: z.string(),
  email: z.string().optional(),
  email_verified: z.boolean().optional(),
  exp: z.number(),
  iat: z.number().optional(),
});
export type SchedulerClaims = z.infer<typeof claimsSchema>;

export interface SchedulerExpectation {
  audience: string;
  serviceAccount: string;
}

export type SchedulerVerdict =
  | { ok: true; email: string }
  /** 401: no credentials we can read, or not valid ones. 403: valid, but not our scheduler. */
  | { ok: false; status: 401 | 403; problem: string; detail?: string };

/** The claims' verdict, signature aside; pure, so every rule is tested as a table. */
export function judgeClaims(claims: SchedulerClaims, expected: SchedulerExpectation, nowSeconds: number): SchedulerVerdict {
  if (!GOOGLE_ISSUERS.includes(claims.iss)) return { ok: false, status: 401, problem: 'the token was not issued by Google' };
  if (claims.exp <= nowSeconds) return { ok: false, status: 401, problem: 'the token has expired' };
  if (claims.aud !== expected.audience) return { ok: false, status: 403, problem: 'the token is for another audience' };
  if (claims.email?.toLowerCase() !== expected.serviceAccount || claims.email_verified !== true) {
    return { ok: false, status: 403, problem: 'the token is not from the scheduler\'s service account' };
  }
  return { ok: true, email: expected.serviceAccount };
}

/** The bearer token of an Authorization header, if it has one. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+([A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]*)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** The payload of a JWT, unverified (for `iam`, where IAM has checked the signature already). */
function unverifiedPayload(token: string): unknown {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

export class SchedulerTokenVerifier {
  private readonly client: OAuth2Client;

  constructor(
    private readonly settings: SchedulerExpectation & { mode: 'iam' | 'verify'; certsUrl: string },
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    // google-auth-library fetches and caches the certificates (by their Cache-Control).
    this.client = new OAuth2Client({
      endpoints: { oauth2FederatedSignonPemCertsUrl: settings.certsUrl },
      transporterOptions: { fetchImplementation: fetch },
    });
  }

  async check(authorization: string | undefined): Promise<SchedulerVerdict> {
    const token = bearerToken(authorization);
    if (!token) return { ok: false, status: 401, problem: 'a bearer token is required' };
    let payload: unknown;
    if (this.settings.mode === 'iam') payload = unverifiedPayload(token);
    else {
      try {
        // No audience here: a token Google signed for someone else is a 403, decided below.
        // (The certificates are fetched once and cached by their Cache-Control.)
        payload = (await this.client.verifyIdToken({ idToken: token })).getPayload();
      } catch (error) {
        return { ok: false, status: 401, problem: "the token's signature could not be verified", detail: reasonOnly(error, token) };
      }
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) return { ok: false, status: 401, problem: 'the bearer token carries no claims we can read' };
    return judgeClaims(claims.data, this.settings, this.nowSeconds());
  }
}

/**
 * google-auth-library's reason without what it quotes: its messages carry the presented token
 * ("Invalid token signature: <jwt>"), a part of it ("Can't parse token payload '<part>") or its
 * decoded claims after a colon, and logs hold no tokens.
 */
function reasonOnly(error: unknown, token: string): string {
  let message = error instanceof Error ? error.message : String(error);
  for (const part of token.split('.')) if (part.length > 0) message = message.split(part).join('…');
  return (message.split(':')[0] ?? '').slice(0, 200);
}
