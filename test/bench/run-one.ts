// One benchmark in this process (started by run.ts): prints its table and a JSON line, for
// comparing runs. Whatever the bench started is stopped on the way out, failed or interrupted
// (see stop-on-exit.ts).
import { join } from 'node:path';
import { stopEverything, stopOnSignals } from './stop-on-exit';

interface Benchmark {
  run(): Promise<Record<string, unknown>[]>;
}

async function main(name: string): Promise<void> {
  stopOnSignals();
  // A late rejection (a request still in flight when the bench closed its clients) must not end
  // the process before the bench's own error is printed and what it started is stopped. Logged,
  // not a failure: the bench's rows stand or its own error fails it.
  process.on('unhandledRejection', (reason) => {
    console.error('bench: unhandled rejection', reason instanceof Error ? reason.message : reason);
  });
  console.log(`\n## ${name}`);
  const bench = (await import(join(__dirname, `${name}.bench.ts`))) as Benchmark;
  const rows = await bench.run();
  console.table(rows);
  console.log(JSON.stringify({ benchmark: name, rows }));
}

main(process.argv[2] ?? '')
  .catch(async (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
    await stopEverything();
  })
  // Leftover handles (a client's keep-alive, a timer) must not keep a finished bench alive.
  .finally(() => process.exit());
