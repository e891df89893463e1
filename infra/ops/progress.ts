// Progress for a person at a terminal: a bar on stderr, only when stderr is a TTY and the output
// is not --json, so logs, pipes and scripts get the summary alone.
import { Presets, SingleBar } from 'cli-progress';

/** `format` in cli-progress's terms, e.g. 'channels {bar} {value}/{total} hosts'. */
export function progressBar(format: string, json: boolean): SingleBar | undefined {
  if (!process.stderr.isTTY || json) return undefined;
  return new SingleBar({ stream: process.stderr, format }, Presets.shades_classic);
}
