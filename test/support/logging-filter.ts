// The part of Cloud Logging's query language infra/monitoring's metric filters use, evaluated on a
// log entry as Cloud Logging stores our lines (the JSON line under jsonPayload, on a Cloud Run
// revision), so tests can check each metric counts the lines the code writes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A JSON line as Cloud Logging stores it for a 2nd gen function. */
export function asLogEntry(line: Record<string, unknown>): Record<string, unknown> {
  return { resource: { type: 'cloud_run_revision' }, jsonPayload: line };
}

export function valueAt(entry: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((at, key) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), entry);
}

/**
 * Clauses joined by AND, each `path="text"`, `path=("a" OR "b")`, `path=true|false`, or
 * `path>=number`. Anything else throws, so a filter written outside this subset fails a test
 * rather than being trusted unchecked.
 */
export function clausesOf(filter: string): { path: string; test: (value: unknown) => boolean }[] {
  return filter.split(' AND ').map((clause) => {
    const text = /^([\w.]+)="([^"]*)"$/.exec(clause);
    if (text) return { path: text[1]!, test: (value) => String(value) === text[2] };
    const anyOf = /^([\w.]+)=\(("[^"]*"(?: OR "[^"]*")*)\)$/.exec(clause);
    if (anyOf) {
      const options = [...anyOf[2]!.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
      return { path: anyOf[1]!, test: (value) => options.includes(String(value)) };
    }
    const flag = /^([\w.]+)=(true|false)$/.exec(clause);
    if (flag) return { path: flag[1]!, test: (value) => value === (flag[2] === 'true') };
    const atLeast = /^([\w.]+)>=(\d+)$/.exec(clause);
    if (atLeast) return { path: atLeast[1]!, test: (value) => typeof value === 'number' && value >= Number(atLeast[2]) };
    throw new Error(`a filter clause outside the checked subset: ${clause}`);
  });
}

export function matchesFilter(filter: string, entry: Record<string, unknown>): boolean {
  return clausesOf(filter).every(({ path, test }) => test(valueAt(entry, path)));
}

/** infra/monitoring/metrics/*.json, by name. */
export function logMetrics(): { name: string; filter: string }[] {
  const dir = join(__dirname, '../../infra/monitoring/metrics');
  return readdirSync(dir).map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as { name: string; filter: string });
}
