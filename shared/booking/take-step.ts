// Taking a step on a slot (the host's confirm or deny, a cancel) before any Google call: judged and
// claimed in one transaction, so two steps that would both reach Google cannot both be taken. A
// judgement may say to wait for another step under way (a cancel does, for another step at Google
// or an invite still being made; a confirm or deny meeting another step is a conflict instead):
// the slot is judged again a moment later, up to a bound, as the other ends within one or two
// Google calls and this one must still fit its own call inside its function's 60 s.
import { setTimeout as sleep } from 'node:timers/promises';
import type { SlotRepository } from '../store/slot-repository';
import type { Slot } from '../store/slots';
import { HostCalendarUnavailable } from './errors';

/** Longer than two Google calls with their retries (~14 s each at most, functions/services.ts GOOGLE_CALLS) would be unusual. */
const WAIT_FOR_STEP_MS = 20_000;
const WAIT_STEP_MS = 150;

type Wait = { kind: 'wait' };

/**
 * Judges the slot in a transaction and writes `claim` if the judgement gives one; on `wait`, judges
 * again a moment later. HostCalendarUnavailable when the other step is still under way after the
 * bound (the caller answers "try again shortly").
 */
export async function takeStep<V extends { kind: string }>(
  deps: { slots: Pick<SlotRepository, 'update'>; now: () => Date },
  slotId: string,
  judge: (slot: Slot, now: Date) => { verdict: V | Wait; claim?: Slot },
): Promise<{ verdict: Exclude<V, Wait>; slot: Slot }> {
  const giveUpAt = deps.now().getTime() + WAIT_FOR_STEP_MS;
  for (;;) {
    const taken = await deps.slots.update(slotId, (slot) => {
      const { verdict, claim } = judge(slot, deps.now());
      return { slot: claim, result: { verdict, slot: claim ?? slot } };
    });
    if (!isWait(taken.verdict)) return { verdict: taken.verdict as Exclude<V, Wait>, slot: taken.slot };
    if (deps.now().getTime() >= giveUpAt) throw new HostCalendarUnavailable('google_unavailable');
    await sleep(WAIT_STEP_MS);
  }
}

function isWait(verdict: { kind: string }): verdict is Wait {
  return verdict.kind === 'wait';
}
