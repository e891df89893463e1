import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GOOGLE_CALLS } from '../../../functions/services';
import { deployProblems } from '../../../infra/deploy/deploy-settings';
import { FUNCTION_LIMITS, longestCallMs } from '../../../infra/deploy/function-limits';
import { ATTEMPT_DEADLINE_SECONDS } from '../../../infra/deploy/renewal-job';
import { REQUEST_LEASE_MS } from '../../../shared/booking/idempotency';

const root = join(__dirname, '../../..');

interface Step {
  id: string;
  /** Each list under the step (`args`, `env`, `waitFor`), inline `[a, b]` lists included. */
  lists: Record<string, string[]>;
}

/**
 * Reads the parts of cloudbuild.yaml these tests look at. Not a YAML parser: it knows the file's
 * layout (two-space indents, one `- id:` per step), and the first test fails if that changes.
 */
function readBuild(text: string): { steps: Step[]; substitutions: Record<string, string> } {
  const steps: Step[] = [];
  const substitutions: Record<string, string> = {};
  let section = '';
  let key = '';
  for (const line of text.split('\n')) {
    if (/^\S/.test(line) && !line.startsWith('#')) section = line.replace(/:.*$/, '');
    if (section === 'steps') {
      const id = /^ {2}- id: (\S+)$/.exec(line)?.[1];
      if (id) steps.push({ id, lists: {} });
      const step = steps.at(-1);
      const field = /^ {4}(\w+):\s*(.*)$/.exec(line);
      if (step && field?.[1]) {
        key = field[1];
        const inline = /^\[(.*)\]$/.exec(field[2] ?? '');
        if (inline) step.lists[key] = (inline[1] ?? '').split(',').map((item) => item.trim());
      }
      const item = /^ {6}- (.*)$/.exec(line)?.[1];
      if (step && item !== undefined) (step.lists[key] ??= []).push(item);
    }
    if (section === 'substitutions') {
      const entry = /^ {2}(_[A-Z_]+): (.*)$/.exec(line);
      if (entry?.[1]) substitutions[entry[1]] = (entry[2] ?? '').replace(/^'(.*)'$/, '$1');
    }
  }
  return { steps, substitutions };
}

