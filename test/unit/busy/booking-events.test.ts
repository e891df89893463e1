import { bookingTimeCounted, ownersToRead, splitBookings } from '../../../shared/busy/booking-events';
import { eventIdForSlot } from '../../../shared/google/event-identity';

const span = (hour: number) => ({ start: hour * 3_600_000, end: (hour + 1) * 3_600_000 });
const booking = (slotId: string, hour: number) => ({ slotId, intervals: [span(hour)] });

describe('our own booking events in stored busy time', () => {
  it('an event whose id names a slot is a booking of ours, by that slot; any other is counted as it is', () => {
    expect(
      splitBookings([
        { eventId: 'dentist123', intervals: [span(8)] },
        { eventId: eventIdForSlot('slot-a'), intervals: [span(9), span(10)] },
        { eventId: 'h-imported@example.org', intervals: [span(11)] },
      ]),
    ).toEqual({ intervals: [span(8), span(11)], bookings: [{ slotId: 'slot-a', intervals: [span(9), span(10)] }] });
  });

  it.each([
    ['a live slot of the host (its cells name it)', ['live'], {}, []],
    ['a slot of the host that ended (cancelled, declined): no cells, read as the host\'s', [], { ended: 'h' }, []],
    ['a slot of the host moved out of the range: its cells are elsewhere', [], { moved: 'h' }, []],
    ["another host's booking with the host as its guest", [], { 'as-guest': 'other' }, [span(9)]],
    ['an event of ours with no slot (a booking that failed after Google wrote it)', [], {}, [span(9)]],
  ] as const)('%s', (_case, held, owners, counted) => {
    const slotId = held[0] ?? Object.keys(owners)[0] ?? 'no-slot';
    expect(bookingTimeCounted([booking(slotId, 9)], 'h', new Set(held), new Map(Object.entries(owners)))).toEqual(counted);
  });

  it('only the slots no cell names are read, each once', () => {
    expect(ownersToRead([booking('live', 9), booking('gone', 10), booking('gone', 11), booking('other', 12)], new Set(['live']))).toEqual(['gone', 'other']);
  });
});
