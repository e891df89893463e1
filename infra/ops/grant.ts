// Does a Google grant work? The refresh token is exchanged for an access token at the configured
// token endpoint (Google's, or the emulator's /token locally), as every Calendar call of the host
// would do first. A token that cannot be exchanged is never saved: the host would look connected
// and every booking page would fail (RFC 6749 §6: refresh; §5.2: the error's words).
import { z } from 'zod';

export type GrantCheck = { works: true } | { works: false; reason: string };

const oauthError = z.object({ error: z.string(), error_description: z.string().optional() });

export async function checkGrant(google: { tokenUrl: string; clientId: string; clientSecret: string }, refreshToken: string): Promise<GrantCheck> {
  let res: Response;
  try {
    res = await fetch(google.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: google.clientId, client_secret: google.clientSecret }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    return { works: false, reason: `the token endpoint ${google.tokenUrl} did not answer (${(error as Error).message})` };
  }
  if (res.ok) return { works: true };
  const body = oauthError.safeParse(await res.json().catch(() => undefined));
  const words = body.success ? `${body.data.error}${body.data.error_description ? `: ${body.data.error_description}` : ''}` : `HTTP ${res.status}`;
  return { works: false, reason: `Google refused the refresh token (${words})` };
}
