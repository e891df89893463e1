import { bookingsQueryString, parseBookingsQuery } from '../../../functions/accounts/bookings-query';
import { encodePageToken } from '../../../shared/store/host-bookings';

const ZONE = 'America/New_York';

function parse(query: string) {
  return parseBookingsQuery(new URLSearchParams(query), ZONE);
}

function issues(query: string): string[] {
  const parsed = parse(query);
  if (parsed.ok) throw new Error(`${query} parsed`);
  return parsed.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('the bookings query', () => {
  it('with nothing chosen lists every status over all time, from the first page', () => {
    const parsed = parse('');
    expect(parsed).toEqual({ ok: true, query: { statuses: [], filter: { statuses: ['requested', 'booked', 'declined', 'cancelled'] } } });
  });

  it('takes statuses repeated (a form) or comma-separated, each once, in the order of a booking\'s life', () => {
    const repeated = parse('status=requested&status=booked');
    const commas = parse('status=booked,requested,booked');
    expect(repeated.ok && repeated.query.filter.statuses).toEqual(['requested', 'booked']);
    expect(commas.ok && commas.query.filter.statuses).toEqual(['requested', 'booked']);
  });

  it('reads from and to as whole days in the host zone: from its first moment to the end of the last day', () => {
    const parsed = parse('from=2026-03-07&to=2026-03-08');
    expect(parsed.ok && parsed.query.filter).toEqual({
      statuses: ['requested', 'booked', 'declined', 'cancelled'],
      from: new Date('2026-03-07T05:00:00Z'),
      // New York moves to summer time on 8 March 2026: the day ends at 04:00 UTC.
      to: new Date('2026-03-09T04:00:00Z'),
    });
    expect(parsed.ok && [parsed.query.from, parsed.query.to]).toEqual(['2026-03-07', '2026-03-08']);
  });

  it('takes a one-day range and empty fields as none (a form sends them empty)', () => {
    expect(parse('from=2026-03-07&to=2026-03-07').ok).toBe(true);
    expect(parse('from=&to=&status=')).toEqual(parse(''));
  });

  it('takes a page token it gave out', () => {
    const cursor = { asOf: new Date('2026-03-01T00:00:00Z'), phase: 'past' as const, after: { start: new Date('2026-02-01T10:00:00Z'), slotId: 'abc' } };
    const parsed = parse(`pageToken=${encodePageToken(cursor)}`);
    expect(parsed.ok && parsed.query.cursor).toEqual(cursor);
  });

  it.each([
    ['status=maybe', 'status: must be one or more of requested, booked, declined, cancelled (got "maybe")'],
    ['from=2026-3-7', 'from: must be a date as YYYY-MM-DD'],
    ['to=2026-02-30', 'to: 2026-02-30 is not a day of the calendar'],
    ['from=2026-03-08&to=2026-03-07', 'to: must not be before from'],
    ['from=2026-03-07&from=2026-03-08', 'from: give it once'],
    ['pageToken=nonsense!', 'pageToken: the page token is not one this page gave out'],
    [`pageToken=${Buffer.from('{"v":1}').toString('base64url')}`, 'pageToken: the page token is not one this page gave out'],
  ])('refuses %s with a clear message', (query, message) => {
    expect(issues(query)).toEqual([message]);
  });

  it('gives back a query string that parses to the same query (links to the next page and back after an action)', () => {
    const cursor = { asOf: new Date('2026-03-01T00:00:00Z'), phase: 'upcoming' as const };
    const parsed = parse(`status=declined&status=booked&from=2026-03-07&pageToken=${encodePageToken(cursor)}&notice=x`);
    if (!parsed.ok) throw new Error('did not parse');
    const again = bookingsQueryString(parsed.query);
    expect(again).toBe(`status=booked&status=declined&from=2026-03-07&pageToken=${encodePageToken(cursor)}`);
    expect(parse(again)).toEqual(parsed);
    expect(bookingsQueryString({ ...parsed.query, pageToken: undefined })).toBe('status=booked&status=declined&from=2026-03-07');
  });
});
