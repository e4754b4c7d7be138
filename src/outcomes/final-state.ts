// Final states and the test's condition: what each accepted execution leaves in the
// observed registers and memory, and whether the `exists`/`forall`/`filter` clauses hold.

import type { IntType, LitmusTest, Prop, StateLoc, Value } from '../program/ir.js';
import { forEachPropLocation } from '../program/ir.js';
import type { Candidate, RegisterCheck } from '../executions/enumerate.js';
import { atType, isUndetermined, sameValue, type ResolvedValue } from '../events/symbolic.js';

export type FinalState = Map<string, ResolvedValue>;

export function columnKey(l: StateLoc): string {
  return l.kind === 'reg' ? `${l.thread}:${l.name}` : l.name;
}

/** herd7's column order: registers by thread then name, then memory locations by name. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The report's columns in herd7's order: registers (by thread, then in the architecture's
 * register order) before memory locations (by name).
 */
export function sortColumns(
  locs: StateLoc[],
  compareRegisters: (a: string, b: string) => number = byName,
): StateLoc[] {
  return locs.slice().sort((a, b) => {
    if (a.kind !== b.kind) return a.kind === 'reg' ? -1 : 1;
    if (a.kind === 'reg' && b.kind === 'reg')
      return a.thread - b.thread || compareRegisters(a.name, b.name);
    return byName(a.name, b.name);
  });
}

export function readFinal(
  cand: Candidate,
  l: StateLoc,
  initial: Map<string, Value>,
): ResolvedValue {
  if (l.kind === 'reg') return cand.registers.get(l.thread)?.get(l.name) ?? 0;
  const w = cand.finalWrites.get(l.name);
  if (w === undefined) return initial.get(l.name) ?? 0;
  return cand.values[w] ?? 0;
}

/**
 * The type each column's final value is read at, for a test that declares types (the
 * hardware dialects: a 64-bit register declared `int` shows its low 32 bits, signed), or
 * null when values are shown as computed.
 */
export function columnTypes(test: LitmusTest, columns: StateLoc[]): (IntType | null)[] | null {
  const types = test.stateTypes;
  if (!types) return null;
  return columns.map((l) => types.declared.get(columnKey(l)) ?? types.otherwise);
}

export function finalState(
  cand: Candidate,
  columns: StateLoc[],
  initial: Map<string, Value>,
  types: (IntType | null)[] | null = null,
): FinalState {
  const st: FinalState = new Map();
  for (let i = 0; i < columns.length; i++) {
    const l = columns[i]!;
    const v = readFinal(cand, l, initial);
    const type = types?.[i];
    st.set(columnKey(l), type ? atType(v, type) : v);
  }
  return st;
}

export function holds(p: Prop, st: FinalState): boolean {
  switch (p.kind) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'eq':
      return sameValue(st.get(columnKey(p.loc)) ?? 0, p.value);
    case 'eqLoc':
      return sameValue(st.get(columnKey(p.loc)) ?? 0, st.get(columnKey(p.other)) ?? 0);
    case 'not':
      return !holds(p.arg, st);
    case 'and':
      return p.args.every((a) => holds(a, st));
    case 'or':
      return p.args.some((a) => holds(a, st));
    case 'implies':
      return !holds(p.left, st) || holds(p.right, st);
  }
}

/**
 * The conjuncts of a filter that read registers only, as checks the enumerator applies as
 * soon as those registers' values are known. herd7 drops a candidate its filter rejects
 * before the model runs, so rejecting it earlier only saves work. A conjunct reading
 * memory waits for the final writes, at the leaf. `columns`/`types` are the filter's
 * columns and their types (as for finalState), so values compare exactly as there.
 */
export function filterRegisterChecks(
  filter: Prop,
  columns: StateLoc[],
  types: (IntType | null)[] | null = null,
): RegisterCheck[] {
  const conjuncts: Prop[] = [];
  const split = (p: Prop): void => {
    if (p.kind === 'and') p.args.forEach(split);
    else conjuncts.push(p);
  };
  split(filter);
  const typeOf = new Map(columns.map((l, i) => [columnKey(l), types?.[i] ?? null]));
  const checks: RegisterCheck[] = [];
  for (const conjunct of conjuncts) {
    const registers = new Map<string, { thread: number; name: string }>();
    let readsMemory = false;
    forEachPropLocation(conjunct, (l) => {
      if (l.kind === 'reg') registers.set(columnKey(l), { thread: l.thread, name: l.name });
      else readsMemory = true;
    });
    if (readsMemory || registers.size === 0) continue;
    const keys = [...registers.keys()];
    checks.push({
      registers: [...registers.values()],
      accepts(values) {
        const st: FinalState = new Map();
        keys.forEach((k, i) => {
          const type = typeOf.get(k);
          st.set(k, type ? atType(values[i], type) : values[i]);
        });
        return holds(conjunct, st);
      },
    });
  }
  return checks;
}

/** herd7's order: undetermined values first, then integers, then addresses by name. */
function compareValues(a: ResolvedValue, b: ResolvedValue): number {
  const ua = isUndetermined(a),
    ub = isUndetermined(b);
  if (ua || ub) return ua && ub ? a.undetermined - b.undetermined : ua ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a !== 'object' && typeof b !== 'object') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a !== 'object') return -1;
  if (typeof b !== 'object') return 1;
  return a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0;
}

/** Order of the `States` list: column by column, by value. */
export function compareStates(a: FinalState, b: FinalState, columns: StateLoc[]): number {
  for (const l of columns) {
    const k = columnKey(l);
    const c = compareValues(a.get(k) ?? 0, b.get(k) ?? 0);
    if (c !== 0) return c;
  }
  return 0;
}
