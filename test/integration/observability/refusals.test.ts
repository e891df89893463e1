// Refusals are business events too: a booking of a taken time and one over our abuse limit each
// write `booking.refused` with the code the guest was answered with, and the 429 its `abuse.limited`.
import { Writable } from 'node:stream';
import { logTo } from '../../../functions/services';
import { eventProblems } from '../../../shared/business-events';
import { book, freeSlot } from '../../support/booking-client';
import { startSystem, type TestSystem } from '../../support/system';

jest.setTimeout(60_000);

let sys: TestSystem;
const written: string[] = [];

beforeAll(async () => {
  logTo(
    new Writable({
      write(chunk, _encoding, done) {
        written.push(String(chunk));
        done();
      },
    }),
  );
  sys = await startSystem({ LOG_LEVEL: 'info', LIMIT_BOOKING_ATTEMPTS_PER_MINUTE: '2' });
});
afterAll(() => sys.close());

const events = (): Record<string, unknown>[] =>
  written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => typeof line.event === 'string');

it('a taken time and a booking over the abuse limit are each one refusal event, with the answer the guest got', async () => {
  const host = await sys.createHost();
  const slot = await freeSlot(sys.functionsUrl, host.slug);
  expect((await book(sys.functionsUrl, { host: host.slug, start: slot.start })).status).toBe(201);
  expect((await book(sys.functionsUrl, { host: host.slug, start: slot.start })).status).toBe(409);
  expect((await book(sys.functionsUrl, { host: host.slug, start: slot.start })).status).toBe(429);

  const refusals = events().filter((line) => line.event === 'booking.refused' || line.event === 'abuse.limited');
  expect(refusals).toEqual([
    expect.objectContaining({ event: 'booking.refused', host: host.slug, reason: 'slot_unavailable:taken', httpStatus: 409 }),
    expect.objectContaining({ event: 'booking.refused', host: host.slug, reason: 'rate_limited', httpStatus: 429 }),
    expect.objectContaining({ event: 'abuse.limited', severity: 'WARNING', limit: expect.any(String), route: 'booking' }),
  ]);
  expect(events().flatMap(eventProblems)).toEqual([]);
});
