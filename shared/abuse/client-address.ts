// Who is asking, for the per-address limits. Pure: the request's X-Forwarded-For and socket
// address in, the key its requests are counted under out.
//
// Google's front end keeps an X-Forwarded-For the client sent and appends the address the request
// came from: "<anything the client wrote>, <client address>" (Cloud Functions request headers
// reference; the load balancing docs: "the load balancer preserves the supplied value before the
// <client-ip>"). Only the right-most entry is Google's. The left-most, which Google's page calls
// "generally the IP of the client", is whatever the client chose, so counting by it would let a
// script pick a fresh address for every request. Behind an external Application Load Balancer the
// balancer's own address would come last instead: this code assumes the functions are called on
// their own URLs, as deployed here.
import { isIPv4, isIPv6 } from 'node:net';

/** Counted apart when no address can be read (only the local dev server, which Google does not front). */
export const UNKNOWN_CLIENT = 'unknown';

/** The eight 16-bit groups of an IPv6 address (embedded IPv4 included), or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  if (!isIPv6(address)) return undefined;
  let text = address.split('%')[0] ?? '';
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const part = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * The key of one client: an IPv4 address as it is, an IPv6 address by its /64, because one
 * subscriber line gets a whole /64 and can use a new address from it for every request.
 */
export function addressKey(address: string): string | undefined {
  const plain = address.trim().replace(/^\[(.*)\]$/, '$1');
  if (isIPv4(plain)) return plain;
  const groups = ipv6Groups(plain);
  if (!groups) return undefined;
  // An IPv4 client seen through an IPv6 socket (::ffff:a.b.c.d) is that IPv4 client.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] ?? 0, groups[7] ?? 0].flatMap((g) => [g >> 8, g & 0xff]).join('.');
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

/** The key a request is counted under: Google's right-most X-Forwarded-For entry, else the socket's address. */
export function clientKey(forwardedFor: string | undefined, socketAddress: string | undefined): string {
  const appended = forwardedFor?.split(',').at(-1);
  return (appended && addressKey(appended)) || (socketAddress && addressKey(socketAddress)) || UNKNOWN_CLIENT;
}
