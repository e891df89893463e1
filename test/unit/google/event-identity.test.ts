import { eventIdForSlot, InvalidSlotId, privatePropertiesFor, slotIdForEvent } from '../../../shared/google/event-identity';

describe('event ids derived from slot ids', () => {
  it('are valid Google event ids: base32hex, 5 to 1024 characters', () => {
    for (const slotId of ['a', 'slot_2026-11-24T0900', 'Z'.repeat(200)]) {
      const eventId = eventIdForSlot(slotId);
      expect(eventId).toMatch(/^[a-v0-9]{5,1024}$/);
    }
  });

  it('are the same for the same slot, so a retried insert collides instead of duplicating', () => {
    expect(eventIdForSlot('abc123')).toBe(eventIdForSlot('abc123'));
    expect(eventIdForSlot('abc123')).not.toBe(eventIdForSlot('abc124'));
  });

  it('lead back to their slot, even when an event arrives as nothing but its id', () => {
    expect(slotIdForEvent(eventIdForSlot('Hq3_x-9'))).toBe('Hq3_x-9');
  });

  it('are not mistaken for events someone else created', () => {
    expect(slotIdForEvent('7kvh3k0mb4rbrqcpmlhd5tn8fg')).toBeUndefined();
    expect(slotIdForEvent('abc_20261124T090000Z')).toBeUndefined();
    expect(slotIdForEvent('')).toBeUndefined();
  });

  it('refuse slot ids that could not round-trip', () => {
    expect(() => eventIdForSlot('has space')).toThrow(InvalidSlotId);
    expect(() => eventIdForSlot('')).toThrow(InvalidSlotId);
  });

  it('come with the private properties a full resync filters on', () => {
    expect(privatePropertiesFor('s1')).toEqual({ bookingApp: 'calendar-invites', slotId: 's1' });
  });
});
