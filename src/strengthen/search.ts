// The search for minimal strengthenings: every combination of up to `maxChanges`
// compatible edits, smallest combinations first and, within a size, cheapest first; each
// combination is verified by running the edited test through the whole pipeline. Going by
// size makes minimality exact: when a combination is tried, all its proper subsets have
// been tried, and a combination holding a solution is skipped as not minimal.

import { runTestText, type RunOptions } from '../api/run.js';
import { limitClock } from '../limits.js';
import { Explainer, describeSelector, type OutcomeSelector } from '../outcomes/explain.js';
import { applyEdits, strengtheningEdits, type Edit } from './edits.js';
import type { CostFunction } from './costs.js';

export interface StrengthenOptions {
  cost: CostFunction;
  maxChanges: number;
  /** The outcome to forbid; the test's condition by default. */
  outcome: OutcomeSelector;
  run: RunOptions;
  /** Cap on edited tests run. */
  maxCandidates: number;
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
  /** Every edit the search could use. */
  edits: Edit[];
  /** The minimal solutions, cheapest first. */
  solutions: Solution[];
  /** Edited tests run. */
  tried: number;
  /** Set when a limit stopped the search: the solutions are those found so far. */
  limit?: string;
}

/** Whether the outcome is allowed in `text`, or the limit that stopped the run. */
function outcomeAllowed(
  file: string,
  text: string,
  options: StrengthenOptions,
  timeout: number | undefined,
): { allowed: boolean; outcome: string; limit?: string } {
  const explainer = new Explainer(options.outcome, 0);
  const result = runTestText(file, text, { ...options.run, timeout }, explainer);
  const outcome = describeSelector(options.outcome, result.conditionText, result.columns);
  if (result.limit) return { allowed: true, outcome, limit: result.limit };
  return { allowed: explainer.result(outcome).verdict === 'allowed', outcome };
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
  const original = outcomeAllowed(file, source, options, remaining());
  const edits = strengtheningEdits(source);
  const base = {
    test: name,
    outcome: original.outcome,
    sourceText: source,
    edits,
    solutions: [],
    tried: 0,
  };
  if (original.limit) return { ...base, alreadyForbidden: false, limit: original.limit };
  if (!original.allowed) return { ...base, alreadyForbidden: true };
  const solutions: Solution[] = [];
  let tried = 0;
  for (let size = 1; size <= options.maxChanges; size++) {
    const round = [...combinations(edits, size)]
      .filter((combo) => !solutions.some((s) => contains(combo, s.edits)))
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
        solutions: solutions.sort((a, b) => a.cost - b.cost || a.edits.length - b.edits.length),
        tried,
        ...(limit ? { limit } : {}),
      });
      if (stop) return finish(stop);
      const text = applyEdits(source, candidate.edits);
      const verdict = outcomeAllowed(file, text, options, remaining());
      tried++;
      if (verdict.limit) return finish(verdict.limit);
      if (!verdict.allowed) solutions.push({ ...candidate, text });
    }
  }
  solutions.sort((a, b) => a.cost - b.cost || a.edits.length - b.edits.length);
  return { ...base, alreadyForbidden: false, solutions, tried };
}
