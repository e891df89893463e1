// The composition root: every adapter a function uses, made once per instance on first use
// (instances are reused; settings, clients and access tokens live at module scope).
import type { Firestore } from '@google-cloud/firestore';
import type { MailService } from '@sendgrid/mail';
import type { DestinationStream } from 'pino';
import { config, type Config } from '../shared/config';
import { DecisionLinks } from '../shared/booking/decision-links';
import { ManageLinks } from '../shared/booking/manage-links';
import { BookingNotices } from '../shared/booking/booking-notices';
import { BusyView } from '../shared/busy/busy-view';
import { trustPolicy } from '../shared/busy/trust';
import { ChannelRepository } from '../shared/channels/channel-repository';
import { ChannelService } from '../shared/channels/channel-service';
import { WatchRepository } from '../shared/channels/watches';
import type { HostCalendars } from '../shared/booking/host-calendar';
import type { CalendarGateway } from '../shared/google/calendar';
import { Mailer } from '../shared/mail/mailer';
import { createMailServiceOnFirstSend } from '../shared/mail/sendgrid-client';
import { BookingRequestRepository } from '../shared/store/booking-requests';
import { BusyStore } from '../shared/store/busy-store';
import { firestore } from '../shared/store/firestore';
import { MailOutboxRepository } from '../shared/store/mail-outbox';
import { PendingRequests } from '../shared/store/pending-requests';
import { RateLimitCounters } from '../shared/store/rate-limit-counters';
import { SlotRepository } from '../shared/store/slot-repository';
import { SubscriberRepository } from '../shared/store/subscribers';
import { TokenCipher } from '../shared/store/token-cipher';
import type { SyncDeps } from '../shared/sync/sync-channel';
import type { UpkeepDeps } from '../shared/upkeep/run-upkeep';
import { UpkeepStateRepository } from '../shared/upkeep/upkeep-state';
import { createLogger, setLogDestination, type Logger } from '../shared/log';

export interface Services {
  config: Config;
  db: Firestore;
  subscribers: SubscriberRepository;
  slots: SlotRepository;
  requests: BookingRequestRepository;
  rateLimitCounters: RateLimitCounters;
  pendingRequests: PendingRequests;
  calendars: HostCalendars;
  /** Calendars' busy time as the sync keeps it (written by syncs only). */
  busyStore: BusyStore;
  /** Availability's read of it, with the trust rule. */
  busy: BusyView;
  /** The same, with a retry budget that fits inside the webhook's answer to Google. */
  pushCalendars: HostCalendars;
  /** Sessions whose every call ends by a deadline (a sync's, inside its lease); `forPush`: the webhook's retry budget. */
  calendarsUntil(deadline: number, forPush: boolean): HostCalendars;
  links: DecisionLinks;
  /** The guest's own links to their bookings (cancel, reschedule). */
  manageLinks: ManageLinks;
  notices: BookingNotices;
  channels: ChannelService;
  mailer: Mailer;
  outbox: MailOutboxRepository;
  cipher: TokenCipher;
  now: () => Date;
  log: Logger;
}

/**
 * Google retries inside a push's sync: a few, quickly. The webhook syncs within 8 s (its answer
 * to Google waits for it); what fails stays dirty for the next push or the scheduled run.
 */
const PUSH_RETRY = { maxRetries: 2, maxDelayMs: 1_000, totalTimeoutMs: 4_000 };

/**
 * Every other Google call (booking, decision, accounts, the scheduled run): retried for at most 4 s,
 * each request at most 8 s, so one call ends within 14 s and the calls a request makes one after
 * another end inside its function's time limit (infra/deploy/function-limits.ts). With the
 * client's defaults one call could take 81 s (45 s of retries, a 16 s wait, a 20 s request) in a
 * booking Cloud Run ends at 60 s.
 */
export const GOOGLE_CALLS = { retry: { maxRetries: 3, initialDelayMs: 250, maxDelayMs: 2_000, totalTimeoutMs: 4_000 }, requestTimeoutMs: 8_000 };

/** Later than any slot: Firestore's latest time, 9999-12-31. */
const FAR_FUTURE = new Date(253_402_300_799_000);

/** Where the services' log lines go: stdout (Cloud Logging reads it), or stderr for the ops CLI. */
let logDestination: DestinationStream | undefined;

/** The ops CLI keeps stdout for its answer; call before the first services(). */
export function logToStderr(): void {
  logDestination = process.stderr;
}

/** Sends every line the functions write, the services' and the requests', to `destination` (a test reading the business events); call before the first services(). */
export function logTo(destination: DestinationStream): void {
  logDestination = destination;
  setLogDestination(destination);
}

/** The time every function reads; tests move it over simulated days (see useClock). */
let clock: () => Date = () => new Date();

/**
 * Replaces the clock of every service (built or not). For tests that simulate days or weeks
 * against the emulators, whose own clock they move alike; production never calls it.
 */
export function useClock(now: () => Date): void {
  clock = now;
}

/**
 * The Calendar client (@googleapis/calendar, googleapis-common and the large generated v3 API) is
 * loaded with the first Google session, not with the function: a push for a channel we do not
 * know, Google's `sync` message, a page or a view served from busy data need none.
 */
