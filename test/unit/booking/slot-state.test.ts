import { canTransition, judgeCancel, judgeDecision } from '../../../shared/booking/slot-state';
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
    expect(judgeDecision({ status, decision: pending ? { action: pending, at } : null }, action, at)).toEqual(verdict);
  });
});

describe('a cancel, by the host or the guest', () => {
  const now = new Date('2026-11-24T10:00:00Z');
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);
  const inFlight = { until: new Date(now.getTime() + 30_000), changeSeen: false };
  const leftInFlight = { until: new Date(now.getTime() - 1), changeSeen: true };
  it.each([
    ['requested', null, null, { kind: 'apply' }],
    ['booked', null, null, { kind: 'apply' }],
    ['cancelled', null, null, { kind: 'repeat' }],
    ['cancelled', { action: 'cancel', at: ago(1) }, null, { kind: 'repeat' }],
    ['declined', null, null, { kind: 'conflict', decided: 'declined' }],
    ['booked', { action: 'cancel', at: ago(1) }, null, { kind: 'wait' }],
    ['requested', { action: 'confirm', at: ago(1) }, null, { kind: 'wait' }],
    ['requested', { action: 'deny', at: ago(59) }, null, { kind: 'wait' }],
    ['requested', null, inFlight, { kind: 'wait' }],
    ['booked', null, leftInFlight, { kind: 'apply' }],
    ['booked', { action: 'cancel', at: ago(60) }, null, { kind: 'apply' }],
    ['requested', { action: 'confirm', at: ago(600) }, null, { kind: 'apply' }],
  ] as const)('%s (under way %j, invite in flight %j) → %j', (status, decision, inviteInFlight, verdict) => {
    expect(judgeCancel({ status, decision, inviteInFlight }, now)).toEqual(verdict);
  });
});

describe("the host's decision while the slot's invite is being made", () => {
  const now = new Date('2026-11-24T10:00:00Z');
  const underWay = { until: new Date(now.getTime() + 1), changeSeen: false };
  const leftForTheRun = { until: now, changeSeen: true };
  it.each([
    ['requested', 'confirm', underWay, { kind: 'wait' }],
    ['requested', 'deny', underWay, { kind: 'wait' }],
    ['requested', 'confirm', leftForTheRun, { kind: 'apply', to: 'booked' }],
    ['booked', 'confirm', underWay, { kind: 'repeat' }],
    ['booked', 'deny', underWay, { kind: 'conflict', decided: 'booked' }],
  ] as const)('%s + %s (mark until %j) → %j', (status, action, inviteInFlight, verdict) => {
    expect(judgeDecision({ status, decision: null, inviteInFlight }, action, now)).toEqual(verdict);
  });
});

describe("the host's decision while a cancel is under way", () => {
  it('is a conflict: the cancel goes on', () => {
    const at = new Date('2026-11-24T10:00:00Z');
    expect(judgeDecision({ status: 'booked', decision: { action: 'cancel', at } }, 'deny', at)).toEqual({ kind: 'conflict', decided: 'booked' });
    expect(judgeDecision({ status: 'requested', decision: { action: 'cancel', at } }, 'confirm', at)).toEqual({ kind: 'conflict', decided: 'cancel' });
  });
});
