// Why an outcome is forbidden or allowed. An observer of a run that evaluates every check
// of the model on each execution producing the outcome: for a forbidden outcome, each
// such execution with every check that rejects it and a concrete cycle (or offending
// pair) in that execution; for an allowed one, a witness and the pairs behind any flag
// (the racing pair of a data race); and which checks would have to be skipped for the
// outcome to appear.

import { OrdoError } from '../diagnostics.js';
import type { ExecutionObserver, ObservedExecution, RunContext } from '../api/run.js';
import { Relation } from '../relations/index.js';
import type { StateLoc } from '../program/ir.js';
import { columnKey, formatStateValue } from './final-state.js';
import {
  recordExecution,
  valuePairs,
  type ExecutionRecord,
  type Pairs,
  type RecordedRelation,
} from './execution-record.js';

/** One edge of a cycle: from, to, and a relation of the execution holding it. */
export interface LabelledEdge {
  from: number;
  to: number;
  relation: string;
  /** The step of the checked relation this edge is part of (steps are spelled out as
   *  paths of po, rf, co, fr, ... edges where the execution has one). */
  step: number;
}

export interface CheckExplanation {
  check: string;
  test: 'acyclic' | 'irreflexive' | 'empty';
  /** For acyclic: a shortest cycle of the checked relation, each edge labelled. */
  cycle: LabelledEdge[];
  /**
   * The pairs of the relation checked (for acyclic), or the offending pairs (for
   * irreflexive: each event related to itself; for empty: its pairs, an event with itself
   * for a set).
   */
  pairs: Pairs;
}

export interface ExplainedExecution {
  execution: ExecutionRecord;
  /** Every check that rejects it (empty for a witness). */
  rejectedBy: CheckExplanation[];
  /** Flags raised on it, each with its pairs (for data-race: the racing pairs). */
  flags: Array<{ flag: string; pairs: Pairs }>;
}

export interface Explanation {
  test: string;
  /** The outcome explained, as herd7 prints a state (`0:r0=0; 1:r0=0;`) or the condition. */
  outcome: string;
  /** allowed: some execution producing it is accepted; forbidden: all are rejected;
   *  impossible: no candidate execution produces it at all. */
  verdict: 'allowed' | 'forbidden' | 'impossible';
  /** How many candidate executions (model paths) produce the outcome. */
  candidates: number;
  /** How many of them the model rejects (listed or not). */
  rejected: number;
  /** The rejected ones (at most `maxListed`), or, when allowed, one witness. */
  executions: ExplainedExecution[];
  /** Minimal sets of checks whose skipping lets the outcome appear, smallest first. */
  skipToAllow: string[][];
}

/** The outcome to explain: `--state '0:r0=0; 1:r0=0;'` pairs, or the test's condition. */
export type OutcomeSelector =
  { kind: 'condition' } | { kind: 'state'; values: Map<string, string> };

/**
 * Parse `--state`: `LOC=VALUE` pairs separated by `;`, `/\` or `,`, where LOC is a
 * register `T:NAME` or a location `x` / `[x]`.
 */
export function parseStateSelector(text: string): OutcomeSelector {
  const values = new Map<string, string>();
  for (const raw of text.split(/;|\/\\|,|\band\b/)) {
    const part = raw.trim();
    if (part === '') continue;
    const m = /^(?:(\d+:[A-Za-z_]\w*)|\[?([A-Za-z_]\w*)\]?)\s*=\s*(-?\w+)$/.exec(part);
    if (!m)
      throw new OrdoError(
        `--state: cannot read "${part}" (write LOC=VALUE; ..., e.g. 0:r0=1; x=2;)`,
      );
    values.set(m[1] ?? m[2], m[3]);
  }
  if (values.size === 0) throw new OrdoError('--state: no LOC=VALUE pair given');
  return { kind: 'state', values };
}

/** Whether the execution gives the selected outcome. */
export function selectorMatches(selector: OutcomeSelector, x: ObservedExecution): boolean {
  if (selector.kind === 'condition') return x.conditionHolds;
  for (const [key, want] of selector.values) {
    const v = x.state.get(key);
    if (v === undefined || formatStateValue(v) !== want) return false;
  }
  return true;
}

