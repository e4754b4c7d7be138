// The values of one candidate execution: once every read has its write (`readsFrom`),
// what each read returns and what each write stores, solved as herd7 solves its value
// equations, and whether the paths' conditions hold for them.

import { LimitError, OrdoError } from '../diagnostics.js';
import {
  evaluateSymbolic,
  sameValue,
  isTrue,
  isUndetermined,
  UNDETERMINED,
  type ResolvedValue,
} from '../events/symbolic.js';
import type { CandidateSpace } from './candidate-space.js';

const CYCLE = new Error('value cycle');

export class CandidateValues {
  /** The write each read reads from, by position in space.reads (-1: not chosen). */
  readonly readsFrom: Int32Array;
  private readonly readValues: (ResolvedValue | null)[];
  private readonly writtenValues: (ResolvedValue | null)[];
  private readonly readState: Uint8Array; // 0 = unknown, 1 = computing, 2 = known
  private readonly writeState: Uint8Array;

  constructor(private readonly space: CandidateSpace) {
    const n = space.size;
    this.readsFrom = new Int32Array(space.reads.length).fill(-1);
    this.readValues = new Array<ResolvedValue | null>(n).fill(null);
    this.writtenValues = new Array<ResolvedValue | null>(n).fill(null);
    this.readState = new Uint8Array(n);
    this.writeState = new Uint8Array(n);
  }

  /**
   * Solves every value for the current readsFrom; false when there is no solution (a
   * cycle through computed values, an undetermined value used in a computation, an
   * arithmetic error) or when a path condition fails.
   */
  resolve(): boolean {
    const { events, paths } = this.space;
    this.readState.fill(0);
    this.writeState.fill(0);
    try {
      this.markUndeterminedCycles();
      for (let i = 0; i < events.length; i++) {
        const k = events[i].kind;
        if (k === 'R' || k === 'RW') this.readOf(i);
        if (k === 'W' || k === 'RW') this.writtenOf(i);
      }
      for (let t = 0; t < paths.length; t++) {
        const rd = (local: number) => this.readOf(this.space.globalId(t, local));
        for (const a of paths[t].assumptions) {
          const v = evaluateSymbolic(a.sym, rd);
          if (a.kind === 'truth' ? isTrue(v) !== a.expect : !sameValue(v, a.value)) return false;
        }
      }
    } catch (err) {
      if (err === CYCLE || err === UNDETERMINED) return false;
      if (err instanceof OrdoError && !(err instanceof LimitError)) return false;
      throw err;
    }
    return true;
  }

  /** After resolve(): the value read by a read event. */
  readValue(id: number): ResolvedValue {
    return this.readValues[id]!;
  }

  /** After resolve(): an event's value for the model, what it stores if it writes, else what it reads. */
  eventValue(id: number): ResolvedValue | null {
    return this.writtenValues[id] ?? this.readValues[id];
  }

  private readOf(id: number): ResolvedValue {
    if (this.readState[id] === 2) return this.readValues[id]!;
    if (this.readState[id] === 1) throw CYCLE;
    this.readState[id] = 1;
    const v = this.writtenOf(this.readsFrom[this.space.readIndex(id)]);
    this.readValues[id] = v;
    this.readState[id] = 2;
    return v;
  }

  private writtenOf(id: number): ResolvedValue {
    if (this.writeState[id] === 2) return this.writtenValues[id]!;
    if (this.writeState[id] === 1) throw CYCLE;
    this.writeState[id] = 1;
    const e = this.space.events[id];
    let v: ResolvedValue;
    if (e.init) v = this.space.memory.get(e.loc!)!;
    else {
      const t = this.space.pathIndex(e.thread);
      v = evaluateSymbolic(this.space.traceEvent(id).value!, (local) =>
        this.readOf(this.space.globalId(t, local)),
      );
    }
    this.writtenValues[id] = v;
    this.writeState[id] = 2;
    return v;
  }

  /**
   * The read whose value a write stores, when that write stores a plain copy of another
   * read of its thread: following these links can close a cycle, whose value herd7 leaves
   * undetermined (named after its highest-numbered symbolic variable).
   */
  private copiedRead(w: number): number {
    const e = this.space.events[w];
    if (e.init || e.kind !== 'W') return -1;
    const sym = this.space.traceEvent(w).value!;
    return sym.k === 'r' ? this.space.globalId(this.space.pathIndex(e.thread), sym.ev) : -1;
  }

  private markUndeterminedCycles(): void {
    const { space, readState, readValues, readsFrom } = this;
    for (const r of space.reads) {
      if (readState[r.id] === 2) continue;
      if (this.copiedRead(readsFrom[space.readIndex(r.id)]) < 0) continue; // the common case: no copy chain
      const chain: number[] = [];
      const onChain = new Map<number, number>();
      let cur = r.id;
      while (cur >= 0 && readState[cur] !== 2 && !onChain.has(cur)) {
        onChain.set(cur, chain.length);
        chain.push(cur);
        cur = this.copiedRead(readsFrom[space.readIndex(cur)]);
      }
      let value: ResolvedValue | null = null;
      if (cur >= 0 && onChain.has(cur)) {
        let name = 0;
        for (const m of chain.slice(onChain.get(cur)!)) {
          const src = readsFrom[space.readIndex(m)];
          name = Math.max(
            name,
            space.traceEvent(m).herdVar ?? 0,
            space.traceEvent(src).herdVar ?? 0,
          );
        }
        value = { undetermined: name };
      } else if (cur >= 0 && readState[cur] === 2 && isUndetermined(readValues[cur]!)) {
        value = readValues[cur];
      }
      if (value === null) continue;
      for (const m of chain) {
        readValues[m] = value;
        readState[m] = 2;
      }
    }
  }
}
