// Built-in functions that herd7 predefines for cat models.

import type { Location } from '../diagnostics.js';
import { EventSet, Relation } from '../relations/index.js';
import type { Value } from '../program/ir.js';
import { sameValue } from '../events/symbolic.js';
import {
  CatError,
  kindOf,
  mkValSet,
  typeName,
  unionsOfChoices,
  type PrimFn,
  type PrimContext,
  type V,
  type VPrim,
} from './values.js';

function mismatch(name: string, v: V, loc: Location): never {
  throw new CatError(`primitive ${name}: argument mismatch (got ${typeName(v)})`, loc);
}

function asEvents(name: string, v: V, ctx: PrimContext, loc: Location): EventSet {
  if (v instanceof EventSet) return v;
  const k = kindOf(v);
  if (k === 'empty') return new EventSet(ctx.n);
  if (k === 'unv') return EventSet.full(ctx.n);
  if (k === 'event') return EventSet.of(ctx.n, [(v as { e: number }).e]);
  return mismatch(name, v, loc);
}

function asRel(name: string, v: V, ctx: PrimContext, loc: Location): Relation {
  if (v instanceof Relation) return v;
  const k = kindOf(v);
  if (k === 'empty') return new Relation(ctx.n);
  if (k === 'unv') return Relation.full(ctx.n);
  if (k === 'pair') {
    const p = v as { a: number; b: number };
    return Relation.fromPairs(ctx.n, [[p.a, p.b]]);
  }
  return mismatch(name, v, loc);
}

function tupleArgs(name: string, v: V, count: number, loc: Location): V[] {
  if (kindOf(v) === 'tuple') {
    const items = (v as { items: V[] }).items;
    if (items.length === count) return items;
  }
  return mismatch(name, v, loc);
}

/** Equality of initial values as the model sees them: pointers by location, offsets aside. */
function sameLocationOrNumber(a: Value | null, b: Value | null): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a !== 'object' || typeof b !== 'object') return sameValue(a, b);
  return a.addr === b.addr;
}

const domain: PrimFn = (v, ctx, loc) => {
  if (v instanceof Relation) return v.domain();
  const k = kindOf(v);
  if (k === 'empty' || k === 'unv') return v;
  if (k === 'pair') return EventSet.of(ctx.n, [(v as { a: number }).a]);
  return mismatch('domain', v, loc);
};

const range: PrimFn = (v, ctx, loc) => {
  if (v instanceof Relation) return v.range();
  const k = kindOf(v);
  if (k === 'empty' || k === 'unv') return v;
  if (k === 'pair') return EventSet.of(ctx.n, [(v as { b: number }).b]);
  return mismatch('range', v, loc);
};

/** Partition a set of events by memory location (events without one are left out). */
const classesLoc: PrimFn = (v, ctx, loc) => {
  const s = asEvents('classes-loc', v, ctx, loc);
  const byLoc = new Map<string, EventSet>();
  for (const e of s.toArray()) {
    const l = ctx.events[e]?.loc;
    if (l === null || l === undefined) continue;
    let c = byLoc.get(l);
    if (!c) {
      c = new EventSet(ctx.n);
      byLoc.set(l, c);
    }
    c.add(e);
  }
  return mkValSet([...byLoc.values()]);
};

/** Equivalence classes of a relation (taken as an equivalence on its field). */
const classes: PrimFn = (v, ctx, loc) => {
  const r = asRel('classes', v, ctx, loc);
  const seen = new EventSet(ctx.n);
  const out: V[] = [];
  const field = r.domain().union(r.range());
  for (const e of field.toArray()) {
    if (seen.has(e)) continue;
    const c = r.row(e);
    c.add(e);
    for (const x of c.toArray()) seen.add(x);
    out.push(c);
  }
  return mkValSet(out);
};

/**
 * The one order of a set of at most one event, shared by the calls of one evaluator: a
 * test with thousands of locations written once (initialised variables) asks for
 * thousands, and sets of them are sorted by comparing every word. Values are never
 * changed in place, so sharing is safe.
 */
const ordersOfOne = new WeakMap<PrimContext, Relation>();
function orderOfOne(ctx: PrimContext): Relation {
  let o = ordersOfOne.get(ctx);
  if (!o || o.n !== ctx.n) {
    o = new Relation(ctx.n);
    ordersOfOne.set(ctx, o);
  }
  return o;
}

