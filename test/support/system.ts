// The whole system for integration tests, as `npm start` runs it but on free ports and a
// Firestore project of its own: the Google Calendar emulator, the mail sink, and every function
// behind the dev server, talking over real HTTP with the real client libraries.
import { randomUUID } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';
import { httpFunctions } from '../../functions/index';
import { startDevServer } from '../../infra/local/dev-server';
import { startGoogleCalendarEmulator, type RunningGoogleCalendarEmulator } from '../../infra/local/google-calendar-emulator';
import type { RunningServer } from '../../infra/local/http';
import { startMailSink, type RunningMailSink } from '../../infra/local/mail-sink';
import { putHost, type HostFile } from '../../shared/booking/hosts';
import { eventIdForSlot } from '../../shared/google/event-identity';
import { parseConfig } from '../../shared/config';
import { firestore } from '../../shared/store/firestore';
import { SubscriberRepository } from '../../shared/store/subscribers';
import { TokenCipher } from '../../shared/store/token-cipher';
import { emulatorHost } from './firestore';

export interface GoogleMail {
  to: string;
  from: string;
  kind: 'invitation' | 'update' | 'cancellation' | 'reply';
  calendarId: string;
  eventId: string;
  subject: string;
  text: string;
}

export interface SinkMessage {
  id: string;
  personalizations: { to: { email: string }[] }[];
  subject: string;
  content: { type: string; value: string }[];
  attachments?: { filename: string; type: string; content: string }[];
}

export interface TestHost {
  id: string;
  slug: string;
  email: string;
  calendarId: string;
  refreshToken: string;
}

/** An event as the Calendar API returns it (the fields tests look at). */
export interface CalendarEvent {
  id: string;
  status: string;
  summary: string;
  description?: string;
  attendees?: { email: string; responseStatus: string; self?: boolean }[];
  extendedProperties?: { private?: Record<string, string> };
}

export interface TestSystem {
  functionsUrl: string;
  google: RunningGoogleCalendarEmulator;
  mail: RunningMailSink;
  db: Firestore;
  env: Record<string, string>;
  control<T = unknown>(path: string, body?: unknown): Promise<T>;
  googleMail(to: string): Promise<GoogleMail[]>;
  sinkMessages(to: string): Promise<SinkMessage[]>;
  createHost(options?: { slug?: string; autoConfirm?: boolean; google?: boolean }): Promise<TestHost>;
  /** The host's Google event of a slot, read through the Calendar API with the host's grant. */
  calendarEvent(host: TestHost, slotId: string): Promise<CalendarEvent>;
  /** An access token of the host's Google account, for direct Calendar API calls. */
  accessToken(host: TestHost): Promise<string>;
  close(): Promise<void>;
}

async function json<T>(res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${res.url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** Free every day, all day: tests pick any offered slot without depending on today's weekday. */
const ALL_DAY = [{ start: '00:00', end: '23:55' }];

export async function startSystem(env: Record<string, string> = {}): Promise<TestSystem> {
  const google = await startGoogleCalendarEmulator({ port: 0, pushRetry: { initialDelayMs: 20, maxAttempts: 3 } });
  const mail = await startMailSink({ port: 0 });
  const projectId = `test-${randomUUID().slice(0, 8)}`;
  const settings: Record<string, string> = {
    GOOGLE_CLOUD_PROJECT: projectId,
    CALENDAR_API_ROOT: google.url,
    GOOGLE_OAUTH_TOKEN_URL: google.tokenUrl,
    GOOGLE_OAUTH_AUTH_URL: google.authUrl,
    GOOGLE_OAUTH_CERTS_URL: `${google.url}/oauth2/v1/certs`,
    SENDGRID_API_ROOT: mail.url,
    LOG_LEVEL: 'silent',
    // Every request of a test comes from 127.0.0.1: the abuse limits stay out of the way unless a
    // test sets its own (test/security/abuse.test.ts).
    LIMIT_BOOKING_ATTEMPTS_PER_MINUTE: '100000',
    LIMIT_AVAILABILITY_VIEWS_PER_MINUTE: '100000',
    LIMIT_PENDING_PER_GUEST: '10000',
    LIMIT_PENDING_PER_HOST: '100000',
    ...env,
  };
  // The functions read settings on first use: they are in place before the first request.
  Object.assign(process.env, settings);
  const server: RunningServer = await startDevServer({ port: 0, functions: httpFunctions });
  process.env.PUBLIC_BASE_URL = server.url;
  const config = parseConfig(process.env);
  const db = new Firestore({ projectId, host: emulatorHost(), ssl: false });
  const cipher = new TokenCipher(config.tokenEncryptionKey);

  const control = async <T>(path: string, body?: unknown): Promise<T> =>
    json<T>(
      await fetch(`${google.url}/emulator/v1${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );

  const accessToken = async (host: TestHost): Promise<string> => {
    const res = await fetch(google.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: host.refreshToken, client_id: config.google.clientId, client_secret: config.google.clientSecret }),
    });
    return (await json<{ access_token: string }>(res)).access_token;
  };

  let hosts = 0;
  return {
    accessToken,
    async calendarEvent(host, slotId) {
      const res = await fetch(`${google.url}/calendar/v3/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(slotId)}`, {
        headers: { authorization: `Bearer ${await accessToken(host)}` },
      });
      return json<CalendarEvent>(res);
    },
    functionsUrl: server.url,
    google,
    mail,
    db,
    env: { ...settings, PUBLIC_BASE_URL: server.url },
    control,
    googleMail: (to) => control<GoogleMail[]>(`/mail?to=${encodeURIComponent(to)}`),
    sinkMessages: async (to) => json<SinkMessage[]>(await fetch(`${mail.url}/messages?to=${encodeURIComponent(to)}`)),
    async createHost(options = {}) {
      hosts += 1;
      const slug = options.slug ?? `host-${hosts}-${randomUUID().slice(0, 6)}`;
      const email = `${slug}@hosts.example.test`;
      const account = await control<{ email: string; refreshToken: string; calendarId: string }>('/accounts', { email, name: `Host ${hosts}` });
      const file: HostFile = {
        id: `h${hosts}-${randomUUID().slice(0, 8)}`,
        name: `Host ${hosts}`,
        email,
        timezone: 'Europe/Berlin',
        google: options.google === false ? null : { accountEmail: account.email, refreshToken: account.refreshToken },
        defaultCalendar: options.google === false ? null : { provider: 'google', calendarId: account.calendarId },
        schedule: {
          slug,
          slotMinutes: 30,
          weekly: { monday: ALL_DAY, tuesday: ALL_DAY, wednesday: ALL_DAY, thursday: ALL_DAY, friday: ALL_DAY, saturday: ALL_DAY, sunday: ALL_DAY },
          minNoticeHours: 24,
          maxDaysAhead: 14,
          autoConfirm: options.autoConfirm ?? false,
        },
      };
      const { id } = await putHost({ subscribers: new SubscriberRepository(db), cipher, now: new Date() }, file);
      return { id, slug, email, calendarId: account.calendarId, refreshToken: account.refreshToken };
    },
    async close() {
      await server.close();
      await google.close();
      await mail.close();
      await db.terminate();
      // The functions' own client (module scope, as deployed) holds connections open too.
      await firestore().terminate();
    },
  };
}
