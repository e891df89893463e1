// Request dispatch: the control API, the OAuth endpoints and the Calendar API. Every call but the
// control API's is counted by operation and can be delayed or failed by an injected fault first.
import { ServerResponse, type IncomingMessage, type RequestListener } from 'node:http';
import { BodyTooLarge, readBody, sendJson } from '../http';
import { matchApiRoute, receivedBodies } from './api';
import { handleConsent } from './consent';
import { handleControl } from './control';
import { answerAsGuest, showGuestMail } from './guest-page';
import { ControlInputError, GoogleApiError, OAuthError } from './errors';
import { handleCerts, handleRevoke, handleToken } from './oauth-http';
import type { EmulatorState } from './state';

interface Route {
  operation: string;
  /** Whether injected faults apply: the API and the token and revoke endpoints. */
  faultable: boolean;
  handle(): Promise<void> | void;
}

function pathSegments(pathname: string, prefix: string): string[] {
  try {
    return pathname
      .slice(prefix.length)
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    throw new GoogleApiError(400, 'invalid', 'Malformed URL path.');
  }
}

function findRoute(state: EmulatorState, req: IncomingMessage, res: ServerResponse, url: URL): Route | undefined {
  const method = req.method ?? 'GET';
  const { pathname } = url;
  if (pathname.startsWith('/calendar/v3/')) {
    const segments = pathSegments(pathname, '/calendar/v3/');
    const route = matchApiRoute(state, method, segments);
    if (!route) return undefined;
    const baseUrl = `http://${req.headers.host ?? 'localhost'}`;
    return { operation: route.operation, faultable: true, handle: () => route.handle({ req, res, url, segments, baseUrl }) };
  }
  if (method === 'POST' && pathname === '/token') return { operation: 'oauth.token', faultable: true, handle: () => handleToken(state, req, res) };
  if (method === 'POST' && pathname === '/revoke') return { operation: 'oauth.revoke', faultable: true, handle: () => handleRevoke(state, url, req, res) };
  if (method === 'GET' && pathname === '/o/oauth2/v2/auth') return { operation: 'oauth.consent', faultable: false, handle: () => handleConsent(state, url, res) };
  if (method === 'GET' && pathname === '/oauth2/v1/certs') return { operation: 'oauth.certs', faultable: false, handle: () => handleCerts(state, 'v1', res) };
  if (method === 'GET' && pathname === '/oauth2/v3/certs') return { operation: 'oauth.certs', faultable: false, handle: () => handleCerts(state, 'v3', res) };
  return undefined;
}

function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof GoogleApiError) {
    // A 401 carries the challenge Google sends with it.
    const headers: Record<string, string> = error.code === 401 ? { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' } : {};
    return sendJson(res, error.code, error.toJson(), headers);
  }
  if (error instanceof OAuthError) return sendJson(res, error.status, error.toJson());
  if (error instanceof ControlInputError) return sendJson(res, error.status, { message: error.message });
  if (error instanceof BodyTooLarge) return sendJson(res, 413, new GoogleApiError(413, 'uploadTooLarge', error.message).toJson());
  const message = error instanceof Error ? error.message : String(error);
  sendJson(res, 500, new GoogleApiError(500, 'backendError', `Emulator failure: ${message}`).toJson());
}

export function requestHandler(state: EmulatorState): RequestListener {
  return (req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://emulator.invalid');
        if (url.pathname.startsWith('/emulator/v1/')) {
          return await handleControl(state, req.method ?? 'GET', pathSegments(url.pathname, '/emulator/v1/'), url, req, res);
        }
        if (req.method === 'GET' && url.pathname === '/emulator/mail') return showGuestMail(state, url, res);
        if (req.method === 'POST' && url.pathname === '/emulator/mail/respond') return await answerAsGuest(state, req, res);
        const route = findRoute(state, req, res, url);
        if (!route) throw new GoogleApiError(404, 'notFound', `Not Found: ${req.method ?? 'GET'} ${url.pathname}`);
        state.requests.count(route.operation);
        // The whole request first, then any injected latency: a caller that dies while waiting
        // for the answer does not undo the call (a killed process mid-watch still gets a channel).
        if (url.pathname.startsWith('/calendar/v3/')) receivedBodies.set(req, await readBody(req));
        const fault = route.faultable ? state.faults.take(req.method ?? 'GET', url.pathname + url.search) : undefined;
        if (fault?.hold) await state.timers.hold();
        if (fault && fault.delayMs > 0) await state.timers.sleep(fault.delayMs);
        // The call carried out with its answer going nowhere (a response on no socket), then the failure sent.
        if (fault?.failure && fault.afterCall) await findRoute(state, req, new ServerResponse(req), url)?.handle();
        if (fault?.failure) throw fault.failure;
        await route.handle();
      } catch (error) {
        sendError(res, error);
      }
    })();
  };
}