/**
 * All strict total orders on S that contain r restricted to S (each as a transitive
 * relation). None when r is cyclic on S.
 */
const linearisations: PrimFn = (v, ctx, loc) => {
  const [sv, rv] = tupleArgs('linearisations', v, 2, loc);
  const s = asEvents('linearisations', sv, ctx, loc);
  const r = asRel('linearisations', rv, ctx, loc);
  const nodes = s.toArray();
  const m = nodes.length;
  if (m <= 1) return mkValSet([orderOfOne(ctx)]);
  const succs: number[][] = nodes.map(() => []);
  /** Predecessors of each node not placed yet. */
  const waiting = new Int32Array(m);
  const index = new Map<number, number>();
  nodes.forEach((x, i) => index.set(x, i));
  // Row by row over S only: called once per location, a restriction of the whole
  // relation each time would cost the number of locations times the relation's size.
  for (let i = 0; i < m; i++) {
    for (const b of r.row(nodes[i]).inter(s).toArray()) {
      if (b === nodes[i]) return mkValSet([]);
      succs[i].push(index.get(b)!);
      waiting[index.get(b)!]++;
    }
  }
  // Depth-first over the choices, without recursion (a location may have thousands of
  // writes): at each level, place in turn every node whose predecessors are all placed.
  // Counting the predecessors still waiting makes a step cost the node's successors, not
  // a scan of its predecessors (cubic on a long thread's writes).
  const out: V[] = [];
  const placed = new Uint8Array(m);
  const order: number[] = [];
  /** Next node to try at the current level. */
  let from = 0;
  for (;;) {
    ctx.checkLimits();
    if (order.length === m) {
      const o = new Relation(ctx.n);
      for (let i = 0; i < m; i++)
        for (let j = i + 1; j < m; j++) o.add(nodes[order[i]], nodes[order[j]]);
      out.push(o);
    } else {
      let i = from;
      while (i < m && (placed[i] === 1 || waiting[i] !== 0)) i++;
      if (i < m) {
        placed[i] = 1;
        order.push(i);
        for (const j of succs[i]) waiting[j]--;
        from = 0;
        continue;
      }
    }
    // This level is exhausted: take back the last choice and try the next one after it.
    const last = order.pop();
    if (last === undefined) break;
    placed[last] = 0;
    for (const j of succs[last]) waiting[j]++;
    from = last + 1;
  }
  return mkValSet(out);
};

/**
 * Ordo's `cross` (models/lib/cross.cat): for a set of sets of relations, the set of the
 * unions picking one relation from each member ({0} for no member, {} when a member is
 * empty). Computed natively, and for coherence orders (one member per location) kept as
 * a product (values.ts, ProductSet) instead of hundreds of thousands of relations. What
 * cat's definition (herd's cross.cat) would reject is rejected here: members taken in set
 * order up to the first empty one, each must be a set whose elements are relations (or
 * `{}`, the empty relation); other values would reach a union with a relation, or a
 * set-match, that fails. (The universe, which cat's union would absorb the others into,
 * is refused too: a set of orders never holds it.)
 */
const choiceUnions: PrimFn = (v, ctx, loc) => {
  const name = 'unions-of-choices';
  const members = setElements(v);
  if (members === null)
    throw new CatError(`primitive ${name}: a set of sets expected, got ${typeName(v)}`, loc);
  const choices: Relation[][] = [];
  for (const m of members) {
    const elems = setElements(m);
    if (elems === null)
      throw new CatError(
        `primitive ${name}: each member must be a set of relations, got ${typeName(m)}`,
        loc,
      );
    if (elems.length === 0) return mkValSet([]);
    choices.push(
      elems.map((r) => {
        if (r instanceof Relation) return r;
        if (kindOf(r) === 'empty') return new Relation(ctx.n);
        throw new CatError(
          `primitive ${name}: each member must be a set of relations, got a set holding ${typeName(r)}`,
          loc,
        );
      }),
    );
  }
  return unionsOfChoices(ctx.n, choices, () => ctx.checkLimits());
};

/**
 * The elements of a value a set-match would take apart, in its order (null when a
 * set-match fails on it): those of `{}`, a set of values, and an event set or relation
 * (events, pairs).
 */
function setElements(v: V): V[] | null {
  if (v instanceof EventSet) return v.toArray().map((e) => ({ k: 'event', e }));
  if (v instanceof Relation) return v.pairs().map(([a, b]) => ({ k: 'pair', a, b }));
  const k = kindOf(v);
  if (k === 'empty') return [];
  if (k === 'valset') return (v as { items: V[] }).items;
  return null;
}

