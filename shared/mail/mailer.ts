// Sends our mail through SendGrid without ever failing the action that sent it: a booking,
// a confirm or a deny has already happened when its mail goes out, so a SendGrid outage must
// not turn it into an error page. Whatever SendGrid does not take goes to the outbox
// (shared/store/mail-outbox), where a later job retries it.
//
// A 400 from SendGrid means it refused the content (an address it rejects, say): the same
// request will be refused on every retry, so it is stored as `failed` at once, logged at
// ERROR for someone to look at, and `send` resolves 'failed' (it still does not throw).
// 413 (too large) is treated the same way. 401/403 mean our key or sender is wrong: not the
// mail's fault, and fixed by fixing the settings, so those mails wait in the outbox like any
// other failure, but are logged at ERROR too.
import type { MailService } from '@sendgrid/mail';
import {
  type MailOutboxRepository,
  type MailRequest,
  type OutboxStatus,
  type SendFailure,
} from '../store/mail-outbox';
import type { MailAddress, OutgoingMail } from './outgoing-mail';

/** The part of a pino logger we use, so tests can pass a recorder. */
export interface MailLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface MailerOptions {
  mailService: MailService;
  outbox: MailOutboxRepository;
  from: { email: string; name?: string | undefined };
  now: () => Date;
  log?: MailLog;
  /** Attempts, the first included, before a mail is given up. 10 spans about four hours. */
  maxAttempts?: number;
  /** How long a retry holds a mail before another job may try it (see MailOutboxRepository.claim). */
  retryLeaseMs?: number;
}

export type SendOutcome = 'sent' | 'queued' | 'failed';
/** `skipped`: nothing was sent, the mail was not pending and due (see MailOutboxRepository.claim). */
export type RetryOutcome = SendOutcome | 'skipped';

/** Thrown by `send` only when SendGrid did not take the mail and the outbox could not keep it. */
export class MailNotQueued extends Error {
  constructor(
    readonly dedupeKey: string,
    readonly failure: SendFailure,
    options: { cause: unknown },
  ) {
    super(`mail ${dedupeKey} was neither sent (${failure.message}) nor queued`, options);
    this.name = 'MailNotQueued';
  }
}

export const DEDUPE_HEADER = 'X-Dedupe-Key';

const PERMANENT_STATUSES = new Set([400, 413]);
const CONFIGURATION_STATUSES = new Set([401, 403]);

interface SendGridFailure {
  code?: unknown;
  message?: unknown;
  response?: { body?: unknown };
}

// SendGrid keys look like "SG.xxx.yyy"; an error from the HTTP layer may quote its request.
function redact(text: string): string {
  return text.replace(/SG\.[\w.-]+/g, 'SG.[redacted]');
}

/**
 * Reads what we keep of a failure: the HTTP status and SendGrid's error messages, or the
 * network error's message. Never the error object itself: a network error from the HTTP
 * client carries the request, Authorization header and all.
 */
export function describeFailure(error: unknown): SendFailure {
  const failure = (error ?? {}) as SendGridFailure;
  const status = typeof failure.code === 'number' ? failure.code : null;
  const body = failure.response?.body as { errors?: { message?: unknown; field?: unknown }[] } | undefined;
  const details = Array.isArray(body?.errors)
    ? body.errors.map((e) => (typeof e.field === 'string' ? `${String(e.message)} (${e.field})` : String(e.message)))
    : [];
  const code = status === null && typeof failure.code === 'string' ? ` [${failure.code}]` : '';
  const headline = typeof failure.message === 'string' && failure.message ? failure.message : String(error);
  const message = redact([headline + code, ...details].join('; ')).slice(0, 2000);
  return { status, message, permanent: status !== null && PERMANENT_STATUSES.has(status) };
}

// SendGrid refuses a display name holding ';' or ',' (its Limitations page), and a guest's
// name may well be "Smith, Ann". Line breaks would end a header.
function address({ email, name }: MailAddress): MailAddress {
  const cleaned = name?.replace(/[;,\r\n]+/g, ' ').replace(/\s+/g, ' ').trim();
  return cleaned ? { email, name: cleaned } : { email };
}

export class Mailer {
  private readonly maxAttempts: number;
  private readonly retryLeaseMs: number;

  constructor(private readonly options: MailerOptions) {
    this.maxAttempts = options.maxAttempts ?? 10;
    this.retryLeaseMs = options.retryLeaseMs ?? 5 * 60_000;
  }

