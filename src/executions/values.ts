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
  type Sym,
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
  // Fixed for the combination, by global id (looked up per candidate: no map, no closure).
  /** The value a non-initial write stores (its trace event's), else null. */
  private readonly stores: (Sym | null)[];
  /** 1: reads (R, RW); 2: writes (W, RW); 3: both. */
  private readonly access: Uint8Array;
  /** The read whose value a write stores as a plain copy (see copiedRead), else -1. */
  private readonly copies: Int32Array;
  /** By path position: its reads' values by local index (made once, not per evaluation). */
  readonly readers: Array<(local: number) => ResolvedValue>;
  /**
   * The events whose value (eventValue) may differ between candidates: the reads, and the
   * writes of a computed value. The others' is the same for every candidate: an initial
   * write's, a constant's (the same object each time), none (fences and the like).
   */
  readonly varying: readonly number[];
  /** writeState as every candidate starts it: known (2) for the writes whose value is fixed. */
  private readonly fixedWrites: Uint8Array;

  constructor(private readonly space: CandidateSpace) {
    const n = space.size;
    this.readsFrom = new Int32Array(space.reads.length).fill(-1);
    this.readValues = new Array<ResolvedValue | null>(n).fill(null);
    this.writtenValues = new Array<ResolvedValue | null>(n).fill(null);
    this.readState = new Uint8Array(n);
    this.writeState = new Uint8Array(n);
    this.stores = new Array<Sym | null>(n).fill(null);
    this.access = new Uint8Array(n);
    this.copies = new Int32Array(n).fill(-1);
    for (const e of space.events) {
      const k = e.kind;
      this.access[e.id] = (k === 'R' || k === 'RW' ? 1 : 0) | (k === 'W' || k === 'RW' ? 2 : 0);
      if (e.init || (k !== 'W' && k !== 'RW')) continue;
      const sym = space.traceEvent(e.id).value!;
      this.stores[e.id] = sym;
      if (k === 'W' && sym.k === 'r')
        this.copies[e.id] = space.globalId(space.pathOfEvent[e.id], sym.ev);
    }
    const varying: number[] = [];
    this.fixedWrites = new Uint8Array(n);
    for (const e of space.events) {
      const sym = this.stores[e.id];
      if ((this.access[e.id] & 1) !== 0 || (sym !== null && sym.k !== 'c')) varying.push(e.id);
      if ((this.access[e.id] & 2) === 0 || (sym !== null && sym.k !== 'c')) continue;
      // An initial write's value, or a constant's: the same for every candidate.
      this.writtenValues[e.id] = sym === null ? space.memory.get(e.loc!)! : sym.v;
      this.fixedWrites[e.id] = 2;
    }
    this.varying = varying;
    this.readers = space.paths.map((_, t) => {
      const base = space.base[t];
      return (local: number): ResolvedValue => this.readOf(base + local);
    });
  }

  /**
   * Solves every value for the current readsFrom; false when there is no solution (a
   * cycle through computed values, an undetermined value used in a computation, an
   * arithmetic error) or when a path condition fails.
   */
  resolve(): boolean {
    const { paths } = this.space;
    const { access, varying } = this;
    this.readState.fill(0);
    this.writeState.set(this.fixedWrites);
    try {
      this.markUndeterminedCycles();
      // The other events' values are fixed (see fixedWrites) or none.
      for (let j = 0; j < varying.length; j++) {
        const i = varying[j];
        const k = access[i];
        if ((k & 1) !== 0) this.readOf(i);
        if ((k & 2) !== 0) this.writtenOf(i);
      }
      for (let t = 0; t < paths.length; t++) {
        const rd = this.readers[t];
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
    const v = this.writtenOf(this.readsFrom[this.space.readPosition[id]]);
    this.readValues[id] = v;
    this.readState[id] = 2;
    return v;
  }

  private writtenOf(id: number): ResolvedValue {
    if (this.writeState[id] === 2) return this.writtenValues[id]!;
    if (this.writeState[id] === 1) throw CYCLE;
    this.writeState[id] = 1;
    const sym = this.stores[id];
    let v: ResolvedValue;
    if (sym === null) v = this.space.memory.get(this.space.events[id].loc!)!;
    else if (sym.k === 'c') v = sym.v;
    else {
      const t = this.space.pathOfEvent[id];
      v =
        sym.k === 'r'
          ? this.readOf(this.space.base[t] + sym.ev)
          : evaluateSymbolic(sym, this.readers[t]);
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
    return this.copies[w];
  }

  private markUndeterminedCycles(): void {
    const { space, readState, readValues, readsFrom, copies } = this;
    const reads = space.reads;
    for (let i = 0; i < reads.length; i++) {
      const r = reads[i];
      if (copies[readsFrom[i]] < 0 || readState[r.id] === 2) continue; // the common case: no copy chain
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