/** Relations always offered as cycle labels, before the model's own. */
const BASE_LABELS = ['rf', 'co', 'fr', 'po', 'addr', 'data', 'ctrl', 'rmw'];

/** A shortest cycle through the relation, as a list of its edges; null if acyclic. */
export function shortestCycle(r: Relation): Pairs | null {
  let best: Pairs | null = null;
  for (let start = 0; start < r.n; start++) {
    const parent = new Map<number, number>();
    const queue = [start];
    let found = -1;
    for (let q = 0; q < queue.length && found < 0; q++) {
      const u = queue[q];
      for (const v of r.row(u).toArray()) {
        if (v === start) {
          found = u;
          break;
        }
        if (!parent.has(v)) {
          parent.set(v, u);
          queue.push(v);
        }
      }
    }
    if (found < 0) continue;
    const path = [found];
    while (path[path.length - 1] !== start) path.push(parent.get(path[path.length - 1])!);
    path.reverse();
    const cycle: Pairs = path.map((e, i) => [e, i + 1 < path.length ? path[i + 1] : start]);
    if (!best || cycle.length < best.length) best = cycle;
  }
  return best;
}

export class Explainer implements ExecutionObserver {
  readonly allChecks = true;
  private context: RunContext | null = null;
  private labels: string[] = [];
  private candidates = 0;
  private readonly rejected: ExplainedExecution[] = [];
  private witness: ExplainedExecution | null = null;
  private readonly skipSets: string[][] = [];
  private rejectedCount = 0;

  constructor(
    private readonly selector: OutcomeSelector,
    private readonly maxListed = 10,
  ) {}

  capture(context: RunContext): string[] {
    this.context = context;
    if (this.selector.kind === 'state') {
      const known = new Set(context.columns.map(columnKey));
      for (const key of this.selector.values.keys())
        if (!known.has(key))
          throw new OrdoError(
            `--state: ${key} is not in the test's final state (it shows ${[...known].join(', ')})`,
          );
    }
    const program = context.model.program;
    const modelNames = [...program.finalGlobals.keys()].filter((n) => !BASE_LABELS.includes(n));
    this.labels = [...BASE_LABELS, ...modelNames];
    return this.labels;
  }

  observe(x: ObservedExecution): void {
    if (!selectorMatches(this.selector, x)) return;
    this.candidates++;
    if (x.outcome.allowed) {
      this.witness ??= this.explain(x);
      return;
    }
    this.rejectedCount++;
    const names = [...new Set((x.outcome.failures ?? []).map((f) => f.name))];
    if (names.length) this.skipSets.push(names);
    if (this.rejected.length < this.maxListed) this.rejected.push(this.explain(x));
  }

