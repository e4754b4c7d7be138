// Candidate executions. Combines one control path per thread, chooses for every read the
// write it reads from (rf) and for every observed location its final write (FW), fixes
// the values, and hands each consistent candidate to the model. Coherence orders are left
// to the model when it generates them itself (`withoutco`, as LKMM and the BPF model do).
// The parts: test-analysis.ts (locations, paths), candidate-space.ts (the choices of one
// path combination), path-conditions.ts (pruning while choosing), values.ts (solving a
// candidate's values), model-input.ts (the model's input); this file runs the choices.

import type { LitmusTest, Value } from '../program/ir.js';
import { memoryCells } from '../program/ir.js';
import { OrdoError } from '../diagnostics.js';
import { checkLimits, limitClock, noteExecutionTried } from '../limits.js';
import type { ModelInput } from '../cat/input.js';
import { findArchitecture } from '../arch/index.js';
import {
  evaluateSymbolic,
  UNDETERMINED,
  type ResolvedValue,
  type Sym,
} from '../events/symbolic.js';
import type { ThreadTrace } from '../events/traces.js';
import { CandidateSpace, type ExecEvent } from './candidate-space.js';
import { PathConditions, type RegisterCheck } from './path-conditions.js';
import { CandidateValues } from './values.js';
import {
  CandidateInputs,
  partialCandidates,
  staticRelations,
  type Candidate,
  type PartialCandidates,
  type StaticRelations,
} from './model-input.js';
import { observedLocations } from './test-analysis.js';

export type { ExecEvent } from './candidate-space.js';
export type { RegisterCheck } from './path-conditions.js';
export type { Candidate, PartialCandidates } from './model-input.js';
export { initialMemory, observedLocations, buildTraces } from './test-analysis.js';

/** Counters of the enumeration's work, for tests and the benchmark. */
export interface EnumerationStats {
  /** Path combinations (one control path per thread) explored. */
  combinations: number;
  /** Complete reads-from choices that reached value resolution. */
  readsFromLeaves: number;
  /** Partial reads-from choices shown to `rejectsAll`, and those it rejected. */
  partialChecks?: number;
  partialRejected?: number;
}

export interface EnumerationLimits {
  /** Deadline (a limitClock() value) or Infinity; -max-executions is the run's (limits.ts). */
  deadline: number;
}

/** The limits, and what else shapes an enumeration. */
export interface EnumerationOptions extends EnumerationLimits {
  /**
   * Checks on final register values (the test's filter) applied while reads-from is
   * chosen: the candidates they reject are never visited.
   */
  registerChecks?: readonly RegisterCheck[];
  /**
   * Visit only share `index` of `count` (counting from 0): the candidates whose position
   * in the enumeration is index modulo count, so that `count` enumerations of the same
   * test, one per share, visit every candidate exactly once between them. Every share
   * still walks the whole space.
   */
  share?: { index: number; count: number };
  /**
   * Whether the model rejects every candidate below a partial reads-from choice (true:
   * none of them is built). Asked after some choices, while the subtree below is large
   * enough and its answers have been worth asking (see PartialPolicy); the reads whose
   * thread accesses their location elsewhere are then chosen first (CandidateSpace).
   */
  rejectsAll?: (partial: PartialCandidates) => boolean;
  /**
   * Ask `rejectsAll` at every partial choice with SMALLEST_SUBTREE candidates or more
   * below, whatever the answers cost (tests, the fuzzer's differential runs).
   */
  askAlways?: boolean;
  /**
   * Whether the visit may keep a candidate's model input past its call (an observer):
   * each input then has maps of its own; else candidates of one combination share them,
   * each seeing its own rf.
   */
  retained?: boolean;
}

/**
 * Enumerate candidate executions. `visit` receives each consistent candidate together with
 * the model input built for it; it returns false to stop the enumeration early.
 */
export function enumerateCandidates(
  test: LitmusTest,
  traces: ThreadTrace[][],
  memory: Map<string, Value>,
  options: EnumerationOptions,
  visit: (cand: Candidate, input: ModelInput) => boolean,
  stats?: EnumerationStats,
): void {
  enumerateLeaves(
    test,
    traces,
    memory,
    { ...options, retained: true },
    (leaf) => visit(leaf.candidate(), leaf.input()),
    stats,
  );
}

