// The settings cloudbuild.yaml hands every function (`--set-env-vars` and `--set-secrets`), read
// back the way gcloud reads them and checked with the functions' own parser (shared/config.ts),
// and the renewal job made from those same values: a missing or malformed setting stops the build
// before anything is deployed, instead of failing each function at its first request.
import { ConfigError, parseConfig, type Config } from '../../shared/config';
import { renewalJobSettingsSchema } from './renewal-job';

/** Secret Manager holds these; a plain environment variable must never carry them. */
export const SECRET_SETTINGS = ['GOOGLE_OAUTH_CLIENT_SECRET', 'SENDGRID_API_KEY', 'LINK_SIGNING_SECRET', 'TOKEN_ENCRYPTION_KEY'] as const;

/**
 * Stand-ins for the secrets while the plain settings are checked here: the real values never reach
 * the build, and each function checks them itself when it starts.
 */
const SECRET_STAND_INS: Record<(typeof SECRET_SETTINGS)[number], string> = {
  GOOGLE_OAUTH_CLIENT_SECRET: 'stand-in',
  SENDGRID_API_KEY: 'stand-in',
  LINK_SIGNING_SECRET: 'stand-in'.padEnd(32, '-'),
  TOKEN_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
};

/**
 * A gcloud list of KEY=VALUE pairs, as `--set-env-vars` and `--set-secrets` take it: separated by
 * commas, or by the character X given as a `^X^` prefix (gcloud topic escaping), so that values
 * may hold commas.
 */
export function parseKeyValueList(flagValue: string): Map<string, string> {
  const custom = /^\^(.)\^/.exec(flagValue);
  const delimiter = custom?.[1] ?? ',';
  const body = custom ? flagValue.slice(custom[0].length) : flagValue;
  const pairs = new Map<string, string>();
  for (const item of body.split(delimiter)) {
    if (item === '') continue;
    const equals = item.indexOf('=');
    const key = equals < 0 ? item : item.slice(0, equals);
    if (equals <= 0 || pairs.has(key)) throw new SettingsListError(`"${item}" is not a KEY=VALUE pair, or repeats a key`);
    pairs.set(key, item.slice(equals + 1));
  }
  return pairs;
}

export class SettingsListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsListError';
  }
}

export interface DeploySettings {
  /** The value of `--set-env-vars`. */
  envVars: string;
  /** The value of `--set-secrets`: NAME=secret:version pairs. */
  secrets: string;
  /** Where the functions and the scheduler job go. */
  region: string;
}

/** Every problem with what would be deployed; none means every function starts and the job can be made. */
export function deployProblems(settings: DeploySettings): string[] {
  let envVars: Map<string, string>;
  let secrets: Map<string, string>;
  try {
    envVars = parseKeyValueList(settings.envVars);
    secrets = parseKeyValueList(settings.secrets);
  } catch (error) {
    if (error instanceof SettingsListError) return [error.message];
    throw error;
  }
  const problems: string[] = [];
  if (envVars.get('APP_ENV') !== 'production') problems.push('APP_ENV must be "production" in a deployed function');
  // Express, under the Functions Framework, answers some requests itself (a path that does not
  // decode): with the stack trace and our file paths in the page unless NODE_ENV is production.
  if (envVars.get('NODE_ENV') !== 'production') problems.push('NODE_ENV must be "production" in a deployed function (Express shows stack traces otherwise)');
  for (const [name, value] of envVars) {
    // Cloud Build leaves a substitution it could not resolve as written, and URLs may hold "${".
    if (/\$\{?_?[A-Z]/.test(value)) problems.push(`${name} holds an unresolved substitution: "${value}"`);
  }
  for (const name of SECRET_SETTINGS) {
    if (envVars.has(name)) problems.push(`${name} is a secret: give it with --set-secrets, never as a plain variable`);
    const reference = secrets.get(name);
    if (reference === undefined) problems.push(`${name} is missing from --set-secrets`);
    else if (!/^[A-Za-z0-9_-]+:(latest|\d+)$/.test(reference)) problems.push(`${name} must name a secret as SECRET:VERSION, not "${reference}"`);
  }
  for (const name of secrets.keys()) {
    if (!(SECRET_SETTINGS as readonly string[]).includes(name)) problems.push(`${name} is not one of the secret settings (${SECRET_SETTINGS.join(', ')})`);
  }
  if (problems.length > 0) return problems;
  let config: Config;
  try {
    config = parseConfig({ ...Object.fromEntries(envVars), ...SECRET_STAND_INS });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  // The job is made from the same variables (infra/deploy/scheduler-job.ts): here it is checked
  // that it can be, and that the run's budget fits in the scheduler's attempt deadline.
  const job = renewalJobSettingsSchema.safeParse({
    project: config.projectId,
    region: settings.region,
    publicBaseUrl: config.publicBaseUrl,
    // Only an audience of its own: by default the job derives it from the URL as the function does.
    audience: envVars.get('SCHEDULER_AUDIENCE') || undefined,
    serviceAccount: config.scheduler.serviceAccount,
    budgetSeconds: String(config.renewal.budgetMs / 1000),
    shards: String(config.upkeep.shards),
  });
  return job.success ? [] : job.error.issues.map((issue) => `${JOB_SETTING_NAMES[issue.path[0] as keyof typeof JOB_SETTING_NAMES]} ${issue.message}`);
}

/** The deploy setting each scheduler job setting comes from, to name it in a problem. */
const JOB_SETTING_NAMES = {
  project: 'GOOGLE_CLOUD_PROJECT',
  region: 'the region',
  publicBaseUrl: 'PUBLIC_BASE_URL',
  audience: 'SCHEDULER_AUDIENCE',
  serviceAccount: 'SCHEDULER_SERVICE_ACCOUNT',
  budgetSeconds: 'RENEWAL_BUDGET_SECONDS',
  shards: 'UPKEEP_SHARDS',
} as const;
