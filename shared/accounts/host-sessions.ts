// A signed-in host is a signed cookie naming the subscriber; nothing is kept server-side.
// The cookie also carries the `connectedAt` of the Google connection it was made for: connecting
// again or disconnecting changes it, which ends every older session without a session store.
// Forms carry a token derived from the session (HMAC of its random nonce under a key of its own),
// so a page of another site cannot post them even though the browser sends our cookie along.
import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { CsrfRejected, NotSignedIn } from './errors';
import { purposeKey, sameText, SignedValues } from './signed-values';

export const SESSION_TTL_MS = 30 * 24 * 60 * 60_000;

const sessionSchema = z.object({
  v: z.literal(1),
  sub: z.string().min(1),
  /** `google.connectedAt` (epoch ms) of the connection this session was made for. */
  con: z.number().int(),
  n: z.string().min(1),
  exp: z.number().int(),
});

export interface HostSession {
  subscriberId: string;
  connectedAt: Date;
  nonce: string;
  expiresAt: Date;
}

export class HostSessions {
  private readonly values: SignedValues<z.infer<typeof sessionSchema>>;
  private readonly formKey: Buffer;

  constructor(
    secret: string,
    private readonly ttlMs = SESSION_TTL_MS,
  ) {
    this.values = new SignedValues(purposeKey(secret, 'host-session'), sessionSchema);
    this.formKey = purposeKey(secret, 'form-csrf');
  }

  issue(subscriberId: string, connectedAt: Date, now: Date): { cookie: string; expiresAt: Date } {
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    const nonce = randomBytes(18).toString('base64url');
    return { cookie: this.values.sign({ v: 1, sub: subscriberId, con: connectedAt.getTime(), n: nonce, exp: expiresAt.getTime() }), expiresAt };
  }

  /** The session a cookie names; NotSignedIn if there is none, it is not ours, or it has expired. */
  open(cookie: string | undefined, now: Date): HostSession {
    const opened = cookie ? this.values.open(cookie) : undefined;
    if (!opened || now.getTime() >= opened.exp) throw new NotSignedIn();
    return { subscriberId: opened.sub, connectedAt: new Date(opened.con), nonce: opened.n, expiresAt: new Date(opened.exp) };
  }

  formToken(session: HostSession): string {
    return createHmac('sha256', this.formKey).update(`${session.subscriberId}.${session.nonce}`).digest('base64url');
  }

  checkFormToken(session: HostSession, token: unknown): void {
    if (typeof token !== 'string' || !sameText(token, this.formToken(session))) throw new CsrfRejected();
  }
}
