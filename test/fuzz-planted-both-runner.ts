// A runner for test/fuzz.test.ts (the batch pool's `runnerModule`): the same answer for
// every case, except that a run taking both shortcuts wherever it can (pruneForbidden and
// decideChecks both 'always') raises a flag no other run does, as a fault that only their
// interplay makes would. `npm run fuzz -- --differential` must report it in the class of
// the two together, not as either one's.

import type { RunOptions, TestResult } from '../src/api/run.js';
import { cannedResult } from './support/fake-runner.js';

export function runOne(file: string, opts: RunOptions): TestResult {
  const both = opts.pruneForbidden === 'always' && opts.decideChecks === 'always';
  return cannedResult(file, { flags: both ? ['planted'] : [] });
}
