// The inbox's browser code (./inbox-client.ts), bundled by esbuild the first time the sink serves
// it and kept for the life of the process: the sink is a local tool started from the sources, with
// no build step before it (tests start it directly).
import { resolve } from 'node:path';
import { build } from 'esbuild';

let bundled: Promise<string> | undefined;

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [resolve(__dirname, 'inbox-client.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    write: false,
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild wrote nothing for the mail sink inbox');
  return output.text;
}

export function inboxScript(): Promise<string> {
  bundled ??= bundle().catch((error: unknown) => {
    bundled = undefined;
    throw error;
  });
  return bundled;
}