/**
 * Enumerate candidate executions as leaves: `visit` receives each consistent candidate as
 * a CandidateLeaf, which makes the candidate's data and model input when asked (a run
 * without observers needs no Candidate), and is valid only during the call.
 */
export function enumerateLeaves(
  test: LitmusTest,
  traces: ThreadTrace[][],
  memory: Map<string, Value>,
  options: EnumerationOptions,
  visit: (leaf: CandidateLeaf) => boolean,
  stats?: EnumerationStats,
): void {
  // A cell may be observed alone (`x[0]`) and as part of its array (`x`): once each.
  const observedMemory = [...new Set(observedLocations(test, true).flatMap(memoryCells))];
  const architecture = findArchitecture(test.arch);
  if (!architecture) throw new OrdoError(`unsupported litmus architecture ${test.arch}`);

  const share = options.share && options.share.count > 1 ? options.share : null;
  const policy = options.rejectsAll ? new PartialPolicy(options.askAlways === true) : null;
  let position = 0; // of the next candidate, for `share`
  // The candidates' cost is timed in batches, across combinations (a combination's setup
  // is part of what its candidates cost): the clock, a system call on the CPU clock, read
  // per candidate or per combination was 10-15 % of runs whose candidates are cheap. A
  // batch ends after CLOCKED_EVERY candidates or a millisecond of elapsed time (cheap to
  // read, and never less than the CPU time in this thread), so that dear candidates are
  // still timed one by one: a batch of 32 candidates of a second each would leave the
  // policy with the cheaper ones' figure for half a minute.
  let lastVisit = policy ? limitClock() : 0;
  let lastElapsed = performance.now();
  let unclocked = 0; // candidates visited since lastVisit
  const forCombination = (paths: ThreadTrace[]): boolean => {
    if (stats) stats.combinations++;
    const rejectsAll = options.rejectsAll;
    const space = new CandidateSpace(paths, memory, observedMemory, rejectsAll !== undefined);
    const fault = paths.find((p) => p.fault !== undefined)?.fault;
    const { reads, finalLocations } = space;
    const values = new CandidateValues(space);
    const readsFrom = values.readsFrom;
    const conditions = new PathConditions(space, readsFrom, options.registerChecks);
    const stat = staticRelations(architecture, space);
    policy?.combination(space.readsFromChoices);

    const leaf = new Leaf(space, values, stat, fault, options.retained === true);
    const finalChoice = leaf.finalChoice;
    const emit = (): boolean => {
      checkLimits(options.deadline);
      if (share && position++ % share.count !== share.index) return true;
      if (!leaf.next()) return true; // a register computed from an undetermined value
      const more = visit(leaf);
      if (policy && (++unclocked === CLOCKED_EVERY || performance.now() - lastElapsed >= 1)) {
        const now = limitClock();
        policy.visited(now - lastVisit, unclocked);
        lastVisit = now;
        lastElapsed = performance.now();
        unclocked = 0;
      }
      return more;
    };
    const chooseFinalWrites = (i: number): boolean => {
      if (i === finalLocations.length) return emit();
      for (let c = 0; c < space.finalWriteChoices[i].length; c++) {
        // Each final-write choice after the first is one more candidate tried.
        if (c > 0) noteExecutionTried();
        finalChoice[i] = c;
        if (!chooseFinalWrites(i + 1)) return false;
      }
      return true;
    };
    const chooseReadsFrom = (i: number): boolean => {
      if (i === reads.length) {
        // -max-executions bounds the work done: every reads-from choice tried counts,
        // whether its values resolve or not (counting only consistent ones ran unbounded).
        noteExecutionTried();
        checkLimits(options.deadline);
        if (stats) stats.readsFromLeaves++;
        if (!values.resolve()) return true;
        return chooseFinalWrites(0);
      }
      for (const w of space.readsFromChoices[i]) {
        readsFrom[i] = w;
        if (!conditions.holdAfter(i)) {
          // A choice the path conditions reject is a candidate tried too: else a subtree
          // rejected just above its leaves (2^100 of them) is unbounded work under the limit.
          noteExecutionTried();
          continue;
        }
        if (policy && policy.worthAsking(i + 1)) {
          if (stats) stats.partialChecks = (stats.partialChecks ?? 0) + 1;
          const started = limitClock();
          const rejected = rejectsAll!(partialCandidates(space, stat, readsFrom, i + 1));
          const now = limitClock();
          policy.answered(i + 1, rejected, now - started);
          // An answer's time is not a candidate's.
          lastVisit += now - started;
          if (rejected) {
            if (stats) stats.partialRejected = (stats.partialRejected ?? 0) + 1;
            continue;
          }
        }
        if (!chooseReadsFrom(i + 1)) return false;
      }
      readsFrom[i] = -1;
      return true;
    };
    return chooseReadsFrom(0);
  };

  const choice = new Array<number>(traces.length).fill(0);
  const combine = (t: number): boolean => {
    if (t === traces.length) return forCombination(traces.map((ts, i) => ts[choice[i]]));
    for (let i = 0; i < traces[t].length; i++) {
      choice[t] = i;
      if (!combine(t + 1)) return false;
    }
    return true;
  };
  combine(0);
}

