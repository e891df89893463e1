// Which system the ops CLI talks to, decided once before any setting is read. Locally it finds
// the running stack by itself through the file `npm start` writes (.local/stack.json), so an
// operator sets nothing; APP_ENV=production talks to the deployed project with its settings
// (shared/config.ts names any that is missing). The Google clients are told there is no metadata
// server when the target is an emulator, so they print no MetadataLookupWarning while probing.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export type Target =
  | { kind: 'production' }
  /** FIRESTORE_EMULATOR_HOST set by the caller (tests, a hand-run emulator): taken as given. */
  | { kind: 'emulator'; firestoreHost: string }
  /** The stack `npm start` runs, as its file describes it. */
  | { kind: 'local-stack'; firestoreHost: string; stackFile: string };

/** A target the CLI cannot reach: said in words, exit code 1. */
export class TargetUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetUnavailable';
  }
}

/** The keys of .local/stack.json the CLI uses (infra/local/stack.ts writes them). */
const stackFileSchema = z.object({
  functionsUrl: z.string(),
  firestoreHost: z.string(),
  googleUrl: z.string(),
  googleTokenUrl: z.string(),
  mailUrl: z.string(),
  /** Written since the status page came; older files go with the local default project. */
  projectId: z.string().optional(),
});
type StackFile = z.infer<typeof stackFileSchema>;

export const DEFAULT_STACK_FILE = '.local/stack.json';

/** The settings that point the functions' adapters at a local stack (pure). */
export function stackSettings(stack: StackFile): Record<string, string> {
  return {
    FIRESTORE_EMULATOR_HOST: stack.firestoreHost,
    ...(stack.projectId ? { GOOGLE_CLOUD_PROJECT: stack.projectId } : {}),
    PUBLIC_BASE_URL: stack.functionsUrl,
    CALENDAR_API_ROOT: stack.googleUrl,
    GOOGLE_OAUTH_TOKEN_URL: stack.googleTokenUrl,
    GOOGLE_OAUTH_CERTS_URL: `${stack.googleUrl}/oauth2/v1/certs`,
    SENDGRID_API_ROOT: stack.mailUrl,
  };
}

function readStackFile(path: string): StackFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new TargetUnavailable(
      `no local stack: ${path} does not exist. Start one with \`npm start\` (in another terminal), or talk to production with APP_ENV=production and its settings.`,
    );
  }
  const parsed = stackFileSchema.safeParse(jsonOrUndefined(text));
  if (!parsed.success) throw new TargetUnavailable(`${path} is not a stack description written by \`npm start\`; stop the stack, remove the file, start it again`);
  return parsed.data;
}

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function answers(firestoreHost: string): Promise<boolean> {
  try {
    await fetch(`http://${firestoreHost}/`, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

/**
 * Decides the target and puts its settings in `env` (values the caller set win). Call before the
 * first services(): the settings are read once, on first use.
 */
export async function useTarget(env: NodeJS.ProcessEnv): Promise<Target> {
  if (env.APP_ENV === 'production') return { kind: 'production' };
  env.METADATA_SERVER_DETECTION ??= 'none';
  if (env.FIRESTORE_EMULATOR_HOST) return { kind: 'emulator', firestoreHost: env.FIRESTORE_EMULATOR_HOST };
  const stackFile = env.STACK_FILE || DEFAULT_STACK_FILE;
  const stack = readStackFile(stackFile);
  if (!(await answers(stack.firestoreHost))) {
    throw new TargetUnavailable(`the local stack in ${stackFile} does not answer (Firestore at ${stack.firestoreHost}): is \`npm start\` still running? Start it again.`);
  }
  for (const [key, value] of Object.entries(stackSettings(stack))) env[key] ??= value;
  return { kind: 'local-stack', firestoreHost: stack.firestoreHost, stackFile };
}

/**
 * Whether a refresh token may be sealed with this key: the local development key (shared/config.ts,
 * public in this repository) only for data that stays in an emulator, never for a real install.
 */
export function maySealWith(key: Buffer, localDevelopmentKey: Buffer, target: Target): boolean {
  return target.kind !== 'production' || !key.equals(localDevelopmentKey);
}
