// The headers every answer of ours carries, pages above all. Our URLs carry secrets (decision
// links' tokens, the OAuth callback's code), so no page hands its address on in a Referer; no
// answer is sniffed into another type; no page can be framed (clickjacking the Confirm button);
// and over https the browser is told to stay on https.
import type { Request } from '@google-cloud/functions-framework';
import type { Response } from 'express';
import { contentSecurityPolicy } from './pages/layout';

/** A year, the usual minimum for HSTS preload lists. */
const HSTS_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

export function setSecurityHeaders(req: Request, res: Response): void {
  res.set({
    'content-security-policy': contentSecurityPolicy(),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  // Cloud Run ends TLS in front of the function and says so in X-Forwarded-Proto, which Express's
  // req.protocol reads (the Functions Framework trusts the proxy). HSTS over plain http is ignored
  // by browsers anyway (RFC 6797 §8.1), so the local http stack goes without.
  if (req.protocol === 'https') res.set('strict-transport-security', `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`);
}
