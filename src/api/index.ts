// The library entry point (`import { runTest } from 'ordo'`). Every call is asynchronous
// and can be cancelled with an AbortSignal. The pipeline itself is synchronous CPU work
// that never yields, so an abort could not interrupt it in this thread: a call given a
// signal runs on a worker thread (src/api/worker.ts) that is terminated when the signal
// fires. Without a signal the call runs in this thread, sharing the loaded-model cache.

import { Worker } from 'node:worker_threads';
import { OrdoError } from '../diagnostics.js';
import { DEEP_STACK_MB } from './deep-stack.js';
import {
  runTest as runTestNow,
  runTestText as runTestTextNow,
  type RunOptions as PipelineOptions,
  type TestResult,
} from './run.js';
import { formatHerdReport } from '../report/herd-text.js';
import { ExecutionCollector, type ExecutionRequest } from './executions.js';
import type { ExecutionRecord } from '../outcomes/execution-record.js';
import {
  Explainer,
  describeSelector,
  parseStateSelector,
  type Explanation,
  type OutcomeSelector,
} from '../outcomes/explain.js';

export { OrdoError, formatHerdReport };
export type { TestResult, Explanation, ExecutionRequest };
export type { StateValue } from './run.js';
export type { StateLoc } from '../program/ir.js';
export type {
  ExecutionRecord,
  ExecutionEvent,
  Pairs,
  RecordedFailure,
} from '../outcomes/execution-record.js';
export type { CheckExplanation, ExplainedExecution, LabelledEdge } from '../outcomes/explain.js';

/** herd7's -speedcheck: stop as soon as the condition's verdict is known. */
export type Speedcheck = 'false' | 'true' | 'fast';

/** Resource limits of one run; a run stopped by one reports partial figures in `limit`. */
export interface Limits {
  /** Seconds of CPU time in the calling thread, as herd7's -timeout (elapsed time in a worker). */
  timeoutSeconds?: number;
  /** Candidate executions handed to the model. */
  maxExecutions?: number;
}

export interface RunOptions {
  /** A herd .cfg file; without it (and without `model`) Ordo's own LKMM is used. */
  conf?: string;
  /** Override the cfg's cat model, bell file or macro file. */
  model?: string;
  bell?: string;
  macros?: string;
  variants?: string[];
  /** -I directories: searched for the cfg, model files and includes (after the current directory). */
  includeDirs?: string[];
  speedcheck?: Speedcheck;
  /** Named checks of the model not to apply (herd7's -skipchecks). */
  skipchecks?: string[];
  /** herd7's -through: `invalid` and `all` keep executions failing the model's checks. */
  through?: 'none' | 'invalid' | 'all';
  /** Loop bodies and backward jumps run at most this many times per path (default 2). */
  unroll?: number;
  limits?: Limits;
  /** Cancels the run: the returned promise rejects with an `AbortError`. */
  signal?: AbortSignal;
  /**
   * Also return executions (`result.executions`): their events, relations, the model's
   * verdict and, for rejected ones, every check that rejects them with its pairs.
   */
  executions?: ExecutionRequest;
}

/** A test's result, with the executions asked for by RunOptions.executions. */
export interface RunResult extends TestResult {
  executions?: ExecutionRecord[];
}

/** The call a worker thread performs; plain data only, so it crosses threads. */
export type WorkerCall =
  | { kind: 'runTest'; file: string; opts: PipelineOptions; executions?: ExecutionRequest }
  | {
      kind: 'runTestText';
      file: string;
      text: string;
      opts: PipelineOptions;
      executions?: ExecutionRequest;
    }
  | { kind: 'explain'; file: string; state: string | null; opts: PipelineOptions };

export interface ExplainOptions extends RunOptions {
  /** The outcome to explain, e.g. `0:r0=0; 1:r0=0;`; default: the test's condition. */
  state?: string;
}

/**
 * Why the model forbids (or allows) an outcome: each execution giving it with every check
 * that rejects it and a cycle through its events, or a witness; and which checks would
 * have to be skipped for the outcome to appear.
 */
