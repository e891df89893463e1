// The Confirm / Deny links in the host's mail. A token names one slot and one action and
// expires; it is signed with HMAC-SHA256 under LINK_SIGNING_SECRET and checked in constant time.
// Format: base64url(JSON payload) "." base64url(signature).
import { z } from 'zod';
import { SignedValues } from '../accounts/signed-values';
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
  /** Keyed by the secret itself, as the first links were: links already mailed stay good. */
  private readonly tokens: SignedValues<z.infer<typeof payloadSchema>>;

  constructor(
    secret: string,
    private readonly baseUrl: string,
    private readonly ttlMs = DEFAULT_LINK_TTL_MS,
  ) {
    this.tokens = new SignedValues(Buffer.from(secret), payloadSchema);
  }

  token(slotId: string, action: DecisionAction, expiresAt: Date): string {
    return this.tokens.sign({ v: 1, slot: slotId, action, exp: Math.floor(expiresAt.getTime() / 1000) });
  }

  /** Both links of one host mail, expiring together. */
  linksFor(slotId: string, now: Date): { confirmUrl: string; denyUrl: string; expiresAt: Date } {
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    const url = (action: DecisionAction) => `${this.baseUrl}/decision?token=${encodeURIComponent(this.token(slotId, action, expiresAt))}`;
    return { confirmUrl: url('confirm'), denyUrl: url('deny'), expiresAt };
  }

  /** The grant a token carries; InvalidLink if it was not signed by us, LinkExpired after expiry. */
  verify(token: string, now: Date): DecisionGrant {
    const parsed = this.tokens.open(token);
    if (!parsed) throw new InvalidLink();
    const expiresAt = new Date(parsed.exp * 1000);
    if (now >= expiresAt) throw new LinkExpired(parsed.slot);
    return { slotId: parsed.slot, action: parsed.action, expiresAt };
  }
}
