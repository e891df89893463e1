// One local port for every function, each under `/<functionName>` as Cloud Functions URLs look
// (`https://REGION-PROJECT.cloudfunctions.net/booking/...` reaches the booking function with
// the path `/...`). Requests go through the Functions Framework's own server for that function,
// so a function gets its request as it does deployed: its body left unread for httpFunction
// (functions/framework-body-parsing.ts).
import type { RequestListener } from 'node:http';
import type { HttpFunction } from '@google-cloud/functions-framework';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { listen, sendJson, type RunningServer } from './http';

function frameworkListener(name: string, fn: HttpFunction): RequestListener {
  http(name, fn);
  const [listener] = getTestServer(name).listeners('request') as RequestListener[];
  if (!listener) throw new Error(`the Functions Framework gave no request listener for ${name}`);
  return listener;
}

export function devServerListener(functions: Record<string, HttpFunction>): RequestListener {
  const routes = new Map(Object.entries(functions).map(([name, fn]) => [name, frameworkListener(name, fn)]));
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const [, name = '', ...rest] = url.pathname.split('/');
    const route = routes.get(name);
    if (!route) {
      sendJson(res, 404, { error: 'unknown_function', message: `no function "${name}" here`, functions: [...routes.keys()] });
      return;
    }
    req.url = `/${rest.join('/')}${url.search}`;
    route(req, res);
  };
}

export function startDevServer(options: { port: number; host?: string; functions: Record<string, HttpFunction> }): Promise<RunningServer> {
  return listen(devServerListener(options.functions), options.port, options.host);
}
