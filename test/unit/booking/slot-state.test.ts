import { canTransition, judgeDecision } from '../../../shared/booking/slot-state';
import type { SlotStatus } from '../../../shared/store/slots';

describe('the slot state machine', () => {
  it.each<[SlotStatus, SlotStatus, boolean]>([
    ['requested', 'booked', true],
    ['requested', 'declined', true],
    ['requested', 'cancelled', true],
    ['booked', 'declined', true],
    ['booked', 'cancelled', true],
    ['booked', 'requested', false],
    ['declined', 'booked', false],
    ['declined', 'requested', false],
    ['cancelled', 'booked', false],
    ['cancelled', 'declined', false],
    ['requested', 'requested', false],
  ])('%s → %s allowed: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });
});

describe("the host's decision", () => {
  const at = new Date('2026-11-24T10:00:00Z');
  it.each([
    ['requested', null, 'confirm', { kind: 'apply', to: 'booked' }],
    ['requested', null, 'deny', { kind: 'apply', to: 'declined' }],
    ['requested', 'confirm', 'confirm', { kind: 'apply', to: 'booked' }],
    ['requested', 'confirm', 'deny', { kind: 'conflict', decided: 'confirm' }],
    ['booked', null, 'confirm', { kind: 'repeat' }],
    ['declined', null, 'deny', { kind: 'repeat' }],
    ['booked', null, 'deny', { kind: 'conflict', decided: 'booked' }],
    ['declined', null, 'confirm', { kind: 'conflict', decided: 'declined' }],
    ['cancelled', null, 'confirm', { kind: 'conflict', decided: 'cancelled' }],
    ['cancelled', null, 'deny', { kind: 'conflict', decided: 'cancelled' }],
  ] as const)('%s (pending %s) + %s → %j', (status, pending, action, verdict) => {
    expect(judgeDecision({ status, decision: pending ? { action: pending, at } : null }, action)).toEqual(verdict);
  });
});