  /** The request as SendGrid gets it; the outbox keeps exactly this for retries. */
  private request(mail: OutgoingMail, dedupeKey: string): MailRequest {
    return {
      from: address({ email: this.options.from.email, ...(this.options.from.name ? { name: this.options.from.name } : {}) }),
      to: address(mail.to),
      ...(mail.replyTo ? { replyTo: address(mail.replyTo) } : {}),
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      ...(mail.attachments?.length ? { attachments: mail.attachments.map((a) => ({ ...a })) } : {}),
      // The header travels with the delivered mail; custom_args come back in SendGrid's event
      // webhook. Either way a mail, or a bounce of it, can be traced to what sent it.
      headers: { [DEDUPE_HEADER]: dedupeKey },
      customArgs: { dedupeKey },
    };
  }

  /**
   * Sends a mail once per dedupe key. Resolves 'sent' when SendGrid took it, 'queued' when it
   * went to the outbox for a later attempt (now or by an earlier call with the same key),
   * 'failed' when SendGrid refused its content for good (kept in the outbox as failed).
   */
  async send(mail: OutgoingMail, dedupeKey: string): Promise<SendOutcome> {
    const queued = await this.alreadyQueued(dedupeKey);
    // A repeated action (a retried function, a double click) must not send what the outbox
    // already holds: the retry job would send it a second time.
    if (queued) return queued === 'pending' ? 'queued' : queued;

    const request = this.request(mail, dedupeKey);
    const failure = await this.attempt(request);
    if (!failure) return 'sent';

    const now = this.options.now();
    try {
      const { id } = await this.options.outbox.enqueue(request, dedupeKey, failure, now);
      this.logFailure(failure, { dedupeKey, outboxId: id, attempts: 1 });
    } catch (err) {
      this.options.log?.error({ dedupeKey, to: request.to.email, subject: request.subject, failure }, 'mail lost: not sent and not queued');
      throw new MailNotQueued(dedupeKey, failure, { cause: err });
    }
    return failure.permanent ? 'failed' : 'queued';
  }

  /**
   * One more attempt at an outbox mail, for the retry job. Safe to call from jobs that overlap:
   * the mail is claimed first, so only one of them sends it. If the instance dies between
   * SendGrid's answer and the outbox update, the mail is sent again when the claim runs out:
   * at least once, never silently dropped.
   */
  async retry(id: string): Promise<RetryOutcome> {
    const { outbox, now } = this.options;
    const entry = await outbox.claim(id, now(), this.retryLeaseMs);
    if (!entry) return 'skipped';

    const failure = await this.attempt(entry.request);
    if (!failure) {
      await outbox.markSent(id, now());
      this.options.log?.info({ dedupeKey: entry.dedupeKey, outboxId: id, attempts: entry.attempts + 1 }, 'queued mail sent');
      return 'sent';
    }
    const status = await outbox.markAttemptFailed(id, failure, now(), this.maxAttempts);
    this.logFailure(failure, { dedupeKey: entry.dedupeKey, outboxId: id, attempts: entry.attempts + 1, givenUp: status === 'failed' });
    return status === 'pending' ? 'queued' : status;
  }

  private async alreadyQueued(dedupeKey: string): Promise<OutboxStatus | undefined> {
    try {
      return (await this.options.outbox.findByDedupeKey(dedupeKey))?.status;
    } catch (err) {
      // Firestore trouble must not stop the mail: sending it is what matters most.
      this.options.log?.warn({ dedupeKey, error: String(err) }, 'could not check the mail outbox before sending');
      return undefined;
    }
  }

  private async attempt(request: MailRequest): Promise<SendFailure | undefined> {
    try {
      await this.options.mailService.send(request);
      return undefined;
    } catch (err) {
      return describeFailure(err);
    }
  }

  private logFailure(failure: SendFailure, fields: Record<string, unknown>): void {
    const line = { ...fields, status: failure.status, error: failure.message };
    if (failure.permanent) this.options.log?.error(line, 'SendGrid refused the mail; it will not be retried');
    else if (fields.givenUp) this.options.log?.error(line, 'mail given up after its last attempt');
    else if (failure.status !== null && CONFIGURATION_STATUSES.has(failure.status)) {
      this.options.log?.error(line, 'SendGrid refused our credentials; the mail waits in the outbox');
    } else this.options.log?.warn(line, 'mail not sent; queued for another attempt');
  }
}
