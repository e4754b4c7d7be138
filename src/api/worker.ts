// Worker thread of the library's cancellable calls (see index.ts): performs one call and
// posts its result, or the error it raised, back; the caller terminates it afterwards or
// when the call is aborted.

import { parentPort, workerData } from 'node:worker_threads';
import { OrdoError } from '../diagnostics.js';
import { performNow, type WorkerCall, type WorkerFailure } from './index.js';

const port = parentPort;
if (!port) throw new Error('library worker started outside a worker thread');

try {
  port.postMessage({ ok: true, value: performNow(workerData as WorkerCall) });
} catch (err) {
  const e = err as Error;
  const error: WorkerFailure = {
    name: e.name,
    message: e.message,
    where: err instanceof OrdoError ? err.where : null,
  };
  port.postMessage({ ok: false, error });
}
