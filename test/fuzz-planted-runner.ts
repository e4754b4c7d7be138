// A runner for test/fuzz.test.ts (the batch pool's `runnerModule`): the same answer for
// every case, except that a run deciding checks at every path combination
// (RunOptions.decideChecks 'always') raises a flag the others do not, as an unsound
// polarity in cat/monotone.ts would. `npm run fuzz -- --differential` must report it as
// the deciding shortcut's bug, and not as pruning's.

import type { RunOptions, TestResult } from '../src/api/run.js';
import { cannedResult } from './support/fake-runner.js';

export function runOne(file: string, opts: RunOptions): TestResult {
  return cannedResult(file, { flags: opts.decideChecks === 'always' ? ['planted'] : [] });
}
