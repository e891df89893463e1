// Watch channels live and die with the Google calendars that make a host busy, the default and
// those checked for conflicts (shared/accounts/default-calendar.ts): created when a calendar
// becomes the default or is checked, stopped (channels.stop) when it stops being either, the
// account is disconnected or the host is deleted. Each (host, calendar) has a watch (./watches) naming the channel that
// should be live and holding the calendar's sync state, which outlives its channels.
import { randomBytes } from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';
import { logEvent } from '../business-events';
import type { CalendarSession } from '../google/calendar';
import type { Logger } from '../log';
import type { Subscriber, SubscriberRepository } from '../store/subscribers';
import { ChannelRepository, type ChannelPlace } from './channel-repository';
import { hashChannelToken, type Channel } from './channels';
import { RenewalStore } from './renewal-store';
import { afterFailedStop } from './stop-failure';
import { isClearRefusal } from './watch-failure';
import { watchStart } from './watch-start';
import { FRESH_STATE, watchKey, WatchRepository } from './watches';

/** Google documents no maximum channel lifetime for Calendar: ask for 30 days, trust what it answers. */
export const REQUESTED_TTL_SECONDS = 30 * 24 * 60 * 60;
/** A pending channel younger than this is another request's watch in progress. */
const PENDING_GRACE_MS = 2 * 60_000;
/** A channel expiring sooner than this is not worth keeping as the answer to ensureChannel. */
const MIN_REMAINING_MS = 60 * 60_000;

/**
 * Written on every new channel, never read here: code from before the sync state moved to the
 * calendar's watch requires these fields on a channel. While such code still runs (a deploy's
 * mixed versions, a rollback), it finds a channel it can read, whose first sync is a full resync.
 */
const FORMER_CHANNEL_STATE = { syncToken: null, lease: null, dirty: false, errorCount: 0, lastSyncedAt: null };

export interface ChannelDeps {
  db: Firestore;
  subscribers: SubscriberRepository;
  /** The Google session of a host's connection, or undefined if it has none that works. */
  sessionFor(subscriberId: string, host: Subscriber): CalendarSession | undefined;
  /** Whether the host holds slots (requested or booked) on the calendar: see ./watch-start. */
  holdsSlotsOn(subscriberId: string, calendarId: string): Promise<boolean>;
  /** `${PUBLIC_BASE_URL}/googleWebhook` */
  webhookUrl: string;
  now: () => Date;
  log: Logger;
}

/** A channel that is live (or being made) and not about to expire. */
export function isUsable(channel: Channel, now: Date): boolean {
  if (channel.state === 'pending') return now.getTime() - channel.createdAt.getTime() < PENDING_GRACE_MS;
  return channel.expiration !== null && channel.expiration.getTime() - now.getTime() > MIN_REMAINING_MS;
}

export function newChannelId(): string {
  // Google allows up to 64 characters of [A-Za-z0-9-_/+=]; base64url of 24 bytes is 32.
  return `ch-${randomBytes(24).toString('base64url')}`;
}

export class ChannelService {
  readonly channels: ChannelRepository;
  readonly watches: WatchRepository;
  private readonly renewals: RenewalStore;

  constructor(private readonly deps: ChannelDeps) {
    this.channels = new ChannelRepository(deps.db);
    this.watches = new WatchRepository(deps.db);
    this.renewals = new RenewalStore(deps.db, this.channels, this.watches);
  }

