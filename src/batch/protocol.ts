// What the batch engine asks of a test runner, and what comes back. Kept free of runtime
// imports so the worker script and the engine can load it without the pipeline.

import type { RunOptions, TestResult } from '../api/run.js';
import type { RunStatus } from './report.js';

export interface Task {
  id: number;
  /** Path handed to the runner. */
  file: string;
  opts: RunOptions;
}

export interface TaskOutcome {
  status: RunStatus | 'cancelled';
  /** Present for `ok` and `limit`. */
  result?: TestResult;
  /** For error / oom / timeout: one line, `file:line:col: message` when a place is known. */
  error?: string;
  limit?: string;
  /** Seconds spent on the test. */
  seconds: number;
  /** An `error` that is Ordo's fault (an exception that is not bad input, a worker crash). */
  internal?: boolean;
}

/** Runs tasks; the per-test runner of a batch. */
export interface Executor {
  /** Queue a task; resolves when it is done (never rejects). */
  run(task: Task): Promise<TaskOutcome>;
  /** Stop now: terminate running work; unfinished tasks resolve as `cancelled`. */
  stop(): Promise<void>;
  /** Release resources after the last task. */
  close(): Promise<void>;
}

/** The runner a module exports for workers: `runOne(file, opts)`, synchronous, may throw. */
export type RunOne = (file: string, opts: RunOptions) => TestResult;

/**
 * Turn what a runner threw into an outcome, as the single-test CLI reports it: bad input
 * (OrdoError) as `file:line:col: message`, a LimitError as a limit, a RangeError as running
 * out of resources, anything else as an internal error.
 */
export function classifyError(file: string, err: unknown, seconds: number): TaskOutcome {
  const e = err as {
    name?: string;
    message?: string;
    where?: unknown;
    format?: () => string;
    limit?: string;
  };
  const message = e?.message ?? String(err);
  // By shape rather than class: a runner module may load its own copy of diagnostics.js.
  // Every subclass of OrdoError (CatError, LimitError, ...) is bad input, not a crash.
  if (e && typeof e.format === 'function' && 'where' in e) {
    const text = e.where ? e.format() : `${file}: ${e.format()}`;
    if (e.name === 'LimitError') {
      return {
        status: e.limit === 'memory' ? 'oom' : 'limit',
        error: text,
        limit: message,
        seconds,
      };
    }
    return { status: 'error', error: text, seconds };
  }
  if (e?.name === 'RangeError')
    return { status: 'oom', error: `${file}: ran out of resources (${message})`, seconds };
  return { status: 'error', error: `${file}: internal error: ${message}`, seconds, internal: true };
}

/** Run one task in this thread with `runOne`. */
export function runTaskWith(runOne: RunOne, task: Task): TaskOutcome {
  const started = performance.now();
  try {
    const result = runOne(task.file, task.opts);
    const seconds = (performance.now() - started) / 1000;
    return result.limit
      ? { status: 'limit', result, limit: result.limit, seconds }
      : { status: 'ok', result, seconds };
  } catch (err) {
    return classifyError(task.file, err, (performance.now() - started) / 1000);
  }
}

/** An executor running tasks one after another in the calling thread (no time limits). */
export class InlineExecutor implements Executor {
  private chain: Promise<unknown> = Promise.resolve();
  private stopped = false;
  constructor(private readonly runOne: RunOne) {}
  run(task: Task): Promise<TaskOutcome> {
    const p = this.chain.then(
      () =>
        new Promise<TaskOutcome>((resolve) =>
          setImmediate(() =>
            resolve(
              this.stopped ? { status: 'cancelled', seconds: 0 } : runTaskWith(this.runOne, task),
            ),
          ),
        ),
    );
    this.chain = p;
    return p;
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
  async close(): Promise<void> {}
}
