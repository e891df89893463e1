// The OAuth `state` of a connect attempt, bound to the browser that started it (RFC 6749 §10.12;
// Google's web-server guide asks for the same). The browser gets a random nonce in a short-lived
// HttpOnly cookie; the signed state carries the nonce's SHA-256, not the nonce itself, because
// the state travels in URLs (Google's logs, browser history) and the cookie value must not.
// A state that verifies but arrives with another browser's cookie (or none) is someone else's
// sign-in being pushed into this browser: refused.
// A link (a signed-in host taking a Google account) is bound, the same way, to the session that
// asked for it: the state carries the SHA-256 of that session's nonce.
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
  /** Present for a link: SHA-256 (base64url) of the nonce of the session that asked for it. */
  l: z.string().min(1).optional(),
});

export interface IssuedState {
  state: string;
  /** The value of the browser's anti-CSRF cookie. */
  nonce: string;
  expiresAt: Date;
}

export interface ConnectAttempt {
  /** Started by a signed-in host to link the Google account to itself, not by a sign-in. */
  linking: boolean;
  /** Whether the session with this nonce is the one that started the link. */
  startedBy(sessionNonce: string | undefined): boolean;
}

export class ConnectStates {
  private readonly values: SignedValues<z.infer<typeof stateSchema>>;

  constructor(
    secret: string,
    private readonly ttlMs = CONNECT_STATE_TTL_MS,
  ) {
    this.values = new SignedValues(purposeKey(secret, 'oauth-state'), stateSchema);
  }

  /** A sign-in's state; with `linkingSessionNonce`, a link's, for the session with that nonce. */
  issue(now: Date, linkingSessionNonce?: string): IssuedState {
    const nonce = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    const link = linkingSessionNonce === undefined ? {} : { l: sha256(linkingSessionNonce) };
    return { state: this.values.sign({ v: 1, n: sha256(nonce), exp: expiresAt.getTime(), ...link }), nonce, expiresAt };
  }

  /** Passes only for a state we signed, not expired, returning to the browser that holds its nonce. */
  check(state: string | undefined, nonce: string | undefined, now: Date): ConnectAttempt {
    if (!state) throw new ConnectStateRejected('missing');
    const opened = this.values.open(state);
    if (!opened) throw new ConnectStateRejected('tampered');
    if (now.getTime() >= opened.exp) throw new ConnectStateRejected('expired');
    if (!nonce || !sameText(sha256(nonce), opened.n)) throw new ConnectStateRejected('other_browser');
    const link = opened.l;
    return { linking: link !== undefined, startedBy: (sessionNonce) => link !== undefined && sessionNonce !== undefined && sameText(sha256(sessionNonce), link) };
  }
}
