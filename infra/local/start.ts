// `npm start`: the local stack in the foreground. Ctrl-C stops every part of it. The pages'
// browser code is bundled first, from the sources as they are (restart after changing it).
import { buildClient } from '../build/client';
import { removeStackFile, startLocalStack, stackSettingsSchema } from './stack';

async function main(): Promise<void> {
  const settings = stackSettingsSchema.parse(process.env);
  const started = Date.now();
  await buildClient();
  const stack = await startLocalStack(settings);
  const d = stack.description;
  console.log(
    [
      `Local stack is up in ${((Date.now() - started) / 1000).toFixed(1)} s (written to ${settings.STACK_FILE}):`,
      `  functions           ${d.functionsUrl}/<functionName>`,
      `  demo booking page   ${d.demoHost.bookingUrl}`,
      `  Google emulator     ${d.googleUrl}  (control API: ${d.googleUrl}/emulator/v1/)`,
      `  mail sink inbox     ${d.mailUrl}/`,
      `  status page         ${d.statusUrl}/`,
      `  Firestore emulator  ${d.firestoreHost}`,
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local stack...`);
    void stack.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));
  // However the process ends (a crash included; not SIGKILL, which nothing can catch), the
  // description of a stack that is gone goes with it.
  process.on('exit', () => removeStackFile(settings.STACK_FILE));
  process.on('uncaughtException', (error) => {
    console.error(error);
    void stack.stop().finally(() => process.exit(1));
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
