// A runner for test/fuzz.test.ts (the batch pool's `runnerModule`): the same answer for
// every case, except that a run with no configuration and no model (Ordo's own LKMM, as
// the fuzzer runs a kernel-files case's test the second time) counts one execution more,
// as a rule of Ordo's model written differently from the kernel's would. The fuzzer must
// report it in its own class.

import type { RunOptions, TestResult } from '../src/api/run.js';

export function runOne(file: string, opts: RunOptions): TestResult {
  const ordoModel = opts.conf === undefined && opts.model === undefined;
  return {
    name: 'planted',
    file,
    quantifier: 'exists',
    columns: [],
    states: [],
    ok: true,
    positive: ordoModel ? 2 : 1,
    negative: 0,
    flags: [],
    conditionText: '',
    observation: 'Always',
    seconds: 0,
    hash: '',
  };
}
