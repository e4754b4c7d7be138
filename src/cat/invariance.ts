// Invariant sub-expressions, at two levels. After `with co from ...` the rest of a model
// runs once per coherence order, yet much of it (fence relations, dependency relations,
// anything built only from the execution's fixed parts) is the same on every path; and
// the enumerator hands the model many candidates that differ only in reads-from and
// final writes, over the same events, program order, dependencies and tags. This pass
// marks
//  - per-combination nodes (`stageId`): their value cannot differ between the candidates
//    of one path combination, so the interpreter computes each once per combination;
//  - fork-invariant nodes (`memoId`): their value cannot differ between the paths of one
//    evaluation, so it is computed once per candidate instead of once per path.
// Values are pure, so sharing them changes no result.
//
// A node is fork-invariant when it
//  - reads no frame variable bound outside itself (its value does not depend on where it
//    is evaluated: function parameters, enclosing `let`s, recursion variables), and
//  - reads no fork-variant global: a name bound by `with`, by a top-level `let rec`
//    (whose slots change while its fixpoint is computed), or by a `let` whose definition
//    is itself fork-variant, and
//  - applies only functions whose bodies are fork-invariant apart from their parameters
//    (named top-level functions or primitives; any other callee counts as variant).
// A node is per-combination when, on top of that, it reads none of the inputs the
// enumerator changes between candidates (cat/input.ts, PER_CANDIDATE_INPUTS), no global
// defined from them, and applies no built-in function that reads event values.

import { assertNever } from '../diagnostics.js';
import type { CIns, CompiledProgram, RCond, RExp } from './resolved.js';
import { PER_CANDIDATE_INPUTS } from './input.js';
import { VALUE_READING_PRIMITIVES } from './primitives.js';

/** Nodes worth caching: the ones whose evaluation does real work. */
const COSTLY = new Set<RExp['t']>([
  'op1',
  'union',
  'seq',
  'inter',
  'intercart',
  'diff',
  'cart',
  'app',
  'let',
  'letrec',
  'matchset',
]);

export interface MemoNode {
  /** Set on fork-invariant nodes: index of the value shared by the paths of one evaluation. */
  memoId?: number;
  /** Set on per-combination nodes: index of the value shared by the candidates of one combination. */
  stageId?: number;
}

/** How many nodes of each level markInvariant marked (their ids are dense from 0). */
export interface InvariantCounts {
  memoCount: number;
  stageCount: number;
}

