// Path conditions checked as soon as their inputs are known. Reads-from is chosen read by
// read (in the order of space.reads); a condition whose reads all have their writes (and
// those writes' values their reads, and so on) is evaluated right away, so a
// contradiction cuts the whole subtree of choices below it instead of every leaf of it.
// This only ever rejects: a condition that cannot be evaluated yet (an unchosen read, a
// value cycle, an undetermined value) waits, and the full resolution at the leaf
// (CandidateValues.resolve) stays the judge of every candidate that gets there.
//
// Besides the paths' own conditions, the caller may add checks on final register values
// (the register-only conjuncts of the test's `filter`): a candidate they reject is dropped
// before the model runs anyway, as herd7 does, so rejecting it while reads-from is chosen
// changes nothing but the work.

import { assertNever, LimitError, OrdoError } from '../diagnostics.js';
import {
  evaluateSymbolic,
  sameValue,
  isTrue,
  isUndetermined,
  readsOf,
  UNDETERMINED,
  PENDING,
  type Pending,
  type ResolvedValue,
  type Sym,
} from '../events/symbolic.js';
import type { Assumption } from '../events/traces.js';
import type { CandidateSpace } from './candidate-space.js';

/**
 * A condition on final register values that rules candidates out before the model runs,
 * checked as soon as the reads those registers depend on have their writes.
 */
export interface RegisterCheck {
  registers: Array<{ thread: number; name: string }>;
  /** Whether the registers' values (in the order of `registers`) may pass. */
  accepts(values: ResolvedValue[]): boolean;
}

/** One register of a check on one path: its final value, or null for a register the path never sets (0). */
interface RegisterOnPath {
  path: number;
  sym: Sym | null;
}

type Condition =
  | { kind: 'assumption'; path: number; assumption: Assumption }
  | { kind: 'registers'; registers: RegisterOnPath[]; check: RegisterCheck };

/** What a condition says about the choices made so far. */
export type Verdict = 'holds' | 'contradicted' | 'undecided';

export class PathConditions {
  private readonly conditions: Condition[] = [];
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
    registerChecks: readonly RegisterCheck[] = [],
  ) {
    this.decidableAt = space.reads.map(() => []);
    this.waitingAfter = space.reads.map(() => []);
    this.visiting = new Uint32Array(space.size);
    space.paths.forEach((p, t) => {
      for (const assumption of p.assumptions)
        this.add({ kind: 'assumption', path: t, assumption }, [{ path: t, sym: assumption.sym }]);
    });
    for (const check of registerChecks) {
      const registers: RegisterOnPath[] = [];
      for (const { thread, name } of check.registers) {
        if (!space.hasThread(thread)) break; // no such thread: the filter at the leaf judges it
        const path = space.pathIndex(thread);
        registers.push({ path, sym: space.paths[path].registers.get(name) ?? null });
      }
      if (registers.length === check.registers.length)
        this.add({ kind: 'registers', registers, check }, registers);
    }
  }

  /** Files a condition under the last read its values mention; a constant one is left to the leaf. */
  private add(condition: Condition, values: RegisterOnPath[]): void {
    const space = this.space;
    let last = -1;
    for (const { path, sym } of values) {
      if (sym === null) continue;
      for (const local of readsOf(sym))
        last = Math.max(last, space.readIndex(space.globalId(path, local)));
    }
    if (last < 0) return;
    this.decidableAt[last].push(this.conditions.length);
    this.conditions.push(condition);
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
    const condition = this.conditions[c];
    try {
      let holds: boolean;
      switch (condition.kind) {
        case 'assumption': {
          const a = condition.assumption;
          const v = this.valueOn(condition.path, a.sym);
          if (v === PENDING || isUndetermined(v)) return 'undecided';
          holds = a.kind === 'truth' ? isTrue(v) === a.expect : sameValue(v, a.value);
          break;
        }
        case 'registers': {
          const values: ResolvedValue[] = [];
          for (const { path, sym } of condition.registers) {
            const v = sym === null ? 0 : this.valueOn(path, sym);
            if (v === PENDING || isUndetermined(v)) return 'undecided';
            values.push(v);
          }
          holds = condition.check.accepts(values);
          break;
        }
        default:
          assertNever(condition);
      }
      return holds ? 'holds' : 'contradicted';
    } catch (err) {
      // A limit is not a value problem: it ends the run (undecided here, it went unseen).
      if (err instanceof LimitError) throw err;
      if (err === UNDETERMINED || err instanceof OrdoError) return 'undecided';
      throw err;
    }
  }

  /**
   * A symbolic value of the path at position `path`, from the writes chosen so far;
   * PENDING when it needs a read whose write is not chosen yet (or a value cycle).
   */
  private valueOn(path: number, sym: Sym): ResolvedValue | Pending {
    this.generation++;
    return evaluateSymbolic(sym, (local) => this.readValue(this.space.globalId(path, local)));
  }

  private readValue(id: number): ResolvedValue | Pending {
    const w = this.readsFrom[this.space.readIndex(id)];
    if (w < 0) return PENDING;
    return this.writtenValue(w);
  }

  private writtenValue(id: number): ResolvedValue | Pending {
    const space = this.space;
    const e = space.events[id];
    if (e.init) return space.memory.get(e.loc!)!;
    if (this.visiting[id] === this.generation) return PENDING; // a value cycle: the leaf decides
    this.visiting[id] = this.generation;
    const t = space.pathIndex(e.thread);
    const v = evaluateSymbolic(space.traceEvent(id).value!, (local) =>
      this.readValue(space.globalId(t, local)),
    );
    this.visiting[id] = 0;
    return v;
  }
}
