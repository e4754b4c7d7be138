// Whether a model rejects every candidate execution of a partial reads-from choice.
//
// The enumerator (src/executions) chooses reads-from read by read; below a partial choice
// lie the candidates whose rf holds the pairs chosen so far and, for every read not
// chosen yet, one of its possible writes, and whose FW holds one possible final write per
// observed location. Every such candidate's rf and FW lie between a lower and an upper
// bound, so the model evaluated once over those bounds (bounds.ts, BoundRun.overInputs)
// shows a check that every one of them fails, when there is one: the subtree is then
// never built. Forks whose set the bounds fix (herd's cos-opt.cat: `with co from
// generate_cos(cobase)` once cobase no longer depends on the reads left) are searched by
// groups of alternatives, and fail only when every group does.
//
// Event values are unknown there: what reads them (a value-reading primitive) is left to
// the candidates, as anything else the bounds cannot follow. A model that reads inputs
// the enumerator does not bound (co, herd's pco) is never judged this way.

import type { EventSet, Relation } from '../relations/index.js';
import { BoundRun, type Bound } from './bounds.js';
import { BOUNDED_INPUTS, PER_CANDIDATE_INPUTS, type ModelInput } from './input.js';
import { Evaluator, type EvalOptions } from './interp.js';
import type { CompiledProgram } from './resolved.js';

/** The largest rf and FW of the candidates below a partial choice (the lower ones are the input's). */
export interface UpperInputs {
  rf: Relation;
  FW: EventSet;
}

/** Per-candidate inputs without bounds: a model reading one is not judged over bounds. */
const UNBOUNDED: ReadonlySet<string> = new Set(
  [...PER_CANDIDATE_INPUTS].filter((n) => !(BOUNDED_INPUTS as readonly string[]).includes(n)),
);

/** By program: the indices of its bounded inputs, or null when it cannot be judged so. */
const boundedInputs = new WeakMap<CompiledProgram, Array<[number, 'rf' | 'FW']> | null>();

function boundedInputsOf(prog: CompiledProgram): Array<[number, 'rf' | 'FW']> | null {
  let known = boundedInputs.get(prog);
  if (known !== undefined) return known;
  known = null;
  if (!prog.inputNames.some((n) => UNBOUNDED.has(n))) {
    known = [];
    for (const name of BOUNDED_INPUTS) {
      const i = prog.inputNames.indexOf(name);
      if (i >= 0) known.push([i, name]);
    }
  }
  boundedInputs.set(prog, known);
  return known;
}

/**
 * Whether the model rejects every candidate whose rf and FW lie between those of `lower`
 * (a candidate's input, event values unknown) and `upper`. False when it cannot tell.
 */
export function rejectsEveryCandidate(
  prog: CompiledProgram,
  lower: ModelInput,
  upper: UpperInputs,
  opts: EvalOptions,
): boolean {
  const bounded = boundedInputsOf(prog);
  if (bounded === null) return false;
  // The host evaluates beside the combination's candidates, on an input of its own (the
  // choices made so far): it keeps its memos to itself. Sharing the combination's would
  // mark the candidates' steady inputs (FW) as varying, and drop the values kept for
  // them, at every question whose input differs from theirs.
  const host = new Evaluator(prog, { ...lower, fixedPart: undefined }, { deadline: opts.deadline });
  const inputs = new Map<number, Bound>();
  for (const [i, name] of bounded) {
    const lo = name === 'rf' ? lower.relations.get('rf') : lower.sets.get('FW');
    if (lo === undefined) return false;
    inputs.set(i, { lo, hi: upper[name] });
  }
  return BoundRun.overInputs(host, prog.code, inputs, lower.fixedPart) >= 0;
}
