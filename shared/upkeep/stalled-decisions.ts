// The scheduled run's step for steps (the host's confirm or deny, a cancel) whose instance stopped
// while carrying them out: the slot still holds the step in `decision`, long past its lease. Google
// may have acted (our delete or patch done, the answer never recorded), and a sync that met the
// change then left the slot to the step (../sync/decide-change.ts), its token moved on. The run looks
// at Google and settles each (../booking/stalled-step.ts): the step's outcome recorded with its own
// cause and mail (the mail once: its dedupe key), or the step released, the slot as it was.
import { logDecision } from '../booking/decide';
import { calendarTarget } from '../booking/host-calendar';
import { canTransition } from '../booking/slot-state';
import { judgeStalledStep, sameStep, STEP_STALLED_AFTER_MS, type StalledStepVerdict, type StepFound } from '../booking/stalled-step';
import { ConnectionRevoked, EventGone } from '../google/errors';
import { stepsTakenBefore, type StepCursor } from '../store/slot-steps';
import type { Slot } from '../store/slots';
import type { Subscriber } from '../store/subscribers';
import type { PoolOptions } from '../work-pool';
import { settleStalled, type SettleOutcome, type SettleReport } from './settle-stalled';
import type { StalledInviteDeps } from './stalled-invites';

/** The same adapters as the stalled invites'. */
export type StalledDecisionDeps = StalledInviteDeps;

/** Finished: recorded as the step would have (Google had its outcome); released: Google had nothing of it, or the slot had moved on without it. */
export type StalledDecisionReport = SettleReport;

/** Every slot whose step has stalled, a few at a time until the deadline. */
export async function settleStalledDecisions(deps: StalledDecisionDeps, pool: PoolOptions): Promise<StalledDecisionReport> {
  const cutoff = new Date(deps.now().getTime() - STEP_STALLED_AFTER_MS);
  return settleStalled<StepCursor>(
    {
      page: (after, size) => stepsTakenBefore(deps.db, cutoff, size, after),
      cursorOf: ({ slotId, slot }) => (slot.decision ? { slotId, at: slot.decision.at } : undefined),
      settle: (slotId, slot) => settle(deps, slotId, slot),
      failure: 'a stalled step could not be settled; the next run tries again',
    },
    pool,
    deps.log,
  );
}

async function settle(deps: StalledDecisionDeps, slotId: string, slot: Slot): Promise<SettleOutcome> {
  const step = slot.decision;
  if (!step) return 'left';
  const host = await deps.subscribers.get(slot.subscriberId);
  const found: StepFound = host ? await lookUp(deps, slot, host) : { kind: 'calendar_unavailable' };
  if (judgeStalledStep(slot, found, deps.now()).kind === 'leave') return 'left';
  // Judged again on the slot as the transaction reads it: only the very step read, and only as
  // the slot is now (a late retry of the step, or a cancel after its lease, may have come since).
  const written = await deps.slots.update<{ verdict: StalledStepVerdict; slot: Slot } | undefined>(slotId, (current) => {
    if (!sameStep(current, step)) return { result: undefined };
    const verdict = judgeStalledStep(current, found, deps.now());
    const at = deps.now();
    if (verdict.kind === 'release') return { slot: { ...current, decision: null }, result: { verdict, slot: current } };
    if (verdict.kind !== 'finish' || !canTransition(current.status, verdict.to)) return { result: undefined };
    const next: Slot = {
      ...current,
      status: verdict.to,
      decision: null,
      history: [...current.history, { from: current.status, to: verdict.to, cause: verdict.cause, at }],
      updatedAt: at,
    };
    return { slot: next, result: { verdict, slot: next } };
  });
  if (!written) return 'left';
  const log = { slotId, hostId: slot.subscriberId, action: step.action };
  if (written.verdict.kind === 'release') {
    deps.log.warn(log, 'a step whose instance stopped left nothing to record (Google has none of it, or the slot moved on): released');
    return 'released';
  }
  // After the write, as the steps mail: a mail must not tell of a step the slot did not record.
  if (host) await mailOf(deps, { slotId, slot: written.slot, host }, step);
  logDecision(deps.log, slotId, step.action, { kind: 'done', repeated: false, slot: written.slot }, step.by ?? 'host');
  deps.log.warn({ ...log, cause: written.slot.history.at(-1)?.cause }, 'a step whose instance stopped after Google acted: recorded, its mail sent');
  return 'finished';
}

/** The step's own mail, as the step sends it (../booking/cancel-booking, ../booking/decide). */
async function mailOf(deps: StalledDecisionDeps, context: { slotId: string; slot: Slot; host: Subscriber }, step: NonNullable<Slot['decision']>): Promise<void> {
  if (step.action === 'cancel') await deps.notices.bookingCancelled(context, step.note ?? null);
  else await deps.notices.decisionMade(context, step.action);
}

/** What Google has for the slot's event. */
async function lookUp(deps: StalledDecisionDeps, slot: Slot, host: Subscriber): Promise<StepFound> {
  const target = calendarTarget(deps.calendars, slot.subscriberId, host);
  // As the steps: no event was ever written for a slot of a host without a Google calendar.
  if (target.kind === 'none' || !slot.calendarId) return { kind: 'no_calendar' };
  if (target.kind === 'google_broken') return { kind: 'calendar_unavailable' };
  try {
    return { kind: 'event', event: await target.session.getEvent(slot.calendarId, slot.eventId) };
  } catch (error) {
    if (error instanceof EventGone) return { kind: 'no_event' };
    if (error instanceof ConnectionRevoked) return { kind: 'calendar_unavailable' };
    throw error;
  }
}
