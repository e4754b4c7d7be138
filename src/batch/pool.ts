// A pool of worker threads running one test at a time each. A worker that overruns its
// test's time limit by the grace margin is terminated and replaced (the test is reported
// as timed out); a worker that dies (out of memory, crash) is replaced too and its test
// reported as out of memory / an error. Workers are started lazily, at most `jobs`.

import { Worker } from 'node:worker_threads';
import type { Executor, Task, TaskOutcome } from './protocol.js';
import { DEEP_STACK_MB } from '../api/deep-stack.js';

export interface PoolOptions {
  jobs: number;
  /** URL (or file path) of a module exporting `runOne`; default: ./real-runner.js. */
  runnerModule?: string;
  /**
   * Wall-clock milliseconds after which a task's worker is terminated, counted from when
   * the task is handed to the worker; undefined: never.
   */
  hardTimeoutMs?: (task: Task) => number | undefined;
  /** Heap cap of each worker (resourceLimits.maxOldGenerationSizeMb). */
  maxMemoryMb?: number;
}

interface Pending {
  task: Task;
  resolve: (o: TaskOutcome) => void;
}

interface Slot {
  worker: Worker;
  current?: Pending;
  assignedAt: number;
  startedAt?: number;
  timer?: NodeJS.Timeout;
  dead: boolean;
}

export const workerScript = new URL('./worker.js', import.meta.url);
export const defaultRunnerModule = new URL('./real-runner.js', import.meta.url).href;

export class WorkerPool implements Executor {
  private readonly queue: Pending[] = [];
  private readonly slots: Slot[] = [];
  private stopped = false;
  private readonly runnerModule: string;

  constructor(private readonly options: PoolOptions) {
    this.runnerModule = options.runnerModule ?? defaultRunnerModule;
  }

  run(task: Task): Promise<TaskOutcome> {
    if (this.stopped) return Promise.resolve({ status: 'cancelled', seconds: 0 });
    return new Promise((resolve) => {
      this.queue.push({ task, resolve });
      this.pump();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const p of this.queue.splice(0)) p.resolve({ status: 'cancelled', seconds: 0 });
    const kills: Promise<number>[] = [];
    for (const slot of this.slots.splice(0)) {
      slot.dead = true;
      if (slot.timer) clearTimeout(slot.timer);
      if (slot.current) slot.current.resolve({ status: 'cancelled', seconds: 0 });
      slot.current = undefined;
      kills.push(slot.worker.terminate());
    }
    await Promise.allSettled(kills);
  }

  async close(): Promise<void> {
    await this.stop();
  }

  /** Number of live workers (for tests). */
  get size(): number {
    return this.slots.length;
  }

  private pump(): void {
    while (!this.stopped && this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.current && !s.dead);
      if (!slot) {
        if (this.slots.length >= Math.max(1, this.options.jobs)) return;
        slot = this.spawn();
      }
      this.assign(slot, this.queue.shift()!);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(workerScript, {
      workerData: { runnerModule: this.runnerModule },
      // The deep stack from the start: a batch run never needs the retry of deep-stack.ts.
      resourceLimits: this.options.maxMemoryMb
        ? { maxOldGenerationSizeMb: this.options.maxMemoryMb, stackSizeMb: DEEP_STACK_MB }
        : { stackSizeMb: DEEP_STACK_MB },
      stdout: false,
      stderr: false,
    });
    const slot: Slot = { worker, assignedAt: 0, dead: false };
    this.slots.push(slot);
    worker.on('message', (msg: { id: number; kind: 'start' | 'done'; outcome?: TaskOutcome }) => {
      if (slot.dead || !slot.current || slot.current.task.id !== msg.id) return;
      if (msg.kind === 'start') {
        slot.startedAt = performance.now();
        return;
      }
      const p = slot.current;
      this.release(slot);
      p.resolve(msg.outcome!);
      this.pump();
    });
    worker.on('error', (err: Error & { code?: string }) => {
      const oom =
        err.code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory|heap/i.test(err.message);
      this.kill(slot, (file, seconds) =>
        oom
          ? {
              status: 'oom',
              error: `${file}: out of memory (worker terminated: ${err.message})`,
              seconds,
            }
          : {
              status: 'error',
              error: `${file}: internal error: worker died: ${err.message}`,
              seconds,
              internal: true,
            },
      );
    });
    worker.on('exit', (code) => {
      this.kill(slot, (file, seconds) => ({
        status: 'error',
        error: `${file}: internal error: worker exited with code ${code}`,
        seconds,
        internal: true,
      }));
    });
    return slot;
  }

  private assign(slot: Slot, p: Pending): void {
    slot.current = p;
    slot.assignedAt = performance.now();
    slot.startedAt = undefined;
    const ms = this.options.hardTimeoutMs?.(p.task);
    if (ms !== undefined && Number.isFinite(ms)) {
      slot.timer = setTimeout(() => {
        this.kill(slot, (file, seconds) => ({
          status: 'timeout',
          error: `${file}: timed out after ${seconds.toFixed(1)}s (worker terminated)`,
          seconds,
        }));
      }, ms);
    }
    slot.worker.postMessage(p.task);
  }

  private release(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.current = undefined;
  }

  /** Retire a worker, finishing its current task with `outcome`, and refill the pool. */
  private kill(slot: Slot, outcome: (file: string, seconds: number) => TaskOutcome): void {
    if (slot.dead) return;
    slot.dead = true;
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    const p = slot.current;
    const seconds = (performance.now() - (slot.startedAt ?? slot.assignedAt)) / 1000;
    this.release(slot);
    void slot.worker.terminate().catch(() => undefined);
    if (p) p.resolve(outcome(p.task.file, seconds));
    this.pump();
  }
}
