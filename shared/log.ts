// Structured JSON logs as Cloud Logging reads them from stdout: `severity` instead of pino's
// numeric level, `message` as the text key, and the request's trace under
// `logging.googleapis.com/trace` so every line of one request groups together in the console.
// (Google's own pino config package pulls in @google-cloud/logging and probes the metadata
// server at start; these few options cost nothing at cold start.)
import { randomBytes } from 'node:crypto';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

const SEVERITY: Record<string, string> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

/** Where loggers made without a destination write; stdout (pino's default) unless set. */
let processDestination: DestinationStream | undefined;

/**
 * Sends every logger made from now on without its own destination there: a test reading what the
 * functions log (their request loggers included), before their first request.
 */
export function setLogDestination(destination: DestinationStream): void {
  processDestination = destination;
}

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      messageKey: 'message',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ severity: SEVERITY[label] ?? 'DEFAULT' }),
      },
    },
    options.destination ?? processDestination,
  );
}

/** Request headers as the Functions Framework (express) gives them. */
type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The trace id of a request: from W3C `traceparent`, else Google's `X-Cloud-Trace-Context`
 * (`TRACE_ID/SPAN_ID;o=1`), else a new one so a request's lines still group together.
 */
export function traceIdOf(headers: Headers): string {
  const traceparent = header(headers, 'traceparent');
  const w3c = traceparent && /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent.trim());
  if (w3c?.[1]) return w3c[1];
  const cloud = header(headers, 'x-cloud-trace-context');
  const google = cloud && /^([0-9a-fA-F]{32})(?:\/|$)/.exec(cloud.trim());
  if (google?.[1]) return google[1].toLowerCase();
  return randomBytes(16).toString('hex');
}

/** A child logger whose every line carries the request's trace. */
export function requestLogger(logger: Logger, projectId: string, headers: Headers): Logger {
  return logger.child({ 'logging.googleapis.com/trace': `projects/${projectId}/traces/${traceIdOf(headers)}` });
}
