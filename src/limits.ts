// Resource limits shared by the stages that can run long: a deadline (-timeout) and the
// heap. Checking the heap lets a run that would exhaust memory stop with a clear report
// instead of the process dying.

import { getHeapStatistics } from 'node:v8';
import { LimitError } from './diagnostics.js';

/** Stop before the heap is this full (a fraction of V8's limit). */
const HEAP_FRACTION = 0.85;
const heapLimit = getHeapStatistics().heap_size_limit * HEAP_FRACTION;

let calls = 0;

/** Throws LimitError when past the deadline or close to the heap limit; cheap to call often. */
export function checkLimits(deadline: number): void {
  if ((++calls & 63) !== 0) return;
  if (Date.now() > deadline) throw new LimitError('time', 'time limit reached');
  // Reading heap statistics costs far more than the clock: do it 16 times less often.
  if ((calls & 1023) === 0 && getHeapStatistics().used_heap_size > heapLimit) {
    throw new LimitError(
      'memory',
      `memory limit reached (${Math.round(heapLimit / 2 ** 20)} MiB of heap)`,
    );
  }
}
