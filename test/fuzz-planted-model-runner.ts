// A runner for test/fuzz.test.ts (the batch pool's `runnerModule`): the same answer for
// every case, except that a run with no configuration and no model (Ordo's own LKMM, as
// the fuzzer runs a kernel-files case's test the second time) counts one execution more,
// as a rule of Ordo's model written differently from the kernel's would. The fuzzer must
// report it in its own class.

import type { RunOptions, TestResult } from '../src/api/run.js';
import { cannedResult } from './support/fake-runner.js';

export function runOne(file: string, opts: RunOptions): TestResult {
  const ordoModel = opts.conf === undefined && opts.model === undefined;
  return cannedResult(file, { positive: ordoModel ? 2 : 1 });
}
