// The search for minimal strengthenings: every combination of up to `maxChanges`
// compatible edits, smallest combinations first and, within a size, cheapest first; each
// combination is verified by running the edited test through the whole pipeline. Going by
// size makes minimality exact: when a combination is tried, all its proper subsets have
// been tried, and a combination holding a solution is skipped as not minimal.
//
// Pruning: the test as written is run once, collecting the cycles of po | com its
// witnesses lie on (cycles.ts, which argues why no minimal solution is lost); an ordering
// edit off every such cycle is left out, and so is a single critical section. Where two or
// more critical sections share the lock the argument does not hold, and combinations
// with them draw their other edits from all edits (the exhaustive search).

import { runTestText, type RunOptions } from '../api/run.js';
import { OrdoError, assertNever } from '../diagnostics.js';
import { architectureOf } from '../arch/index.js';
import { limitClock } from '../limits.js';
import { describeSelector, type OutcomeSelector } from '../outcomes/explain.js';
import { applyEdits, isLockEdit, strengtheningEdits, type Edit } from './edits.js';
import { bpfStrengtheningEdits } from './bpf-edits.js';
import type { CostFunction } from './costs.js';
import { FirstWitness, WitnessCycles, type CycleStretch } from './cycles.js';

export interface StrengthenOptions {
  cost: CostFunction;
  maxChanges: number;
  /** The outcome to forbid; the test's condition by default. */
  outcome: OutcomeSelector;
  run: RunOptions;
  /** Cap on edited tests run. */
  maxCandidates: number;
  /** Leave out edits off the witnesses' cycles (default); false searches all edits. */
  prune?: boolean;
}

export interface Solution {
  edits: Edit[];
  cost: number;
  text: string;
}

export interface StrengthenResult {
  test: string;
  /** The outcome, as the condition's text or herd7's state spelling. */
  outcome: string;
  /** The test's source as given (solutions' diffs are against it). */
  sourceText: string;
  /** The outcome is already forbidden in the test as written. */
  alreadyForbidden: boolean;
  /** Every edit of the test. */
  edits: Edit[];
  /** The edits on the witnesses' cycles (all edits when not pruning): what is tried alone. */
  onCycles: Edit[];
  /** The minimal solutions, cheapest first. */
  solutions: Solution[];
  /** Edited tests run. */
  tried: number;
  /** Edits the model refused to run (e.g. a barrier the model does not name), with why. */
  refused: Array<{ edit: Edit; message: string }>;
  /** Set when a limit stopped the search: the solutions are those found so far. */
  limit?: string;
}

/** Whether the outcome is allowed in `text`, or the limit that stopped the run. */
function outcomeAllowed(
  file: string,
  text: string,
  options: StrengthenOptions,
  timeout: number | undefined,
): { allowed: boolean; limit?: string } {
  const witness = new FirstWitness(options.outcome);
  const result = runTestText(file, text, { ...options.run, timeout }, witness);
  if (result.limit) return { allowed: true, limit: result.limit };
  return { allowed: witness.allowed };
}

/** The strengthening edits of a C (LKMM) or BPF test. */
export function editsOf(file: string, source: string): Edit[] {
  const arch = architectureOf(source, file).name;
  if (arch === 'C') return strengtheningEdits(source);
  if (arch === 'BPF') return bpfStrengtheningEdits(source, file);
  throw new OrdoError(`${file}: strengthen handles C (LKMM) and BPF tests only, not ${arch}`);
}

/** Whether the edit acts where a stretch of its thread on a witness's cycle runs. */
export function touchesCycle(e: Edit, stretches: readonly CycleStretch[]): boolean {
  return stretches.some((s) => {
    if (s.thread !== e.thread) return false;
    const crosses = (line: number): boolean => s.fromLine < line + 1 && line + 1 <= s.toLine;
    switch (e.place.kind) {
      case 'access':
        return s.fromLine <= e.place.line + 1 && e.place.line + 1 <= s.toLine;
      case 'gap':
        return crosses(e.place.line);
      case 'section':
        // The lock's events sit before the first line and after the last.
        return crosses(e.place.first) || crosses(e.place.last + 1);
      default:
        return assertNever(e.place);
    }
  });
}

