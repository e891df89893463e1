// Registers every HTTPS function with the Functions Framework. Deployed, each function runs
// this file with its own `--entry-point`; locally the dev server serves them all. (They share
// their heavy dependencies — Firestore, Calendar, SendGrid — so loading them all costs little
// more than loading one; nothing is created at import time.)
import { http, type HttpFunction } from '@google-cloud/functions-framework';
import { accounts } from './accounts';
import { booking } from './booking';
import { decision } from './decision';
import { googleWebhook } from './google-webhook';
import { renewChannels } from './renew-channels';

export const httpFunctions: Record<string, HttpFunction> = { accounts, booking, decision, googleWebhook, renewChannels };

for (const [name, fn] of Object.entries(httpFunctions)) http(name, fn);
