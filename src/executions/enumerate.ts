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
import { checkLimits, noteExecutionTried } from '../limits.js';
import type { ModelInput } from '../cat/input.js';
import { findArchitecture } from '../arch/index.js';
import { evaluateSymbolic, UNDETERMINED, type ResolvedValue } from '../events/symbolic.js';
import type { ThreadTrace } from '../events/traces.js';
import { CandidateSpace } from './candidate-space.js';
import { PathConditions, type RegisterCheck } from './path-conditions.js';
import { CandidateValues } from './values.js';
import {
  buildModelInput,
  partialCandidates,
  staticRelations,
  type Candidate,
  type PartialCandidates,
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
  // A cell may be observed alone (`x[0]`) and as part of its array (`x`): once each.
  const observedMemory = [...new Set(observedLocations(test, true).flatMap(memoryCells))];
  const architecture = findArchitecture(test.arch);
  if (!architecture) throw new OrdoError(`unsupported litmus architecture ${test.arch}`);

  const share = options.share && options.share.count > 1 ? options.share : null;
  let position = 0; // of the next candidate, for `share`
  const forCombination = (paths: ThreadTrace[]): boolean => {
    if (stats) stats.combinations++;
    const rejectsAll = options.rejectsAll;
    const space = new CandidateSpace(paths, memory, observedMemory, rejectsAll !== undefined);
    const fault = paths.find((p) => p.fault !== undefined)?.fault;
    const { events, reads, finalLocations } = space;
    const values = new CandidateValues(space);
    const readsFrom = values.readsFrom;
    const conditions = new PathConditions(space, readsFrom, options.registerChecks);
    const stat = staticRelations(architecture, space);
    const policy = rejectsAll ? new PartialPolicy(space.readsFromChoices) : null;

    const finalChoice = new Array<number>(finalLocations.length).fill(0);
    const emit = (): boolean => {
      checkLimits(options.deadline);
      if (share && position++ % share.count !== share.index) return true;
      const finalWrites = new Map<string, number>();
      finalLocations.forEach((loc, i) =>
        finalWrites.set(loc, space.finalWriteChoices[i][finalChoice[i]]),
      );
      const registers = new Map<number, Map<string, ResolvedValue>>();
      try {
        paths.forEach((p, t) => {
          const regs = new Map<string, ResolvedValue>();
          for (const [name, sym] of p.registers)
            regs.set(
              name,
              evaluateSymbolic(sym, (local) => values.readValue(space.globalId(t, local))),
            );
          registers.set(p.thread, regs);
        });
      } catch (err) {
        if (err === UNDETERMINED) return true; // a register computed from an undetermined value
        throw err;
      }
      const rf: Array<[number, number]> = reads.map((r, i) => [readsFrom[i], r.id]);
      const eventValues = events.map((e) => values.eventValue(e.id));
      const cand: Candidate = {
        events,
        values: eventValues,
        readsFrom: rf,
        finalWrites,
        registers,
      };
      if (fault) cand.fault = fault;
      return visit(cand, buildModelInput(cand, stat));
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
          const rejected = rejectsAll!(partialCandidates(space, stat, readsFrom, i + 1));
          policy.answered(i + 1, rejected);
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

/** Subtrees with fewer leaves than this are not asked about: the leaves cost less. */
const SMALLEST_SUBTREE = 8;
/** Answers at a depth before its record decides whether it is worth asking there. */
const FIRST_ANSWERS = 64;
/** Below this share of rejections, a depth is asked once in ASK_EVERY times only. */
const USEFUL_SHARE = 1 / 16;
const ASK_EVERY = 16;

/**
 * When to ask whether a partial choice's candidates are all rejected: after `chosen`
 * reads have their writes, when the candidates below (the product of the remaining
 * reads' choices) are at least SMALLEST_SUBTREE, and while at least one answer in 16 at
 * that depth has been a rejection (else once in 16 times, to notice a change). Counts
 * only, no clock: the same choices are asked about in every run.
 */
class PartialPolicy {
  /** By number of reads chosen: candidates below one partial choice. */
  private readonly below: number[];
  private readonly asked: number[];
  private readonly rejected: number[];
  /** Times not asked at a depth found not worth it. */
  private readonly passed: number[];

  constructor(choices: number[][]) {
    const m = choices.length;
    this.below = new Array<number>(m + 1).fill(1);
    for (let i = m - 1; i >= 0; i--) this.below[i] = this.below[i + 1] * choices[i].length;
    this.asked = new Array<number>(m + 1).fill(0);
    this.rejected = new Array<number>(m + 1).fill(0);
    this.passed = new Array<number>(m + 1).fill(0);
  }

  worthAsking(chosen: number): boolean {
    if (this.below[chosen] < SMALLEST_SUBTREE) return false;
    const asked = this.asked[chosen];
    if (asked < FIRST_ANSWERS || this.rejected[chosen] >= asked * USEFUL_SHARE) return true;
    return ++this.passed[chosen] % ASK_EVERY === 0;
  }

  answered(chosen: number, rejected: boolean): void {
    this.asked[chosen]++;
    if (rejected) this.rejected[chosen]++;
  }
}
