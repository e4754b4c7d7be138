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
import { buildModelInput, staticRelations, type Candidate } from './model-input.js';
import { observedLocations } from './test-analysis.js';

export type { ExecEvent } from './candidate-space.js';
export type { RegisterCheck } from './path-conditions.js';
export type { Candidate } from './model-input.js';
export { initialMemory, observedLocations, buildTraces } from './test-analysis.js';

/** Counters of the enumeration's work, for tests and the benchmark. */
export interface EnumerationStats {
  /** Path combinations (one control path per thread) explored. */
  combinations: number;
  /** Complete reads-from choices that reached value resolution. */
  readsFromLeaves: number;
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
    const space = new CandidateSpace(paths, memory, observedMemory);
    const fault = paths.find((p) => p.fault !== undefined)?.fault;
    const { events, reads, finalLocations } = space;
    const values = new CandidateValues(space);
    const readsFrom = values.readsFrom;
    const conditions = new PathConditions(space, readsFrom, options.registerChecks);
    const stat = staticRelations(architecture, space);

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
