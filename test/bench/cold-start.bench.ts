// Cold start as Cloud Run sees it: a new Node process, started the way Google's buildpack starts a
// function (the Functions Framework's main.js with --target), until it has answered its first
// request. For the webhook (a change pushed on a host's channel: the channel and watch read, the
// sync's lease, an access token and an events.list at the Google Calendar emulator, a 200) and
// the booking function (a host's free times: Firestore, and Google for what busy data does not
// cover, a 200), in five builds side by side, samples taken in turn so the machine's noise falls
// on all alike:
// - before: the code as it was before the functions loaded lazily (BEFORE, built with tsc);
// - now: the working tree, built with tsc as `npm run build` does;
// - now + compile cache: the same with NODE_COMPILE_CACHE, warmed by one unmeasured start;
// - per-function bundle: one esbuild file per function (what it would add, measured);
// - per-function bundle + compile cache.
// BENCH_COLD_SAMPLES sets the samples per build and function (default 15).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { DateTime } from 'luxon';
import { freePort } from '../../infra/local/ports';
import { services } from '../../functions/services';
import { withLocalSystem } from './local-system';
import { watchTo } from './seed-webhook';
import { percentile, ratio, round } from './stats';
import { stopOnExit } from './stop-on-exit';

/** The last commit before the functions loaded lazily. */
const BEFORE = 'f3710da';
const SAMPLES = Number(process.env.BENCH_COLD_SAMPLES ?? 15);
const ROOT = resolve(__dirname, '../..');
/** Under the repository, so the builds find its node_modules; .local/ is git-ignored. */
const WORK = join(ROOT, '.local/cold-start');
const FRAMEWORK_MAIN = join(ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js');
const FUNCTIONS = ['googleWebhook', 'booking'] as const;
type FunctionName = (typeof FUNCTIONS)[number];

interface Variant {
  name: string;
  /** The --source of the framework: a folder whose package.json `main` is the function's file. */
  source(fn: FunctionName): string;
  env: Record<string, string>;
}

function exec(command: string, args: string[], cwd = ROOT): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
}

/** tsc as `npm run build`; type errors (another change in progress) do not stop the emit. */
function compile(projectDir: string, outDir: string): void {
  exec(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(projectDir, 'tsconfig.build.json'), '--outDir', outDir, '--noEmitOnError', 'false'], projectDir);
}

function packageWithMain(dir: string, main: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ main }));
  return dir;
}

function compiled(name: string, dist: string, env: Record<string, string> = {}): Variant {
  const source = packageWithMain(join(dist, '..', `source-${name.replace(/\W+/g, '-')}`), join(dist, 'functions/index.js'));
  return { name, source: () => source, env };
}

/** The module `before` was, from git, compiled. */
function buildBefore(): string {
  const dir = join(WORK, 'before');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  exec('sh', ['-c', `git archive ${BEFORE} functions shared tsconfig.json tsconfig.build.json | tar -x -C ${JSON.stringify(dir)}`]);
  compile(dir, join(dir, 'dist'));
  return join(dir, 'dist');
}

function buildNow(): string {
  const dist = join(WORK, 'now/dist');
  rmSync(dist, { recursive: true, force: true });
  compile(ROOT, dist);
  return dist;
}

const EXPORT_OF: Record<FunctionName, { module: string; name: string }> = {
  googleWebhook: { module: 'functions/google-webhook', name: 'googleWebhook' },
  booking: { module: 'functions/booking', name: 'booking' },
};

/**
 * One file per function, from the sources: the function's module and what it imports, the
 * framework left out (main.js registers the function in its own copy). Firestore's and gax's
 * protos are read from their packages at run time, so those stay outside the bundle too.
 */
async function buildBundles(): Promise<Record<FunctionName, string>> {
  const dir = join(WORK, 'bundle');
  rmSync(dir, { recursive: true, force: true });
  const out = {} as Record<FunctionName, string>;
  for (const fn of FUNCTIONS) {
    const { module, name } = EXPORT_OF[fn];
    const file = join(dir, fn, 'index.js');
    await build({
      stdin: {
        contents: [
          `const { http } = require('@google-cloud/functions-framework');`,
          `require(${JSON.stringify(join(ROOT, 'functions/framework-body-parsing'))}).leaveBodiesToFunctions();`,
          `http(${JSON.stringify(fn)}, require(${JSON.stringify(join(ROOT, module))}).${name});`,
        ].join('\n'),
        resolveDir: ROOT,
        loader: 'js',
      },
      outfile: file,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node24',
      external: ['@google-cloud/functions-framework', '@google-cloud/firestore', 'google-gax'],
      logLevel: 'silent',
    });
    out[fn] = packageWithMain(join(dir, fn), file);
  }
  return out;
}

