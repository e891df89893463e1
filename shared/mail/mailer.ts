// Sends our mail through SendGrid, each mail once, without ever failing the action that sent it
// on SendGrid's account: a booking, a confirm or a deny has already happened when its mail goes
// out, so a SendGrid outage must not turn it into an error page. Every mail is claimed in the
// outbox (shared/store/mail-outbox) by its dedupe key before it is sent: this is the one place
// that decides whether a mail goes, so two paths sending the same notice send it once, and a
// sender that dies between the claim and SendGrid's answer leaves the mail to the retry job.
//
// A 400 from SendGrid means it refused the content (an address it rejects, say): the same
// request will be refused on every retry, so it is stored as `failed` at once, logged at
// ERROR for someone to look at, and `send` resolves 'failed' (it still does not throw).
// 413 (too large) is treated the same way. 401/403 mean our key or sender is wrong: not the
// mail's fault, and fixed by fixing the settings, so those mails wait in the outbox like any
// other failure, but are logged at ERROR too.
import type { MailService } from '@sendgrid/mail';
import { logEvent } from '../business-events';
import type { MailOutboxRepository, MailRequest, OutboxClaim, SendFailure } from '../store/mail-outbox';
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
  /**
   * How long an attempt holds a mail before the retry job may try it (MailOutboxRepository.claim,
   * claimNew): longer than an attempt can take, or a slow one would be sent twice.
   */
  leaseMs?: number;
}

export type SendOutcome = 'sent' | 'queued' | 'failed';
/** `skipped`: nothing was sent, the mail was not pending and due (see MailOutboxRepository.claim). */
export type RetryOutcome = SendOutcome | 'skipped';

/**
 * Thrown by `send` only when the outbox could not claim the mail: nothing was sent, nothing kept.
 * Sending it unclaimed could send it twice; the action that sent it fails instead, and its retry
 * sends the mail.
 */
export class MailNotQueued extends Error {
  constructor(
    readonly dedupeKey: string,
    options: { cause: unknown },
  ) {
    super(`mail ${dedupeKey} was neither sent nor queued: the outbox could not claim it`, options);
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
  private readonly leaseMs: number;

  constructor(private readonly options: MailerOptions) {
    this.maxAttempts = options.maxAttempts ?? 10;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
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
   * Sends a mail once per dedupe key: claims it, then sends it. Resolves 'sent' when SendGrid
   * took it, 'queued' when it waits in the outbox for a later attempt, 'failed' when SendGrid
   * refused its content for good (kept in the outbox as failed). A key claimed before (a repeated
   * action, a double click, another path telling the same thing) sends nothing and resolves what
   * that claim has come to so far.
   */
  async send(mail: OutgoingMail, dedupeKey: string): Promise<SendOutcome> {
    const request = this.request(mail, dedupeKey);
    let claim: OutboxClaim;
    try {
      claim = await this.options.outbox.claimNew(request, dedupeKey, this.options.now(), this.leaseMs);
    } catch (err) {
      this.options.log?.error({ dedupeKey, error: String(err) }, 'mail not sent: the outbox could not claim it');
      throw new MailNotQueued(dedupeKey, { cause: err });
    }
    if (!claim.claimed) return claim.status === 'pending' ? 'queued' : claim.status;
    return this.deliver(claim.id, request, dedupeKey, 1);
  }

  /**
   * One more attempt at an outbox mail, for the retry job. Safe to call from jobs that overlap:
   * the mail is claimed first, so only one of them sends it.
   */
  async retry(id: string): Promise<RetryOutcome> {
    const entry = await this.options.outbox.claim(id, this.options.now(), this.leaseMs);
    if (!entry) return 'skipped';
    return this.deliver(id, entry.request, entry.dedupeKey, entry.attempts + 1);
  }

  /**
   * One attempt at a claimed mail, its outcome recorded. If the outcome cannot be recorded (or the
   * instance dies first), the claim's lease runs out and the retry job sends the mail again: at
   * least once, never silently dropped; twice only if SendGrid took it and we never learnt so.
   */
  private async deliver(id: string, request: MailRequest, dedupeKey: string, attempt: number): Promise<SendOutcome> {
    const { outbox, now, log } = this.options;
    const failure = await this.attempt(request);
    try {
      if (!failure) {
        await outbox.markSent(id, now());
        if (attempt > 1) log?.info({ dedupeKey, outboxId: id, attempts: attempt }, 'queued mail sent');
        if (log) logEvent(log, 'mail.sent', { outboxId: id, attempts: attempt });
        return 'sent';
      }
      const status = await outbox.markAttemptFailed(id, failure, now(), this.maxAttempts);
      this.logFailure(failure, { dedupeKey, outboxId: id, attempts: attempt, givenUp: status === 'failed' });
      if (log && status === 'failed') logEvent(log, 'mail.given_up', { outboxId: id, attempts: attempt, sendgridStatus: failure.status, permanent: failure.permanent });
      else if (log) logEvent(log, 'mail.queued', { outboxId: id, attempts: attempt, sendgridStatus: failure.status });
      return status === 'pending' ? 'queued' : status;
    } catch (err) {
      log?.warn({ dedupeKey, outboxId: id, sent: !failure, error: String(err) }, 'mail outcome not recorded: the retry job tries it when its lease runs out');
      return failure ? 'queued' : 'sent';
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
