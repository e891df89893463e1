// The Calendar API v3 routes the emulator serves, under /calendar/v3, as the real
// @googleapis/calendar client calls them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../http';
import type { Account } from './accounts';
import { calendarListEntry, calendarResource, type Calendar } from './calendars';
import { badRequest } from './errors';
import { listEvents } from './event-list';
import { eventResource } from './event-resource';
import { listInstances } from './instance-list';
import { queryFreeBusy } from './free-busy';
import type { SendUpdates } from './mail';
import type { WatchRequest } from './push';
import type { EmulatorState } from './state';

export interface ApiCall {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The decoded path segments after /calendar/v3. */
  segments: string[];
  baseUrl: string;
}

export interface ApiRoute {
  operation: string;
  handle(call: ApiCall): Promise<void>;
}

/**
 * Bodies the server received in full before handling (see server.ts): like Google, the emulator
 * acts on a request it has received even if the caller is gone by the time it answers.
 */
export const receivedBodies = new WeakMap<IncomingMessage, Buffer>();

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = (receivedBodies.get(req) ?? (await readBody(req))).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('parseError', 'Parse Error');
  }
}

function sendUpdatesOf(query: URLSearchParams): SendUpdates {
  const value = query.get('sendUpdates');
  // The deprecated sendNotifications=true means what sendUpdates=all means.
  if (value === null) return query.get('sendNotifications') === 'true' ? 'all' : 'none';
  if (value === 'all' || value === 'externalOnly' || value === 'none') return value;
  throw badRequest('invalid', `Invalid value for sendUpdates: ${value}`, { location: 'sendUpdates', locationType: 'parameter' });
}

function pagedCalendarList(calendars: Parameters<typeof calendarListEntry>[0][], query: URLSearchParams): unknown {
  const size = Math.min(Number(query.get('maxResults') ?? 100) || 100, 250);
  const offset = Number(Buffer.from(query.get('pageToken') ?? '', 'base64url').toString() || 0);
  if (!Number.isInteger(offset) || offset < 0) throw badRequest('invalid', 'Invalid page token value.');
  const page = calendars.slice(offset, offset + size);
  const more = offset + size < calendars.length;
  return {
    kind: 'calendar#calendarList',
    etag: `"p${calendars.length}"`,
    ...(more ? { nextPageToken: Buffer.from(String(offset + size)).toString('base64url') } : {}),
    items: page.map(calendarListEntry),
  };
}

/** Finds the route for a call, or undefined when the emulator does not serve it. */
export function matchApiRoute(state: EmulatorState, method: string, segments: string[]): ApiRoute | undefined {
  const authenticated =
    (operation: string, handler: (account: Account, call: ApiCall) => Promise<void> | void): ApiRoute => ({
      operation,
      handle: async (call) => handler(state.oauth.authenticate(call.req.headers.authorization), call),
    });
  const [first, second, third, fourth, fifth] = segments;

  if (method === 'GET' && first === 'users' && second === 'me' && third === 'calendarList' && segments.length === 3) {
    return authenticated('calendarList.list', (account, { res, url }) => sendJson(res, 200, pagedCalendarList(state.calendars.listedFor(account), url.searchParams)));
  }
  if (method === 'POST' && first === 'freeBusy' && segments.length === 1) {
    return authenticated('freeBusy.query', async (account, { req, res }) => sendJson(res, 200, queryFreeBusy(account, state.calendars, await readJson(req))));
  }
  if (method === 'POST' && first === 'channels' && second === 'stop' && segments.length === 2) {
    return authenticated('channels.stop', async (_account, { req, res }) => {
      const body = (await readJson(req)) as { id?: unknown; resourceId?: unknown };
      state.push.stop(body.id, body.resourceId);
      res.writeHead(204).end();
    });
  }
  if (first !== 'calendars' || second === undefined) return undefined;
  const calendarId = second;
  const calendarOf = (account: Account): Calendar => state.calendars.visibleTo(account, calendarId);
  const writableCalendarOf = (account: Account): Calendar => state.calendars.visibleTo(account, calendarId, 'write');

  if (segments.length === 2 && method === 'GET') {
    return authenticated('calendars.get', (account, { res }) => sendJson(res, 200, calendarResource(calendarOf(account))));
  }
  if (third !== 'events') return undefined;
  if (segments.length === 3) {
    if (method === 'GET') {
      return authenticated('events.list', (account, { res, url }) => sendJson(res, 200, listEvents(calendarOf(account), url.searchParams, state.syncTokens)));
    }
    if (method === 'POST') {
      return authenticated('events.insert', async (account, { req, res, url }) => {
        const calendar = writableCalendarOf(account);
        const event = state.events.insert(calendar, account.email, await readJson(req), sendUpdatesOf(url.searchParams));
        sendJson(res, 200, eventResource(event, calendar));
      });
    }
    return undefined;
  }
  if (method === 'GET' && segments.length === 5 && fourth !== undefined && fifth === 'instances') {
    return authenticated('events.instances', (account, { res, url }) =>
      sendJson(res, 200, listInstances(calendarOf(account), fourth, url.searchParams, state.syncTokens)),
    );
  }
  if (segments.length !== 4 || fourth === undefined || fifth !== undefined) return undefined;
  if (method === 'POST' && fourth === 'import') {
    return authenticated('events.import', async (account, { req, res }) => {
      const calendar = writableCalendarOf(account);
      sendJson(res, 200, eventResource(state.events.import(calendar, account.email, await readJson(req)), calendar));
    });
  }
  if (method === 'POST' && fourth === 'watch') {
    return authenticated('events.watch', async (account, { req, res, baseUrl }) => {
      const calendar = calendarOf(account);
      const resourceUri = `${baseUrl}/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events?alt=json`;
      const channel = state.push.watch(calendar, (await readJson(req)) as WatchRequest, resourceUri);
      sendJson(res, 200, {
        kind: 'api#channel',
        id: channel.id,
        resourceId: channel.resourceId,
        resourceUri: channel.resourceUri,
        ...(channel.token !== undefined ? { token: channel.token } : {}),
        expiration: String(channel.expirationMs),
      });
    });
  }
  const eventId = fourth;
  if (method === 'GET') {
    return authenticated('events.get', (account, { res }) => {
      const calendar = calendarOf(account);
      sendJson(res, 200, eventResource(state.events.get(calendar, eventId), calendar));
    });
  }
  if (method === 'PATCH') {
    return authenticated('events.patch', async (account, { req, res, url }) => {
      const calendar = writableCalendarOf(account);
      const event = state.events.patch(calendar, eventId, await readJson(req), sendUpdatesOf(url.searchParams));
      sendJson(res, 200, eventResource(event, calendar));
    });
  }
  if (method === 'DELETE') {
    return authenticated('events.delete', (account, { res, url }) => {
      state.events.delete(writableCalendarOf(account), eventId, sendUpdatesOf(url.searchParams));
      res.writeHead(204).end();
    });
  }
  return undefined;
}