  /**
   * The live channel of (host, calendar), made if there is none: a pending document first (so
   * a racing request finds it and Google's first `sync` message finds a known channel), then
   * events.watch, then the document completed. Where the calendar's sync starts (./watch-start):
   * its last token, carried over from its last watch (a reconnect, a heal, a default switched
   * back); with none, a full resync of our events if the host holds slots there, else a token
   * taken now. A start that is not "now" is marked dirty, so the next scheduled run syncs it even
   * if no push comes: what changed while the calendar was not watched is applied then at the latest.
   */
  async ensureChannel(subscriberId: string, host: Subscriber, calendarId: string): Promise<{ channelId: string; created: boolean }> {
    const session = this.deps.sessionFor(subscriberId, host);
    if (!session) throw new NoGoogleConnection(subscriberId);
    const now = this.deps.now();
    const token = randomBytes(32).toString('base64url');
    const key = watchKey(subscriberId, calendarId);
    const holdsSlots = await this.deps.holdsSlotsOn(subscriberId, calendarId);
    const claim = await this.deps.db.runTransaction(async (tx) => {
      const watch = await this.watches.getIn(tx, key);
      const existing = watch?.channelId ? await this.channels.getIn(tx, watch.channelId) : undefined;
      if (watch?.channelId && existing && isUsable(existing, now)) return { channelId: watch.channelId, created: false };
      const channelId = newChannelId();
      const start = watchStart(watch, holdsSlots);
      tx.create(this.channels.ref(channelId), { ...this.pendingChannel(subscriberId, calendarId, token, now), ...FORMER_CHANNEL_STATE });
      const dirty = start !== 'fresh_token' || (watch?.dirty ?? false);
      tx.set(this.watches.ref(key), { ...FRESH_STATE, ...watch, subscriberId, calendarId, channelId, watched: true, dirty, updatedAt: now });
      return { channelId, created: true, start };
    });
    if (!claim.created) return claim;

    const watched = await this.watch(session, claim.channelId, calendarId, token);
    if (claim.start === 'fresh_token') await this.startFromNow(session, key, calendarId, claim.channelId);
    await this.channels.ref(claim.channelId).update({
      state: 'active',
      resourceId: watched.resourceId,
      resourceUri: watched.resourceUri,
      expiration: watched.expiration,
      updatedAt: this.deps.now(),
    });
    this.deps.log.info({ channelId: claim.channelId, subscriberId, expiration: watched.expiration.toISOString(), start: claim.start }, 'watch channel created');
    logEvent(this.deps.log, 'channel.created', { channelId: claim.channelId, hostId: subscriberId, watch: watchKey(subscriberId, calendarId), expiresAt: watched.expiration.toISOString() });
    return { channelId: claim.channelId, created: true };
  }

  /**
   * The token that marks "now" for a calendar with nothing of ours on it: the last page of a plain
   * list carries it. Saved only if no sync has saved one meanwhile. If it cannot be had, the
   * channel still stands; its first sync does a full resync instead.
   */
  private async startFromNow(session: CalendarSession, key: string, calendarId: string, channelId: string): Promise<void> {
    const listedFrom = this.deps.now();
    let syncToken: string | undefined;
    try {
      syncToken = await session.syncToken(calendarId);
    } catch (error) {
      this.deps.log.warn({ err: error, channelId }, 'no initial sync token; the first sync will be a full resync');
    }
    if (!syncToken) return;
    await this.deps.db.runTransaction(async (tx) => {
      const watch = await this.watches.getIn(tx, key);
      // The calendar counts as synced from when the token was asked for (the reconciliation's clock).
      if (watch && watch.syncToken === null) tx.set(this.watches.ref(key), { ...watch, syncToken, lastSyncedAt: listedFrom });
    });
  }

  /**
   * Renews a channel before it expires: the new channel is watched and recorded first, then the
   * old one stopped, so a crash at any point leaves the old or the new one tracked and working,
   * never none (a pending channel left by a crash is the heal's, as for ensureChannel). Nothing is
   * copied: the sync state is the calendar's (one lease for both channels while they overlap at
   * Google), and pushes on the channel that is not the watch's current one only mark the calendar
   * dirty. A channel that is no longer the calendar's current one is not renewed (the heal stops it).
   * Four round trips to Firestore (issue 15: the run's pace at scale): one read of channel, watch
   * and host; the pending channel made; one commit that records it and points the watch at it,
   * conditioned on the watch as read; the old channel's document deleted once Google stopped it.
   */
  async renewChannel(oldChannelId: string, place?: ChannelPlace): Promise<{ channelId: string } | undefined> {
    const found = await this.renewals.read(oldChannelId, place);
    if (!found) return undefined;
    const { old, host, watchRead } = found;
    const key = watchKey(old.subscriberId, old.calendarId);
    const session = host ? this.deps.sessionFor(old.subscriberId, host) : undefined;
    if (!session) throw new NoGoogleConnection(old.subscriberId);
    const channelId = newChannelId();
    const token = randomBytes(32).toString('base64url');
    await this.channels.ref(channelId).create({ ...this.pendingChannel(old.subscriberId, old.calendarId, token, this.deps.now()), ...FORMER_CHANNEL_STATE });
    const watched = await this.watch(session, channelId, old.calendarId, token);
    const active: Partial<Channel> = { state: 'active', resourceId: watched.resourceId, resourceUri: watched.resourceUri, expiration: watched.expiration, updatedAt: this.deps.now() };
    const outcome = await this.renewals.pointWatchAt(key, { from: oldChannelId, to: channelId, active, watchRead }, this.deps.now());
    if (!outcome.won) {
      await this.stopChannel(channelId);
      return outcome.current ? { channelId: outcome.current } : undefined;
    }
    // What we read of the old channel still holds for stopping it: its id, resource and host. The
    // watch names the new one now, and a watch never comes back to a channel it left.
    await this.stopChannel(oldChannelId, { channel: old, session, superseded: true });
    this.deps.log.info({ channelId, replaced: oldChannelId, expiration: watched.expiration.toISOString() }, 'watch channel renewed');
    logEvent(this.deps.log, 'channel.renewed', { channelId, replaced: oldChannelId, expiresAt: watched.expiration.toISOString() });
    return { channelId };
  }

