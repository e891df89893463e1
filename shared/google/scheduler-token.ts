// Is this request from our Cloud Scheduler job? The job sends an OIDC token (a Google-signed JWT)
// whose `aud` is the audience it was configured with and whose `email` is its service account.
// - Deployed private (`iam`), IAM has verified the token before the request reaches us (and Cloud
//   Run hands it on without its signature), so we check its claims: defence in depth against a
//   wrong invoker binding.
// - Deployed public (`verify`), anyone can reach us: the signature is verified against Google's
//   certificates with google-auth-library, then the same claims are checked.
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
function unverifiedClaims(token: string): SchedulerClaims | undefined {
  try {
    const payload: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    const parsed = claimsSchema.safeParse(payload);
    return parsed.success ? parsed.data : undefined;
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
    const claims = unverifiedClaims(token);
    if (!claims) return { ok: false, status: 401, problem: 'the bearer token is not a readable JWT' };
    // The claims first: cheap, and junk never makes us fetch certificates.
    const verdict = judgeClaims(claims, this.settings, this.nowSeconds());
    if (!verdict.ok || this.settings.mode === 'iam') return verdict;
    try {
      // The signature against Google's certificates, and again issuer, expiry and audience.
      await this.client.verifyIdToken({ idToken: token, audience: this.settings.audience });
    } catch (error) {
      return { ok: false, status: 401, problem: "the token's signature could not be verified", detail: (error as Error).message };
    }
    return verdict;
  }
}