/** Cloud Build's dynamic substitution, for the values a build would get. */
function resolve(value: string, values: Record<string, string>): string {
  let resolved = value;
  for (let round = 0; round < 5; round++) resolved = resolved.replace(/\$\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
  return resolved;
}

const build = readBuild(readFileSync(join(root, 'cloudbuild.yaml'), 'utf8'));
const step = (id: string): Step => {
  const found = build.steps.find((s) => s.id === id);
  if (!found) throw new Error(`cloudbuild.yaml has no step ${id}`);
  return found;
};
const deployStepOf = (name: string): Step | undefined =>
  build.steps.find((s) => s.lists.args?.[0] === 'functions' && s.lists.args[1] === 'deploy' && s.lists.args[2] === name);

/** The functions functions/index.ts registers, each deployed with its own entry point. */
const registered = [...(/httpFunctions[^=]*=\s*\{([\s\S]*?)\n\};/.exec(readFileSync(join(root, 'functions/index.ts'), 'utf8'))?.[1] ?? '').matchAll(/^\s*(\w+):/gm)].map(
  (match) => match[1]!,
);

describe('cloudbuild.yaml', () => {
  it('is read as these tests expect (steps with their lists, and the substitutions)', () => {
    expect(build.steps.map((s) => s.id)).toEqual(expect.arrayContaining(['install', 'preflight', 'test', 'build', 'firestore', 'scheduler-job']));
    expect(step('install').lists.args).toEqual(['ci', '--no-audit', '--no-fund']);
    expect(Object.keys(build.substitutions)).toEqual(expect.arrayContaining(['_REGION', '_FUNCTION_ENV_VARS', '_FUNCTION_SECRETS']));
    expect(registered).toEqual(expect.arrayContaining(['accounts', 'booking', 'decision', 'googleWebhook', 'renewChannels']));
  });

  it('deploys every function functions/index.ts registers as a 2nd gen Node 24 HTTP function with the shared settings', () => {
    for (const name of registered) {
      expect(deployStepOf(name)?.lists.args).toEqual(
        expect.arrayContaining([
          '--gen2',
          '--runtime=nodejs24',
          '--source=.',
          `--entry-point=${name}`,
          '--trigger-http',
          '--region=${_REGION}',
          '--service-account=${_RUNTIME_SA}',
          '--set-env-vars=${_FUNCTION_ENV_VARS}',
          '--set-secrets=${_FUNCTION_SECRETS}',
        ]),
      );
      // Indexes and rules are in place before code that relies on them runs.
      expect(deployStepOf(name)?.lists.waitFor).toEqual(['firestore']);
    }
  });

  it('makes renewChannels private with the attempt deadline as its timeout, the others public', () => {
    for (const name of registered) {
      const args = deployStepOf(name)?.lists.args ?? [];
      expect(args).toContain(name === 'renewChannels' ? '--no-allow-unauthenticated' : '--allow-unauthenticated');
    }
    expect(deployStepOf('renewChannels')?.lists.args).toContain(`--timeout=${ATTEMPT_DEADLINE_SECONDS}s`);
  });

  it('deploys every function with its time limit, inside which its Google calls end and which a booking\'s key lease and in-flight mark last', () => {
    for (const name of registered) {
      const limit = FUNCTION_LIMITS[name];
      expect(limit).toBeDefined();
      expect(deployStepOf(name)?.lists.args?.filter((arg) => arg.startsWith('--timeout='))).toEqual([`--timeout=${limit!.timeoutSeconds}s`]);
      if (limit?.googleCallsInSequence) {
        expect(limit.googleCallsInSequence * longestCallMs(GOOGLE_CALLS.retry, GOOGLE_CALLS.requestTimeoutMs)).toBeLessThan(limit.timeoutSeconds * 1000);
      }
      // Ten seconds left after the deadline for the Firestore writes that undo or finish the request.
      if (limit?.googleDeadlineMs) expect(limit.googleDeadlineMs + 10_000).toBeLessThanOrEqual(limit.timeoutSeconds * 1000);
    }
    expect(REQUEST_LEASE_MS).toBe(FUNCTION_LIMITS.booking!.timeoutSeconds * 1000);
    // The client's defaults did not fit: one call could outlast the booking function.
    expect(longestCallMs({ totalTimeoutMs: 45_000, maxDelayMs: 16_000 }, 20_000)).toBeGreaterThan(FUNCTION_LIMITS.booking!.timeoutSeconds * 1000);
  });

  it("lets only the scheduler's account invoke renewChannels, then makes the job from the function's own settings", () => {
    expect(step('renew-channels-invoker').lists.args).toEqual([
      'functions',
      'add-invoker-policy-binding',
      'renewChannels',
      '--region=${_REGION}',
      '--member=serviceAccount:${_SCHEDULER_SA}',
    ]);
    expect(step('renew-channels-invoker').lists.waitFor).toEqual(['deploy-renew-channels']);
    const job = step('scheduler-job');
    expect(job.lists.waitFor).toEqual(['renew-channels-invoker']);
    expect(job.lists.args).toEqual(
      expect.arrayContaining(['scheduler', '--region=${_REGION}', '--public-base-url=${_PUBLIC_BASE_URL}', '--service-account=${_SCHEDULER_SA}', '--budget-seconds=${_RENEWAL_BUDGET_SECONDS}', '--shards=${_UPKEEP_SHARDS}']),
    );
    expect(job.lists.env).toEqual(['SCHEDULER_AUDIENCE=${_SCHEDULER_AUDIENCE}']);
    expect(build.substitutions._FUNCTION_ENV_VARS?.split(';')).toEqual(
      expect.arrayContaining([
        'PUBLIC_BASE_URL=${_PUBLIC_BASE_URL}',
        'SCHEDULER_SERVICE_ACCOUNT=${_SCHEDULER_SA}',
        'SCHEDULER_AUDIENCE=${_SCHEDULER_AUDIENCE}',
        'RENEWAL_BUDGET_SECONDS=${_RENEWAL_BUDGET_SECONDS}',
        // One value for the jobs and the functions (preflight checks the jobs from the functions' settings).
        'UPKEEP_SHARDS=${_UPKEEP_SHARDS}',
        'CALENDAR_CALLS_PER_MINUTE=${_CALENDAR_CALLS_PER_MINUTE}',
        'RECONCILE_IDLE_HOURS=${_RECONCILE_IDLE_HOURS}',
        'HEAL_INTERVAL_HOURS=${_HEAL_INTERVAL_HOURS}',
      ]),
    );
  });

  it('deploys every function with NODE_ENV=production, so what Express answers itself shows no stack trace', () => {
    expect(build.substitutions._FUNCTION_ENV_VARS?.split(';')).toContain('NODE_ENV=production');
    // The renewal's memory under the function's limit (test/bench/renewal.bench.ts runs with the same cap).
    expect(build.substitutions._FUNCTION_ENV_VARS?.split(';')).toContain('NODE_OPTIONS=--max-semi-space-size=8');
    for (const name of registered) expect(deployStepOf(name)?.lists.args).toContain('--set-env-vars=${_FUNCTION_ENV_VARS}');
  });

  it('checks, before deploying, exactly the settings the functions are deployed with', () => {
    expect(step('preflight').lists.args).toEqual(
      expect.arrayContaining(['--region=${_REGION}', '--env-vars=${_FUNCTION_ENV_VARS}', '--secrets=${_FUNCTION_SECRETS}']),
    );
    expect(step('firestore').lists.waitFor).toContain('preflight');
  });

  it('deploys the monitoring (metrics, dashboard, alert policies) to the build\'s project once the tests have passed', () => {
    expect(step('monitoring').lists.args).toEqual(['infra/monitoring/deploy.sh', '${PROJECT_ID}']);
    expect(step('monitoring').lists.waitFor).toEqual(['build']);
    const script = readFileSync(join(root, 'infra/monitoring/deploy.sh'), 'utf8');
    // Created or updated: running the build again changes them in place.
    for (const command of ['logging metrics', 'monitoring dashboards', 'alpha monitoring policies']) {
      expect(script).toContain(`gcloud ${command} update`);
      expect(script).toContain(`gcloud ${command} create`);
    }
  });

  it('with the two required substitutions given, its defaults deploy settings every function starts with', () => {
    const values = { ...build.substitutions, PROJECT_ID: 'acme-bookings', _MAIL_FROM: 'Acme <bookings@acme.example>', _GOOGLE_OAUTH_CLIENT_ID: 'id.apps.googleusercontent.com' };
    const settings = (given: Record<string, string>) => ({
      region: resolve(build.substitutions._REGION ?? '', given),
      envVars: resolve(build.substitutions._FUNCTION_ENV_VARS ?? '', given),
      secrets: resolve(build.substitutions._FUNCTION_SECRETS ?? '', given),
    });
    expect(deployProblems(settings(values))).toEqual([]);
    expect(deployProblems(settings({ ...values, _MAIL_FROM: '' }))).toEqual(['MAIL_FROM is required (APP_ENV=production)']);
  });
});
