// Push notifications ("Push notifications" guide for the Calendar API): watch channels on a
// calendar's events, a `sync` message when a channel opens, an `exists` message for every change,
// delivered as an empty POST with the X-Goog-* headers. 2xx and 102 are success; 500, 502, 503 and
// 504 (and no answer) are retried with exponential backoff; any other status is a failure that is
// not retried. Delivery is asynchronous so an API call never waits on a receiver.
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import type { Calendar } from './calendars';
import type { EmulatorClock } from './clock';
import { badRequest, GoogleApiError } from './errors';
import type { PendingTimers } from './timers';

/** Default channel lifetime: "Default is 604800 seconds" (Events: watch, params.ttl). */
const DEFAULT_TTL_S = 604800;
/**
 * Google documents no maximum ttl for Calendar channels; requests beyond this cap are shortened
 * to it, as Google shortens over-long expirations for its other watchable APIs.
 */
export const MAX_TTL_S = 30 * 24 * 60 * 60;
const MAX_CHANNEL_ID_LENGTH = 64;
const MAX_CHANNEL_TOKEN_LENGTH = 256;
const DELIVERY_TIMEOUT_MS = 10_000;
const REORDER_WINDOW_MS = 50;
const RETRIED_STATUSES = new Set([500, 502, 503, 504]);

export type PushMode = 'normal' | 'drop' | 'duplicate' | 'reorder';
type ResourceState = 'sync' | 'exists';

export interface PushRetry {
  initialDelayMs: number;
  maxAttempts: number;
}

export interface Channel {
  id: string;
  resourceId: string;
  resourceUri: string;
  calendarId: string;
  address: string;
  token?: string;
  expirationMs: number;
  lastMessageNumber: number;
  live: boolean;
}

interface Notification {
  channel: Channel;
  state: ResourceState;
  messageNumber: number;
}

export interface WatchRequest {
  id?: unknown;
  type?: unknown;
  address?: unknown;
  token?: unknown;
  expiration?: unknown;
  params?: { ttl?: unknown } | null;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** Google requires an https address; plain http is accepted for loopback only, a local concession. */
export function checkAddress(address: unknown): string {
  let url: URL;
  try {
    url = new URL(typeof address === 'string' ? address : '');
  } catch {
    throw badRequest('push.webhookUrlNoHostOrAddress', `WebHook callback must have a host or address: ${String(address ?? '')}`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))) return url.toString();
  throw badRequest('push.webhookUrlNotHttps', `WebHook callback must be HTTPS: ${url.toString()}`);
}

function requestedExpiration(request: WatchRequest, nowMs: number, maxTtlSeconds: number): number {
  const ttlText = request.params?.ttl;
  let expiration = nowMs + DEFAULT_TTL_S * 1000;
  if (ttlText !== undefined && ttlText !== null) {
    const ttl = Number(ttlText);
    if (!Number.isInteger(ttl) || ttl <= 0) throw badRequest('invalid', `Invalid ttl value: ${String(ttlText)}`);
    expiration = nowMs + ttl * 1000;
  } else if (request.expiration !== undefined && request.expiration !== null) {
    const requested = Number(request.expiration);
    if (!Number.isInteger(requested) || requested <= nowMs) throw badRequest('invalid', `Invalid expiration value: ${String(request.expiration)}`);
    expiration = requested;
  }
  return Math.min(expiration, nowMs + maxTtlSeconds * 1000);
}

export class PushNotifier {
  private readonly channels = new Map<string, Channel>();
  private readonly channelsByCalendar = new Map<string, Set<Channel>>();
  private mode: PushMode = 'normal';
  /** The longest life a channel is granted; the control API may shorten it, as Google may. */
  private maxTtlSeconds = MAX_TTL_S;
  private held: Notification[] = [];
  private inFlight = new AbortController();

  constructor(
    private readonly clock: EmulatorClock,
    private readonly timers: PendingTimers,
    private readonly retry: PushRetry,
  ) {}

  watch(calendar: Calendar, request: WatchRequest, resourceUri: string): Channel {
    if (request.type !== 'web_hook' && request.type !== 'webhook') {
      throw badRequest('push.channelTypeNotSupported', `Channel type ${String(request.type ?? '')} is not supported.`);
    }
    if (typeof request.id !== 'string' || request.id === '') throw badRequest('required', 'Missing channel id.');
    if (request.id.length > MAX_CHANNEL_ID_LENGTH) throw badRequest('invalid', `Channel id is longer than ${MAX_CHANNEL_ID_LENGTH} characters.`);
    if (this.liveChannel(request.id)) throw badRequest('channelIdNotUnique', 'Channel id not unique');
    if (request.token !== undefined && request.token !== null && typeof request.token !== 'string') throw badRequest('invalid', 'Invalid channel token.');
    const token = typeof request.token === 'string' ? request.token : undefined;
    if (token !== undefined && token.length > MAX_CHANNEL_TOKEN_LENGTH) {
      throw badRequest('invalid', `Channel token is longer than ${MAX_CHANNEL_TOKEN_LENGTH} characters.`);
    }
    const channel: Channel = {
      id: request.id,
      resourceId: calendar.resourceId,
      resourceUri,
      calendarId: calendar.id,
      address: checkAddress(request.address),
      ...(token !== undefined ? { token } : {}),
      expirationMs: requestedExpiration(request, this.clock.now(), this.maxTtlSeconds),
      lastMessageNumber: 0,
      live: true,
    };
    this.channels.set(channel.id, channel);
    const key = calendar.id.toLowerCase();
    let onCalendar = this.channelsByCalendar.get(key);
    if (!onCalendar) this.channelsByCalendar.set(key, (onCalendar = new Set()));
    onCalendar.add(channel);
    this.notify(channel, 'sync');
    return channel;
  }

