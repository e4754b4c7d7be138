// What the model says about an allowed outcome, for pruning the search: for every witness
// (an execution the model accepts that gives the outcome), the stretches of each thread
// that lie on a cycle of program order and communication (po | rf | co | fr), the cycles
// `ordo explain` draws. An edit can only forbid the outcome where it touches such a
// stretch.
//
// Why pruning by these stretches loses no minimal solution (for a model whose checks are
// acyclic/irreflexive checks over relations built from po, rf, co, fr, dependencies and
// event sets, without negating the sets edits change, and that is monotone: strengthening
// never makes a rejected execution accepted; LKMM is such a model):
// Let S be a minimal solution and e one of its edits. S - {e} does not forbid the outcome,
// so some execution W' of the test edited by S - {e} gives it and is accepted; the same
// execution with e applied (same reads-from and coherence; a fence adds one event in
// program order) is rejected, so one of the model's relations has a new cycle there. Each
// step of that relation is a path of po, rf, co, fr edges through the events whose
// annotations or presence put it in the relation, and the new cycle must use e: it walks
// through e's access, or through e's fence, i.e. along program order from an event before
// e's place to one after it. A closed walk of po | com through those events puts them in
// one strongly connected component of po | com, which is the same in the original test's
// execution W with that reads-from and coherence (annotations and fences do not change po
// between accesses, rf, co or fr). W is accepted by the original test (monotonicity) and
// gives the outcome: a witness, and e touches one of its stretches.
//
// A critical section adds lock events and coherence between them: with two or more
// sections of the same lock, communication runs between threads where the original test
// has none, so the argument fails and the search does not prune edits combined with them
// (see search.ts). A single section adds only edges from the initial write and forward in
// its own thread, so it changes no component and prunes like a fence.

import type { ExecutionObserver, ObservedExecution, RunContext } from '../api/run.js';
import { OrdoError } from '../diagnostics.js';
import { Relation } from '../relations/index.js';
import { columnKey } from '../outcomes/final-state.js';
import { selectorMatches, type OutcomeSelector } from '../outcomes/explain.js';
import type { Quantifier } from '../program/ir.js';

/**
 * Whether the execution gives the outcome to forbid: the selected state, or the one the
 * condition names as bad: its proposition for `exists` and `~exists`, a state breaking it
 * for `forall`.
 */
function givesOutcome(
  selector: OutcomeSelector,
  quantifier: Quantifier,
  x: ObservedExecution,
): boolean {
  if (selector.kind === 'condition' && quantifier === 'forall') return !x.conditionHolds;
  return selectorMatches(selector, x);
}

/**
 * A stretch of one thread on a cycle: from the source line of an event to the line of an
 * event po-after it (or the same event) in one strongly connected component of po | com
 * that has a cycle. Lines are 1-based, as the source positions of events.
 */
export interface CycleStretch {
  thread: number;
  fromLine: number;
  toLine: number;
}

const COMMUNICATION = ['rf', 'co', 'fr'];

/** The stretches of every thread on a cycle of po | rf | co | fr in one execution. */
export function cycleStretches(x: ObservedExecution): CycleStretch[] {
  const relation = (name: string): Relation | null => {
    const v = x.outcome.values?.get(name) ?? x.input.relations.get(name);
    return v instanceof Relation ? v : null;
  };
  let graph = relation('po');
  if (!graph) return [];
  for (const name of COMMUNICATION) {
    const r = relation(name);
    if (r) graph = graph.union(r);
  }
  const reach = graph.plus();
  const events = x.candidate.events;
  const stretches: CycleStretch[] = [];
  for (const a of events) {
    if (a.init || !a.pos) continue;
    for (const b of events) {
      if (b.thread !== a.thread || b.local < a.local || !b.pos) continue;
      const sameComponent =
        a === b ? reach.has(a.id, a.id) : reach.has(a.id, b.id) && reach.has(b.id, a.id);
      if (sameComponent)
        stretches.push({ thread: a.thread, fromLine: a.pos.line, toLine: b.pos.line });
    }
  }
  return stretches;
}

/**
 * Observes a run of the test as written: whether the outcome is allowed, and the cycle
 * stretches of all its witnesses.
 */
export class WitnessCycles implements ExecutionObserver {
  allowed = false;
  private quantifier: Quantifier = 'exists';
  witnesses = 0;
  private readonly seen = new Set<string>();
  readonly stretches: CycleStretch[] = [];

  constructor(private readonly selector: OutcomeSelector) {}

  capture(context: RunContext): string[] {
    checkSelector(this.selector, context);
    this.quantifier = context.test.condition.quantifier;
    return COMMUNICATION;
  }

  observe(x: ObservedExecution): void {
    if (!x.outcome.allowed || !givesOutcome(this.selector, this.quantifier, x)) return;
    this.allowed = true;
    this.witnesses++;
    for (const s of cycleStretches(x)) {
      const key = `${s.thread}:${s.fromLine}:${s.toLine}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.stretches.push(s);
    }
  }
}

/** Observes a run of an edited test: stops at the first witness of the outcome. */
export class FirstWitness implements ExecutionObserver {
  allowed = false;
  private quantifier: Quantifier = 'exists';

  constructor(private readonly selector: OutcomeSelector) {}

  capture(context: RunContext): string[] {
    checkSelector(this.selector, context);
    this.quantifier = context.test.condition.quantifier;
    return [];
  }

  observe(x: ObservedExecution): boolean {
    if (x.outcome.allowed && givesOutcome(this.selector, this.quantifier, x)) this.allowed = true;
    return !this.allowed;
  }
}

function checkSelector(selector: OutcomeSelector, context: RunContext): void {
  if (selector.kind !== 'state') return;
  const known = new Set(context.columns.map(columnKey));
  for (const key of selector.values.keys())
    if (!known.has(key))
      throw new OrdoError(
        `--forbid: ${key} is not in the test's final state (it shows ${[...known].join(', ')})`,
      );
}
