// The HTTP face of the OAuth server: token endpoint, revoke endpoint and the id_token signing keys.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../http';
import { OAuthError } from './errors';
import type { EmulatorState } from './state';

/** How long a client may cache the signing keys, as Google's certs endpoints answer with max-age. */
const CERTS_MAX_AGE_S = 3600;

function basicClient(authorization: string | undefined): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) };
}

export async function handleToken(state: EmulatorState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = new URLSearchParams((await readBody(req)).toString('utf8'));
  const tokens = state.oauth.exchange(form, basicClient(req.headers.authorization));
  sendJson(res, 200, tokens, { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate', pragma: 'no-cache' });
}

/** POST /revoke?token=… (or the token in a form body): 200, or 400 invalid_token for an unknown token. */
export async function handleRevoke(state: EmulatorState, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const token = url.searchParams.get('token') ?? new URLSearchParams((await readBody(req)).toString('utf8')).get('token');
  if (!token || !state.oauth.revoke(token)) throw new OAuthError(400, 'invalid_token', 'Token expired or revoked');
  sendJson(res, 200, {});
}

export function handleCerts(state: EmulatorState, version: 'v1' | 'v3', res: ServerResponse): void {
  const body = version === 'v1' ? state.keys.pemCertificates() : state.keys.jwkSet();
  sendJson(res, 200, body, { 'cache-control': `public, max-age=${CERTS_MAX_AGE_S}, must-revalidate, no-transform` });
}
