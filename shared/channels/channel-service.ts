// Watch channels live and die with a host's default Google calendar: created when it becomes the
// default, stopped (channels.stop) when it stops being default, the account is disconnected or
// the host is deleted.
import { randomBytes } from 'node:crypto';
import type { Firestore, Query, Transaction } from '@google-cloud/firestore';
import type { CalendarSession } from '../google/calendar';
import { ConnectionRevoked } from '../google/errors';
import type { Logger } from '../log';
import { withDates } from '../store/firestore';
import type { Subscriber, SubscriberRepository } from '../store/subscribers';
import { channelSchema, hashChannelToken, watchKey, watchSchema, type Channel } from './channels';

/** Google documents no maximum channel lifetime for Calendar: ask for 30 days, trust what it answers. */
export const REQUESTED_TTL_SECONDS = 30 * 24 * 60 * 60;
/** A pending channel younger than this is another request's watch in progress. */
const PENDING_GRACE_MS = 2 * 60_000;
/** A channel expiring sooner than this is not worth keeping as the answer to ensureChannel. */
const MIN_REMAINING_MS = 60 * 60_000;

export class ChannelNotFound extends Error {
  constructor(readonly channelId: string) {
    super(`no channel ${channelId}`);
    this.name = 'ChannelNotFound';
  }
}

export interface ChannelDeps {
  db: Firestore;
  subscribers: SubscriberRepository;
  /** The Google session of a host's connection, or undefined if it has none that works. */
  sessionFor(subscriberId: string, host: Subscriber): CalendarSession | undefined;
  /** `${PUBLIC_BASE_URL}/googleWebhook` */
  webhookUrl: string;
  now: () => Date;
  log: Logger;
}

export class ChannelRepository {
  constructor(private readonly db: Firestore) {}

  ref(channelId: string) {
    return this.db.collection('googleCalendarChannels').doc(channelId);
  }

  watchRef(subscriberId: string, calendarId: string) {
    return this.db.collection('googleCalendarWatches').doc(watchKey(subscriberId, calendarId));
  }

  async get(channelId: string): Promise<Channel | undefined> {
    const snap = await this.ref(channelId).get();
    return snap.exists ? channelSchema.parse(withDates(snap.data())) : undefined;
  }

  async getIn(tx: Transaction, channelId: string): Promise<Channel | undefined> {
    const snap = await tx.get(this.ref(channelId));
    return snap.exists ? channelSchema.parse(withDates(snap.data())) : undefined;
  }

  async ofHost(subscriberId: string): Promise<{ id: string; channel: Channel }[]> {
    const found = await this.db.collection('googleCalendarChannels').where('subscriberId', '==', subscriberId).get();
    return found.docs.map((doc) => ({ id: doc.id, channel: channelSchema.parse(withDates(doc.data())) }));
  }

  async all(): Promise<{ id: string; channel: Channel }[]> {
    return this.list(this.db.collection('googleCalendarChannels'));
  }

  /** Channels expiring before `time` (pending ones have no expiration yet), soonest first. */
  async expiringBefore(time: Date, limit: number, after?: { expiration: Date; id: string }): Promise<{ id: string; channel: Channel }[]> {
    let query = this.db.collection('googleCalendarChannels').where('expiration', '<', time).orderBy('expiration').orderBy('__name__').limit(limit);
    if (after) query = query.startAfter(after.expiration, after.id);
    return this.list(query);
  }

  /** Channels last synced before `time`, longest ago first. */
  async syncedBefore(time: Date, limit: number): Promise<{ id: string; channel: Channel }[]> {
    return this.list(this.db.collection('googleCalendarChannels').where('lastSyncedAt', '<', time).orderBy('lastSyncedAt').limit(limit));
  }

  /** Channels never synced, or marked to sync again. */
  async awaitingSync(limit: number): Promise<{ id: string; channel: Channel }[]> {
    const [never, dirty] = await Promise.all([
      this.list(this.db.collection('googleCalendarChannels').where('lastSyncedAt', '==', null).limit(limit)),
      this.list(this.db.collection('googleCalendarChannels').where('dirty', '==', true).limit(limit)),
    ]);
    return [...never, ...dirty];
  }

  /** One page of every channel, in id order, after `after`. */
  async page(after: string | null, limit: number): Promise<{ id: string; channel: Channel }[]> {
    let query = this.db.collection('googleCalendarChannels').orderBy('__name__').limit(limit);
    if (after !== null) query = query.startAfter(after);
    return this.list(query);
  }

