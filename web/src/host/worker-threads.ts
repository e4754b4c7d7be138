// `node:worker_threads` for the page. The pipeline runs in a Web Worker, never on the
// page's main thread: `isMainThread` is false, so src/limits.ts measures -timeout in
// elapsed time, as in Node's worker threads. Starting threads is the page's job
// (web/src/run-client.ts), not the pipeline's.

export const isMainThread = false;
export const parentPort = null;
export const workerData = null;

// src/api/deep-stack.ts retries a run that ran out of stack on a thread with a larger one.
// The page cannot start such a thread, so it reports its stack as already the largest
// there is: the retry is skipped and the depth limit stands, as it does for a batch worker.
export const resourceLimits: { stackSizeMb?: number } = {
  stackSizeMb: Number.POSITIVE_INFINITY,
};

export class MessageChannel {
  constructor() {
    throw new Error('worker_threads.MessageChannel is not available in the page');
  }
}

export function receiveMessageOnPort(): undefined {
  return undefined;
}

export class Worker {
  constructor() {
    throw new Error('worker_threads.Worker is not available in the page');
  }
}
