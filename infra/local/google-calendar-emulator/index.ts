// A local Google Calendar: the Calendar API v3 subset this project uses, Google's OAuth token
// endpoint and consent page, push notifications to real webhooks, and a control API for tests.
// The real @googleapis/calendar and google-auth-library clients work against it unchanged when
// pointed at it with `rootUrl` and the OAuth endpoints.
import { listen } from '../http';
import { requestHandler } from './server';
import { SigningKeys } from './signing-keys';
import { EmulatorState } from './state';

export interface GoogleCalendarEmulatorOptions {
  /** 0 / undefined = any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Initial clock source, epoch ms; default Date.now. The control API can override it. */
  now?: () => number;
  /** Default { initialDelayMs: 1000, maxAttempts: 6 }. */
  pushRetry?: { initialDelayMs: number; maxAttempts: number };
}

export interface RunningGoogleCalendarEmulator {
  /** e.g. http://127.0.0.1:PORT (the client's rootUrl is `${url}/`). */
  url: string;
  /** `${url}/token` */
  tokenUrl: string;
  /** `${url}/o/oauth2/v2/auth`, the consent page. */
  authUrl: string;
  /** Stops the server and every pending push delivery and timer. */
  close(): Promise<void>;
}

export async function startGoogleCalendarEmulator(options: GoogleCalendarEmulatorOptions = {}): Promise<RunningGoogleCalendarEmulator> {
  const now = options.now ?? Date.now;
  const state = new EmulatorState(now, options.pushRetry ?? { initialDelayMs: 1000, maxAttempts: 6 }, await SigningKeys.generate(now()));
  const server = await listen(requestHandler(state), options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    url: server.url,
    tokenUrl: `${server.url}/token`,
    authUrl: `${server.url}/o/oauth2/v2/auth`,
    close: async () => {
      state.close();
      await server.close();
    },
  };
}
