import { randomBytes } from 'node:crypto';
import type { EmailAddress, MailSendRequest } from './validate';

/** One accepted send: the request body as SendGrid received it, plus what the sink adds. */
export type StoredMessage = MailSendRequest & { id: string; receivedAt: string };

export function recipientsOf(message: MailSendRequest): EmailAddress[] {
  return message.personalizations.flatMap((p) => [...p.to, ...(p.cc ?? []), ...(p.bcc ?? [])]);
}

/** Accepted mail in arrival order, for the life of the process. */
export class Mailbox {
  private readonly messages: StoredMessage[] = [];

  add(mail: MailSendRequest, receivedAt: Date): StoredMessage {
    // Same length and alphabet as SendGrid's X-Message-Id (22 URL-safe characters).
    const id = randomBytes(16).toString('base64url');
    // A stray top-level id or receivedAt in the body must not mask the sink's own.
    const { id: _id, receivedAt: _receivedAt, ...body } = mail;
    const stored: StoredMessage = { id, receivedAt: receivedAt.toISOString(), ...body };
    this.messages.push(stored);
    return stored;
  }

  /** All messages, or only those with `to` among any personalization's to/cc/bcc (case-insensitive). */
  list(to?: string): StoredMessage[] {
    if (to === undefined) return [...this.messages];
    const wanted = to.toLowerCase();
    return this.messages.filter((m) => recipientsOf(m).some((r) => r.email.toLowerCase() === wanted));
  }

  find(id: string): StoredMessage | undefined {
    return this.messages.find((m) => m.id === id);
  }

  clear(): void {
    this.messages.length = 0;
  }
}
