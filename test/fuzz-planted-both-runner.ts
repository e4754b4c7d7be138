// A runner for test/fuzz.test.ts (the batch pool's `runnerModule`): the same answer for
// every case, except that a run taking both shortcuts wherever it can (pruneForbidden and
// decideChecks both 'always') raises a flag no other run does, as a fault that only their
// interplay makes would. `npm run fuzz -- --differential` must report it in the class of
// the two together, not as either one's.

import type { RunOptions, TestResult } from '../src/api/run.js';

export function runOne(file: string, opts: RunOptions): TestResult {
  const both = opts.pruneForbidden === 'always' && opts.decideChecks === 'always';
  return {
    name: 'planted',
    file,
    quantifier: 'exists',
    columns: [],
    states: [],
    ok: true,
    positive: 1,
    negative: 0,
    flags: both ? ['planted'] : [],
    conditionText: '',
    observation: 'Always',
    seconds: 0,
    hash: '',
  };
}
