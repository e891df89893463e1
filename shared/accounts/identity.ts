// Who a Google sign-in is, in our terms. DESIGN: "A host is matched to a Google account by its
// `sub`, never by an email address. Linking an account to an existing host happens only from that
// host's own session." An address proves nothing about a host: a host's profile address may be
// anyone's Google account, and Google reassigns addresses (a deleted Workspace user's, a freed
// one) while a `sub` is "never reused" (OpenID Connect, Google's ID token reference).
//
// Hosts stored without a sub:
// - made by connect before subs were stored: their id is `g-{sub}`, so the sub is known and a
//   sign-in with it reaches them (and stores it);
// - made from an ops host file: nothing but addresses ties them to a Google account, so no
//   sign-in reaches them until an operator names the account's sub in the host file
//   (`googleSubject`, e.g. the user's id from the Admin SDK) and puts it again. Until then their
//   Google account signs in to a new host of its own. Their settings hold no secret a new host
//   would need, and this is the only way no address can claim them.
import type { Subscriber } from '../store/subscribers';

export type ConnectDecision =
  /** The host linked to this account connects it again: same host, slug and bookings. */
  | { kind: 'reconnect'; subscriberId: string }
  /** A signed-in host takes an account no host has. */
  | { kind: 'link'; subscriberId: string }
  /** An account we do not know signs in: a new host, whatever its address. */
  | { kind: 'create' }
  /** A signed-in host asked for an account that is another host's: nothing changes. */
  | { kind: 'refuse'; ownerId: string };

/**
 * @param accountHost the host this Google account belongs to (see belongsTo), if any
 * @param linkingHost the host whose own session asked to link the account, if it did
 */
export function decideConnection(accountHost: string | undefined, linkingHost: string | undefined): ConnectDecision {
  if (accountHost !== undefined && linkingHost !== undefined && accountHost !== linkingHost) return { kind: 'refuse', ownerId: accountHost };
  if (accountHost !== undefined) return { kind: 'reconnect', subscriberId: accountHost };
  if (linkingHost !== undefined) return { kind: 'link', subscriberId: linkingHost };
  return { kind: 'create' };
}

/** A new host's id from its Google account's sub (when that id is free: see connect.ts). */
export function hostIdFor(subject: string): string {
  return `g-${subject}`;
}

/** Whether the stored host is the one of this Google account: linked to its sub, or made for it before subs were stored. */
export function belongsTo(subscriberId: string, host: Pick<Subscriber, 'googleSubject'>, subject: string): boolean {
  return host.googleSubject === undefined ? subscriberId === hostIdFor(subject) : host.googleSubject === subject;
}
