// The 201 answer to a booking names who sent the guest's invitation (`inviteMode`), so the booking
// page can say what really happened; the fields before it are unchanged, and a replay repeats it.
import { book, freeSlot } from '../../support/booking-client';
import { startSystem, type TestSystem } from '../../support/system';

jest.setTimeout(60_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());

it.each([
  ['google', 'a host with a Google calendar', {}],
  ['ics', 'a host without one', { google: false }],
] as const)('answers inviteMode %s for %s, and the same again to a replay', async (inviteMode, _, options) => {
  const host = await sys.createHost(options);
  const { start, end } = await freeSlot(sys.functionsUrl, host.slug);
  const key = `invite-mode-${inviteMode}`;
  const first = await book(sys.functionsUrl, { host: host.slug, start }, { 'idempotency-key': key });
  expect(first.status).toBe(201);
  const body = (await first.json()) as Record<string, unknown>;
  expect(body).toEqual({ slotId: expect.any(String), status: 'requested', start, end, inviteMode });
  const again = await book(sys.functionsUrl, { host: host.slug, start }, { 'idempotency-key': key });
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(await again.json()).toEqual(body);
});
