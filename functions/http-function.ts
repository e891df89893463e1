// What every HTTPS function shares: a logger bound to the request's trace, and a last line of
// defence that turns an unexpected failure into a logged 500 instead of a hung request.
import type { HttpFunction, Request } from '@google-cloud/functions-framework';
import type { Response } from 'express';
import { config } from '../shared/config';
import { createLogger, requestLogger, type Logger } from '../shared/log';

let rootLogger: Logger | undefined;

function logger(): Logger {
  rootLogger ??= createLogger({ level: config().logLevel });
  return rootLogger;
}

export interface RequestContext {
  log: Logger;
}

export type ContextHandler = (req: Request, res: Response, context: RequestContext) => Promise<void>;

export function httpFunction(handler: ContextHandler): HttpFunction {
  return async (req, res) => {
    const log = requestLogger(logger(), config().projectId, req.headers);
    try {
      await handler(req, res, { log });
    } catch (error) {
      log.error({ err: error, method: req.method, path: req.path }, 'unhandled error');
      if (!res.headersSent) res.status(500).json({ error: 'internal', message: 'Something went wrong on our side; please try again.' });
    }
  };
}

/** Bad input: 400 with zod's issues (path and message), so a client can show them per field. */
export function invalidRequest(res: Response, issues: readonly { path: PropertyKey[]; message: string }[]): void {
  res.status(400).json({
    error: 'invalid_request',
    issues: issues.map((issue) => ({ path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: issue.message })),
  });
}

/** Whether the request body is of this media type (parameters such as charset ignored). */
export function hasContentType(req: Request, type: string): boolean {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() === type;
}
