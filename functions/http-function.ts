// What every HTTPS function shares: a logger bound to the request's trace; the security headers of
// every answer; the body, read under the function's own rule before the function sees the request
// (./request-body; ./framework-body-parsing says why the framework no longer reads it); and a last
// line of defence that turns an unexpected failure into a logged 500 instead of a hung request.
import type { HttpFunction, Request } from '@google-cloud/functions-framework';
import type { Response } from 'express';
import { config } from '../shared/config';
import { createLogger, requestLogger, type Logger } from '../shared/log';
import { leaveBodiesToFunctions } from './framework-body-parsing';
import { BodyAborted, BodyTooLarge, discardRestOfBody, MalformedBody, readRequestBody, UnsupportedBody, type BodyRule } from './request-body';
import { setSecurityHeaders } from './security-headers';

// Before the framework builds its server: it does so after loading the module that registers us.
leaveBodiesToFunctions();

let rootLogger: Logger | undefined;

function logger(): Logger {
  rootLogger ??= createLogger({ level: config().logLevel });
  return rootLogger;
}

export interface RequestContext {
  log: Logger;
}

export type ContextHandler = (req: Request, res: Response, context: RequestContext) => Promise<void>;

/** A body the function will not take, as HTTP; false for any other error. */
function answerBodyError(req: Request, res: Response, error: unknown): boolean {
  if (error instanceof BodyTooLarge) {
    res.status(413).json({ error: 'payload_too_large', message: error.message });
    discardRestOfBody(req);
  } else if (error instanceof UnsupportedBody) res.status(415).json({ error: 'unsupported_media_type', message: error.message });
  else if (error instanceof MalformedBody) invalidRequest(res, [{ path: error.path, message: error.message }]);
  else return false;
  return true;
}

/** A function whose requests carry a body of at most what `body` allows. */
export function httpFunction(handler: ContextHandler, body: BodyRule): HttpFunction {
  return async (req, res) => {
    const log = requestLogger(logger(), config().projectId, req.headers);
    setSecurityHeaders(req, res);
    try {
      await readRequestBody(req, body);
      await handler(req, res, { log });
    } catch (error) {
      if (error instanceof BodyAborted) return void log.info({ method: req.method, path: req.path }, error.message);
      if (answerBodyError(req, res, error)) return;
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
