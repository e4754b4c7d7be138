// A runner for test/fuzz.test.ts (the batch pool's `runnerModule`): the same answer for
// every case, except that a run finding cross.cat in one of its -I directories (herd's
// library, as --differential's library variant adds it) counts one execution more, as a
// native `cross` of Ordo's that skipped an alternative of its product would make Ordo's
// library count one less. `npm run fuzz -- --differential` must report it in its own
// class.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunOptions, TestResult } from '../src/api/run.js';
import { cannedResult } from './support/fake-runner.js';

export function runOne(file: string, opts: RunOptions): TestResult {
  const herds = (opts.includeDirs ?? []).some((d) => existsSync(join(d, 'cross.cat')));
  return cannedResult(file, { positive: herds ? 2 : 1 });
}