/** Subtrees with fewer candidates than this are not asked about: the candidates cost less. */
const SMALLEST_SUBTREE = 8;
/** Candidates timed together (one clock reading per batch). */
const CLOCKED_EVERY = 32;
/** Candidates visited before any question: what one costs is measured on them. */
const FIRST_CANDIDATES = 16;
/** Combinations whose candidates are expected to take less (ms, CPU) are not asked about. */
const LARGE_MS = 3000;
/** Answers at a depth before its record decides whether it is worth asking there. */
const FIRST_ANSWERS = 2;
/**
 * At a depth found not worth asking, a partial choice is still asked about now and then,
 * to notice a change: first after this many passed, then after twice as many as the last
 * time, until an answer rejects again. Where no answer ever rejects (the RCU family: every
 * candidate allowed), these answers are pure cost: one in 16 made RCU-19 take 40.0 s of
 * CPU instead of 27.7 s; one in 256, 25.8 s; one in 256 still cost RCU-19 533 answers
 * (1.3 s of 17.6 s CPU) in session 9, hence the growing interval: the answers at a depth
 * grow with the logarithm of its choices, and a change is still noticed before the
 * choices passed since the last answer have doubled.
 */
const ASK_EVERY = 256;
/**
 * How many times its cost an answer must be expected to save: the candidates below are
 * counted before path conditions and filters cut them, and the first figures include
 * compiling the bound evaluation.
 */
const WORTH = 4;
/** Weight of the newest figure in the moving averages. */
const NEWEST = 0.1;

/**
 * When to ask whether a partial choice's candidates are all rejected: after `chosen`
 * reads have their writes, when the candidates below (the product of the remaining reads'
 * choices) are at least SMALLEST_SUBTREE, in a combination whose candidates are expected
 * to take LARGE_MS or more, and while the answers at that depth have been
 * worth their cost: the share of rejections times the candidates below times what a
 * candidate costs (its enumeration and model, measured) at least WORTH times what an
 * answer costs there (measured). Else now and then (ASK_EVERY), to notice a change. Times are of
 * limitClock (CPU time on the main thread, elapsed time in a worker): which choices are
 * asked about, and so which subtrees are skipped, differ between runs; the answer never
 * does, as only subtrees the model rejects entirely are skipped.
 */
export class PartialPolicy {
  /** By number of reads chosen: candidates below one partial choice (this combination's). */
  private below: number[] = [];
  /** By number of reads chosen, in this combination: answers, and their record. */
  private asked: number[] = [];
  /** Moving averages, by depth: the share of rejections, an answer's cost (ms). */
  private rejectedShare: number[] = [];
  private answerCost: number[] = [];
  /** Times not asked at a depth found not worth it, since it was last asked there so. */
  private passed: number[] = [];
  /** By depth: how many are passed before the next answer (see ASK_EVERY). */
  private interval: number[] = [];
  /**
   * Moving average of a candidate's cost (ms): the enumeration's time between visits (its
   * share of its combination's setup included, answers excluded) over the candidates.
   */
  private candidateCost = 0;
  private candidates = 0;

