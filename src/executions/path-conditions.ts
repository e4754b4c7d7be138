// Path conditions checked as soon as their inputs are known. Reads-from is chosen read by
// read (in the order of space.reads); a condition whose reads all have their writes (and
// those writes' values their reads, and so on) is evaluated right away, so a
// contradiction cuts the whole subtree of choices below it instead of every leaf of it.
// This only ever rejects: a condition that cannot be evaluated yet (an unchosen read, a
// value cycle, an undetermined value) waits, and the full resolution at the leaf
// (CandidateValues.resolve) stays the judge of every candidate that gets there.

import { LimitError, OrdoError } from '../diagnostics.js';
import {
  evaluateSymbolic,
  sameValue,
  isTrue,
  isUndetermined,
  readsOf,
  UNDETERMINED,
  type ResolvedValue,
} from '../events/symbolic.js';
import type { Assumption } from '../events/traces.js';
import type { CandidateSpace } from './candidate-space.js';

/** A value that needs a read whose write is not chosen yet. */
const NOT_YET = new Error('value not known yet');

/** What a condition says about the choices made so far. */
export type Verdict = 'holds' | 'contradicted' | 'undecided';

export class PathConditions {
  private readonly conditions: Array<{ path: number; assumption: Assumption }> = [];
  /** Conditions by the position of the last read they mention directly. */
  private readonly decidableAt: number[][];
  /** The conditions still undecided after each read (reused: no allocation per choice). */
  private readonly waitingAfter: number[][];
  private readonly visiting: Uint32Array;
  private generation = 0;

  /** `readsFrom` is the enumerator's choice array (by read position, -1 when unchosen). */
  constructor(
    private readonly space: CandidateSpace,
    private readonly readsFrom: Int32Array,
  ) {
    this.decidableAt = space.reads.map(() => []);
    this.waitingAfter = space.reads.map(() => []);
    this.visiting = new Uint32Array(space.size);
    space.paths.forEach((p, t) => {
      for (const assumption of p.assumptions) {
        let last = -1;
        for (const local of readsOf(assumption.sym))
          last = Math.max(last, space.readIndex(space.globalId(t, local)));
        if (last < 0) continue; // a constant: the leaf's resolution checks it
        this.decidableAt[last].push(this.conditions.length);
        this.conditions.push({ path: t, assumption });
      }
    });
  }

  /** How many conditions mention some read (the others are constants). */
  get count(): number {
    return this.conditions.length;
  }

  /**
   * Called once reads 0..i have their writes (and read i a new one): checks the conditions
   * that may have become decidable; false when one is contradicted.
   */
  holdAfter(i: number): boolean {
    const waiting = this.waitingAfter[i];
    waiting.length = 0;
    if (i > 0) for (const c of this.waitingAfter[i - 1]) if (!this.settle(c, waiting)) return false;
    for (const c of this.decidableAt[i]) if (!this.settle(c, waiting)) return false;
    return true;
  }

  private settle(c: number, waiting: number[]): boolean {
    const verdict = this.check(c);
    if (verdict === 'undecided') waiting.push(c);
    return verdict !== 'contradicted';
  }

  /** Evaluates condition c on the choices so far. */
  check(c: number): Verdict {
    const { path, assumption: a } = this.conditions[c];
    this.generation++;
    try {
      const v = evaluateSymbolic(a.sym, (local) =>
        this.readValue(this.space.globalId(path, local)),
      );
      if (isUndetermined(v)) return 'undecided';
      const holds = a.kind === 'truth' ? isTrue(v) === a.expect : sameValue(v, a.value);
      return holds ? 'holds' : 'contradicted';
    } catch (err) {
      // A limit is not a value problem: it ends the run (undecided here, it went unseen).
      if (err instanceof LimitError) throw err;
      if (err === NOT_YET || err === UNDETERMINED || err instanceof OrdoError) return 'undecided';
      throw err;
    }
  }

  private readValue(id: number): ResolvedValue {
    const w = this.readsFrom[this.space.readIndex(id)];
    if (w < 0) throw NOT_YET;
    return this.writtenValue(w);
  }

  private writtenValue(id: number): ResolvedValue {
    const space = this.space;
    const e = space.events[id];
    if (e.init) return space.memory.get(e.loc!)!;
    if (this.visiting[id] === this.generation) throw NOT_YET; // a value cycle: the leaf decides
    this.visiting[id] = this.generation;
    const t = space.pathIndex(e.thread);
    const v = evaluateSymbolic(space.traceEvent(id).value!, (local) =>
      this.readValue(space.globalId(t, local)),
    );
    this.visiting[id] = 0;
    return v;
  }
}