  private explain(x: ObservedExecution): ExplainedExecution {
    const context = this.context!;
    const wanted: RecordedRelation[] = this.labels.map((name) => ({ name, source: name }));
    const record = recordExecution(x, context.columns, wanted);
    // Keep, as labels, only relations (not event sets) the execution really has.
    const labelRelations = this.labels
      .map((name) => ({ name, value: x.outcome.values?.get(name) ?? x.input.relations.get(name) }))
      .filter((l): l is { name: string; value: Relation } => l.value instanceof Relation);
    const label = (a: number, b: number): string => {
      let bestName = '';
      let bestSize = Infinity;
      for (const { name, value } of labelRelations) {
        if (!value.has(a, b)) continue;
        if (BASE_LABELS.includes(name)) return name;
        const size = value.size();
        if (size < bestSize) {
          bestSize = size;
          bestName = name;
        }
      }
      return bestName;
    };
    // Spelling a step of a checked relation out as a path of primitive edges: po only
    // between consecutive events (so a fence on the way shows), rf, co, fr, dependencies.
    const primitive = new Map<number, Array<{ to: number; relation: string }>>();
    const addEdge = (a: number, b: number, relation: string) => {
      if (!primitive.has(a)) primitive.set(a, []);
      primitive.get(a)!.push({ to: b, relation });
    };
    // Dependencies before po, so that a dependency is named where both hold.
    const byPreference = ['rf', 'co', 'fr', 'addr', 'data', 'ctrl', 'rmw', 'po'];
    for (const name of byPreference) {
      const value = labelRelations.find((l) => l.name === name)?.value;
      if (!value) continue;
      for (const [a, b] of value.pairs()) {
        if (name === 'po') {
          const ea = record.events[a];
          const eb = record.events[b];
          if (eb.index !== ea.index + 1) continue;
        }
        addEdge(a, b, name);
      }
    }
    const primitivePath = (
      a: number,
      b: number,
    ): Array<{ from: number; to: number; relation: string }> | null => {
      const parent = new Map<number, { from: number; relation: string }>();
      const queue = [a];
      for (let q = 0; q < queue.length; q++) {
        const u = queue[q];
        for (const { to, relation } of primitive.get(u) ?? []) {
          if (parent.has(to) || to === a) continue;
          parent.set(to, { from: u, relation });
          if (to === b) {
            const path: Array<{ from: number; to: number; relation: string }> = [];
            for (let v = b; v !== a; v = parent.get(v)!.from)
              path.push({ from: parent.get(v)!.from, to: v, relation: parent.get(v)!.relation });
            return path.reverse();
          }
          queue.push(to);
        }
      }
      return null;
    };
    const rejectedBy: CheckExplanation[] = (x.outcome.failures ?? []).map((f) => {
      if (f.test === 'acyclic' && !f.negated && f.value instanceof Relation) {
        const checked = f.value.pairs();
        const cycle: LabelledEdge[] = [];
        (shortestCycle(f.value) ?? []).forEach(([a, b], step) => {
          const path = primitivePath(a, b);
          if (path) {
            for (const e of path) cycle.push({ ...e, step });
            return;
          }
          let relation = label(a, b);
          if (!relation) {
            // No named relation holds the step: name it after the check itself.
            relation = f.name;
            record.relations[f.name] = checked;
          }
          cycle.push({ from: a, to: b, relation, step });
        });
        return { check: f.name, test: f.test, cycle, pairs: checked };
      }
      const pairs = f.value ? valuePairs(f.value) : [];
      return {
        check: f.name,
        test: f.test,
        cycle: [],
        pairs: f.test === 'irreflexive' ? pairs.filter(([a, b]) => a === b) : pairs,
      };
    });
    // Keep in the record only the relations an explanation names, plus the ones a graph draws.
    const used = new Set(['po', 'rf', 'co', 'fr']);
    for (const c of rejectedBy) for (const e of c.cycle) used.add(e.relation);
    for (const name of Object.keys(record.relations))
      if (!used.has(name)) delete record.relations[name];
    const flags = (x.outcome.raisedFlags ?? []).map((f) => ({
      flag: f.name,
      pairs: f.value ? valuePairs(f.value) : [],
    }));
    return { execution: record, rejectedBy, flags };
  }

  result(outcomeText: string): Explanation {
    const context = this.context;
    const verdict = this.witness ? 'allowed' : this.candidates > 0 ? 'forbidden' : 'impossible';
    // Minimal skip sets: those that contain no other, smallest first.
    const sets = this.skipSets
      .map((s) => [...s].sort())
      .filter((s, i, all) => all.findIndex((o) => o.join('\0') === s.join('\0')) === i);
    const minimal = sets
      .filter(
        (s) => !sets.some((o) => o !== s && o.length < s.length && o.every((c) => s.includes(c))),
      )
      .sort((a, b) => a.length - b.length || a.join().localeCompare(b.join()));
    return {
      test: context?.test.name ?? '',
      outcome: outcomeText,
      verdict,
      candidates: this.candidates,
      rejected: this.rejectedCount,
      executions: this.witness ? [this.witness] : this.rejected,
      skipToAllow: this.witness ? [] : minimal,
    };
  }
}

/** The outcome as herd7 prints a state, for the explanation's heading. */
export function describeSelector(
  selector: OutcomeSelector,
  conditionText: string,
  columns: StateLoc[],
): string {
  if (selector.kind === 'condition') return conditionText;
  return columns
    .filter((c) => selector.values.has(columnKey(c)))
    .map((c) => {
      const v = selector.values.get(columnKey(c));
      return c.kind === 'reg' ? `${c.thread}:${c.name}=${v};` : `[${c.name}]=${v};`;
    })
    .join(' ');
}
