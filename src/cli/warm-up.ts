// A warm process (src/daemon/runner.ts) runs this once before its first request, so that
// V8 has compiled the whole pipeline (front-end, enumeration, cat evaluation, report) by
// the time a user's test arrives: the first run of any code in a process costs several
// times a later one.

import { runTestText } from '../api/run.js';
import { formatHerdReport } from '../report/herd-text.js';

/** A small test that goes through every stage under Ordo's own kernel model. */
const WARM_UP_TEST = `C warm-up
{}
P0(int *x, int *y) { int r0; WRITE_ONCE(*x, 1); smp_mb(); r0 = READ_ONCE(*y); }
P1(int *x, int *y) { int r0; WRITE_ONCE(*y, 1); smp_store_release(x, 2); r0 = smp_load_acquire(y); }
exists (0:r0=0 /\\ 1:r0=0)
`;

/** Run the warm-up test `rounds` times; returns the report's length (so nothing is dead code). */
export function warmUp(rounds = 3): number {
  let length = 0;
  for (let i = 0; i < rounds; i++)
    length += formatHerdReport(runTestText('warm-up.litmus', WARM_UP_TEST)).length;
  return length;
}
