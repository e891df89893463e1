// The Confirm / Deny links in the host's mail. A token names one slot and one action and
// expires; it is signed with HMAC-SHA256 under LINK_SIGNING_SECRET and checked in constant time.
// Format: base64url(JSON payload) "." base64url(signature).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { DecisionAction } from './slot-state';

export const DEFAULT_LINK_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export class InvalidLink extends Error {
  constructor() {
    super('the link is not one we made');
    this.name = 'InvalidLink';
  }
}

export class LinkExpired extends Error {
  constructor(readonly slotId: string) {
    super('the link has expired');
    this.name = 'LinkExpired';
  }
}

const payloadSchema = z.object({
  v: z.literal(1),
  slot: z.string().min(1),
  action: z.enum(['confirm', 'deny']),
  /** Expiry, epoch seconds. */
  exp: z.number().int(),
});

export interface DecisionGrant {
  slotId: string;
  action: DecisionAction;
  expiresAt: Date;
}

export class DecisionLinks {
  constructor(
    private readonly secret: string,
    private readonly baseUrl: string,
    private readonly ttlMs = DEFAULT_LINK_TTL_MS,
  ) {}

  private sign(payload: string): Buffer {
    return createHmac('sha256', this.secret).update(payload).digest();
  }

  token(slotId: string, action: DecisionAction, expiresAt: Date): string {
    const payload = Buffer.from(JSON.stringify({ v: 1, slot: slotId, action, exp: Math.floor(expiresAt.getTime() / 1000) })).toString('base64url');
    return `${payload}.${this.sign(payload).toString('base64url')}`;
  }

  /** Both links of one host mail, expiring together. */
  linksFor(slotId: string, now: Date): { confirmUrl: string; denyUrl: string; expiresAt: Date } {
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    const url = (action: DecisionAction) => `${this.baseUrl}/decision?token=${encodeURIComponent(this.token(slotId, action, expiresAt))}`;
    return { confirmUrl: url('confirm'), denyUrl: url('deny'), expiresAt };
  }

  /** The grant a token carries; InvalidLink if it was not signed by us, LinkExpired after expiry. */
  verify(token: string, now: Date): DecisionGrant {
    const [payload, signature, ...rest] = token.split('.');
    if (!payload || !signature || rest.length > 0) throw new InvalidLink();
    const expected = this.sign(payload);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidLink();
    let parsed: z.infer<typeof payloadSchema>;
    try {
      parsed = payloadSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    } catch {
      throw new InvalidLink();
    }
    const expiresAt = new Date(parsed.exp * 1000);
    if (now >= expiresAt) throw new LinkExpired(parsed.slot);
    return { slotId: parsed.slot, action: parsed.action, expiresAt };
  }
}
