// What a bench started (emulators, servers) is stopped however the bench ends: its own finally
// blocks on a normal end or a thrown error; on Ctrl-C or SIGTERM, the stops registered here;
// on a crash (uncaught exception, process.exit), a synchronous kill of each process left.
const stops = new Map<number, () => Promise<void>>();
const pids = new Map<number, number>();
let next = 0;

/** Registers a started process; the returned function unregisters it once it was stopped. */
export function stopOnExit(stop: () => Promise<void>, pid?: number): () => void {
  const id = (next += 1);
  stops.set(id, stop);
  if (pid !== undefined && pid > 0) pids.set(id, pid);
  return () => {
    stops.delete(id);
    pids.delete(id);
  };
}

/** Runs every registered stop, newest first; each failure is reported and the others still run. */
export async function stopEverything(): Promise<void> {
  for (const id of [...stops.keys()].reverse()) {
    const stop = stops.get(id);
    stops.delete(id);
    try {
      await stop?.();
      pids.delete(id);
    } catch (error) {
      console.error('bench: stopping what it started failed', error);
    }
  }
}

let installed = false;

export function stopOnSignals(): void {
  if (installed) return;
  installed = true;
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // `on`, not `once`: a second signal (the runner forwards the terminal's Ctrl-C) must not kill
    // the process before the stops have run.
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.error(`bench: ${signal}, stopping what it started`);
      void stopEverything().finally(() => process.exit(130));
    });
  }
  // Last resort: 'exit' allows no waiting, so a process not yet stopped is killed outright.
  process.on('exit', () => {
    for (const pid of pids.values()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
}
