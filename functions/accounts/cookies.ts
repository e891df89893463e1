// The two cookies of the accounts function. Both HttpOnly (no script of ours reads them) and
// SameSite=Lax: Google's redirect back to the callback is a top-level GET, which Lax lets through,
// while other sites' POSTs arrive without them. Secure whenever the public URL is https (the
// local stack runs on plain http, where a Secure cookie would never come back).
import type { Request } from '@google-cloud/functions-framework';
import type { CookieOptions, Response } from 'express';

/** The browser's nonce of a connect attempt (see shared/accounts/connect-state.ts). */
export const STATE_COOKIE = 'accounts_connect';
/** The signed-in host (see shared/accounts/host-sessions.ts). */
export const SESSION_COOKIE = 'accounts_session';

export interface CookieScope {
  /** Path the cookie is sent on, e.g. `/accounts`. */
  path: string;
  secure: boolean;
}

/** The scope for cookies under `suffix` of the accounts function, as the browser sees its URL. */
export function cookieScope(publicBaseUrl: string, suffix: string): CookieScope {
  const url = new URL(publicBaseUrl);
  return { path: `${url.pathname.replace(/\/+$/, '')}/accounts${suffix}`, secure: url.protocol === 'https:' };
}

function options(scope: CookieScope): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: scope.secure, path: scope.path };
}

export function setCookie(res: Response, name: string, value: string, scope: CookieScope, expiresAt: Date): void {
  res.cookie(name, value, { ...options(scope), expires: expiresAt });
}

export function clearCookie(res: Response, name: string, scope: CookieScope): void {
  res.clearCookie(name, options(scope));
}

/** A cookie of the request; express 5 parses none by itself. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}