interface Started {
  ms: number;
  status: number;
}

/** Spawns the function like the buildpack and sends its first request as soon as it listens. */
async function coldStart(variant: Variant, fn: FunctionName, env: Record<string, string>, request: (url: string) => Promise<Response>): Promise<Started> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [FRAMEWORK_MAIN, `--target=${fn}`, `--source=${variant.source(fn)}`], {
    cwd: ROOT,
    env: { ...env, ...variant.env, PORT: String(port), FUNCTION_TARGET: fn },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const forget = stopOnExit(async () => void child.kill('SIGKILL'), child.pid);
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4000)));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${variant.name} ${fn} exited with ${child.exitCode}:\n${errors}`);
      if (performance.now() - started > 60_000) throw new Error(`${variant.name} ${fn} did not answer in 60 s:\n${errors}`);
      const answer = await request(`http://127.0.0.1:${port}`).catch(() => undefined);
      if (answer) {
        await answer.arrayBuffer();
        return { ms: performance.now() - started, status: answer.status };
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    // SIGTERM, as Cloud Run stops an instance: the framework exits, and Node writes the compile
    // cache on a clean exit only (a SIGKILL leaves it empty).
    const exited = new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r)));
    child.kill('SIGTERM');
    const stubborn = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(stubborn);
    forget();
  }
}

export function run(): Promise<Record<string, unknown>[]> {
  return withLocalSystem({}, async (sys) => {
    mkdirSync(WORK, { recursive: true });
    const before = buildBefore();
    const now = buildNow();
    const bundles = await buildBundles();
    const cache = (name: string) => {
      const dir = join(WORK, `compile-cache-${name}`);
      rmSync(dir, { recursive: true, force: true });
      return { NODE_COMPILE_CACHE: dir };
    };
    const variants: Variant[] = [
      compiled('before', before),
      compiled('now', now),
      compiled('now + compile cache', now, cache('now')),
      { name: 'per-function bundle', source: (fn) => bundles[fn], env: {} },
      { name: 'per-function bundle + compile cache', source: (fn) => bundles[fn], env: cache('bundle') },
    ];

    const host = await sys.createHost();
    // A channel whose token we know (ensureChannel keeps it to itself): the pushes are Google's, header for header.
    const push = await watchTo(host, `${services().config.publicBaseUrl}/googleWebhook`);
    let messageNumber = 1;
    const from = DateTime.utc().plus({ days: 2 }).toISODate();
    const to = DateTime.utc().plus({ days: 3 }).toISODate();
    const requests: Record<FunctionName, { expect: number; send: (url: string) => Promise<Response> }> = {
      googleWebhook: {
        expect: 200,
        send: (url) =>
          fetch(`${url}/`, {
            method: 'POST',
            headers: {
              'x-goog-channel-id': push.channelId,
              'x-goog-channel-token': push.token,
              'x-goog-resource-id': push.resourceId,
              'x-goog-resource-state': 'exists',
              'x-goog-message-number': String((messageNumber += 1)),
            },
          }),
      },
      booking: { expect: 200, send: (url) => fetch(`${url}/availability?host=${host.slug}&from=${from}&to=${to}`) },
    };
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      ...sys.env,
      FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST ?? '',
      METADATA_SERVER_DETECTION: 'none',
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
    };

    const samples = new Map<string, number[]>();
    // One unmeasured start of each: warms the compile caches (and the OS's file cache for all).
    for (let round_ = -1; round_ < SAMPLES; round_ += 1) {
      for (const fn of FUNCTIONS) {
        for (const variant of variants) {
          const { ms, status } = await coldStart(variant, fn, env, requests[fn].send);
          if (status !== requests[fn].expect) throw new Error(`${variant.name} ${fn}: first request answered ${status}, expected ${requests[fn].expect}`);
          if (round_ >= 0) samples.set(`${fn}|${variant.name}`, [...(samples.get(`${fn}|${variant.name}`) ?? []), ms]);
        }
      }
    }

    return FUNCTIONS.flatMap((fn) => {
      const old = percentile(samples.get(`${fn}|before`) ?? [], 50);
      return variants.map((variant) => {
        const ms = samples.get(`${fn}|${variant.name}`) ?? [];
        return {
          benchmark: 'cold start → first answer',
          function: fn,
          build: variant.name,
          samples: ms.length,
          p50Ms: round(percentile(ms, 50)),
          p90Ms: round(percentile(ms, 90)),
          beforeOverThis: ratio(old, percentile(ms, 50)),
          under300Ms: percentile(ms, 50) < 300,
        };
      });
    });
  });
}
