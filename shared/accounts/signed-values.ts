// Small signed values (the OAuth state, the session cookie, the form CSRF tokens, the guest's
// manage links and the host's decision links): base64url(JSON payload) "." base64url(HMAC-SHA256).
// Each use signs under its own key derived from LINK_SIGNING_SECRET, so a value made for one
// purpose (a mailed decision link, a state) can never pass as another (a session).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';

export type Purpose = 'oauth-state' | 'host-session' | 'form-csrf' | 'manage-link';

/** A key for one purpose: HMAC(secret, label), so one configured secret serves them all. */
export function purposeKey(secret: string, purpose: Purpose): Buffer {
  return createHmac('sha256', secret).update(`calendar-invites/accounts/${purpose}`).digest();
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** Constant-time comparison of two strings. */
export function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export class SignedValues<T> {
  constructor(
    private readonly key: Buffer,
    private readonly schema: z.ZodType<T>,
  ) {}

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }

  sign(value: T): string {
    const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The value, or undefined if the text was not signed by us with this key or does not parse. */
  open(text: string): T | undefined {
    const [payload, signature, ...rest] = text.split('.');
    if (!payload || !signature || rest.length > 0 || !sameText(signature, this.mac(payload))) return undefined;
    try {
      const parsed = this.schema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}
