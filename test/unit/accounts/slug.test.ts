import { slugBase, slugCandidates } from '../../../shared/accounts/slug';
import { scheduleSchema } from '../../../shared/store/subscribers';

const slugRule = scheduleSchema.shape.slug;

describe("a new host's booking link name", () => {
  it.each([
    ['jane@example.com', 'jane'],
    ['Jane.Doe+work@example.com', 'jane-doe-work'],
    ['josé.garcía@example.es', 'jose-garcia'],
    ['__bob__@example.com', 'bob'],
    ['jo@example.com', 'jo-host'],
    ['x@example.com', 'x-host'],
    ['+++@example.com', 'host'],
    [`${'a'.repeat(80)}@example.com`, 'a'.repeat(55)],
    // The booking function's own paths are never a booking link: /booking/manage is the guest's link.
    ['manage@example.com', 'manage-host'],
    ['assets@example.com', 'assets-host'],
    ['Bookings@example.com', 'bookings-host'],
    ['availability@example.com', 'availability-host'],
  ])('of %s is %s', (email, slug) => {
    expect(slugBase(email)).toBe(slug);
    expect(slugRule.safeParse(slug).success).toBe(true);
  });

  it('is tried plain, then numbered, then with random suffixes, each a valid slug', () => {
    const candidates = slugCandidates('jane@example.com', () => 'a1b2c3');
    const first = Array.from({ length: 7 }, () => candidates.next().value as string);
    expect(first).toEqual(['jane', 'jane-2', 'jane-3', 'jane-4', 'jane-5', 'jane-a1b2c3', 'jane-a1b2c3']);
    for (const slug of first) expect(slugRule.safeParse(slug).success).toBe(true);
  });

  it('stays within the slug length with a suffix on the longest base', () => {
    const candidates = slugCandidates(`${'b'.repeat(90)}@example.com`);
    candidates.next();
    for (let i = 0; i < 6; i += 1) expect(slugRule.safeParse(candidates.next().value).success).toBe(true);
  });
});
