// What the enumerator needs to know about a test before any candidate exists: the
// shared locations and their initial values, the locations whose final values the report
// shows, and each thread's control paths, explored with value domains grown until every
// readable value is known.

import { DEFAULT_UNROLL } from '../config/settings.js';
import type { LitmusTest, Value, StateLoc, Prop } from '../program/ir.js';
import { forEachPropLocation } from '../program/ir.js';
import { assertNever } from '../diagnostics.js';
import { valueKey } from '../events/symbolic.js';
import {
  exploreThread,
  numberHerdVariables,
  possibleWrites,
  type ThreadTrace,
} from '../events/traces.js';

/** Every shared location a test names, with its initial value. */
export function initialMemory(test: LitmusTest): Map<string, Value> {
  const mem = new Map<string, Value>();
  const note = (name: string) => {
    if (!mem.has(name)) mem.set(name, 0);
  };
  for (const t of test.threads) for (const p of t.params) note(p.name);
  for (const e of test.init) {
    if (e.thread === null) mem.set(e.name, e.value);
    if (typeof e.value === 'object') note(e.value.addr);
  }
  const visitLoc = (l: StateLoc) => {
    if (l.kind === 'mem') note(l.name);
  };
  const visitProp = (p: Prop): void => {
    switch (p.kind) {
      case 'eq':
        visitLoc(p.loc);
        if (typeof p.value === 'object') note(p.value.addr);
        break;
      case 'eqArray':
        visitLoc(p.loc);
        for (const v of p.values) if (typeof v === 'object') note(v.addr);
        break;
      case 'eqLoc':
        visitLoc(p.loc);
        visitLoc(p.other);
        break;
      case 'not':
        visitProp(p.arg);
        break;
      case 'and':
      case 'or':
        p.args.forEach(visitProp);
        break;
      case 'implies':
        visitProp(p.left);
        visitProp(p.right);
        break;
      case 'true':
      case 'false':
        break;
      default:
        assertNever(p);
    }
  };
  test.locations.forEach(visitLoc);
  if (test.filter) visitProp(test.filter);
  visitProp(test.condition.prop);
  return mem;
}

/**
 * The locations whose final values the report shows: the `locations` clause and the
 * condition (the filter is evaluated but not shown). With `withFilter`, also the
 * filter's, which need final values too.
 */
export function observedLocations(test: LitmusTest, withFilter = false): StateLoc[] {
  const seen = new Map<string, StateLoc>();
  const add = (l: StateLoc) => {
    const key = l.kind === 'reg' ? `${l.thread}:${l.name}` : l.name;
    if (!seen.has(key)) seen.set(key, l);
  };

  test.locations.forEach(add);
  forEachPropLocation(test.condition.prop, add);
  if (withFilter && test.filter) forEachPropLocation(test.filter, add);
  return [...seen.values()];
}

/**
 * Explore all threads, growing the value domains until every readable value is known.
 * `unrollCuts`, when given, receives the target labels of the backward jumps at which the
 * final exploration dropped a path for exceeding the unrolling limit (in order, once each).
 */
export function buildTraces(
  test: LitmusTest,
  memory: Map<string, Value>,
  maxPaths: number,
  unroll: number = DEFAULT_UNROLL,
  unrollCuts?: string[],
): ThreadTrace[][] {
  const domains = new Map<string, Value[]>();
  for (const [loc, v] of memory) domains.set(loc, [v]);
  const initRegs = new Map<number, Map<string, Value>>();
  for (const e of test.init) {
    if (e.thread === null) continue;
    if (!initRegs.has(e.thread)) initRegs.set(e.thread, new Map());
    initRegs.get(e.thread)!.set(e.name, e.value);
  }
  let traces: ThreadTrace[][] = [];
  const herdVars = numberHerdVariables(test.threads);
  const code = new Map(test.threads.map((t) => [t.id, t.body]));
  const cuts = new Set<string>();
  const onUnrollLimit = (label: string) => cuts.add(label);
  for (let round = 0; round < 16; round++) {
    const partial: ThreadTrace[] = [];
    cuts.clear(); // the last round's traces are the ones returned
    traces = test.threads.map((t) =>
      exploreThread(t, {
        domains,
        initRegs: initRegs.get(t.id) ?? new Map(),
        maxPaths,
        unroll,
        partial,
        herdVars,
        ...(test.arrays ? { arrays: test.arrays } : {}),
        code,
        onUnrollLimit,
      }),
    );
    const written = possibleWrites([...traces.flat(), ...partial], domains, 1 << 16);
    let grew = false;
    for (const [loc, vals] of written) {
      const cur = domains.get(loc) ?? [];
      const keys = new Set(cur.map(valueKey));
      for (const v of vals) {
        if (!keys.has(valueKey(v))) {
          cur.push(v);
          keys.add(valueKey(v));
          grew = true;
        }
      }
      domains.set(loc, cur);
    }
    if (!grew) break;
  }
  unrollCuts?.push(...cuts);
  return traces;
}
