// Starts the real Cloud Firestore emulator that ships with the Google Cloud SDK.
//
// We run its jar with `java -cp ... CloudFirestore` (what the SDK's `cloud_firestore_emulator`
// script does): the jar has no Main-Class, and firebase-tools 15 wants Java 21 where our machines
// have 17. We stop it through its `/shutdown` endpoint; killing a wrapper would leave Java behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

export class FirestoreEmulatorUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FirestoreEmulatorUnavailable';
  }
}

export interface FirestoreEmulator {
  /** `host:port`, the value of FIRESTORE_EMULATOR_HOST. */
  host: string;
  pid: number;
  stop(): Promise<void>;
}

const MAIN_CLASS = 'com.google.cloud.datastore.emulator.firestore.CloudFirestore';
const JAR_IN_SDK = 'platform/cloud-firestore-emulator/cloud-firestore-emulator.jar';

/** Finds the emulator jar: FIRESTORE_EMULATOR_JAR, else beside the `gcloud` on PATH. */
export function findEmulatorJar(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FIRESTORE_EMULATOR_JAR) {
    if (!existsSync(env.FIRESTORE_EMULATOR_JAR)) {
      throw new FirestoreEmulatorUnavailable(`FIRESTORE_EMULATOR_JAR points at ${env.FIRESTORE_EMULATOR_JAR}, which does not exist`);
    }
    return env.FIRESTORE_EMULATOR_JAR;
  }
  const which = spawnSync('sh', ['-c', 'command -v gcloud'], { encoding: 'utf8' });
  const gcloud = which.stdout.trim();
  if (!gcloud) {
    throw new FirestoreEmulatorUnavailable(
      'gcloud is not on PATH: install the Google Cloud SDK with its cloud-firestore-emulator component, or set FIRESTORE_EMULATOR_JAR',
    );
  }
  // .../google-cloud-sdk/bin/gcloud -> the SDK root is one folder up from bin/.
  const sdkRoot = dirname(dirname(realpathSync(gcloud)));
  const jar = join(sdkRoot, JAR_IN_SDK);
  if (!existsSync(jar)) {
    throw new FirestoreEmulatorUnavailable(
      `the Firestore emulator is not installed (looked for ${jar}): install the cloud-firestore-emulator component of the Google Cloud SDK`,
    );
  }
  return jar;
}

export function checkJava(java = process.env.JAVA ?? 'java'): void {
  const probe = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new FirestoreEmulatorUnavailable(`Java is needed by the Firestore emulator and "${java} -version" failed: install a JDK (17 or newer)`);
  }
}

async function answers(host: string): Promise<boolean> {
  try {
    const res = await fetch(`http://${host}/`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startFirestoreEmulator(options: { port: number; host?: string; timeoutMs?: number }): Promise<FirestoreEmulator> {
  const bindHost = options.host ?? '127.0.0.1';
  const host = `${bindHost}:${options.port}`;
  if (await answers(host)) {
    throw new FirestoreEmulatorUnavailable(`something already answers on ${host}; choose another FIRESTORE_PORT`);
  }
  checkJava();
  const jar = findEmulatorJar();
  const child = spawn(
    process.env.JAVA ?? 'java',
    ['-Duser.language=en', '-cp', jar, MAIN_CLASS, 'start', `--host=${bindHost}`, `--port=${options.port}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const deadline = Date.now() + (options.timeoutMs ?? 30000);
  while (!(await answers(host))) {
    if (child.exitCode !== null) {
      throw new FirestoreEmulatorUnavailable(`the Firestore emulator exited with code ${child.exitCode}:\n${output}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new FirestoreEmulatorUnavailable(`the Firestore emulator did not answer on ${host} in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }

  return {
    host,
    pid: child.pid ?? -1,
    async stop() {
      try {
        await fetch(`http://${host}/shutdown`, { method: 'POST', signal: AbortSignal.timeout(3000) });
      } catch {
        // Fall through to the kill below.
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited(child);
      clearTimeout(timer);
    },
  };
}

/** Deletes every document of one project in the emulator (its REST reset endpoint). */
export async function clearFirestore(host: string, projectId: string): Promise<void> {
  const res = await fetch(`http://${host}/emulator/v1/projects/${projectId}/databases/(default)/documents`, { method: 'DELETE' });
  if (!res.ok) throw new Error(`clearing Firestore project ${projectId} failed: ${res.status} ${await res.text()}`);
}
