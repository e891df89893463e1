// The business events: one structured line per fact, at the one place it becomes true. Each line
// carries `event` (a name below) and only the ids and counts its schema lists: never guest text,
// addresses or tokens. Cloud Logging's log-based metrics (infra/monitoring) count and measure
// these lines by `jsonPayload.event` and the fields here, so a field renamed here is a metric
// broken there (test/unit/monitoring checks both against each other).
import { z } from 'zod';
import { SLOT_STATUSES } from './store/slots';

const id = z.string().min(1).max(200);
const count = z.number().int().nonnegative();
const status = z.enum(SLOT_STATUSES);

/**
 * Every event, its fields, and the severity it is written at. `.strict()`: a line with a field
 * not listed fails the schema (test/unit/monitoring/business-events.test.ts), so a guest's name,
 * email or message cannot slip in beside the ids.
 */
export const EVENTS = {
  /** A guest's booking was made (not a replayed answer). */
  'booking.created': { level: 'info', fields: z.object({ slotId: id, hostId: id, status, inviteMode: z.string().optional() }).strict() },
  /** A guest's booking was not made: `reason` is the error code the guest was answered with. */
  'booking.refused': { level: 'info', fields: z.object({ host: id, reason: z.string(), httpStatus: z.number().int() }).strict() },
  /** A host's confirm or deny, or a cancel by the host or the guest (a guest's decline in Google is a slot.transition). */
  'booking.decided': {
    level: 'info',
    fields: z.object({ slotId: id, hostId: id, action: z.string(), outcome: z.enum(['done', 'repeated', 'conflict']), status, by: z.enum(['host', 'guest']) }).strict(),
  },
  /** A slot changed status or time; `cause` says why (the slot's history has the same entry). */
  'slot.transition': {
    level: 'info',
    fields: z.object({ slotId: id, hostId: id, from: status, to: status, cause: z.string(), moved: z.boolean() }).strict(),
  },
  /**
   * A push from Google. `outcome`: handled (a sync ran), coalesced (a sync already covers it, or
   * an old message), ignored (Google's `sync` hello), refused (not our channel), failed (5xx).
   * `lagMs`: from the push's arrival to the end of its sync.
   */
  'push.received': {
    level: 'info',
    fields: z
      .object({
        channelId: id,
        outcome: z.enum(['handled', 'coalesced', 'ignored', 'refused', 'failed']),
        messageNumber: z.number().int().optional(),
        syncOutcome: z.string().optional(),
        changes: count.optional(),
        lagMs: count.optional(),
      })
      .strict(),
  },
  /**
   * One sync of a watched calendar (`watch`: host and calendar), as SyncReport has it; `failed`:
   * its last run ended on an error from Google or Firestore; `failuresInARow`: the watch's error
   * count after it (0 once a run succeeds).
   */
  'sync.result': {
    level: 'info',
    fields: z.object({ watch: id, outcome: z.string(), runs: count, changes: count, failed: z.boolean(), failuresInARow: count }).strict(),
  },
  /** Google said 410 to the sync token: the calendar is listed whole. */
  'sync.resync': { level: 'info', fields: z.object({ watch: id }).strict() },
  /** A call to the Calendar API failed after its retries; `status` is Google's HTTP status (0: none). */
  'calendar.error': { level: 'warn', fields: z.object({ operation: z.string(), status: z.number().int(), hostId: id.optional(), channelId: id.optional() }).strict() },
  /** `watch`: the host and calendar (the calendar's id hashed: it is often an email address). */
  'channel.created': { level: 'info', fields: z.object({ channelId: id, hostId: id, watch: id, expiresAt: z.string() }).strict() },
  'channel.renewed': { level: 'info', fields: z.object({ channelId: id, replaced: id, expiresAt: z.string() }).strict() },
  'channel.stopped': { level: 'info', fields: z.object({ channelId: id, hostId: id.optional(), reason: z.string() }).strict() },
  /** A channel could not be renewed (`step: renew`) or a missing one made or a stale one stopped (`step: heal`). */
  'channel.upkeep_failed': { level: 'warn', fields: z.object({ step: z.enum(['renew', 'heal']), channelId: id.optional(), hostId: id.optional() }).strict() },
  /** A mail's attempt: sent, queued for another attempt, or given up (`permanent`: SendGrid refused it for good). */
  'mail.sent': { level: 'info', fields: z.object({ outboxId: id, attempts: count }).strict() },
  'mail.queued': { level: 'warn', fields: z.object({ outboxId: id, attempts: count, sendgridStatus: z.number().int().nullable() }).strict() },
  'mail.given_up': { level: 'error', fields: z.object({ outboxId: id, attempts: count, sendgridStatus: z.number().int().nullable(), permanent: z.boolean() }).strict() },
  /** One of our abuse limits answered 429. */
  'abuse.limited': { level: 'warn', fields: z.object({ limit: z.string(), route: z.string() }).strict() },
  /**
   * The scheduled run's summary: what it did, and the gauges an operator watches (the metrics
   * read them from this one line each run; absent lines are the "did not run" alert).
   */
  'upkeep.run': {
    level: 'info',
    fields: z
      .object({
        outcome: z.enum(['done', 'done_with_failures', 'skipped', 'failed']),
        /** The run's shard, `3of8` (shared/upkeep/shards.ts shardName; `0of1` for the whole install): the alerts watch each shard's runs. */
        shard: z.string().max(20).optional(),
        renewed: count.optional(),
        healed: count.optional(),
        reconciled: count.optional(),
        mailed: count.optional(),
        invitesSettled: count.optional(),
        stepsSettled: count.optional(),
        failed: count.optional(),
        remaining: count.optional(),
        durationMs: count.optional(),
        channelsPending: count.optional(),
        channelsActive: count.optional(),
        channelsExpiringWithin24h: count.optional(),
        channelsExpiringWithin12h: count.optional(),
        outboxDepth: count.optional(),
        oldestMailAgeSeconds: count.optional(),
      })
      .strict(),
  },
} as const;

export type EventName = keyof typeof EVENTS;
export type EventFields<N extends EventName> = z.input<(typeof EVENTS)[N]['fields']>;

/** The part of a pino logger an event needs (the mailer's recorder fits too). */
export interface EventLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Writes one business event: `{event, ...fields}`, its name as the message, at its level. */
export function logEvent<N extends EventName>(log: EventLog, name: N, fields: EventFields<N>): void {
  log[EVENTS[name].level]({ event: name, ...fields }, name);
}

/** Checks a parsed log line against its event's schema; the problems, none if it fits. */
export function eventProblems(line: Record<string, unknown>): string[] {
  const name = line.event;
  if (typeof name !== 'string' || !(name in EVENTS)) return [`unknown event ${String(name)}`];
  const { event: _event, message, severity: _severity, time: _time, 'logging.googleapis.com/trace': _trace, ...fields } = line;
  // The message is the event's name: a text of any other kind would be a way around the schema.
  const problems = message === name ? [] : [`${name}: message is not the event's name`];
  const parsed = EVENTS[name as EventName].fields.safeParse(fields);
  return parsed.success ? problems : [...problems, ...parsed.error.issues.map((issue) => `${name}: ${issue.path.join('.') || '(line)'} ${issue.message}`)];
}