const differentValues: PrimFn = (v, ctx, loc) => {
  const r = asRel('different-values', v, ctx, loc);
  const out = new Relation(ctx.n);
  for (const [a, b] of r.pairs()) {
    if (!sameLocationOrNumber(ctx.events[a]?.value ?? null, ctx.events[b]?.value ?? null))
      out.add(a, b);
  }
  return out;
};

/**
 * herd's page-table primitives (aarch64bbm.cat): the pairs of `r` whose page-table-entry
 * values have the same output address, or of which one maps its page writable. Ordo has
 * no page-table-entry values (no -variant vmsa), so no pair qualifies.
 */
function pageTableEntryPairs(name: string): PrimFn {
  return (v, ctx, loc) => {
    asRel(name, v, ctx, loc);
    return new Relation(ctx.n);
  };
}

function tagName(name: string, v: V, loc: Location): string {
  if (kindOf(v) !== 'tag') mismatch(name, v, loc);
  return (v as { name: string }).name;
}

const tag2events: PrimFn = (v, ctx, loc) => {
  const t = tagName('tag2events', v, loc);
  const cap = t.charAt(0).toUpperCase() + t.slice(1);
  return ctx.inputSet(cap) ?? ctx.inputSet(t) ?? new EventSet(ctx.n);
};

const loc2events: PrimFn = (v, ctx, loc) => {
  const t = tagName('loc2events', v, loc);
  const out = new EventSet(ctx.n);
  ctx.events.forEach((e, i) => {
    if (e.loc === t) out.add(i);
  });
  return out;
};

/** Pairs of events separated in program order by an event of S. */
const fromto: PrimFn = (v, ctx, loc) => {
  const s = asEvents('fromto', v, ctx, loc);
  const po = ctx.relation('po') ?? new Relation(ctx.n);
  return po.restrict(null, s).seq(po);
};

const interTransitive: PrimFn = (v, ctx, loc) => {
  const [a, b] = tupleArgs('inter_transitive', v, 2, loc);
  return asRel('inter_transitive', b, ctx, loc).inter(
    asRel('inter_transitive', a, ctx, loc).plus(),
  );
};

const fail: PrimFn = (v, _ctx, loc) => {
  throw new CatError(`primitive fail: fail on ${typeName(v)}`, loc);
};

/** The built-in functions that read ModelEvent.value, which differs between candidates. */
const VALUE_READING_PRIMITIVES: ReadonlySet<string> = new Set(['different-values']);

/**
 * Whether a value is a built-in function reading event values (ModelEvent.value): what it
 * gives differs between candidates of one combination, and is unknown over bounds. The one
 * test for it (invariance, monotone checks, fixed calls, bound runs all ask this).
 */
export function readsEventValues(v: V): boolean {
  return kindOf(v) === 'prim' && VALUE_READING_PRIMITIVES.has((v as VPrim).name);
}

/**
 * The built-in functions whose result is some of the pairs of their relation argument
 * (those passing a test on the two events): bounded by the empty relation and it where
 * the events' values are unknown (bounds.ts, runs over partial candidates).
 */
export const SUBRELATION_PRIMITIVES: ReadonlySet<string> = new Set(['different-values']);

/**
 * The built-in functions monotone in their argument (a larger argument, a larger result):
 * over bounds each end maps to the same end (bounds.ts), and a check reading them keeps
 * its argument's polarity (monotone.ts).
 */
export const MONOTONE_PRIMITIVES: ReadonlySet<string> = new Set(['domain', 'range']);

export const PRIMITIVES: Array<[string, PrimFn]> = [
  ['domain', domain],
  ['range', range],
  ['classes-loc', classesLoc],
  ['classes', classes],
  ['linearisations', linearisations],
  ['unions-of-choices', choiceUnions],
  ['different-values', differentValues],
  ['tag2events', tag2events],
  ['tag2instrs', tag2events],
  ['loc2events', loc2events],
  ['fromto', fromto],
  ['inter_transitive', interTransitive],
  ['fail', fail],
  ['same-oa', pageTableEntryPairs('same-oa')],
  ['at-least-one-writable', pageTableEntryPairs('at-least-one-writable')],
];

// Referenced so that unused-import checks stay quiet when the helpers evolve.