  /** Many channels in one round trip (absent ones are left out). */
  async getMany(channelIds: string[]): Promise<Map<string, Channel>> {
    const found = new Map<string, Channel>();
    if (channelIds.length === 0) return found;
    for (const snap of await this.db.getAll(...channelIds.map((id) => this.ref(id)))) {
      if (snap.exists) found.set(snap.id, channelSchema.parse(withDates(snap.data())));
    }
    return found;
  }

  /** The channel id each (host, calendar) pointer names, by watchKey, in one round trip. */
  async currentOf(pairs: { subscriberId: string; calendarId: string }[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (pairs.length === 0) return found;
    for (const snap of await this.db.getAll(...pairs.map((p) => this.watchRef(p.subscriberId, p.calendarId)))) {
      if (snap.exists) found.set(snap.id, String(snap.get('channelId')));
    }
    return found;
  }

  private async list(query: Query): Promise<{ id: string; channel: Channel }[]> {
    const found = await query.get();
    return found.docs.map((doc) => ({ id: doc.id, channel: channelSchema.parse(withDates(doc.data())) }));
  }
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

  constructor(private readonly deps: ChannelDeps) {
    this.channels = new ChannelRepository(deps.db);
  }

  /**
   * The live channel of (host, calendar), made if there is none: a pending document first (so
   * a racing request finds it and Google's first `sync` message finds a known channel), then
   * events.watch, then the initial sync token, then the document completed.
   */
  async ensureChannel(subscriberId: string, host: Subscriber, calendarId: string): Promise<{ channelId: string; created: boolean }> {
    const session = this.deps.sessionFor(subscriberId, host);
    if (!session) throw new NoGoogleConnection(subscriberId);
    const now = this.deps.now();
    const token = randomBytes(32).toString('base64url');
    const claim = await this.deps.db.runTransaction(async (tx) => {
      const watchSnap = await tx.get(this.channels.watchRef(subscriberId, calendarId));
      const current = watchSnap.exists ? watchSchema.parse(withDates(watchSnap.data())) : undefined;
      const existing = current ? await this.channels.getIn(tx, current.channelId) : undefined;
      if (current && existing && isUsable(existing, now)) return { channelId: current.channelId, created: false };
      const channelId = newChannelId();
      const pending = this.pendingChannel(subscriberId, calendarId, token, now);
      tx.create(this.channels.ref(channelId), pending);
      tx.set(this.channels.watchRef(subscriberId, calendarId), { subscriberId, calendarId, channelId, updatedAt: now });
      return { channelId, created: true };
    });
    if (!claim.created) return claim;

    const watched = await this.watch(session, claim.channelId, calendarId, token);
    const listedFrom = this.deps.now();
    const syncToken = await this.initialSyncToken(session, calendarId, claim.channelId);
    await this.channels.ref(claim.channelId).update({
      state: 'active',
      resourceId: watched.resourceId,
      resourceUri: watched.resourceUri,
      expiration: watched.expiration,
      syncToken,
      // The calendar counts as synced from when the token was asked for (the reconciliation's clock).
      lastSyncedAt: syncToken ? listedFrom : null,
      updatedAt: this.deps.now(),
    });
    this.deps.log.info({ channelId: claim.channelId, subscriberId, expiration: watched.expiration.toISOString() }, 'watch channel created');
    return claim;
  }

  /**
   * Renews a channel before it expires: the new channel is watched and recorded first, then the
   * old one stopped, so a crash at any point leaves the old or the new one tracked and working,
   * never none. The sync token, the dirty mark and the lease carry over (one sync per calendar at
   * a time, even across the overlap); pushes on both channels are accepted until the old stops.
   * A channel that is no longer the calendar's current one is not renewed (the heal stops it).
   */
  async renewChannel(oldChannelId: string): Promise<{ channelId: string } | undefined> {
    const old = await this.channels.get(oldChannelId);
    if (!old || old.state !== 'active') return undefined;
    if ((await this.channels.watchRef(old.subscriberId, old.calendarId).get()).get('channelId') !== oldChannelId) return undefined;
    const host = await this.deps.subscribers.get(old.subscriberId);
    const session = host ? this.deps.sessionFor(old.subscriberId, host) : undefined;
    if (!session) throw new NoGoogleConnection(old.subscriberId);
    const channelId = newChannelId();
    const token = randomBytes(32).toString('base64url');
    await this.channels.ref(channelId).create(this.pendingChannel(old.subscriberId, old.calendarId, token, this.deps.now()));
    const watched = await this.watch(session, channelId, old.calendarId, token);
    const outcome = await this.deps.db.runTransaction(async (tx) => {
      // The old channel's syncs may have moved its token on since we read it: carry the latest.
      const latest = (await this.channels.getIn(tx, oldChannelId)) ?? old;
      const watchRef = this.channels.watchRef(old.subscriberId, old.calendarId);
      const current = (await tx.get(watchRef)).get('channelId') as string | undefined;
      tx.update(this.channels.ref(channelId), {
        state: 'active',
        resourceId: watched.resourceId,
        resourceUri: watched.resourceUri,
        expiration: watched.expiration,
        syncToken: latest.syncToken,
        lease: latest.lease,
        dirty: latest.dirty,
        lastSyncedAt: latest.lastSyncedAt,
        updatedAt: this.deps.now(),
      });
      // Another renewal of the same channel won the race: ours is recorded, then stopped below.
      if (current !== oldChannelId) return { won: false as const, current };
      tx.set(watchRef, { subscriberId: old.subscriberId, calendarId: old.calendarId, channelId, updatedAt: this.deps.now() });
      return { won: true as const };
    });
    if (!outcome.won) {
      await this.stopChannel(channelId);
      return outcome.current ? { channelId: outcome.current } : undefined;
    }
    // What we read of the old channel still holds for stopping it: its id, resource and host.
    await this.stopChannel(oldChannelId, { channel: old, session });
    this.deps.log.info({ channelId, replaced: oldChannelId, expiration: watched.expiration.toISOString() }, 'watch channel renewed');
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
      syncToken: null,
      lastMessageNumber: 0,
      lease: null,
      dirty: false,
      errorCount: 0,
      lastSyncedAt: null,
      createdAt: now,
      updatedAt: now,
    };
  }

