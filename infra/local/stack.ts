// The whole system on one machine: the Firestore emulator, the Google Calendar emulator, the
// mail sink, and every function behind one dev server, with a seeded demo host. `npm start` runs
// it; tests can too. Settings point the functions at these servers before any function runs.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import { httpFunctions } from '../../functions/index';
import { services } from '../../functions/services';
import { watchDefaultCalendar } from '../../shared/accounts/default-calendar';
import { config } from '../../shared/config';
import { TokenCipher } from '../../shared/store/token-cipher';
import { startDevServer } from './dev-server';
import { DEMO_HOST, seedDemoHost, type DemoHost } from './demo-host';
import { startFirestoreEmulator } from './firestore-emulator';
import { startGoogleCalendarEmulator } from './google-calendar-emulator';
import { startMailSink } from './mail-sink';
import { startStatusPage } from './status-page-server';

const port = z.coerce.number().int().min(0).max(65535);

export const stackSettingsSchema = z.object({
  LOCAL_HOST: z.string().default('127.0.0.1'),
  FUNCTIONS_PORT: port.default(8080),
  FIRESTORE_PORT: port.default(8090),
  GOOGLE_EMULATOR_PORT: port.default(8085),
  MAIL_SINK_PORT: port.default(8025),
  STATUS_PORT: port.default(8026),
  STACK_FILE: z.string().default('.local/stack.json'),
});

export type StackSettings = z.infer<typeof stackSettingsSchema>;

/** The contract of `.local/stack.json`: outside tools read these keys. */
export interface StackDescription {
  functionsUrl: string;
  firestoreHost: string;
  googleUrl: string;
  googleTokenUrl: string;
  mailUrl: string;
  demoHost: DemoHost;
  /** The status page (figures of `npm run ops -- status`, pushes and lag of the last hour). */
  statusUrl: string;
  /** The Firestore project the stack's data is in (the ops CLI talks to it). */
  projectId: string;
}

export interface RunningStack {
  description: StackDescription;
  stop(): Promise<void>;
}

export async function startLocalStack(settings: StackSettings, env: NodeJS.ProcessEnv = process.env): Promise<RunningStack> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const host = settings.LOCAL_HOST;
    const [firestore, google, mail] = await Promise.all([
      startFirestoreEmulator({ port: settings.FIRESTORE_PORT, host }),
      startGoogleCalendarEmulator({ port: settings.GOOGLE_EMULATOR_PORT, host }),
      startMailSink({ port: settings.MAIL_SINK_PORT, host }),
    ]);
    stops.push(firestore.stop, google.close, mail.close);
    const functionsUrl = `http://${host}:${settings.FUNCTIONS_PORT}`;

    // The functions read their settings on first use (never at import): point them at this stack first.
    Object.assign(env, {
      FIRESTORE_EMULATOR_HOST: firestore.host,
      METADATA_SERVER_DETECTION: 'none',
      PUBLIC_BASE_URL: functionsUrl,
      CALENDAR_API_ROOT: google.url,
      GOOGLE_OAUTH_TOKEN_URL: google.tokenUrl,
      GOOGLE_OAUTH_AUTH_URL: google.authUrl,
      GOOGLE_OAUTH_CERTS_URL: `${google.url}/oauth2/v1/certs`,
      SENDGRID_API_ROOT: mail.url,
    });
    const settingsOfFunctions = config();

    const db = new Firestore({ projectId: settingsOfFunctions.projectId });
    stops.push(() => db.terminate());
    const demoHost = await seedDemoHost({
      googleUrl: google.url,
      functionsUrl,
      db,
      cipher: new TokenCipher(settingsOfFunctions.tokenEncryptionKey),
    });

    const devServer = await startDevServer({ port: settings.FUNCTIONS_PORT, host, functions: httpFunctions });
    stops.push(devServer.close);
    const statusPage = await startStatusPage({ db, now: () => new Date(), port: settings.STATUS_PORT, host });
    stops.push(statusPage.close);
    // The demo host's watch channel, made as a host's first-time setup makes it (Google's first
    // `sync` message reaches the webhook on the dev server, now listening).
    const s = services();
    const subscriber = await s.subscribers.get(DEMO_HOST.id);
    if (subscriber) await watchDefaultCalendar(s, DEMO_HOST.id, subscriber);

    const description: StackDescription = {
      functionsUrl,
      firestoreHost: firestore.host,
      googleUrl: google.url,
      googleTokenUrl: google.tokenUrl,
      mailUrl: mail.url,
      demoHost,
      statusUrl: statusPage.url,
      projectId: settingsOfFunctions.projectId,
    };
    mkdirSync(dirname(settings.STACK_FILE), { recursive: true });
    writeFileSync(settings.STACK_FILE, `${JSON.stringify(description, null, 2)}\n`);
    // A stopped stack leaves no description behind (removed first, before its servers go): tools that
    // find the stack by it (the ops CLI) would talk to nothing.
    stops.push(async () => removeStackFile(settings.STACK_FILE));
    return { description, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Removes the stack's description; synchronous, so a process's `exit` handler can call it too. */
export function removeStackFile(path: string): void {
  rmSync(path, { force: true });
}
