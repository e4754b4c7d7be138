// A runner for test/fuzz.test.ts (the batch pool's `runnerModule`): the same answer for
// every case, except that a run deciding checks at every path combination
// (RunOptions.decideChecks 'always') raises a flag the others do not, as an unsound
// polarity in cat/monotone.ts would. `npm run fuzz -- --differential` must report it as
// the deciding shortcut's bug, and not as pruning's.

import type { RunOptions, TestResult } from '../src/api/run.js';

export function runOne(file: string, opts: RunOptions): TestResult {
  return {
    name: 'planted',
    file,
    quantifier: 'exists',
    columns: [],
    states: [],
    ok: true,
    positive: 1,
    negative: 0,
    flags: opts.decideChecks === 'always' ? ['planted'] : [],
    conditionText: '',
    observation: 'Always',
    seconds: 0,
    hash: '',
  };
}
