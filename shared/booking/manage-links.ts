// The guest's own link to a booking ("manage link"): opens a page to see, cancel or reschedule it.
// Made and checked like the host's decision links (./decision-links): HMAC-SHA256 under
// LINK_SIGNING_SECRET, checked in constant time, format base64url(JSON payload) "." base64url(mac).
// Its MAC is keyed for this purpose alone (signed-values' purposeKey), so a decision link can never
// pass for a manage link, nor the other way round, whatever their payloads.
//
// What a link is bound to:
//  - the slot, and the slot's *version*: how many times the guest has rescheduled it. A guest's
//    reschedule sends a new link (our mail, or the event's description) and spends the old one, so
//    a link forwarded or leaked before a move cannot act on the booking after it. A move the host
//    makes in Google does not change the version: the guest's link keeps working (the guest cannot
//    be sent a new one there; Google mails the update, not us).
//  - an expiry a year after the end of the booking as the link was made: far past anything a
//    guest can still do with it (the host's change limit closes every action before the start),
//    and far enough that a host's later move in Google does not leave the guest a dead link. The
//    slot itself decides what may be done (over, too late), not the token.
import { z } from 'zod';
import { purposeKey, SignedValues } from '../accounts/signed-values';
import type { Slot } from '../store/slots';
import { InvalidLink, LinkExpired } from './decision-links';

/** The cause of a guest's reschedule in the slot's history; each one spends the links made before it. */
export const GUEST_RESCHEDULED = 'guest_rescheduled';

/** How long after the booking's end a link is honoured (see above). */
export const MANAGE_LINK_GRACE_MS = 365 * 24 * 60 * 60 * 1000;

/** A manage link made for an earlier version of the booking (the guest rescheduled since). */
export class LinkSpent extends Error {
  constructor(readonly slotId: string) {
    super('the link was replaced by a newer one');
    this.name = 'LinkSpent';
  }
}

const payloadSchema = z.object({
  v: z.literal(1),
  slot: z.string().min(1),
  /** The slot's version the link was made for (linkVersion). */
  ver: z.number().int().min(0),
  /** Expiry, epoch seconds. */
  exp: z.number().int(),
});

export interface ManageGrant {
  slotId: string;
  version: number;
  expiresAt: Date;
}

/** The version of a slot its current manage link carries: the guest's reschedules so far. */
export function linkVersion(slot: Pick<Slot, 'history'>): number {
  return slot.history.filter((t) => t.cause === GUEST_RESCHEDULED).length;
}

export class ManageLinks {
  private readonly tokens: SignedValues<z.infer<typeof payloadSchema>>;

  constructor(
    secret: string,
    private readonly baseUrl: string,
  ) {
    this.tokens = new SignedValues(purposeKey(secret, 'manage-link'), payloadSchema);
  }

  /** The slot's current link's token: the same for the same slot version (a mail sent again says the same link). */
  token(slotId: string, slot: Pick<Slot, 'history' | 'end'>): string {
    const exp = Math.floor((slot.end.getTime() + MANAGE_LINK_GRACE_MS) / 1000);
    return this.tokens.sign({ v: 1, slot: slotId, ver: linkVersion(slot), exp });
  }

  urlFor(slotId: string, slot: Pick<Slot, 'history' | 'end'>): string {
    return `${this.baseUrl}/booking/manage?token=${encodeURIComponent(this.token(slotId, slot))}`;
  }

  /** The grant a token carries; InvalidLink if it was not signed by us as a manage link, LinkExpired after expiry. */
  verify(token: string, now: Date): ManageGrant {
    const parsed = this.tokens.open(token);
    if (!parsed) throw new InvalidLink();
    const expiresAt = new Date(parsed.exp * 1000);
    if (now >= expiresAt) throw new LinkExpired(parsed.slot);
    return { slotId: parsed.slot, version: parsed.ver, expiresAt };
  }

  /** LinkSpent unless the link is the slot's current one (the guest rescheduled since it was made). */
  check(grant: ManageGrant, slot: Pick<Slot, 'history'>): void {
    if (grant.version !== linkVersion(slot)) throw new LinkSpent(grant.slotId);
  }
}
