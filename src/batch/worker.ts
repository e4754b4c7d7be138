// Worker-thread script of the batch pool. workerData.runnerModule names a module exporting
// `runOne(file, opts)` (by default ./real-runner.js, i.e. the library's runTest). Each
// message is a Task; the worker answers `{ id, kind: 'start' }` when it begins and
// `{ id, kind: 'done', outcome }` when it ends. Model setup is cached per worker, so each
// worker loads the model once.

import { parentPort, workerData } from 'node:worker_threads';
import { runTaskWith, type RunOne, type Task } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('batch worker started outside a worker thread');

const { runnerModule } = workerData as { runnerModule: string };
const mod = (await import(runnerModule)) as { runOne?: RunOne };
const runOne = mod.runOne;
if (typeof runOne !== 'function')
  throw new Error(`runner module ${runnerModule} exports no runOne function`);

port.on('message', (task: Task) => {
  port.postMessage({ id: task.id, kind: 'start' });
  const outcome = runTaskWith(runOne, task);
  port.postMessage({ id: task.id, kind: 'done', outcome });
});
