// Everything the emulator holds, in memory, and the one place that clears it.
import { Accounts, type Account } from './accounts';
import { Calendars, type Calendar } from './calendars';
import { EmulatorClock } from './clock';
import { EventService } from './events';
import { Faults } from './faults';
import { Mailbox } from './mail';
import { OAuthServer } from './oauth';
import { PushNotifier, type PushRetry } from './push';
import { RequestCounts } from './request-counts';
import type { SigningKeys } from './signing-keys';
import { SyncTokens } from './sync-tokens';
import { PendingTimers } from './timers';

export interface CreatedAccount {
  email: string;
  /** The Google user id, the `sub` of the account's id_tokens. */
  subject: string;
  refreshToken: string;
  calendarId: string;
}

export class EmulatorState {
  readonly clock: EmulatorClock;
  readonly accounts = new Accounts();
  readonly calendars = new Calendars();
  readonly mailbox = new Mailbox();
  readonly faults = new Faults();
  readonly requests = new RequestCounts(() => this.clock.now());
  readonly syncTokens = new SyncTokens();
  readonly timers = new PendingTimers();
  readonly oauth: OAuthServer;
  readonly push: PushNotifier;
  readonly events: EventService;

  constructor(now: () => number, pushRetry: PushRetry, readonly keys: SigningKeys) {
    this.clock = new EmulatorClock(now);
    this.oauth = new OAuthServer(this.clock, this.accounts, keys);
    this.push = new PushNotifier(this.clock, this.timers, pushRetry);
    this.events = new EventService(this.clock, this.accounts, this.mailbox, (calendar) => this.push.calendarChanged(calendar));
  }

  /** An account with its primary calendar; an existing address gets a fresh refresh token. */
  createAccount(email: string, name: string): CreatedAccount {
    const { account, created } = this.accounts.ensure(email, name);
    if (created) this.calendars.createPrimary(account, this.clock.now());
    return { email: account.email, subject: account.subject, refreshToken: this.oauth.issueRefreshToken(account), calendarId: account.email };
  }

  /**
   * The address goes to a new account (see Accounts.reassign): the old account's grants are
   * revoked and its calendars, events and channels are gone; the new one starts with an empty
   * primary calendar, whose id is the address again.
   */
  reassignAccount(email: string): CreatedAccount | undefined {
    const found = this.accounts.reassign(email);
    if (!found) return undefined;
    this.oauth.revokeAccount(found.closed.email);
    for (const calendar of this.calendars.removeAll(found.closed)) this.push.calendarRemoved(calendar);
    this.calendars.createPrimary(found.account, this.clock.now());
    return { email: found.account.email, subject: found.account.subject, refreshToken: this.oauth.issueRefreshToken(found.account), calendarId: found.account.email };
  }

  createCalendar(account: Account, summary: string, timeZone: string): Calendar {
    return this.calendars.createSecondary(account, summary, timeZone, this.clock.now());
  }

  reset(): void {
    this.timers.cancelAll();
    this.push.clear();
    this.accounts.clear();
    this.calendars.clear();
    this.oauth.clear();
    this.mailbox.clear();
    this.faults.clear();
    this.requests.clear();
    this.syncTokens.renew();
    this.clock.reset();
  }

  close(): void {
    this.timers.cancelAll();
    this.push.clear();
  }
}
