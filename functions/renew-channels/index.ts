// The `renewChannels` function: Cloud Scheduler's target, hourly. Deployed private, with the
// scheduler's service account as its only invoker; here, defence in depth: the OIDC token's
// audience and email must match our settings, and, deployed public, its signature is verified
// before any of that. Anything else → 401/403 and nothing runs; the answer says which of the two,
// never why (that is in the log). The run's summary is the answer and one log line; its
// `upkeep.run` event adds the gauges the alerts watch (shared/upkeep/run-gauges.ts).
//
// Each scheduler job names its shard in the URL, `?shard=3&of=8` (shared/upkeep/shards.ts); a
// call naming none runs the whole install (the job from before shards). A shard that is not one
// → 400, checked after the caller, so only the scheduler learns what a valid shard is.
import { logEvent } from '../../shared/business-events';
import { SchedulerTokenVerifier } from '../../shared/google/scheduler-token';
import { BLOCK, CallPacer } from '../../shared/upkeep/call-budget';
import { firestoreReserve } from '../../shared/upkeep/call-budget-store';
import { LiveBookings } from '../../shared/upkeep/live-bookings';
import { runUpkeep } from '../../shared/upkeep/run-upkeep';
import { shardName, shardSchema, WHOLE, type Shard } from '../../shared/upkeep/shards';
import { readRunGauges } from '../../shared/upkeep/run-gauges';
import { httpFunction } from '../http-function';
import type { BodyRule } from '../request-body';
import { services, upkeepDeps } from '../services';

/** Cloud Scheduler's job sends no body (infra/deploy/renewal-job.ts): its shard is in the URL. */
const BODY: BodyRule = { maxBytes: 1024, parse: [] };

/** The same answer for every refusal of a kind: which check failed is for our log only. */
const REFUSALS = {
  401: { error: 'unauthenticated', message: 'a valid token from our scheduler is required' },
  403: { error: 'forbidden', message: 'this token may not start a run' },
} as const;

/** The shard the URL names; the whole install when it names none. */
function shardOf(query: Record<string, unknown>): { ok: true; shard: Shard } | { ok: false; message: string } {
  if (query.shard === undefined && query.of === undefined) return { ok: true, shard: WHOLE };
  const parsed = shardSchema.safeParse({ index: typeof query.shard === 'string' ? query.shard : undefined, count: typeof query.of === 'string' ? query.of : undefined });
  if (parsed.success) return { ok: true, shard: parsed.data };
  const issue = parsed.error.issues[0];
  const name = issue?.path[0] === 'count' ? 'of' : 'shard';
  return { ok: false, message: `${name} ${issue?.message ?? 'is not valid'} (give both: ?shard=INDEX&of=COUNT, 0 <= INDEX < COUNT)` };
}

let verifier: SchedulerTokenVerifier | undefined;

function schedulerVerifier(): SchedulerTokenVerifier | undefined {
  const { scheduler, google } = services().config;
  if (scheduler.auth === 'off') return undefined;
  verifier ??= new SchedulerTokenVerifier({ mode: scheduler.auth, audience: scheduler.audience, serviceAccount: scheduler.serviceAccount, certsUrl: google.certsUrl });
  return verifier;
}

export const renewChannels = httpFunction(async (req, res, { log }) => {
  // Cloud Scheduler's HTTP target sends POST (infra/deploy); nothing else starts a run.
  if (req.method !== 'POST') return void res.status(405).set('allow', 'POST').json({ error: 'method_not_allowed', message: 'POST only' });
  const check = schedulerVerifier();
  if (!check) {
    log.warn('SCHEDULER_AUTH=off: the scheduler check is skipped (local dev server only)');
  } else {
    const verdict = await check.check(req.headers.authorization);
    if (!verdict.ok) {
      log.warn({ status: verdict.status, problem: verdict.problem, detail: verdict.detail }, 'renewal run refused');
      return void res.status(verdict.status).set(verdict.status === 401 ? { 'www-authenticate': 'Bearer' } : {}).json(REFUSALS[verdict.status]);
    }
  }
  const asked = shardOf(req.query as Record<string, unknown>);
  if (!asked.ok) return void res.status(400).json({ error: 'invalid_shard', message: asked.message });
  const shard = shardName(asked.shard);
  const { db, config } = services();
  const limit = config.upkeep.callsPerMinute;
  const pacer = new CallPacer(firestoreReserve(db, limit), { limit, windowMs: 60_000, block: BLOCK, now: Date.now, sleep: (ms) => new Promise((wake) => setTimeout(wake, ms)) });
  // The idle interval is never shorter than the live one: a calendar with bookings is never behind one without.
  const idleReconcileIntervalMs = Math.max(config.renewal.reconcileIntervalMs, config.upkeep.idleReconcileIntervalMs);
  const options = { ...config.renewal, idleReconcileIntervalMs, healIntervalMs: config.upkeep.healIntervalMs, shard: asked.shard };
  const summary = await runUpkeep({ ...upkeepDeps(), log, pacer, live: new LiveBookings(db) }, options).catch((error: unknown) => {
    logEvent(log, 'upkeep.run', { outcome: 'failed', shard });
    throw error;
  });
  const gauges = await readRunGauges(services().db, services().now()).catch((error: unknown) => {
    log.warn({ err: error }, 'the run\'s gauges could not be read; its summary goes without them');
    return {};
  });
  const { skipped, ...counts } = summary;
  logEvent(log, 'upkeep.run', { outcome: skipped ? 'skipped' : summary.failed > 0 ? 'done_with_failures' : 'done', shard, ...counts, ...gauges });
  res.status(200).json({ ...summary, shard });
}, BODY);
