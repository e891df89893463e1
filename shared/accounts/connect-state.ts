// The OAuth `state` of a connect attempt, bound to the browser that started it (RFC 6749 §10.12;
// Google's web-server guide asks for the same). The browser gets a random nonce in a short-lived
// HttpOnly cookie; the signed state carries the nonce's SHA-256, not the nonce itself, because
// the state travels in URLs (Google's logs, browser history) and the cookie value must not.
// A state that verifies but arrives with another browser's cookie (or none) is someone else's
// sign-in being pushed into this browser: refused.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ConnectStateRejected } from './errors';
import { purposeKey, sameText, sha256, SignedValues } from './signed-values';

/** Long enough to sign in to Google with two-factor prompts, short enough to be useless later. */
export const CONNECT_STATE_TTL_MS = 10 * 60_000;

const stateSchema = z.object({
  v: z.literal(1),
  /** SHA-256 (base64url) of the browser's nonce. */
  n: z.string().min(1),
  /** Expiry, epoch milliseconds. */
  exp: z.number().int(),
});

export interface IssuedState {
  state: string;
  /** The value of the browser's anti-CSRF cookie. */
  nonce: string;
  expiresAt: Date;
}

export class ConnectStates {
  private readonly values: SignedValues<z.infer<typeof stateSchema>>;

  constructor(
    secret: string,
    private readonly ttlMs = CONNECT_STATE_TTL_MS,
  ) {
    this.values = new SignedValues(purposeKey(secret, 'oauth-state'), stateSchema);
  }

  issue(now: Date): IssuedState {
    const nonce = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    return { state: this.values.sign({ v: 1, n: sha256(nonce), exp: expiresAt.getTime() }), nonce, expiresAt };
  }

  /** Passes only for a state we signed, not expired, returning to the browser that holds its nonce. */
  check(state: string | undefined, nonce: string | undefined, now: Date): void {
    if (!state) throw new ConnectStateRejected('missing');
    const opened = this.values.open(state);
    if (!opened) throw new ConnectStateRejected('tampered');
    if (now.getTime() >= opened.exp) throw new ConnectStateRejected('expired');
    if (!nonce || !sameText(sha256(nonce), opened.n)) throw new ConnectStateRejected('other_browser');
  }
}
