// Benchmarks run outside jest, so they start their own Firestore emulator around the system.
// Both are registered with stop-on-exit: a Ctrl-C or a crash mid-bench leaves no Java behind.
import { spawn } from 'node:child_process';
import { startFirestoreEmulator } from '../../infra/local/firestore-emulator';
import { freePort } from '../../infra/local/ports';
import { startSystem, type TestSystem } from '../support/system';
import { stopEverything, stopOnExit, stopOnSignals } from './stop-on-exit';

export async function withLocalSystem<T>(env: Record<string, string>, body: (sys: TestSystem) => Promise<T>): Promise<T> {
  const firestore = await startFirestoreEmulator({ port: await freePort() });
  const forgetFirestore = stopOnExit(() => firestore.stop(), firestore.pid);
  // So a run can be checked afterwards (`ps -p PID`): nothing it started is left.
  console.error(`bench: Firestore emulator pid ${firestore.pid} on ${firestore.host}`);
  process.env.FIRESTORE_EMULATOR_HOST = firestore.host;
  process.env.METADATA_SERVER_DETECTION = 'none';
  try {
    const sys = await startSystem(env);
    const forgetSystem = stopOnExit(() => sys.close());
    try {
      return await body(sys);
    } finally {
      forgetSystem();
      await sys.close();
    }
  } finally {
    forgetFirestore();
    await firestore.stop();
  }
}

/**
 * Runs a bench module in a Node process of its own (`node <file> ...args`, with this process's
 * loader flags) and resolves with what it answered through `answerFromOwnProcess`. A measurement
 * that must not feel another's leftovers runs this way: the process's emulators, servers and
 * promises all end with it. Stopped with SIGTERM (its own stop-on-exit rules then stop what it
 * started) when this bench is interrupted; should this process die without that, the child sees
 * its IPC channel close and stops itself (so its pid is not given to the SIGKILL of last resort,
 * which would leave its emulators behind).
 */
export function inOwnProcess<T>(file: string, args: string[]): Promise<T> {
  const child = spawn(process.execPath, [...process.execArgv, file, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const forget = stopOnExit(async () => {
    child.kill('SIGTERM');
    await exited;
  });
  let answer: { value: T } | undefined;
  child.on('message', (message) => (answer = message as { value: T }));
  return exited.then((code) => {
    forget();
    if (code !== 0 || !answer) throw new Error(`${file} ${args.join(' ')} exited with ${code}${answer ? '' : ', no answer'}`);
    return answer.value;
  });
}

/** The child's side of `inOwnProcess`: runs `body`, sends its value to the parent and exits. */
export async function answerFromOwnProcess<T>(body: () => Promise<T>): Promise<void> {
  stopOnSignals();
  process.on('disconnect', () => void stopEverything().finally(() => process.exit(1)));
  // As in run-one.ts: a late rejection (a request still in flight when the clients closed) is
  // logged, not a failure; the body's own result or error decides. A flood's leftovers reject by
  // the hundred: the first few are printed, then how many there were.
  let rejections = 0;
  process.on('unhandledRejection', (reason) => {
    rejections += 1;
    if (rejections <= 3) console.error('bench: unhandled rejection', reason instanceof Error ? reason.message : reason);
  });
  process.on('exit', () => {
    if (rejections > 3) console.error(`bench: ${rejections} unhandled rejections in all`);
  });
  try {
    const value = await body();
    await new Promise<void>((sent, fail) => process.send?.({ value }, (error: Error | null) => (error ? fail(error) : sent())) ?? fail(new Error('no parent to answer')));
    process.exitCode = 0;
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
    await stopEverything();
  } finally {
    // Leftover handles (a client's keep-alive, a late retry's timer) must not keep it alive.
    process.exit();
  }
}
