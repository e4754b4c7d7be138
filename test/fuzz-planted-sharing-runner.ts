// A runner for test/fuzz.test.ts (the batch pool's `runnerModule`): the same answer for
// every case, except that a run sharing what it can across a path combination's
// candidates (RunOptions.shareAcrossCandidates not false, as in production) raises a
// flag a run sharing nothing does not, as a value kept across candidates and changed
// after would. `npm run fuzz -- --differential` must report it as sharing's bug, and not
// as that of a shortcut taken with sharing on.

import type { RunOptions, TestResult } from '../src/api/run.js';
import { cannedResult } from './support/fake-runner.js';

export function runOne(file: string, opts: RunOptions): TestResult {
  return cannedResult(file, { flags: opts.shareAcrossCandidates !== false ? ['planted'] : [] });
}
