// Registers every HTTPS function with the Functions Framework. Deployed, each function runs
// this file with its own `--entry-point`; locally the dev server serves them all.
import { http, type HttpFunction } from '@google-cloud/functions-framework';

export const httpFunctions: Record<string, HttpFunction> = {};

for (const [name, fn] of Object.entries(httpFunctions)) http(name, fn);
