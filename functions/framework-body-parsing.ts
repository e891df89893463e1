// Why our functions read their own bodies, and how the Functions Framework is made to let them.
//
// The framework (v5, src/server.ts `getServer`) puts four body-parser middlewares in front of
// every function — json, text, urlencoded and raw for any other type — each with a 1 GiB limit,
// inflating gzip and deflate. A body is read and parsed whole before our code runs, and a parse
// error (malformed JSON, an unknown charset) goes to Express's final handler, which answers an
// HTML page (with the stack and file paths unless NODE_ENV=production). None of this is an
// option: `getServer` takes no limit, no parser settings and no error handler, and no middleware
// of ours can come before its parsers. (Cloud Run's own cap, 32 MiB per HTTP/1 request, is far
// above any body of ours.)
//
// What the framework does allow is order. Deployed, Google's Node.js buildpack starts
// `node_modules/.bin/functions-framework` (our own pinned copy of the framework, since it is one
// of our dependencies), whose main.js first loads our module (loader `getUserFunction`) and only
// then builds its server, calling `bodyParser.json(...)` and the others through the body-parser
// module object at that moment. The dev server builds the same server the same way
// (`getTestServer` → `getServer`). So, when our module loads, we replace those four factories, in
// the very copy of body-parser the framework resolves, with ones whose middleware hands the
// request on unread; `httpFunction` then reads it under each function's own rule
// (./request-body). If a future framework parsed bodies some other way, the reader finds the
// body already consumed and fails loudly (BodyReadBeforeUs), and test/security/ fails.
import type { NextFunction, Request, Response } from 'express';
import { createRequire } from 'node:module';

type ParserFactory = (options?: unknown) => (req: Request, res: Response, next: NextFunction) => void;

const PARSERS = ['json', 'raw', 'text', 'urlencoded'] as const;

const handOnUnread: ParserFactory = () => (_req, _res, next) => next();

/** Makes the framework's body parsers pass every request on unread, from its next server on. */
export function leaveBodiesToFunctions(): void {
  const fromFramework = createRequire(require.resolve('@google-cloud/functions-framework'));
  const bodyParser = fromFramework('body-parser') as Record<(typeof PARSERS)[number], ParserFactory>;
  for (const name of PARSERS) bodyParser[name] = handOnUnread;
}
