// A new host's booking link name, from their email address: "Jane.Doe+work@x" → "jane-doe-work".
// Must satisfy the schedule's slug rule (3-64 of a-z, 0-9, "-", no dash at either end).
import { randomBytes } from 'node:crypto';

const MAX_BASE = 55;

/**
 * Paths of the booking function beside `/booking/SLUG`: a host with one of these names would have
 * no booking page, so none is ever given or accepted as a booking link name.
 */
export const RESERVED_SLUGS: readonly string[] = ['availability', 'bookings', 'manage', 'assets'];

export function isReservedSlug(slug: string): boolean {
  return RESERVED_SLUGS.includes(slug);
}

export function slugBase(email: string): string {
  const local = email.split('@')[0] ?? '';
  const base = local
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_BASE)
    .replace(/^-+|-+$/g, '');
  if (base === '') return 'host';
  return base.length < 3 || isReservedSlug(base) ? `${base}-host` : base;
}

/** Names to try in order until one is free: the base, a few numbered, then random suffixes. */
export function* slugCandidates(email: string, randomSuffix: () => string = () => randomBytes(3).toString('hex')): Generator<string> {
  const base = slugBase(email);
  yield base;
  for (let n = 2; n <= 5; n += 1) yield `${base}-${n}`;
  for (;;) yield `${base}-${randomSuffix()}`;
}
