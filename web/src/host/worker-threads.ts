// `node:worker_threads` for the page. The pipeline runs in a Web Worker, never on the
// page's main thread: `isMainThread` is false, so src/limits.ts measures -timeout in
// elapsed time, as in Node's worker threads. Starting threads is the page's job
// (web/src/run-client.ts), not the pipeline's.

export const isMainThread = false;
export const parentPort = null;
export const workerData = null;

export class Worker {
  constructor() {
    throw new Error('worker_threads.Worker is not available in the page');
  }
}
