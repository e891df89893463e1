// Runs `npm run ops -- ...` as an operator does, in a child process, without blocking this one:
// the emulators the command talks to live in the test's own process (so never spawnSync).
import { execFile } from 'node:child_process';

export interface OpsRun {
  status: number;
  stdout: string;
  stderr: string;
}

export function runOps(args: string[], env: Record<string, string> = {}): Promise<OpsRun> {
  return new Promise((resolve) => {
    execFile('npm', ['run', '--silent', 'ops', '--', ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      const status = error ? Number((error as { code?: number }).code ?? 1) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}

/** The command's --json answer: stdout is that one JSON value and nothing else (logs go to stderr). */
export function answer<T>(run: OpsRun): T {
  if (!run.stdout.trim()) throw new Error(`no output (exit ${run.status}); stderr:\n${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