function loadCalendarModule(): typeof import('../shared/google/calendar') {
  // A plain require of a literal path: it works alike compiled, under tsx and jest, and a bundler follows it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../shared/google/calendar') as typeof import('../shared/google/calendar');
}

function onFirstUse<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

function build(settings: Config): Services {
  const db = firestore();
  const now = () => clock();
  const cipher = new TokenCipher(settings.tokenEncryptionKey);
  const log = createLogger({ level: settings.logLevel, destination: logDestination });
  const gateway = onFirstUse(() => new (loadCalendarModule().CalendarGateway)({ ...settings.google, ...GOOGLE_CALLS, log }));
  const calendarsOf = (through: () => CalendarGateway): HostCalendars => ({
    sessionFor: (subscriberId, host) => (host.google ? through().session({ id: subscriberId, refreshToken: cipher.decrypt(host.google.refreshToken) }) : undefined),
  });
  const calendars = calendarsOf(gateway);
  const quickGateway = onFirstUse(() => gateway().withRetry(PUSH_RETRY));
  const pushCalendars = calendarsOf(quickGateway);
  const slots = new SlotRepository(db, log);
  const links = new DecisionLinks(settings.linkSigningSecret, settings.publicBaseUrl);
  const manageLinks = new ManageLinks(settings.linkSigningSecret, settings.publicBaseUrl);
  const subscribers = new SubscriberRepository(db);
  const outbox = new MailOutboxRepository(db);
  const busyStore = new BusyStore(db);
  const mailer = new Mailer({
    // The Mailer calls only send; @sendgrid is loaded on the first mail, not on every cold start.
    mailService: createMailServiceOnFirstSend(settings.sendgrid) as MailService,
    outbox,
    from: settings.mailFrom,
    now,
    // Without it, a mail SendGrid refuses for good is never logged at ERROR.
    log,
  });
  return {
    config: settings,
    db,
    subscribers,
    slots,
    requests: new BookingRequestRepository(db),
    rateLimitCounters: new RateLimitCounters(db),
    pendingRequests: new PendingRequests(db),
    calendars,
    busyStore,
    busy: new BusyView(db, busyStore, new WatchRepository(db), new ChannelRepository(db), trustPolicy(settings.renewal.reconcileIntervalMs)),
    pushCalendars,
    calendarsUntil: (deadline, forPush) => calendarsOf(() => (forPush ? quickGateway : gateway)().until(deadline)),
    links,
    manageLinks,
    notices: new BookingNotices({ mailer, links, slots, now, manageLinks }),
    channels: new ChannelService({
      db,
      subscribers,
      sessionFor: calendars.sessionFor,
      // Any slot still held, however far out: a change to it must come back to us.
      holdsSlotsOn: async (subscriberId, calendarId) => (await slots.holdingIn(subscriberId, calendarId, new Date(0), FAR_FUTURE)).length > 0,
      webhookUrl: `${settings.publicBaseUrl}/googleWebhook`,
      now,
      log,
    }),
    mailer,
    outbox,
    cipher,
    now,
    log,
  };
}

let built: Services | undefined;

export function services(): Services {
  built ??= build(config());
  return built;
}

/** What a sync needs, from the same adapters; `forPush`: with the webhook's short retry budget. */
export function syncDeps(options: { forPush?: boolean } = {}): SyncDeps {
  const s = services();
  return {
    db: s.db,
    slots: s.slots,
    notices: s.notices,
    channels: s.channels.channels,
    watches: s.channels.watches,
    subscribers: s.subscribers,
    busy: s.busyStore,
    sessionFor: (subscriberId, host, deadline) =>
      (deadline === undefined ? (options.forPush ? s.pushCalendars : s.calendars) : s.calendarsUntil(deadline, options.forPush === true)).sessionFor(subscriberId, host),
    now: s.now,
    log: s.log,
    // invalid_grant: the host revoked us. Mark the connection broken and drop its channel, so
    // nothing retries in a loop; the settings page offers to reconnect.
    async connectionLost(subscriberId, channelId) {
      s.log.error({ subscriberId, channelId }, 'Google connection revoked (invalid_grant): marked broken, channels stopped');
      const now = s.now();
      const wasWorking = await s.subscribers.markGoogleBroken(subscriberId, now);
      await s.channels.stopWatching(subscriberId);
      const host = await s.subscribers.get(subscriberId);
      if (wasWorking && host) await s.notices.connectionBroken(subscriberId, host, `${s.config.publicBaseUrl}/accounts/google/connect`, now);
    },
  };
}

/** What the scheduled renewal run needs, from the same adapters. */
export function upkeepDeps(): UpkeepDeps {
  const s = services();
  return {
    channels: s.channels,
    subscribers: s.subscribers,
    state: new UpkeepStateRepository(s.db),
    sync: syncDeps(),
    mailer: s.mailer,
    outbox: s.outbox,
    invites: { db: s.db, slots: s.slots, subscribers: s.subscribers, calendars: s.calendars, notices: s.notices, now: s.now, log: s.log },
    now: s.now,
    log: s.log,
  };
}
