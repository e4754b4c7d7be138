// The page's side of Ordo's worker: one request at a time; Cancel terminates the worker
// (the pipeline never yields, so that is the only way to stop a run at once) and a fresh
// one is started for the next request.

import type { ReadyReply, WorkerReply, WorkerRequest } from './protocol.js';

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

type Settle = { resolve: (reply: WorkerReply) => void; reject: (err: Error) => void };

export class RunClient {
  private worker: Worker | null = null;
  private ready: Promise<ReadyReply> | null = null;
  private pending: Settle | null = null;

  /** Start the worker (if needed); resolves with what it carries. */
  start(): Promise<ReadyReply> {
    if (this.worker && this.ready) return this.ready;
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<WorkerReply>) => {
        const reply = event.data;
        if (reply.kind === 'ready') resolve(reply);
        else this.settle((p) => p.resolve(reply));
      };
      worker.onerror = (event) => {
        event.preventDefault();
        const err = new Error(`Ordo's worker failed: ${event.message || 'out of memory?'}`);
        reject(err);
        this.settle((p) => p.reject(err));
        this.discard();
      };
    });
    return this.ready;
  }

  get busy(): boolean {
    return this.pending !== null;
  }

  async request(req: WorkerRequest): Promise<WorkerReply> {
    if (this.pending) throw new Error('a run is already in progress');
    await this.start();
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker!.postMessage(req);
    });
  }

  /** Stop the run in progress at once; the next request starts a new worker. */
  cancel(): void {
    this.discard();
    this.settle((p) => p.reject(new Cancelled()));
  }

  private discard(): void {
    this.worker?.terminate();
    this.worker = null;
    this.ready = null;
  }

  private settle(how: (p: Settle) => void): void {
    const p = this.pending;
    this.pending = null;
    if (p) how(p);
  }
}
