// `npm run bench [name...]`: runs every test/bench/*.bench.ts (or those named) and prints one
// table per benchmark plus a JSON line each, for comparing runs.
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

interface Benchmark {
  run(): Promise<Record<string, unknown>[]>;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => wanted.length === 0 || wanted.includes(basename(f, '.bench.ts')));
  for (const file of files) {
    const name = basename(file, '.bench.ts');
    console.log(`\n## ${name}`);
    const bench = (await import(join(__dirname, file))) as Benchmark;
    const rows = await bench.run();
    console.table(rows);
    console.log(JSON.stringify({ benchmark: name, rows }));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
