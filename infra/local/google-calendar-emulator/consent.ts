// A local stand-in for Google's consent screen (GET /o/oauth2/v2/auth): it approves at once and
// redirects to redirect_uri with a code and the state, as Google does after the user consents.
import escapeHtml from 'escape-html';
import type { ServerResponse } from 'node:http';
import { sendHtml } from '../http';
import type { EmulatorState } from './state';

function refuse(res: ServerResponse, title: string, detail: string): void {
  sendHtml(
    res,
    400,
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
      `<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p></body></html>`,
  );
}

export function handleConsent(state: EmulatorState, url: URL, res: ServerResponse): void {
  const query = url.searchParams;
  const clientId = query.get('client_id');
  const redirectUri = query.get('redirect_uri');
  const responseType = query.get('response_type');
  if (!clientId) return refuse(res, 'Error 400: invalid_request', 'Missing required parameter: client_id');
  if (!redirectUri) return refuse(res, 'Error 400: invalid_request', 'Missing required parameter: redirect_uri');
  if (!responseType) return refuse(res, 'Error 400: invalid_request', 'Missing required parameter: response_type');
  if (responseType !== 'code') return refuse(res, 'Error 400: unsupported_response_type', `This emulator only answers response_type=code, not ${responseType}.`);
  let target: URL;
  try {
    target = new URL(redirectUri);
  } catch {
    return refuse(res, 'Error 400: invalid_request', `redirect_uri is not an absolute URL: ${redirectUri}`);
  }
  const hint = query.get('login_hint');
  const account = hint ? state.accounts.find(hint) : state.accounts.mostRecent();
  if (!account) {
    return refuse(
      res,
      'No account to sign in with',
      hint
        ? `The emulator has no account ${hint}: create it with POST /emulator/v1/accounts.`
        : 'The emulator has no account yet: create one with POST /emulator/v1/accounts.',
    );
  }
  const scope = query.get('scope') ?? '';
  const code = state.oauth.createCode({ account, clientId, redirectUri, scope });
  target.searchParams.set('code', code);
  const requestState = query.get('state');
  if (requestState !== null) target.searchParams.set('state', requestState);
  if (scope) target.searchParams.set('scope', scope);
  res.writeHead(302, { location: target.toString(), 'content-length': 0 }).end();
}
