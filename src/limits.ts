// Resource limits shared by the stages that can run long: a deadline (-timeout) and the
// heap. Checking the heap lets a run that would exhaust memory stop with a clear report
// instead of the process dying.

import { cpuUsage } from 'node:process';
import { getHeapStatistics } from 'node:v8';
import { isMainThread } from 'node:worker_threads';
import { LimitError } from './diagnostics.js';

/** Stop before the heap is this full (a fraction of V8's limit). */
const HEAP_FRACTION = 0.85;
const heapLimit = getHeapStatistics().heap_size_limit * HEAP_FRACTION;

let calls = 0;

/**
 * The clock -timeout is measured on, in milliseconds. herd7 counts CPU seconds, so a
 * loaded machine does not stop tests early; Ordo does the same in the main thread. Node
 * 20 has no per-thread CPU clock, and process CPU time in a worker would also count the
 * other workers, so there the elapsed time stands in (one test per worker at a time).
 */
export function limitClock(): number {
  if (!isMainThread) return Date.now();
  const { user, system } = cpuUsage();
  return (user + system) / 1000;
}

/** Throws LimitError when past the deadline (on limitClock) or close to the heap limit; cheap to call often. */
export function checkLimits(deadline: number): void {
  if ((++calls & 63) !== 0) return;
  if (limitClock() > deadline) throw new LimitError('time', 'time limit reached');
  // Reading heap statistics costs far more than the clock: do it 16 times less often.
  if ((calls & 1023) === 0 && getHeapStatistics().used_heap_size > heapLimit) {
    throw new LimitError(
      'memory',
      `memory limit reached (${Math.round(heapLimit / 2 ** 20)} MiB of heap)`,
    );
  }
}
