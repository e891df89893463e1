// The local status page's server, started by `npm start` beside the mail sink:
//   GET /             the page (./status-page.ts); `?reload=auto`: reloading itself every 30 s
//   GET /status.json  the figures, as `npm run ops -- status --json` prints them
// It reads the stack's Firestore on every request; the pushes this process received and has not
// written yet (shared/ops/push-metrics.ts batches them) are added, so a push shows at once.
import type { Firestore } from '@google-cloud/firestore';
import type { ServerResponse } from 'node:http';
import { unwrittenPushCounts } from '../../shared/ops/push-metrics';
import { opsStatus, readStatusFigures } from '../../shared/ops/status';
import { listen, sendJson, type RunningServer } from './http';
import { renderStatusPage, STATUS_PAGE_POLICY } from './status-page';

function sendPage(res: ServerResponse, html: string): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), 'content-security-policy': STATUS_PAGE_POLICY, 'cache-control': 'no-store' });
  res.end(html);
}

export function startStatusPage(options: { db: Firestore; now: () => Date; port: number; host?: string }): Promise<RunningServer> {
  return listen(
    (req, res) => {
      const url = new URL(req.url ?? '/', 'http://status');
      const path = url.pathname;
      if (req.method !== 'GET' || (path !== '/' && path !== '/status.json')) return sendJson(res, req.method === 'GET' ? 404 : 405, { error: req.method === 'GET' ? 'not_found' : 'method_not_allowed' });
      const now = options.now();
      void (async () => {
        try {
          const figures = await readStatusFigures(options.db, now, unwrittenPushCounts());
          if (path === '/status.json') return sendJson(res, 200, opsStatus(figures));
          sendPage(res, renderStatusPage(opsStatus(figures), figures.pushMinutes, { reloading: url.searchParams.get('reload') === 'auto' }));
        } catch (error) {
          sendJson(res, 500, { error: 'firestore_unavailable', message: (error as Error).message });
        }
      })();
    },
    options.port,
    options.host,
  );
}
