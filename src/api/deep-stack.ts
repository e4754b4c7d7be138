// A second attempt, on a much larger call stack, for runs that ran out of stack.
//
// The parsers, lowering, symbolic evaluation and the cat compiler and interpreter follow
// their inputs' nesting by recursion. Node's main thread has a stack of about 1 MB, enough
// for some thousands of nested levels; deeper inputs (an `if` nested 10,000 deep, a cat
// expression in 10,000 parentheses) would stop with the depth limit. A worker thread can
// be given a far larger stack (resourceLimits.stackSizeMb, reserved but not committed
// until used), so a run stopped by the depth limit on the main thread is run again, from
// the start, on such a worker, and waited for synchronously (the library's runTestText is
// synchronous). Only inputs that already failed pay for the worker (~0.1-0.3 s to start
// and load the modules); what is still too deep there keeps the depth limit.
//
// Batch workers are created with the large stack from the start (see DEEP_STACK_MB), so
// they never retry.

import { existsSync } from 'node:fs';
import {
  MessageChannel,
  Worker,
  isMainThread,
  receiveMessageOnPort,
  resourceLimits,
} from 'node:worker_threads';
import { LimitError, OrdoError, type LimitKind, type Location } from '../diagnostics.js';

/**
 * Stack of the threads that run deep inputs, in MiB. 256 MiB follows about a million
 * ordinary frames: a 100,000-term expression or nesting well past 10,000 levels, while an
 * endless recursion in a model still stops within about a second.
 */
export const DEEP_STACK_MB = 256;

/** True when this thread already has the large stack (a batch worker, or the retry). */
export function onDeepStack(): boolean {
  return !isMainThread && (resourceLimits.stackSizeMb ?? 0) >= DEEP_STACK_MB;
}

// The run's options and result are run.ts's RunOptions and TestResult, left generic here
// so that run.ts, which calls this module, is not imported back.

/** What the worker sends back: the run's result, or the error it raised. */
export type DeepStackAnswer<Result = unknown> =
  | { ok: true; result: Result }
  | {
      ok: false;
      name: string;
      message: string;
      where: Location | null;
      limit?: LimitKind;
    };

/** The task of the worker (deep-stack-worker.ts). */
export interface DeepStackTask<Options = unknown> {
  file: string;
  text: string;
  opts: Options;
  /** Word 0 turns 1 when the answer has been posted. */
  done: Int32Array;
}

/**
 * Run the test again on a worker with the deep stack and wait for it; undefined when the
 * worker's script is missing (a broken install). `opts.timeout` is the time left of the
 * run's own; the wait ends well after it, in case the worker dies without answering.
 */
export function runOnDeepStack<Options extends { timeout?: number }, Result>(
  file: string,
  text: string,
  opts: Options,
): Result | undefined {
  const runs = startOnDeepStacks<Options, Result>(file, text, [opts]);
  if (!runs) return undefined;
  try {
    return runs.wait()[0];
  } finally {
    runs.stop();
  }
}

/** Runs started by startOnDeepStacks. */
export interface DeepStackRuns<Result> {
  /**
   * Wait for every run; their results in the order they were started. The first error
   * (in that order) is raised as soon as its run has answered.
   */
  wait(): Result[];
  /** End the workers (those still running are stopped). */
  stop(): void;
}

/**
 * Start one deep-stack worker per element of `optsList`, each running the whole test with
 * those options, all at once; undefined when the worker's script is missing. The caller
 * waits for them (or not) and stops them in every case.
 */
export function startOnDeepStacks<Options extends { timeout?: number }, Result>(
  file: string,
  text: string,
  optsList: Options[],
): DeepStackRuns<Result> | undefined {
  // Written from the api folder's parent so that it resolves the same from this module
  // and from the command line's bundle (dist/src/cli/main.bundle.js, which inlines it).
  const script = new URL('../api/deep-stack-worker.js', import.meta.url);
  // A worker that cannot start never answers: no retry then, rather than a wait forever.
  if (!existsSync(script)) return undefined;
  const started = optsList.map((opts) => {
    const done = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    const task: DeepStackTask<Options> = { file, text, opts, done };
    const worker = new Worker(script, {
      workerData: { task, port: port2 },
      transferList: [port2],
      resourceLimits: { stackSizeMb: DEEP_STACK_MB },
      stdout: false,
      stderr: false,
    });
    worker.unref();
    return { opts, done, port: port1, worker };
  });
  const answerOf = ({ opts, done, port }: (typeof started)[number]): Result => {
    // A worker that dies (out of heap: rare, the run stops itself at 85% of its heap) never
    // answers; the wait is then bounded by the run's time limit, which counts CPU time,
    // with a wide margin for a loaded machine's wall clock.
    const waitMs = opts.timeout ? opts.timeout * 10_000 + 60_000 : Infinity;
    if (Atomics.wait(done, 0, 0, waitMs) === 'timed-out')
      throw new LimitError('time', 'time limit reached');
    const answer = receiveMessageOnPort(port)?.message as DeepStackAnswer<Result> | undefined;
    if (!answer) throw new Error('the deep-stack worker ended without an answer');
    if (answer.ok) return answer.result;
    if (answer.limit) throw new LimitError(answer.limit, answer.message);
    if (answer.name === 'OrdoError') throw new OrdoError(answer.message, answer.where);
    throw new Error(answer.message);
  };
  return {
    wait: () => started.map(answerOf),
    stop: () => {
      for (const { port, worker } of started) {
        port.close();
        void worker.terminate();
      }
    },
  };
}