  constructor(private readonly always: boolean) {}

  /**
   * A path combination begins, with these choices per read. A depth means other reads in
   * another combination: its record starts again (a candidate's cost is kept).
   */
  combination(choices: number[][]): void {
    const m = choices.length;
    this.below = new Array<number>(m + 1).fill(1);
    // Capped so that a product of many choices stays finite: Infinity times a measured
    // cost of 0 would be NaN, and every comparison with it false.
    for (let i = m - 1; i >= 0; i--)
      this.below[i] = Math.min(this.below[i + 1] * choices[i].length, Number.MAX_SAFE_INTEGER);
    this.asked = new Array<number>(m + 1).fill(0);
    this.rejectedShare = new Array<number>(m + 1).fill(0);
    this.answerCost = new Array<number>(m + 1).fill(0);
    this.passed = new Array<number>(m + 1).fill(0);
    this.interval = new Array<number>(m + 1).fill(ASK_EVERY);
  }

  worthAsking(chosen: number): boolean {
    const below = this.below[chosen];
    if (below < SMALLEST_SUBTREE) return false;
    if (this.always) return true;
    // A combination expected to take less than LARGE_MS is left alone: the first answers
    // cost the compiling of the bound evaluation.
    if (this.candidates < FIRST_CANDIDATES || this.below[0] * this.candidateCost < LARGE_MS)
      return false;
    if (this.asked[chosen] < FIRST_ANSWERS) return true;
    const saves = this.rejectedShare[chosen] * below * this.candidateCost;
    if (saves >= WORTH * this.answerCost[chosen]) return true;
    if (++this.passed[chosen] < this.interval[chosen]) return false;
    this.passed[chosen] = 0;
    this.interval[chosen] *= 2;
    return true;
  }

  answered(chosen: number, rejected: boolean, ms: number): void {
    const first = this.asked[chosen]++ === 0;
    if (rejected) this.interval[chosen] = ASK_EVERY;
    const share = rejected ? 1 : 0;
    this.rejectedShare[chosen] = first
      ? share
      : (1 - NEWEST) * this.rejectedShare[chosen] + NEWEST * share;
    this.answerCost[chosen] = first ? ms : (1 - NEWEST) * this.answerCost[chosen] + NEWEST * ms;
  }

  /**
   * `count` candidates were visited in `ms` since the previous ones (or since the
   * enumeration began). Each batch is one figure of the moving average.
   */
  visited(ms: number, count: number): void {
    const each = ms / count;
    this.candidateCost =
      this.candidates === 0 ? each : (1 - NEWEST) * this.candidateCost + NEWEST * each;
    this.candidates += count;
  }
}

/**
 * A candidate's final values, read by slot: a slot is looked up once per path combination
 * (`combination` tells combinations apart), and read per candidate without a map.
 */
export interface FinalValues {
  /** Identity of the path combination: slots hold for all its candidates. */
  readonly combination: object;
  /** The slot of a thread's register, or -1 when the combination's path never sets it. */
  registerSlot(thread: number, name: string): number;
  /** A register's final value by slot. */
  registerValue(slot: number): ResolvedValue;
  /** The slot of a memory cell's final write, or -1 when it has none (its initial value stays). */
  finalSlot(cell: string): number;
  /** The value the final write of a slot stores (null when it has none). */
  finalValue(slot: number): ResolvedValue | null;
}

/**
 * One candidate of an enumeration as its visit sees it, valid during the visit only: the
 * same object is handed on with the next candidate of the combination.
 */
export interface CandidateLeaf extends FinalValues {
  readonly events: ExecEvent[];
  /** The fault of a path of the candidate that stopped at no location (ThreadTrace.fault). */
  readonly fault: Error | undefined;
  /** The candidate as data (made at the first call of a visit; observers keep it). */
  candidate(): Candidate;
  /** The model's input for the candidate (made at the first call of a visit). */
  input(): ModelInput;
}

