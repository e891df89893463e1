// Shared set-up for the emulator's tests: one emulator per test file, its control API, real
// Google clients pointed at it, and a small webhook receiver that records push notifications.
import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { OAuth2Client } from 'google-auth-library';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGoogleCalendarEmulator, type RunningGoogleCalendarEmulator } from '../../../infra/local/google-calendar-emulator';

export const CLIENT_ID = 'test-client.apps.googleusercontent.com';
export const CLIENT_SECRET = 'test-secret';

export interface EmulatorAccount {
  email: string;
  /** The account's Google user id, the `sub` of its id_tokens. */
  subject: string;
  refreshToken: string;
  calendarId: string;
}

export interface ControlAnswer<T = unknown> {
  status: number;
  body: T;
}

export class Emulator {
  constructor(readonly running: RunningGoogleCalendarEmulator) {}

  get url(): string {
    return this.running.url;
  }

  async control<T = unknown>(method: string, path: string, body?: unknown): Promise<ControlAnswer<T>> {
    const response = await fetch(`${this.url}/emulator/v1/${path}`, {
      method,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async createAccount(email: string, name = email.split('@')[0]): Promise<EmulatorAccount> {
    const answer = await this.control<EmulatorAccount>('POST', 'accounts', { email, name });
    if (answer.status !== 200) throw new Error(`creating ${email} answered ${answer.status}`);
    return answer.body;
  }

  async reset(): Promise<void> {
    await this.control('POST', 'reset');
  }

  oauthClient(): OAuth2Client {
    return new OAuth2Client({
      // gaxios loads node-fetch with a dynamic import(), which Jest's CommonJS sandbox refuses
      // without --experimental-vm-modules; Node's own fetch does the same HTTP.
      transporterOptions: { fetchImplementation: fetch },
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      endpoints: {
        oauth2TokenUrl: this.running.tokenUrl,
        oauth2AuthBaseUrl: this.running.authUrl,
        oauth2RevokeUrl: `${this.url}/revoke`,
        oauth2FederatedSignonPemCertsUrl: `${this.url}/oauth2/v1/certs`,
        oauth2FederatedSignonJwkCertsUrl: `${this.url}/oauth2/v3/certs`,
      },
    });
  }

  /** The real Calendar client, signed in as the account through its refresh token. */
  calendarFor(account: EmulatorAccount): { api: calendar_v3.Calendar; auth: OAuth2Client } {
    const auth = this.oauthClient();
    auth.setCredentials({ refresh_token: account.refreshToken });
    return { api: calendar({ version: 'v3', auth, rootUrl: `${this.url}/` }), auth };
  }
}

/** Starts one emulator for the test file and closes it afterwards. */
export function useEmulator(pushRetry = { initialDelayMs: 20, maxAttempts: 4 }): () => Emulator {
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    emulator = new Emulator(await startGoogleCalendarEmulator({ pushRetry }));
  });
  afterAll(async () => {
    await emulator?.running.close();
  });
  return () => {
    if (!emulator) throw new Error('the emulator is not started yet');
    return emulator;
  };
}

export interface GoogleFailure {
  status: number;
  reason: string | undefined;
  message: string | undefined;
  body: unknown;
}

/** Awaits a call that must fail and returns the status and Google error reason it failed with. */
export async function failureOf(call: Promise<unknown>): Promise<GoogleFailure> {
  try {
    await call;
  } catch (error) {
    const response = (error as { response?: { status: number; data: unknown } }).response;
    if (!response) throw error;
    const data = response.data as { error?: { errors?: { reason?: string }[]; message?: string } };
    return { status: response.status, reason: data.error?.errors?.[0]?.reason, message: data.error?.message, body: data };
  }
  throw new Error('the call succeeded but was expected to fail');
}

export interface ReceivedNotification {
  headers: IncomingHttpHeaders;
  body: string;
  messageNumber: number;
  state: string | undefined;
}

/** A local HTTP endpoint for push notifications that answers with the statuses it is told to. */
export class WebhookReceiver {
  readonly received: ReceivedNotification[] = [];
  /** Statuses to answer with, one per request; 200 once they are used up. */
  statuses: number[] = [];
  /** How many of the next requests get their connection cut instead of an answer. */
  hangUps = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const receiver = new WebhookReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/notifications`);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        receiver.received.push({
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          messageNumber: Number(req.headers['x-goog-message-number']),
          state: req.headers['x-goog-resource-state'] as string | undefined,
        });
        if (receiver.hangUps > 0) {
          receiver.hangUps -= 1;
          req.socket.destroy();
          return;
        }
        res.writeHead(receiver.statuses.shift() ?? 200).end();
      });
    });
    return receiver;
  }

  forChannel(id: string): ReceivedNotification[] {
    return this.received.filter((notification) => notification.headers['x-goog-channel-id'] === id);
  }

  /** Waits until at least `count` notifications arrived (for one channel when `channelId` is given). */
  async waitFor(count: number, channelId?: string, timeoutMs = 3000): Promise<ReceivedNotification[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const received = channelId === undefined ? this.received : this.forChannel(channelId);
      if (received.length >= count) return received;
      if (Date.now() > deadline) throw new Error(`expected ${count} notifications, got ${received.length}`);
      await pause(10);
    }
  }

  clear(): void {
    this.received.length = 0;
    this.statuses = [];
    this.hangUps = 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const HOUR_MS = 60 * 60 * 1000;

/** A timed event body, `startHour` hours after 2030-01-01T00:00Z, one hour long unless told. */
export function timedEvent(startHour: number, fields: calendar_v3.Schema$Event = {}, hours = 1): calendar_v3.Schema$Event {
  const base = Date.UTC(2030, 0, 1);
  return {
    summary: `Event at ${startHour}`,
    start: { dateTime: new Date(base + startHour * HOUR_MS).toISOString() },
    end: { dateTime: new Date(base + (startHour + hours) * HOUR_MS).toISOString() },
    ...fields,
  };
}
