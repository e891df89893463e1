// `mailOutbox/{id}`: every mail we send, claimed here before its first attempt (DESIGN: "Every
// notice is claimed before it is sent, in one place"). The document id comes from the mail's dedupe
// key and is written with create(), so of two paths sending one mail only the first claims it,
// however often or however concurrently the action that sends it runs. A mail SendGrid did not take
// waits here until a later attempt gets it through or we give up; a mail whose sender died between
// the claim and the outcome becomes due when the claim's lease runs out.
//
// `due()` filters on status and orders by nextAttemptAt: in production that needs the
// composite index (status ASC, nextAttemptAt ASC) in infra/firestore/firestore.indexes.json.
import { createHash } from 'node:crypto';
import { FieldValue, type Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import { outgoingMailSchema } from '../mail/outgoing-mail';
import { isAlreadyExists, withDates } from './firestore';

export const OUTBOX_STATUSES = ['pending', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

// Addresses are kept as SendGrid got them, not re-checked: a mail SendGrid refused for an
// address it would not take must still be stored, as the record of what failed.
const storedAddressSchema = z.object({ email: z.string().min(1), name: z.string().min(1).optional() });

/** The mail as it goes to SendGrid: ours plus the sender and the fields that identify it. */
export const mailRequestSchema = outgoingMailSchema.extend({
  to: storedAddressSchema,
  replyTo: storedAddressSchema.optional(),
  from: storedAddressSchema,
  headers: z.record(z.string(), z.string()),
  customArgs: z.record(z.string(), z.string()),
});
export type MailRequest = z.infer<typeof mailRequestSchema>;

/** What went wrong on an attempt: SendGrid's status (null when no answer came) and its words. */
export const sendFailureSchema = z.object({
  status: z.number().int().nullable(),
  message: z.string(),
  /** True when sending the same request again cannot succeed (SendGrid refused its content). */
  permanent: z.boolean(),
});
export type SendFailure = z.infer<typeof sendFailureSchema>;

export const outboxMailSchema = z.object({
  dedupeKey: z.string().min(1),
  request: mailRequestSchema,
  status: z.enum(OUTBOX_STATUSES),
  /** Attempts whose outcome was recorded; 0 while the first is under way. */
  attempts: z.number().int().min(0),
  /** The last failed attempt's error; null until one failed. */
  lastError: sendFailureSchema.nullable(),
  nextAttemptAt: z.date(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type OutboxMail = z.infer<typeof outboxMailSchema>;
export type OutboxEntry = OutboxMail & { id: string };

/** A first claim of a mail, or where the claim made before has got to. */
export type OutboxClaim = { id: string; claimed: true } | { id: string; claimed: false; status: OutboxStatus };

export interface BackoffPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialDelayMs: 60_000, maxDelayMs: 60 * 60_000 };

export class OutboxMailNotFound extends Error {
  constructor(readonly id: string) {
    super(`no mail ${id} in the outbox`);
    this.name = 'OutboxMailNotFound';
  }
}

// Firestore's gRPC code for update() on a missing document.
const NOT_FOUND = 5;

/**
 * The wait before attempt `attempts + 1`: 1, 2, 4 ... minutes, capped at an hour. The jitter
 * takes up to half of it away, so mail that failed together (SendGrid down) is not retried in
 * one burst, while the wait still grows with every failure.
 */
export function retryDelayMs(attempts: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

export class MailOutboxRepository {
  constructor(
    private readonly db: Firestore,
    private readonly backoff: BackoffPolicy = DEFAULT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  private get collection() {
    return this.db.collection('mailOutbox');
  }

  /** Hashed because dedupe keys are ours to choose and may hold '/', which a document id may not. */
  static idFor(dedupeKey: string): string {
    return createHash('sha256').update(dedupeKey).digest('base64url');
  }

  private parse(id: string, data: unknown): OutboxEntry {
    return { id, ...outboxMailSchema.parse(withDates(data)) };
  }

  async get(id: string): Promise<OutboxEntry | undefined> {
    const snap = await this.collection.doc(id).get();
    return snap.exists ? this.parse(id, snap.data()) : undefined;
  }

  async findByDedupeKey(dedupeKey: string): Promise<OutboxEntry | undefined> {
    return this.get(MailOutboxRepository.idFor(dedupeKey));
  }

  /**
   * Claims a mail for its first attempt: created pending, its attempt leased for `leaseMs` (as
   * `claim` leases a retry), so the retry job sends it if the outcome is never recorded. A dedupe
   * key claimed before, by any path at any time, creates nothing: `claimed` is false and the
   * mail's status says where that claim has got to.
   */
  async claimNew(request: MailRequest, dedupeKey: string, now: Date, leaseMs: number): Promise<OutboxClaim> {
    const id = MailOutboxRepository.idFor(dedupeKey);
    const mail: OutboxMail = outboxMailSchema.parse({
      dedupeKey,
      request,
      status: 'pending',
      attempts: 0,
      lastError: null,
      nextAttemptAt: new Date(now.getTime() + leaseMs),
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.collection.doc(id).create(mail);
      return { id, claimed: true };
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      return { id, claimed: false, status: (await this.get(id))?.status ?? 'pending' };
    }
  }

  /** Pending mail whose next attempt is due, longest waiting first. */
  async due(now: Date, limit: number): Promise<OutboxEntry[]> {
    const found = await this.collection
      .where('status', '==', 'pending')
      .where('nextAttemptAt', '<=', now)
      .orderBy('nextAttemptAt')
      .limit(limit)
      .get();
    return found.docs.map((doc) => this.parse(doc.id, doc.data()));
  }

  /** How many pending mails are due (for the scheduled run's `remaining`). */
  async countDue(now: Date): Promise<number> {
    const counted = await this.collection.where('status', '==', 'pending').where('nextAttemptAt', '<=', now).count().get();
    return counted.data().count;
  }

  /**
   * Takes a due mail for one attempt: pushes its nextAttemptAt `leaseMs` ahead in a
   * transaction, so a second job running at the same time finds it not due and leaves it.
   * If the attempt's outcome is never recorded (the instance died), the lease runs out and
   * the mail becomes due again. Undefined when the mail is not pending or not yet due.
   */
  async claim(id: string, now: Date, leaseMs: number): Promise<OutboxEntry | undefined> {
    const ref = this.collection.doc(id);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists) throw new OutboxMailNotFound(id);
      const entry = this.parse(id, snap.data());
      if (entry.status !== 'pending' || entry.nextAttemptAt.getTime() > now.getTime()) return undefined;
      const nextAttemptAt = new Date(now.getTime() + leaseMs);
      tx.update(ref, { nextAttemptAt, updatedAt: now });
      return { ...entry, nextAttemptAt, updatedAt: now };
    });
  }

  /** Records the attempt that got the mail through. */
  async markSent(id: string, now: Date): Promise<void> {
    try {
      await this.collection.doc(id).update({ status: 'sent', attempts: FieldValue.increment(1), updatedAt: now });
    } catch (err) {
      if ((err as { code?: unknown }).code === NOT_FOUND) throw new OutboxMailNotFound(id);
      throw err;
    }
  }

  /**
   * Records one more failed attempt. The mail is given up (`failed`) when the failure is
   * permanent or this was attempt `maxAttempts`; otherwise it waits a longer backoff.
   * A mail no longer pending (another attempt got it through) is left alone.
   */
  async markAttemptFailed(id: string, error: SendFailure, now: Date, maxAttempts: number): Promise<OutboxStatus> {
    const ref = this.collection.doc(id);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists) throw new OutboxMailNotFound(id);
      const entry = this.parse(id, snap.data());
      if (entry.status !== 'pending') return entry.status;
      const attempts = entry.attempts + 1;
      const status: OutboxStatus = error.permanent || attempts >= maxAttempts ? 'failed' : 'pending';
      const nextAttemptAt = status === 'pending' ? new Date(now.getTime() + retryDelayMs(attempts, this.backoff, this.random)) : entry.nextAttemptAt;
      tx.update(ref, { attempts, lastError: sendFailureSchema.parse(error), status, nextAttemptAt, updatedAt: now });
      return status;
    });
  }
}
