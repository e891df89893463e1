// What a booking request gets when its Idempotency-Key is already on record: a table, no I/O.
import { judgeRepeat, type RepeatVerdict } from '../../../shared/booking/idempotency';
import type { BookingRequestRecord } from '../../../shared/store/booking-requests';

const now = new Date('2030-01-01T10:00:00Z');
const later = new Date('2030-01-01T10:00:30Z');
const earlier = new Date('2030-01-01T09:59:30Z');
const response = { status: 201, body: { slotId: 's1', status: 'requested' } };

type Record = Pick<BookingRequestRecord, 'requestHash' | 'response' | 'lease'>;

const atWork = { holder: 'a', until: later };

const cases: [string, Record, RepeatVerdict][] = [
  ['another body under the same key is refused, answered or not', { requestHash: 'other', response, lease: null }, { kind: 'reused' }],
  ['another body is refused while the first is at work too', { requestHash: 'other', response: null, lease: atWork }, { kind: 'reused' }],
  ['an answered request gives its answer again', { requestHash: 'same', response, lease: null }, { kind: 'answered', response }],
  ['an answer wins over a lease left behind', { requestHash: 'same', response, lease: atWork }, { kind: 'answered', response }],
  ['a request holding its key is at work: the duplicate must ask again', { requestHash: 'same', response: null, lease: atWork }, { kind: 'in_flight', until: later }],
  ['a lease that has run out means the holder was cut off: the retry finishes the booking', { requestHash: 'same', response: null, lease: { holder: 'a', until: earlier } }, { kind: 'resume' }],
  ['a lease running out this very moment has run out', { requestHash: 'same', response: null, lease: { holder: 'a', until: now } }, { kind: 'resume' }],
  ['a request that failed gave its key back: the retry finishes the booking', { requestHash: 'same', response: null, lease: null }, { kind: 'resume' }],
];

describe('a booking request whose Idempotency-Key is on record', () => {
  it.each(cases)('%s', (_name, record, verdict) => {
    expect(judgeRepeat(record, 'same', now)).toEqual(verdict);
  });
});