/** The combinations of `size` edits from `edits`, no two in one slot. */
function* combinations(edits: readonly Edit[], size: number, from = 0): Generator<Edit[]> {
  if (size === 0) {
    yield [];
    return;
  }
  for (let i = from; i <= edits.length - size; i++)
    for (const rest of combinations(edits, size - 1, i + 1))
      if (!rest.some((e) => e.slot === edits[i].slot)) yield [edits[i], ...rest];
}

/** Cheapest first; among equals, fewer edits, and ordering before mutual exclusion. */
function byCost(a: Solution, b: Solution): number {
  const locks = (s: Solution): number => s.edits.filter(isLockEdit).length;
  return a.cost - b.cost || a.edits.length - b.edits.length || locks(a) - locks(b);
}

function contains(outer: readonly Edit[], inner: readonly Edit[]): boolean {
  return inner.every((e) => outer.includes(e));
}

export function strengthen(
  file: string,
  source: string,
  options: StrengthenOptions,
): StrengthenResult {
  const deadline = options.run.timeout ? limitClock() + options.run.timeout * 1000 : Infinity;
  const remaining = (): number | undefined =>
    deadline === Infinity ? undefined : Math.max(0.001, (deadline - limitClock()) / 1000);
  const name = /^\s*\S+\s+(\S+)/.exec(source)?.[1] ?? file;
  const cycles = new WitnessCycles(options.outcome);
  const original = runTestText(file, source, { ...options.run, timeout: remaining() }, cycles);
  const edits = editsOf(file, source);
  const onCycles =
    options.prune === false ? edits : edits.filter((e) => touchesCycle(e, cycles.stretches));
  const base = {
    test: name,
    outcome: describeSelector(
      options.outcome,
      original.quantifier === 'forall'
        ? `a state breaking ${original.conditionText}`
        : original.conditionText,
      original.columns,
    ),
    sourceText: source,
    edits,
    onCycles,
    solutions: [],
    tried: 0,
    refused: [],
  };
  if (original.limit) return { ...base, alreadyForbidden: false, limit: original.limit };
  if (!cycles.allowed) return { ...base, alreadyForbidden: true };
  // A combination with two or more critical sections escapes the pruning argument.
  const searched = (combo: readonly Edit[]): boolean =>
    combo.filter(isLockEdit).length >= 2 || combo.every((e) => onCycles.includes(e));
  const solutions: Solution[] = [];
  const refused: StrengthenResult['refused'] = [];
  let tried = 0;
  for (let size = 1; size <= options.maxChanges; size++) {
    const round = [...combinations(edits, size)]
      .filter(
        (combo) =>
          searched(combo) &&
          !combo.some((e) => refused.some((r) => r.edit === e)) &&
          !solutions.some((s) => contains(combo, s.edits)),
      )
      .map((combo) => ({ edits: combo, cost: options.cost.price(combo) }))
      .sort((a, b) => a.cost - b.cost);
    for (const candidate of round) {
      const stop =
        tried >= options.maxCandidates
          ? `max-candidates ${options.maxCandidates}`
          : limitClock() >= deadline
            ? `timeout ${options.run.timeout}`
            : null;
      const finish = (limit?: string): StrengthenResult => ({
        ...base,
        alreadyForbidden: false,
        solutions: solutions.sort(byCost),
        tried,
        refused,
        ...(limit ? { limit } : {}),
      });
      if (stop) return finish(stop);
      const text = applyEdits(source, candidate.edits);
      let verdict;
      try {
        verdict = outcomeAllowed(file, text, options, remaining());
      } catch (err) {
        // A single edit the model cannot run is left out of every combination.
        if (!(err instanceof OrdoError) || candidate.edits.length > 1) throw err;
        refused.push({ edit: candidate.edits[0], message: err.message });
        continue;
      } finally {
        tried++;
      }
      if (verdict.limit) return finish(verdict.limit);
      if (!verdict.allowed) solutions.push({ ...candidate, text });
    }
  }
  solutions.sort(byCost);
  return { ...base, alreadyForbidden: false, solutions, tried, refused };
}
