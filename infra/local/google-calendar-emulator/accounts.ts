// Google accounts known to the emulator. Email addresses are case-insensitive, so they are kept
// lowercased and every lookup lowercases its key.
import { randomInt } from 'node:crypto';

export interface Account {
  email: string;
  name: string;
  /** The stable numeric user id Google puts in an id_token's `sub`. */
  subject: string;
  createdOrder: number;
  calendarIds: string[];
}

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export class Accounts {
  private readonly byEmail = new Map<string, Account>();
  private latest: Account | undefined;
  private created = 0;

  /** Creates the account, or returns the existing one with that address. */
  ensure(email: string, name: string): { account: Account; created: boolean } {
    const key = normalizeEmail(email);
    const existing = this.byEmail.get(key);
    if (existing) return { account: existing, created: false };
    const account: Account = { email: key, name, subject: googleUserId(), createdOrder: ++this.created, calendarIds: [] };
    this.byEmail.set(key, account);
    this.latest = account;
    return { account, created: true };
  }

  /**
   * The address now belongs to a new Google account (a new user id): the old account is closed,
   * as when a Workspace user is deleted and another made with the address, or someone frees an
   * address and another signs up with it. Google's `sub` is "never reused"; the email is.
   */
  reassign(email: string): { closed: Account; account: Account } | undefined {
    const closed = this.byEmail.get(normalizeEmail(email));
    if (!closed) return undefined;
    const account: Account = { ...closed, subject: googleUserId(), createdOrder: ++this.created, calendarIds: [] };
    this.byEmail.set(closed.email, account);
    this.latest = account;
    return { closed, account };
  }

  find(email: string): Account | undefined {
    return this.byEmail.get(normalizeEmail(email));
  }

  has(email: string): boolean {
    return this.byEmail.has(normalizeEmail(email));
  }

  mostRecent(): Account | undefined {
    return this.latest;
  }

  clear(): void {
    this.byEmail.clear();
    this.latest = undefined;
  }
}

/** Google user ids are 21-digit decimal strings. */
function googleUserId(): string {
  let id = String(randomInt(1, 10));
  while (id.length < 21) id += String(randomInt(0, 10));
  return id;
}