export async function explain(file: string, opts: ExplainOptions = {}): Promise<Explanation> {
  const call: WorkerCall = {
    kind: 'explain',
    file,
    state: opts.state ?? null,
    opts: pipelineOptions(opts),
  };
  return (await perform(call, opts.signal)) as Explanation;
}

function explainNow(file: string, state: string | null, opts: PipelineOptions): Explanation {
  const selector: OutcomeSelector =
    state === null ? { kind: 'condition' } : parseStateSelector(state);
  const explainer = new Explainer(selector);
  const result = runTestNow(file, opts, explainer);
  return explainer.result(describeSelector(selector, result.conditionText, result.columns));
}

function pipelineOptions(opts: RunOptions): PipelineOptions {
  return {
    conf: opts.conf,
    model: opts.model,
    bell: opts.bell,
    macros: opts.macros,
    variants: opts.variants,
    includeDirs: opts.includeDirs,
    speedcheck: opts.speedcheck,
    skipchecks: opts.skipchecks,
    through: opts.through,
    unroll: opts.unroll,
    timeout: opts.limits?.timeoutSeconds,
    maxExecutions: opts.limits?.maxExecutions,
  };
}

/** Run a litmus test file and summarise it as herd7 does. */
export async function runTest(file: string, opts: RunOptions = {}): Promise<RunResult> {
  const call: WorkerCall = {
    kind: 'runTest',
    file,
    opts: pipelineOptions(opts),
    executions: opts.executions,
  };
  return (await perform(call, opts.signal)) as RunResult;
}

/** Run a litmus test given as text; `file` names it in messages. */
export async function runTestText(
  file: string,
  text: string,
  opts: RunOptions = {},
): Promise<RunResult> {
  const call: WorkerCall = {
    kind: 'runTestText',
    file,
    text,
    opts: pipelineOptions(opts),
    executions: opts.executions,
  };
  return (await perform(call, opts.signal)) as RunResult;
}

/** Run with an execution collector when executions are asked for. */
function runWithExecutions(
  request: ExecutionRequest | undefined,
  run: (observer?: ExecutionCollector) => TestResult,
): RunResult {
  if (!request) return run();
  const collector = new ExecutionCollector(request);
  return { ...run(collector), executions: collector.records };
}

/** Perform a call in this thread. */
export function performNow(call: WorkerCall): unknown {
  switch (call.kind) {
    case 'runTest':
      return runWithExecutions(call.executions, (o) => runTestNow(call.file, call.opts, o));
    case 'runTestText':
      return runWithExecutions(call.executions, (o) =>
        runTestTextNow(call.file, call.text, call.opts, o),
      );
    case 'explain':
      return explainNow(call.file, call.state, call.opts);
  }
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error('the run was aborted');
  err.name = 'AbortError';
  return err;
}

/** An error as it crosses from the worker: enough to rebuild an OrdoError. */
export interface WorkerFailure {
  name: string;
  message: string;
  where: OrdoError['where'];
}

async function perform(call: WorkerCall, signal: AbortSignal | undefined): Promise<unknown> {
  if (!signal) {
    await Promise.resolve();
    return performNow(call);
  }
  if (signal.aborted) throw abortError(signal);
  const worker = new Worker(new URL('./worker.js', import.meta.url), {
    workerData: call,
    resourceLimits: { stackSizeMb: DEEP_STACK_MB },
  });
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      void worker.terminate();
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal.removeEventListener('abort', onAbort);
    worker.once(
      'message',
      (msg: { ok: true; value: unknown } | { ok: false; error: WorkerFailure }) => {
        settle();
        void worker.terminate();
        if (msg.ok) resolve(msg.value);
        else if (msg.error.name === 'OrdoError' || msg.error.name === 'LimitError')
          reject(new OrdoError(msg.error.message, msg.error.where));
        else reject(new Error(msg.error.message));
      },
    );
    worker.once('error', (err) => {
      settle();
      reject(err);
    });
  });
}
