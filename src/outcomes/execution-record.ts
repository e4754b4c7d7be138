// One execution as plain data, for reporters (DOT graphs, explanations) and the library:
// its events, the relations between them as pairs of event ids, the model's verdict and
// the final state. Built only when an output asks for executions (by an observer), never
// on the default path of a run.

import type { EventKind } from '../events/traces.js';
import { Relation, EventSet } from '../relations/index.js';
import type { ObservedExecution, StateValue } from '../api/run.js';
import type { StateLoc } from '../program/ir.js';
import type { ResolvedValue } from '../events/symbolic.js';
import { columnKey } from './final-state.js';

export interface ExecutionEvent {
  /** Index in the execution's event list; relations name events by it. */
  id: number;
  /** Thread number; -1 for an initial write. */
  thread: number;
  /** Position among its thread's events, in program order (-1 for initial writes). */
  index: number;
  /** The short name graphs and explanations use: `a`, `b`, ... (`i:x` for initial writes). */
  name: string;
  kind: EventKind;
  location: string | null;
  annotations: string[];
  /** What the event writes, or else reads; null for fences. */
  value: ResolvedValue | null;
  init: boolean;
}

/** A relation as the list of its pairs of event ids. */
export type Pairs = Array<[number, number]>;

export interface RecordedFailure {
  /** The check's name, e.g. `happens-before`. */
  check: string;
  test: 'acyclic' | 'irreflexive' | 'empty';
  /** The relation (or, for `empty` of a set, the pairs (e, e)) the check found wanting. */
  pairs: Pairs;
}

export interface ExecutionRecord {
  events: ExecutionEvent[];
  /** Primitive relations (po, rf, addr, ...) and the model's captured ones (co, fr, ...). */
  relations: Record<string, Pairs>;
  /** The model allows the execution (on this path of the model). */
  allowed: boolean;
  flags: string[];
  /** Every check that rejects the execution, when the run evaluated all checks. */
  failures: RecordedFailure[];
  /** Final values, one per column of the result. */
  state: StateValue[];
  conditionHolds: boolean;
}

/** Short event names: a..z, then a1..z1, ... (initial writes are `i:LOC`). */
function eventName(ordinal: number): string {
  const letter = String.fromCharCode(97 + (ordinal % 26));
  const round = Math.floor(ordinal / 26);
  return round === 0 ? letter : `${letter}${round}`;
}

export function valuePairs(v: Relation | EventSet): Pairs {
  return v instanceof Relation ? v.pairs() : v.toArray().map((e) => [e, e]);
}

/** A relation to record: its name in the record, and the model name it is read from. */
export interface RecordedRelation {
  name: string;
  source: string;
}

/**
 * Record an observed execution. `wanted` selects the relations to keep: primitive
 * relations of the model input and values the model captured on this path.
 */
export function recordExecution(
  x: ObservedExecution,
  columns: StateLoc[],
  wanted: RecordedRelation[],
): ExecutionRecord {
  const cand = x.candidate;
  let ordinal = 0;
  const events: ExecutionEvent[] = cand.events.map((e) => ({
    id: e.id,
    thread: e.thread,
    index: e.local,
    name: e.init ? `i:${e.loc}` : eventName(ordinal++),
    kind: e.kind,
    location: e.loc,
    annotations: e.annot,
    value: cand.values[e.id],
    init: e.init,
  }));
  const relations: Record<string, Pairs> = {};
  for (const { name, source } of wanted) {
    const v = x.outcome.values?.get(source) ?? x.input.relations.get(source);
    if (v) relations[name] = valuePairs(v);
  }
  return {
    events,
    relations,
    allowed: x.outcome.allowed,
    flags: x.outcome.flags,
    failures: (x.outcome.failures ?? []).map((f) => ({
      check: f.name,
      test: f.test,
      pairs: f.value ? valuePairs(f.value) : [],
    })),
    state: columns.map((c) => x.state.get(columnKey(c)) ?? 0),
    conditionHolds: x.conditionHolds,
  };
}
