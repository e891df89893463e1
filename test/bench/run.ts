// `npm run bench [name...]`: runs every test/bench/*.bench.ts (or those named), one after the
// other, each in a Node process of its own (run-one.ts): the functions keep their settings,
// Firestore client and services at module scope, as deployed, so a bench that ends (and closes
// them) cannot hand a terminated client to the next. One failing bench does not stop the others;
// the run exits non-zero if any failed. Ctrl-C (or a SIGTERM) reaches the running bench, which
// stops the emulators it started before it exits.
//
// Adding a benchmark: a file `<name>.bench.ts` exporting `run(): Promise<Row[]>`; rows that put a
// strategy beside the one it replaces use `sideBySide` from stats.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

function benchmarks(wanted: string[]): string[] {
  const names = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => basename(f, '.bench.ts'));
  const unknown = wanted.filter((w) => !names.includes(w));
  if (unknown.length > 0) throw new Error(`no benchmark named ${unknown.join(', ')} (there are: ${names.join(', ')})`);
  return wanted.length === 0 ? names : names.filter((n) => wanted.includes(n));
}

let running: ChildProcess | undefined;
let interrupted = false;

/** The bench stops what it started and exits; the runner then starts no other. */
function forward(signal: NodeJS.Signals): void {
  interrupted = true;
  running?.kill(signal);
}

function runOne(name: string): Promise<number> {
  // Same Node, same TypeScript loader (tsx's flags are in execArgv).
  const child = spawn(process.execPath, [...process.execArgv, join(__dirname, 'run-one.ts'), name], { stdio: 'inherit' });
  running = child;
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      running = undefined;
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

async function main(): Promise<void> {
  process.on('SIGINT', () => forward('SIGINT'));
  process.on('SIGTERM', () => forward('SIGTERM'));
  const failed: string[] = [];
  for (const name of benchmarks(process.argv.slice(2))) {
    if (interrupted) break;
    const code = await runOne(name);
    if (code !== 0) failed.push(`${name} (exit ${code})`);
  }
  if (interrupted) {
    console.error('bench: interrupted');
    process.exitCode = 130;
  } else if (failed.length > 0) {
    console.error(`bench: failed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
