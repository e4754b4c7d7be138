// Worker of runOnDeepStack (deep-stack.ts): runs one test on the large stack, posts the
// result (or the error) and wakes the waiting thread.

import { workerData, type MessagePort } from 'node:worker_threads';
import { LimitError, OrdoError } from '../diagnostics.js';
import { useProcessCpuClock } from '../limits.js';
import type { DeepStackAnswer, DeepStackTask } from './deep-stack.js';
import { runTestText, type RunOptions, type TestResult } from './run.js';

const { task, port } = workerData as { task: DeepStackTask<RunOptions>; port: MessagePort };
// The thread that started this one waits without running: -timeout counts CPU time, as
// it would have on that thread.
useProcessCpuClock();
let answer: DeepStackAnswer<TestResult>;
try {
  answer = { ok: true, result: runTestText(task.file, task.text, task.opts) };
} catch (err) {
  const e = err as Error;
  answer = {
    ok: false,
    name: err instanceof OrdoError ? 'OrdoError' : e.name,
    message: e.message,
    where: err instanceof OrdoError ? err.where : null,
    limit: err instanceof LimitError ? err.limit : undefined,
  };
}
port.postMessage(answer);
port.close();
Atomics.store(task.done, 0, 1);
Atomics.notify(task.done, 0);
