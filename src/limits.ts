// Resource limits shared by every stage that can run long (parsing, event generation,
// enumeration, model evaluation): a deadline (-timeout) and memory (-max-memory, and in
// any case the V8 heap's own ceiling). A run sets its budget once with beginRun(); the
// stages call checkLimits() often, wherever their loops are, so that a limit holds
// whichever stage the time or memory goes to. One run at a time per thread (each batch
// worker has its own copy of this module), so the budget can live here.

import { cpuUsage } from 'node:process';
import { getHeapStatistics } from 'node:v8';
import { isMainThread } from 'node:worker_threads';
import { LimitError } from './diagnostics.js';

/** Stop before the heap is this full (a fraction of V8's limit). */
const HEAP_FRACTION = 0.85;
const heapLimit = getHeapStatistics().heap_size_limit * HEAP_FRACTION;

export interface RunBudget {
  /** limitClock() value after which the run stops; Infinity for none. */
  deadline: number;
  /** Resident memory of the whole process (bytes) above which the run stops; 0 for none. */
  maxResidentBytes: number;
  /** Runs sharing the process (batch workers, one run each). */
  concurrentRuns: number;
  /** Candidate executions the run may try (-max-executions); Infinity (or absent) for any. */
  maxExecutions?: number;
}

const NO_BUDGET: RunBudget = { deadline: Infinity, maxResidentBytes: 0, concurrentRuns: 1 };
let budget: RunBudget = NO_BUDGET;
let calls = 0;
let executionsTried = 0;
/**
 * The run's limit once reached. Every later check throws it again at once: a stage that
 * catches errors to try something else (a condition left undecided, a value given up
 * on) must not be able to swallow the limit and carry on for another 64 calls.
 */
let reached: LimitError | null = null;

/**
 * The clock -timeout is measured on, in milliseconds. herd7 counts CPU seconds, so a
 * loaded machine does not stop tests early; Ordo does the same in the main thread. Node
 * 20 has no per-thread CPU clock, and process CPU time in a worker would also count the
 * other workers, so there the elapsed time stands in (one test per worker at a time).
 */
export function limitClock(): number {
  if (!cpuClock) return Date.now();
  const { user, system } = cpuUsage();
  return (user + system) / 1000;
}

/** Whether limitClock reads the process's CPU time (see there). */
let cpuClock = isMainThread;

/** Whether limitClock reads the process's CPU time on this thread. */
export function measuresProcessCpu(): boolean {
  return cpuClock;
}

/**
 * Measure -timeout in process CPU time on this worker too: for a worker whose starter
 * waits for it without running (the deep-stack retry), the process's CPU time is the run's.
 */
export function useProcessCpuClock(): void {
  cpuClock = true;
}

/** Set the budget of the run about to start (until endRun). */
export function beginRun(b: RunBudget): void {
  budget = b;
  calls = 0;
  executionsTried = 0;
  reached = null;
  lastReading = -Infinity;
}

export function endRun(): void {
  budget = NO_BUDGET;
  reached = null;
}

/**
 * Throws LimitError when past the deadline (the run's, or the one given) or over a memory
 * limit; cheap to call often: the clock is read every 64 calls, memory every 1024.
 */
export function checkLimits(deadline: number = Infinity): void {
  if (reached !== null) throw reached;
  if ((++calls & 63) !== 0) return;
  checkClock(deadline);
  // Memory figures cost far more than the clock: read them 16 times less often.
  if ((calls & 1023) === 0) checkMemory();
}

/**
 * One more candidate execution tried: a reads-from choice, a further final-write choice,
 * a further element of a model's `with ... from` (each path through the model is an
 * execution: LKMM tries every coherence order of a candidate that way). Over
 * -max-executions, the executions limit.
 */
export function noteExecutionTried(): void {
  const max = budget.maxExecutions ?? Infinity;
  if (++executionsTried > max)
    throw stick(new LimitError('executions', `more than ${max} candidate executions tried`));
}

/** Units of work (about one word operation each) between two checks by noteWork. */
const WORK_QUANTUM = 1 << 22;
let work = 0;

/**
 * For loops whose single steps can be long (relation operations over thousands of
 * events): account `units` of work (an upper bound on the word operations done or
 * memory words allocated) and check every limit once enough has accumulated, so a
 * limit holds even inside one operation.
 */
export function noteWork(units: number): void {
  work += units;
  if (work < WORK_QUANTUM) return;
  work = 0;
  checkClock(Infinity);
  checkMemory();
}

/** Wall-clock time (performance.now()) of the last reading of limitClock. */
let lastReading = -Infinity;
/** Milliseconds of wall-clock time between two readings of the CPU clock. */
const CPU_READING_INTERVAL = 10;

function checkClock(deadline: number): void {
  const limit = Math.min(deadline, budget.deadline);
  if (limit === Infinity) return;
  // Reading CPU time is a system call, far dearer than the wall clock; CPU time cannot
  // advance faster than wall time in the main thread, so read it at most every 10 ms.
  if (cpuClock) {
    const now = performance.now();
    if (now - lastReading < CPU_READING_INTERVAL) return;
    lastReading = now;
  }
  if (limitClock() > limit) {
    const err = new LimitError('time', 'time limit reached');
    // A deadline of the caller's own (shorter than the run's) stops that caller only.
    throw limit === budget.deadline ? stick(err) : err;
  }
}

function checkMemory(): void {
  const heap = getHeapStatistics();
  // Resident memory covers what the V8 heap does not (typed arrays, strings held
  // outside the heap, native buffers): the figure the user's limit is about.
  if (budget.maxResidentBytes > 0) {
    const rss = process.memoryUsage.rss();
    // The process may be shared by several runs (batch workers, each its own heap): a run
    // is stopped only if it holds at least half its fair share of what is resident.
    const own = heap.used_heap_size + heap.external_memory;
    const blamed = budget.concurrentRuns <= 1 || own * budget.concurrentRuns * 2 >= rss;
    if (rss > budget.maxResidentBytes && blamed)
      throw stick(
        new LimitError(
          'memory',
          `memory limit reached (${mib(rss)} MiB resident, limit ${mib(budget.maxResidentBytes)} MiB)`,
        ),
      );
  }
  if (heap.used_heap_size > heapLimit)
    throw stick(new LimitError('memory', `memory limit reached (${mib(heapLimit)} MiB of heap)`));
}

/** Remembers a limit of the current run as reached (see `reached`); outside a run, not. */
function stick(err: LimitError): LimitError {
  if (budget !== NO_BUDGET) reached = err;
  return err;
}

function mib(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}
