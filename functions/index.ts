// Registers every HTTPS function with the Functions Framework. Deployed, each function runs
// this file with its own `--entry-point`; locally the dev server serves them all.
//
// Each function's module (and what only it imports: the accounts function's OAuth client, the
// booking pages, the webhook's sync) is loaded on its first request, not here: a deployed
// instance serves one function and so loads only that one's code. Its cold start is then what its
// path needs (test/bench/cold-start.bench.ts measures it).
import { http, type HttpFunction } from '@google-cloud/functions-framework';
import { leaveBodiesToFunctions } from './framework-body-parsing';

// Before the framework builds its server, which it does right after loading this module: the
// functions' own modules (http-function.ts calls it too) are not loaded by then.
leaveBodiesToFunctions();

/** The function `pick` takes from its module, which is loaded on the first request. */
function onFirstRequest(pick: () => HttpFunction): HttpFunction {
  let fn: HttpFunction | undefined;
  return (req, res) => {
    fn ??= pick();
    return fn(req, res);
  };
}

// require, not import: a static import would load every function's module with this file. A
// plain require of a literal path (not import(), not createRequire) works alike compiled, under
// tsx and jest, and a bundler still follows it.
/* eslint-disable @typescript-eslint/no-require-imports */
export const httpFunctions: Record<string, HttpFunction> = {
  accounts: onFirstRequest(() => (require('./accounts') as typeof import('./accounts')).accounts),
  booking: onFirstRequest(() => (require('./booking') as typeof import('./booking')).booking),
  decision: onFirstRequest(() => (require('./decision') as typeof import('./decision')).decision),
  googleWebhook: onFirstRequest(() => (require('./google-webhook') as typeof import('./google-webhook')).googleWebhook),
  renewChannels: onFirstRequest(() => (require('./renew-channels') as typeof import('./renew-channels')).renewChannels),
};
/* eslint-enable @typescript-eslint/no-require-imports */

for (const [name, fn] of Object.entries(httpFunctions)) http(name, fn);