  private pendingChannel(subscriberId: string, calendarId: string, token: string, now: Date): Channel {
    return {
      subscriberId,
      calendarId,
      state: 'pending',
      resourceId: null,
      resourceUri: null,
      expiration: null,
      tokenHash: hashChannelToken(token),
      lastMessageNumber: 0,
      createdAt: now,
      updatedAt: now,
    };
  }

  /**
   * events.watch for a pending channel. If Google clearly refused, the pending document goes
   * again; on any other failure it stays (./watch-failure): Google may have made the channel,
   * and the heal stops it once its `sync` message has told us its resource id.
   */
  private async watch(session: CalendarSession, channelId: string, calendarId: string, token: string) {
    try {
      return await session.watchEvents(calendarId, { channelId, address: this.deps.webhookUrl, token, ttlSeconds: REQUESTED_TTL_SECONDS });
    } catch (error) {
      if (isClearRefusal(error)) await this.forget(channelId);
      else this.deps.log.warn({ err: error, channelId }, 'events.watch failed without a clear answer; the pending channel stays tracked for the heal');
      throw error;
    }
  }

  /** The usable channel of (host, calendar), if there is one. */
  async liveChannelOf(subscriberId: string, calendarId: string): Promise<string | undefined> {
    const channelId = (await this.watches.currentOf([watchKey(subscriberId, calendarId)])).get(watchKey(subscriberId, calendarId));
    const channel = channelId ? await this.channels.get(channelId) : undefined;
    return channelId && channel && isUsable(channel, this.deps.now()) ? channelId : undefined;
  }

  /**
   * Stops a channel at Google (unknown or gone there is fine) and forgets it here. If Google could not be
   * reached, or the channel's resource id has not reached us (its watch may be live at Google, or
   * still in flight), the channel stays tracked (never an untracked live one) and the scheduled
   * heal stops it later; without a working grant it can never be stopped, so it is forgotten and
   * expires.
   */
  async stopChannel(channelId: string, known?: { channel: Channel; session: CalendarSession; superseded?: boolean }): Promise<'stopped' | 'kept'> {
    const channel = known?.channel ?? (await this.channels.get(channelId));
    if (!channel) return 'stopped';
    const host = known ? undefined : await this.deps.subscribers.get(channel.subscriberId);
    const session = known?.session ?? (host ? this.deps.sessionFor(channel.subscriberId, host) : undefined);
    if (session && !channel.resourceId) return 'kept';
    if (session && channel.resourceId) {
      try {
        await session.stopChannel(channelId, channel.resourceId);
      } catch (error) {
        if (afterFailedStop(error) === 'keep') {
          this.deps.log.warn({ err: error, channelId }, 'channels.stop failed; the channel stays tracked for the next heal');
          return 'kept';
        }
      }
    }
    // A channel its watch no longer names (`superseded`: the caller just moved the watch on) has
    // no pointer to clear: its document goes in one write, not a transaction.
    if (known?.superseded) await this.channels.ref(channelId).delete();
    else await this.forget(channelId);
    logEvent(this.deps.log, 'channel.stopped', { channelId, hostId: channel.subscriberId, reason: session ? 'stopped_at_google' : 'forgotten_without_grant' });
    return 'stopped';
  }

  /** Stops every channel of a host, or only those on one calendar. */
  async stopWatching(subscriberId: string, calendarId?: string): Promise<number> {
    const channels = (await this.channels.ofHost(subscriberId)).filter((c) => calendarId === undefined || c.channel.calendarId === calendarId);
    for (const { id } of channels) await this.stopChannel(id);
    return channels.length;
  }

  /**
   * Forgets a channel whose watch failed, or that is stopped at Google. Deletes its document; the
   * calendar's watch, if it named this channel, names none (and is no longer reconciled) but keeps
   * its sync state for the next time the calendar is watched.
   */
  async forget(channelId: string): Promise<void> {
    await this.deps.db.runTransaction(async (tx) => {
      const channel = await this.channels.getIn(tx, channelId);
      if (!channel) return;
      const key = watchKey(channel.subscriberId, channel.calendarId);
      const watch = await this.watches.getIn(tx, key);
      if (watch?.channelId === channelId) tx.set(this.watches.ref(key), { ...watch, channelId: null, watched: false, updatedAt: this.deps.now() });
      tx.delete(this.channels.ref(channelId));
    });
  }
}

export class NoGoogleConnection extends Error {
  constructor(readonly subscriberId: string) {
    super(`host ${subscriberId} has no working Google connection`);
    this.name = 'NoGoogleConnection';
  }
}
