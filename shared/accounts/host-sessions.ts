// A signed-in host is a signed cookie naming the subscriber and the host's session version.
// The version is stored on the host and replaced whenever its sessions must end: signing out,
// disconnecting, and every sign-in (connect, reconnect, link), so an old cookie, or a copy of one,
// stops working without a session store. A host thus has one session at a time, and signing out
// ends it everywhere. The version is random, not a counter: a host deleted and made again, or put
// again by an operator, must never bring an old cookie back to life.
// Forms carry a token derived from the session (HMAC of its random nonce under a key of its own),
// so a page of another site cannot post them even though the browser sends our cookie along.
import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Subscriber } from '../store/subscribers';
import { CsrfRejected, NotSignedIn } from './errors';
import { purposeKey, sameText, SignedValues } from './signed-values';

export const SESSION_TTL_MS = 30 * 24 * 60 * 60_000;

// v1 cookies (the connection's `connectedAt` instead of a version) were issued while any Google
// account with a host's address could sign in as that host: they no longer parse.
const sessionSchema = z.object({
  v: z.literal(2),
  host: z.string().min(1),
  ver: z.string().min(1),
  n: z.string().min(1),
  exp: z.number().int(),
});

export interface HostSession {
  subscriberId: string;
  /** The host's session version this session was made under. */
  version: string;
  nonce: string;
  expiresAt: Date;
}

/** A version for a host's sessions from now on: every cookie made before it stops working. */
export function newSessionVersion(): string {
  return randomBytes(18).toString('base64url');
}

/** Whether the host still holds the version the session was made under. */
export function sessionIsCurrent(host: Pick<Subscriber, 'sessionVersion'>, session: Pick<HostSession, 'version'>): boolean {
  return host.sessionVersion !== undefined && sameText(host.sessionVersion, session.version);
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

  issue(subscriberId: string, version: string, now: Date): { cookie: string; expiresAt: Date } {
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    const nonce = randomBytes(18).toString('base64url');
    return { cookie: this.values.sign({ v: 2, host: subscriberId, ver: version, n: nonce, exp: expiresAt.getTime() }), expiresAt };
  }

  /** The session a cookie names; NotSignedIn if there is none, it is not ours, or it has expired. */
  open(cookie: string | undefined, now: Date): HostSession {
    const opened = cookie ? this.values.open(cookie) : undefined;
    if (!opened || now.getTime() >= opened.exp) throw new NotSignedIn();
    return { subscriberId: opened.host, version: opened.ver, nonce: opened.n, expiresAt: new Date(opened.exp) };
  }

  formToken(session: HostSession): string {
    return createHmac('sha256', this.formKey).update(`${session.subscriberId}.${session.nonce}`).digest('base64url');
  }

  checkFormToken(session: HostSession, token: unknown): void {
    if (typeof token !== 'string' || !sameText(token, this.formToken(session))) throw new CsrfRejected();
  }
}