/**
 * The leaves of one path combination: the candidate's register values in an array by slot,
 * its final-write choice by position, and its values and reads-from in the enumerator's
 * buffers; a Candidate and a model input are made only when asked for.
 */
class Leaf implements CandidateLeaf {
  readonly events: ExecEvent[];
  /** By final location (space.finalLocations): the chosen position among its choices. */
  readonly finalChoice: number[];
  get combination(): object {
    return this;
  }
  /** By slot: each register's final value, its path, its symbolic value. */
  private readonly registerValues: ResolvedValue[];
  private readonly registerPaths: number[];
  private readonly registerSyms: Sym[];
  /** By thread: its registers' slots by name. */
  private readonly slots = new Map<number, Map<string, number>>();
  private readonly finalSlots = new Map<string, number>();
  private readonly inputs: CandidateInputs;
  private made: Candidate | null = null;
  private madeInput: ModelInput | null = null;

  constructor(
    private readonly space: CandidateSpace,
    private readonly values: CandidateValues,
    stat: StaticRelations,
    readonly fault: Error | undefined,
    retained: boolean,
  ) {
    this.events = space.events;
    this.finalChoice = new Array<number>(space.finalLocations.length).fill(0);
    space.finalLocations.forEach((l, i) => this.finalSlots.set(l, i));
    this.registerPaths = [];
    this.registerSyms = [];
    space.paths.forEach((p, t) => {
      const byName = new Map<string, number>();
      for (const [name, sym] of p.registers) {
        byName.set(name, this.registerSyms.length);
        this.registerPaths.push(t);
        this.registerSyms.push(sym);
      }
      this.slots.set(p.thread, byName);
    });
    this.registerValues = new Array<ResolvedValue>(this.registerSyms.length).fill(0);
    this.inputs = new CandidateInputs(space, values, stat, this.finalChoice, retained);
  }

  /**
   * The next candidate (values resolved, final writes chosen): evaluates every register;
   * false when one is computed from an undetermined value (no execution of the test).
   */
  next(): boolean {
    this.made = null;
    this.madeInput = null;
    const { registerSyms, registerPaths, registerValues } = this;
    const readers = this.values.readers;
    const base = this.space.base;
    try {
      for (let i = 0; i < registerSyms.length; i++) {
        const sym = registerSyms[i];
        registerValues[i] =
          sym.k === 'c'
            ? sym.v
            : sym.k === 'r'
              ? this.values.readValue(base[registerPaths[i]] + sym.ev)
              : evaluateSymbolic(sym, readers[registerPaths[i]]);
      }
    } catch (err) {
      if (err === UNDETERMINED) return false;
      throw err;
    }
    return true;
  }

  registerSlot(thread: number, name: string): number {
    return this.slots.get(thread)?.get(name) ?? -1;
  }

  registerValue(slot: number): ResolvedValue {
    return this.registerValues[slot];
  }

  finalSlot(cell: string): number {
    return this.finalSlots.get(cell) ?? -1;
  }

  finalValue(slot: number): ResolvedValue | null {
    const w = this.space.finalWriteChoices[slot][this.finalChoice[slot]];
    return this.values.eventValue(w);
  }

  candidate(): Candidate {
    if (this.made !== null) return this.made;
    const { space, values } = this;
    const finalWrites = new Map<string, number>();
    space.finalLocations.forEach((l, i) =>
      finalWrites.set(l, space.finalWriteChoices[i][this.finalChoice[i]]),
    );
    const registers = new Map<number, Map<string, ResolvedValue>>();
    for (const [thread, byName] of this.slots) {
      const regs = new Map<string, ResolvedValue>();
      for (const [name, slot] of byName) regs.set(name, this.registerValues[slot]);
      registers.set(thread, regs);
    }
    const readsFrom = values.readsFrom;
    const cand: Candidate = {
      events: this.events,
      values: this.events.map((e) => values.eventValue(e.id)),
      readsFrom: space.reads.map((r, i): [number, number] => [readsFrom[i], r.id]),
      finalWrites,
      registers,
    };
    if (this.fault) cand.fault = this.fault;
    return (this.made = cand);
  }

  input(): ModelInput {
    return (this.madeInput ??= this.inputs.build());
  }
}
