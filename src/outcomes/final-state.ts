// Final states and the test's condition: what each accepted execution leaves in the
// observed registers and memory, and whether the `exists`/`forall`/`filter` clauses hold.

import type { IntType, LitmusTest, Prop, StateLoc, Value } from '../program/ir.js';
import { forEachPropLocation, memoryCells } from '../program/ir.js';
import { assertNever } from '../diagnostics.js';
import type { Candidate, FinalValues, RegisterCheck } from '../executions/enumerate.js';
import {
  atType,
  formatValue,
  isUndetermined,
  sameValue,
  valueKey,
  type ResolvedValue,
} from '../events/symbolic.js';

/** A column's final value: a whole array's is the list of its elements' values. */
export type StateValue = ResolvedValue | readonly ResolvedValue[];

export type FinalState = Map<string, StateValue>;

export function columnKey(l: StateLoc): string {
  return l.kind === 'reg' ? `${l.thread}:${l.name}` : l.name;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** herd7's column groups: registers, then whole locations and arrays, then array elements. */
function columnGroup(l: StateLoc): number {
  return l.kind === 'reg' ? 0 : l.kind === 'mem' && l.name.endsWith(']') ? 2 : 1;
}

/**
 * The report's columns in herd7's order: registers (by thread, then in the architecture's
 * register order), then whole locations and arrays by name, then array elements by name
 * (herd7 keeps `x[1]` apart from the locations: `u={1,2}; [x]=1; u[0]=1;`).
 */
export function sortColumns(
  locs: StateLoc[],
  compareRegisters: (a: string, b: string) => number = byName,
): StateLoc[] {
  return locs.slice().sort((a, b) => {
    const group = columnGroup(a) - columnGroup(b);
    if (group !== 0) return group;
    if (a.kind === 'reg' && b.kind === 'reg')
      return a.thread - b.thread || compareRegisters(a.name, b.name);
    return byName(a.name, b.name);
  });
}

function readCell(cand: Candidate, cell: string, initial: Map<string, Value>): ResolvedValue {
  const w = cand.finalWrites.get(cell);
  if (w === undefined) return initial.get(cell) ?? 0;
  return cand.values[w] ?? 0;
}

export function readFinal(cand: Candidate, l: StateLoc, initial: Map<string, Value>): StateValue {
  switch (l.kind) {
    case 'reg':
      return cand.registers.get(l.thread)?.get(l.name) ?? 0;
    case 'mem':
      return readCell(cand, l.name, initial);
    case 'array':
      return memoryCells(l).map((cell) => readCell(cand, cell, initial));
    default:
      return assertNever(l);
  }
}

/**
 * The type each column's final value is read at, for a test that declares types (the
 * hardware dialects: a 64-bit register declared `int` shows its low 32 bits, signed), or
 * null when values are shown as computed.
 */
export function columnTypes(test: LitmusTest, columns: StateLoc[]): (IntType | null)[] | null {
  const types = test.stateTypes;
  if (!types) return null;
  // A whole array's elements are read at the elements' type.
  return columns.map(
    (l) =>
      types.declared.get(l.kind === 'array' ? `${l.name}[0]` : columnKey(l)) ?? types.otherwise,
  );
}

export function finalState(
  cand: Candidate,
  columns: StateLoc[],
  initial: Map<string, Value>,
  types: (IntType | null)[] | null = null,
): FinalState {
  return stateOfRow(finalRow(cand, columns, initial, types), columns);
}

/** A candidate's final state as a row: its value in each column, in the columns' order. */
export function finalRow(
  cand: Candidate,
  columns: readonly StateLoc[],
  initial: Map<string, Value>,
  types: (IntType | null)[] | null = null,
): StateValue[] {
  const row = new Array<StateValue>(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const v = readFinal(cand, columns[i]!, initial);
    const type = types?.[i];
    row[i] = type ? valueAtType(v, type) : v;
  }
  return row;
}

/** Where a column's value is, for one path combination (see rowReader). */
type ColumnPlan =
  | { k: 'reg'; slot: number }
  | { k: 'cell'; slot: number; initial: ResolvedValue }
  | { k: 'array'; cells: Array<{ slot: number; initial: ResolvedValue }> };

/**
 * finalRow for the candidates of an enumeration, read from their FinalValues: the slot of
 * each column is looked up once per path combination, and the row `into` is filled in
 * place (the caller copies what it keeps) with what finalRow would give.
 */
export function rowReader(
  columns: readonly StateLoc[],
  initial: Map<string, Value>,
  types: (IntType | null)[] | null = null,
): (v: FinalValues, into: StateValue[]) => StateValue[] {
  let combination: object | null = null;
  let plan: ColumnPlan[] = [];
  const cellPlan = (v: FinalValues, cell: string) => ({
    slot: v.finalSlot(cell),
    initial: initial.get(cell) ?? 0,
  });
  const readCellAt = (v: FinalValues, c: { slot: number; initial: ResolvedValue }) =>
    c.slot < 0 ? c.initial : (v.finalValue(c.slot) ?? 0);
  return (v, into) => {
    if (v.combination !== combination) {
      combination = v.combination;
      plan = columns.map((l): ColumnPlan => {
        switch (l.kind) {
          case 'reg':
            return { k: 'reg', slot: v.registerSlot(l.thread, l.name) };
          case 'mem':
            return { k: 'cell', ...cellPlan(v, l.name) };
          case 'array':
            return { k: 'array', cells: memoryCells(l).map((cell) => cellPlan(v, cell)) };
          default:
            return assertNever(l);
        }
      });
    }
    if (into.length !== plan.length) into.length = plan.length;
    for (let i = 0; i < plan.length; i++) {
      const p = plan[i];
      let value: StateValue;
      if (p.k === 'reg') value = p.slot < 0 ? 0 : v.registerValue(p.slot);
      else if (p.k === 'cell') value = readCellAt(v, p);
      else value = p.cells.map((c) => readCellAt(v, c));
      const type = types?.[i];
      into[i] = type ? valueAtType(value, type) : value;
    }
    return into;
  };
}

/** The final state a row of `columns` stands for. */
export function stateOfRow(row: readonly StateValue[], columns: readonly StateLoc[]): FinalState {
  const st: FinalState = new Map();
  for (let i = 0; i < columns.length; i++) st.set(columnKey(columns[i]!), row[i]!);
  return st;
}

function valueAtType(v: StateValue, type: IntType): StateValue {
  return isArrayValue(v) ? v.map((e) => atType(e, type)) : atType(v, type);
}

export function isArrayValue(v: StateValue): v is readonly ResolvedValue[] {
  return Array.isArray(v);
}

/** A final value as herd7 prints it: `1`, `x`, `{1,2}` for an array. */
export function formatStateValue(v: StateValue): string {
  return isArrayValue(v) ? `{${v.map(formatValue).join(',')}}` : formatValue(v);
}

/** A final value's identity, for telling states apart. */
export function stateValueKey(v: StateValue): string {
  return isArrayValue(v) ? `{${v.map(valueKey).join(',')}}` : valueKey(v);
}

/** Two final values are the same: numbers by value, addresses by location, arrays element-wise. */
function sameState(a: StateValue, b: StateValue | Value): boolean {
  if (isArrayValue(a) || Array.isArray(b)) {
    if (!isArrayValue(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((e, i) => sameValue(e, (b as readonly Value[])[i]!));
  }
  return sameValue(a, b as ResolvedValue);
}

/**
 * The proposition p as a test of rows of `columns` (finalRow), as `holds` tests a state:
 * a location not among the columns reads 0. The columns are looked up once, not per row.
 */
export function rowTest(
  p: Prop,
  columns: readonly StateLoc[],
): (row: readonly StateValue[]) => boolean {
  const index = new Map(columns.map((l, i) => [columnKey(l), i]));
  const read = (l: StateLoc): ((row: readonly StateValue[]) => StateValue) => {
    const i = index.get(columnKey(l));
    return i === undefined ? () => 0 : (row) => row[i]!;
  };
  const compile = (q: Prop): ((row: readonly StateValue[]) => boolean) => {
    switch (q.kind) {
      case 'true':
        return () => true;
      case 'false':
        return () => false;
      case 'eq': {
        const at = read(q.loc);
        const value = q.value;
        return (row) => sameState(at(row), value);
      }
      case 'eqArray': {
        const at = read(q.loc);
        const values = q.values;
        return (row) => sameState(at(row), values);
      }
      case 'eqLoc': {
        const at = read(q.loc);
        const other = read(q.other);
        return (row) => sameState(at(row), other(row));
      }
      case 'not': {
        const arg = compile(q.arg);
        return (row) => !arg(row);
      }
      // Loops, not every/some: no closure made per row.
      case 'and': {
        const args = q.args.map(compile);
        return (row) => {
          for (let i = 0; i < args.length; i++) if (!args[i](row)) return false;
          return true;
        };
      }
      case 'or': {
        const args = q.args.map(compile);
        return (row) => {
          for (let i = 0; i < args.length; i++) if (args[i](row)) return true;
          return false;
        };
      }
      case 'implies': {
        const left = compile(q.left);
        const right = compile(q.right);
        return (row) => !left(row) || right(row);
      }
      default:
        return assertNever(q);
    }
  };
  return compile(p);
}

export function holds(p: Prop, st: FinalState): boolean {
  switch (p.kind) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'eq':
      return sameState(st.get(columnKey(p.loc)) ?? 0, p.value);
    case 'eqArray':
      return sameState(st.get(columnKey(p.loc)) ?? 0, p.values);
    case 'eqLoc':
      return sameState(st.get(columnKey(p.loc)) ?? 0, st.get(columnKey(p.other)) ?? 0);
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

/** herd7's order of final values; arrays element by element. */
function compareStateValues(a: StateValue, b: StateValue): number {
  if (isArrayValue(a) && isArrayValue(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i]!, b[i]!);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (isArrayValue(a) || isArrayValue(b)) return isArrayValue(a) ? 1 : -1;
  return compareValues(a, b);
}

/** Order of the `States` list, for states as rows (one value per column): column by column, by value. */
export function compareStateRows(a: readonly StateValue[], b: readonly StateValue[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareStateValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return 0;
}