  /** events.watch for a pending channel; if Google refuses, the pending document goes again. */
  private async watch(session: CalendarSession, channelId: string, calendarId: string, token: string) {
    try {
      return await session.watchEvents(calendarId, { channelId, address: this.deps.webhookUrl, token, ttlSeconds: REQUESTED_TTL_SECONDS });
    } catch (error) {
      await this.forget(channelId);
      throw error;
    }
  }

  /**
   * The token that marks "now" for this calendar: the last page of a plain list carries it.
   * If it cannot be had, the channel still stands; its first sync does a full resync instead.
   */
  private async initialSyncToken(session: CalendarSession, calendarId: string, channelId: string): Promise<string | null> {
    try {
      return (await session.syncToken(calendarId)) ?? null;
    } catch (error) {
      this.deps.log.warn({ err: error, channelId }, 'no initial sync token; the first sync will be a full resync');
      return null;
    }
  }

  /** The usable channel of (host, calendar), if there is one. */
  async liveChannelOf(subscriberId: string, calendarId: string): Promise<string | undefined> {
    const watch = await this.channels.watchRef(subscriberId, calendarId).get();
    const channelId = watch.exists ? String(watch.get('channelId')) : undefined;
    const channel = channelId ? await this.channels.get(channelId) : undefined;
    return channelId && channel && isUsable(channel, this.deps.now()) ? channelId : undefined;
  }

  /**
   * Stops a channel at Google (unknown there is fine) and forgets it here. If Google could not be
   * reached, the channel stays tracked (never an untracked live one) and the scheduled heal stops
   * it later; without a working grant it can never be stopped, so it is forgotten and expires.
   */
  async stopChannel(channelId: string, known?: { channel: Channel; session: CalendarSession }): Promise<'stopped' | 'kept'> {
    const channel = known?.channel ?? (await this.channels.get(channelId));
    if (!channel) return 'stopped';
    const host = known ? undefined : await this.deps.subscribers.get(channel.subscriberId);
    const session = known?.session ?? (host ? this.deps.sessionFor(channel.subscriberId, host) : undefined);
    if (session && channel.resourceId) {
      try {
        await session.stopChannel(channelId, channel.resourceId);
      } catch (error) {
        if (!(error instanceof ConnectionRevoked)) {
          this.deps.log.warn({ err: error, channelId }, 'channels.stop failed; the channel stays tracked for the next heal');
          return 'kept';
        }
      }
    }
    await this.forget(channelId);
    return 'stopped';
  }

  /** Stops every channel of a host, or only those on one calendar. */
  async stopWatching(subscriberId: string, calendarId?: string): Promise<number> {
    const channels = (await this.channels.ofHost(subscriberId)).filter((c) => calendarId === undefined || c.channel.calendarId === calendarId);
    for (const { id } of channels) await this.stopChannel(id);
    return channels.length;
  }

  /** Deletes a channel document and the (host, calendar) pointer if it still names it. */
  private async forget(channelId: string): Promise<void> {
    await this.deps.db.runTransaction(async (tx) => {
      const channel = await this.channels.getIn(tx, channelId);
      if (!channel) return;
      const watchRef = this.channels.watchRef(channel.subscriberId, channel.calendarId);
      const watch = await tx.get(watchRef);
      if (watch.exists && watch.get('channelId') === channelId) tx.delete(watchRef);
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