/** Marks the invariant costly nodes of prog with dense memo and stage ids. */
export function markInvariant(prog: CompiledProgram): InvariantCounts {
  const forkVariantSlot = new Uint8Array(prog.nslots);
  /** Slot -> body of the top-level function bound there (for calls through that name). */
  const funBody = new Map<number, RExp>();

  const forEachIns = (code: CIns[], visit: (ins: CIns) => void): void => {
    for (const ins of code) {
      visit(ins);
      if (ins.t === 'lproc' || ins.t === 'forall') forEachIns(ins.body, visit);
      if (ins.t === 'insmatch') {
        for (const b of ins.tags.values()) forEachIns(b, visit);
        if (ins.dflt) forEachIns(ins.dflt, visit);
      }
    }
  };

  forEachIns(prog.code, (ins) => {
    if (ins.t === 'with' && ins.slot >= 0) forkVariantSlot[ins.slot] = 1;
    if (ins.t === 'grec') for (const s of ins.slots) forkVariantSlot[s] = 1;
    if (ins.t === 'glet') {
      ins.e.forEach((e, b) => {
        if (!ins.pats[b].tuple && e.t === 'fun') funBody.set(ins.slots[slotIndex(ins, b)], e.body);
      });
    }
  });

  // Does e read a frame variable bound outside it? `depth` counts the frames e's own
  // binders have pushed on the way down. Asked of every costly node on the way down a
  // chain, so the answer rests on a per-node figure computed once (linear, not quadratic
  // in the depth of a 100,000-term expression).
  const escapes = (e: RExp, depth: number): boolean => reach(e) >= depth;
  /** The largest frame depth e reads, counted from e's own frame; -1 when none. */
  const reachOf = new Map<RExp, number>();
  const reach = (e: RExp): number => {
    let r = reachOf.get(e);
    if (r === undefined) {
      r = reachNode(e);
      reachOf.set(e, r);
    }
    return r;
  };
  const most = (es: Iterable<RExp>, less = 0): number => {
    let r = -1;
    for (const x of es) r = Math.max(r, reach(x) - less);
    return r;
  };
  const reachNode = (e: RExp): number => {
    switch (e.t) {
      case 'local':
        return e.d;
      case 'const':
      case 'zero':
      case 'input':
      case 'glob':
        return -1;
      case 'op1':
        return reach(e.a);
      case 'union':
      case 'seq':
      case 'set':
      case 'tuple':
        return most(e.a);
      case 'inter':
      case 'diff':
      case 'cart':
      case 'add':
        return Math.max(reach(e.l), reach(e.r));
      case 'intercart':
        return Math.max(reach(e.r), reach(e.s1), reach(e.s2));
      case 'app':
        return Math.max(reach(e.f), reach(e.x));
      case 'fun':
        return reach(e.body) - 1;
      case 'let':
        return Math.max(most(e.e), reach(e.body) - 1);
      case 'letrec':
        return Math.max(most(e.e, 1), reach(e.body) - 1);
      case 'match':
        return Math.max(reach(e.a), most(e.tags.values()), e.dflt === null ? -1 : reach(e.dflt));
      case 'matchset':
        return Math.max(reach(e.a), reach(e.ifEmpty), reach(e.body) - 1);
      case 'try':
        return Math.max(reach(e.b), reach(e.h));
      case 'if':
        return Math.max(condReach(e.c), reach(e.th), reach(e.el));
    }
  };
  const condReach = (c: RCond): number => {
    switch (c.t) {
      case 'const':
        return -1;
      case 'not':
        return condReach(c.c);
      case 'and':
      case 'or':
        return Math.max(condReach(c.l), condReach(c.r));
      default:
        return Math.max(reach(c.l), reach(c.r));
    }
  };

  // The variance of one level: `variantSlot` marks the globals that vary at that level, and
  // with `perCandidate` so do the per-candidate inputs and value-reading primitives.
  const analysis = (variantSlot: Uint8Array, perCandidate: boolean) => {
    // Does e (wherever evaluated) depend on a variant global or input? Remembered per
    // node (see reach); the memory is cleared whenever a slot turns variant.
    let known = new Map<RExp, boolean>();
    const variant = (e: RExp): boolean => {
      let v = known.get(e);
      if (v === undefined) {
        v = variantNode(e);
        known.set(e, v);
      }
      return v;
    };
    const variantNode = (e: RExp): boolean => {
      switch (e.t) {
        case 'glob':
          return variantSlot[e.s] === 1;
        case 'input':
          return perCandidate && PER_CANDIDATE_INPUTS.has(e.name);
        case 'const':
        case 'zero':
        case 'local':
          return false;
        case 'op1':
          return variant(e.a);
        case 'union':
        case 'seq':
        case 'set':
        case 'tuple':
          return e.a.some(variant);
        case 'inter':
        case 'diff':
        case 'cart':
        case 'add':
          return variant(e.l) || variant(e.r);
        case 'intercart':
          return variant(e.r) || variant(e.s1) || variant(e.s2);
        case 'app':
          return callVariant(e.f) || variant(e.x);
        case 'fun':
          return variant(e.body);
        case 'let':
          return e.e.some(variant) || variant(e.body);
        case 'letrec':
          return e.e.some(variant) || variant(e.body);
        case 'match':
          return (
            variant(e.a) ||
            [...e.tags.values()].some(variant) ||
            (e.dflt !== null && variant(e.dflt))
          );
        case 'matchset':
          return variant(e.a) || variant(e.ifEmpty) || variant(e.body);
        case 'try':
          return variant(e.b) || variant(e.h);
        case 'if':
          return condVariant(e.c) || variant(e.th) || variant(e.el);
      }
    };
    const condVariant = (c: RCond): boolean => {
      switch (c.t) {
        case 'const':
          return false;
        case 'not':
          return condVariant(c.c);
        case 'and':
        case 'or':
          return condVariant(c.l) || condVariant(c.r);
        default:
          return variant(c.l) || variant(c.r);
      }
    };
    // A callee is safe when it is a primitive or a named top-level function whose body
    // (parameters aside) is invariant; computed values of function type are not trusted.
    const funVariant = new Map<number, boolean>();
    const callVariant = (f: RExp): boolean => {
      if (f.t === 'const')
        return (
          perCandidate && 'k' in f.v && f.v.k === 'prim' && VALUE_READING_PRIMITIVES.has(f.v.name)
        );
      if (f.t !== 'glob') return true;
      if (variantSlot[f.s]) return true;
      const body = funBody.get(f.s);
      if (!body) return true;
      const decided = funVariant.get(f.s);
      if (decided !== undefined) return decided;
      funVariant.set(f.s, true); // pessimistic while recursing (recursive names are grec: variant anyway)
      const v = variant(body) || escapes(body, 1);
      funVariant.set(f.s, v);
      return v;
    };

    // Propagate variance through top-level definitions until stable.
    for (let changed = true; changed;) {
      changed = false;
      funVariant.clear();
      known = new Map();
      forEachIns(prog.code, (ins) => {
        if (ins.t !== 'glet') return;
        ins.e.forEach((e, b) => {
          const v = variant(e) || escapes(e, 0);
          const first = slotIndex(ins, b);
          for (let j = 0; j < ins.pats[b].size; j++) {
            const s = ins.slots[first + j];
            if (v && !variantSlot[s]) {
              variantSlot[s] = 1;
              changed = true;
            }
          }
        });
      });
    }
    return variant;
  };
  const forkVariant = analysis(forkVariantSlot, false);
  // Everything that varies between paths varies between candidates too.
  const candidateVariant = analysis(forkVariantSlot.slice(), true);

  let memoCount = 0;
  let stageCount = 0;
  const mark = (e: RExp, depth: number): void => {
    if (COSTLY.has(e.t) && !escapes(e, 0)) {
      if (!candidateVariant(e)) {
        (e as MemoNode).stageId = stageCount++;
        return; // everything inside is computed at most once with it
      }
      // Computed once per candidate; its per-combination parts are marked below.
      if (!forkVariant(e)) (e as MemoNode).memoId = memoCount++;
    }
    switch (e.t) {
      case 'op1':
        mark(e.a, depth);
        return;
      case 'union':
      case 'seq':
      case 'set':
      case 'tuple':
        e.a.forEach((x) => mark(x, depth));
        return;
      case 'inter':
      case 'diff':
      case 'cart':
      case 'add':
        mark(e.l, depth);
        mark(e.r, depth);
        return;
      case 'intercart':
        mark(e.r, depth);
        mark(e.s1, depth);
        mark(e.s2, depth);
        return;
      case 'app':
        mark(e.f, depth);
        mark(e.x, depth);
        return;
      case 'fun':
        mark(e.body, depth + 1);
        return;
      case 'let':
        e.e.forEach((x) => mark(x, depth));
        mark(e.body, depth + 1);
        return;
      case 'letrec':
        e.e.forEach((x) => mark(x, depth + 1));
        mark(e.body, depth + 1);
        return;
      case 'match':
        mark(e.a, depth);
        e.tags.forEach((x) => mark(x, depth));
        if (e.dflt) mark(e.dflt, depth);
        return;
      case 'matchset':
        mark(e.a, depth);
        mark(e.ifEmpty, depth);
        mark(e.body, depth + 1);
        return;
      case 'try':
        mark(e.b, depth);
        mark(e.h, depth);
        return;
      case 'if':
        markCond(e.c, depth);
        mark(e.th, depth);
        mark(e.el, depth);
        return;
      case 'const':
      case 'glob':
      case 'input':
      case 'local':
      case 'zero':
        return;
      default:
        assertNever(e);
    }
  };
  const markCond = (c: RCond, depth: number): void => {
    switch (c.t) {
      case 'const':
        return;
      case 'not':
        markCond(c.c, depth);
        return;
      case 'and':
      case 'or':
        markCond(c.l, depth);
        markCond(c.r, depth);
        return;
      default:
        mark(c.l, depth);
        mark(c.r, depth);
    }
  };
  const markIns = (ins: CIns): void => {
    switch (ins.t) {
      case 'glet':
      case 'grec':
      case 'llet':
      case 'lrec':
        ins.e.forEach((e) => mark(e, 0));
        return;
      case 'test':
        mark(ins.e, 0);
        return;
      case 'with':
        mark(ins.set, 0);
        return;
      case 'call':
        mark(ins.p, 0);
        mark(ins.arg, 0);
        return;
      case 'forall':
        mark(ins.set, 0);
        return;
      case 'insmatch':
        mark(ins.a, 0);
        return;
      case 'lconst':
      case 'lproc':
        return;
      default:
        assertNever(ins);
    }
  };
  forEachIns(prog.code, markIns);
  return { memoCount, stageCount };
}

/** Index in ins.slots of the first slot filled by binding b. */
function slotIndex(ins: Extract<CIns, { t: 'glet' }>, b: number): number {
  let s = 0;
  for (let i = 0; i < b; i++) s += ins.pats[i].size;
  return s;
}