  /** channels.stop: the id and resourceId must name a live channel together. */
  stop(id: unknown, resourceId: unknown): void {
    const channel = typeof id === 'string' ? this.liveChannel(id) : undefined;
    if (!channel || channel.resourceId !== resourceId) {
      throw new GoogleApiError(404, 'notFound', `Channel '${String(id ?? '')}' not found for project`);
    }
    this.remove(channel);
  }

  calendarChanged(calendar: Calendar): void {
    for (const channel of this.channelsByCalendar.get(calendar.id.toLowerCase()) ?? []) {
      if (this.isExpired(channel)) this.remove(channel);
      else this.notify(channel, 'exists');
    }
  }

  /** The calendar is gone: its channels end without a message (Google documents none for this). */
  calendarRemoved(calendar: Calendar): void {
    for (const channel of [...(this.channelsByCalendar.get(calendar.id.toLowerCase()) ?? [])]) this.remove(channel);
  }

  /** Whether a live channel has this id (a watch with it would be refused). */
  isLive(id: string): boolean {
    return this.liveChannel(id) !== undefined;
  }

  liveChannels(): Channel[] {
    return [...this.channels.values()].filter((channel) => {
      if (!this.isExpired(channel)) return true;
      this.remove(channel);
      return false;
    });
  }

  setMode(mode: PushMode): void {
    this.mode = mode;
  }

  /** Drops every channel and every delivery still pending or under way. */
  setMaxTtl(seconds: number): void {
    this.maxTtlSeconds = seconds;
  }

  clear(): void {
    this.maxTtlSeconds = MAX_TTL_S;
    for (const channel of this.channels.values()) channel.live = false;
    this.channels.clear();
    this.channelsByCalendar.clear();
    this.held = [];
    this.mode = 'normal';
    this.inFlight.abort();
    this.inFlight = new AbortController();
  }

  private liveChannel(id: string): Channel | undefined {
    const channel = this.channels.get(id);
    if (!channel) return undefined;
    if (!this.isExpired(channel)) return channel;
    this.remove(channel);
    return undefined;
  }

  private isExpired(channel: Channel): boolean {
    return this.clock.now() >= channel.expirationMs;
  }

  private remove(channel: Channel): void {
    channel.live = false;
    this.channels.delete(channel.id);
    this.channelsByCalendar.get(channel.calendarId.toLowerCase())?.delete(channel);
  }

  /** Numbers are given when the change happens: 1 for sync, then increasing by small random steps. */
  private notify(channel: Channel, state: ResourceState): void {
    channel.lastMessageNumber = state === 'sync' ? 1 : channel.lastMessageNumber + randomInt(1, 4);
    const notification: Notification = { channel, state, messageNumber: channel.lastMessageNumber };
    switch (this.mode) {
      case 'drop':
        return;
      case 'duplicate':
        this.send(notification, 1);
        this.send(notification, 1);
        return;
      case 'reorder':
        this.hold(notification);
        return;
      case 'normal':
        this.send(notification, 1);
    }
  }

  private hold(notification: Notification): void {
    this.held.push(notification);
    if (this.held.length > 1) return;
    this.timers.after(REORDER_WINDOW_MS, () => {
      const batch = this.held;
      this.held = [];
      for (let index = batch.length - 1; index > 0; index -= 1) {
        const other = randomInt(0, index + 1);
        [batch[index], batch[other]] = [batch[other] as Notification, batch[index] as Notification];
      }
      for (const held of batch) this.send(held, 1);
    });
  }

  private send(notification: Notification, attempt: number): void {
    const { channel } = notification;
    if (!channel.live) return;
    if (this.isExpired(channel)) {
      this.remove(channel);
      return;
    }
    const signal = AbortSignal.any([this.inFlight.signal, AbortSignal.timeout(DELIVERY_TIMEOUT_MS)]);
    fetch(channel.address, { method: 'POST', headers: this.headers(notification), signal, redirect: 'manual' }).then(
      async (response) => {
        await response.body?.cancel();
        if (RETRIED_STATUSES.has(response.status)) this.retryLater(notification, attempt);
      },
      () => this.retryLater(notification, attempt),
    );
  }

  private retryLater(notification: Notification, attempt: number): void {
    if (attempt >= this.retry.maxAttempts || !notification.channel.live) return;
    this.timers.after(this.retry.initialDelayMs * 2 ** (attempt - 1), () => this.send(notification, attempt + 1));
  }

  private headers({ channel, state, messageNumber }: Notification): Record<string, string> {
    return {
      // As the guide's example notification has it: a JSON type with a malformed parameter
      // ("utf-8", not "charset=utf-8") on an empty body. Receivers must not parse the body by it.
      'Content-Type': 'application/json; utf-8',
      // "Notification delivery HTTPS requests specify a user agent of APIs-Google" (push guide).
      'User-Agent': 'APIs-Google (+https://developers.google.com/webmasters/APIs-Google.html)',
      'X-Goog-Channel-ID': channel.id,
      ...(channel.token !== undefined ? { 'X-Goog-Channel-Token': channel.token } : {}),
      // RFC 1123, e.g. "Tue, 19 Nov 2013 01:13:52 GMT", as in the guide's example notification.
      'X-Goog-Channel-Expiration': new Date(channel.expirationMs).toUTCString(),
      'X-Goog-Resource-ID': channel.resourceId,
      'X-Goog-Resource-URI': channel.resourceUri,
      'X-Goog-Resource-State': state,
      'X-Goog-Message-Number': String(messageNumber),
    };
  }
}
