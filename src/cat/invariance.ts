// Invariant sub-expressions, at three levels. After `with co from ...` the rest of a model
// runs once per coherence order, yet much of it (fence relations, dependency relations,
// anything built only from the execution's fixed parts) is the same on every path; the
// enumerator hands the model many candidates that differ only in reads-from and final
// writes, over the same events, program order, dependencies and tags; and a top-level
// `let rec` re-evaluates its whole definition at every step of its fixpoint. This pass
// marks
//  - per-combination nodes (`stageId`): their value cannot differ between the candidates
//    of one path combination, so the interpreter computes each once per combination;
//  - fork-invariant nodes (`memoId`): their value cannot differ between the paths of one
//    evaluation, so it is computed once per candidate instead of once per path;
//  - fixpoint-invariant nodes (`loopId`): parts of a `let rec` definition that read none
//    of its names, computed once per fixpoint instead of once per step.
// A top-level `let rec` instruction itself gets a stage or memo id when its definition is
// invariant at that level (its fixpoint is then computed once there). Values are pure, so
// sharing them changes no result.
//
// A node is fork-invariant when it
//  - reads no frame variable bound outside itself (its value does not depend on where it
//    is evaluated: function parameters, enclosing `let`s, recursion variables), and
//  - reads no fork-variant global: a name bound by `with`, or by a `let` or `let rec`
//    whose definition is itself fork-variant (functions: whose body is), and
//  - is not, inside a `let rec` definition, reading one of its names (those change while
//    the fixpoint is computed).
// Function values are judged like any other: a call is variant when the callee or the
// argument is, and a function value's variance is that of its body where it was written
// (a frame variable bound inside the node was judged with the expression that bound it).
// A node is per-combination when, on top of that, it reads none of the inputs the
// enumerator changes between candidates (cat/input.ts, PER_CANDIDATE_INPUTS), no global
// defined from them, and no built-in function that reads event values.

import { assertNever } from '../diagnostics.js';
import { checkLimits } from '../limits.js';
import type { CIns, CompiledProgram, RCond, RExp } from './resolved.js';
import { PER_CANDIDATE_INPUTS } from './input.js';
import { readsEventValues } from './primitives.js';

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
  /**
   * Set on nodes of a top-level `let rec` definition that read none of its variables:
   * index of the value shared by the steps of one fixpoint computation.
   */
  loopId?: number;
  /**
   * Set on the other costly nodes that read no frame variable and, inside a `let rec`,
   * none of its names: index of the value kept for the combination once an evaluation
   * finds the node's value fixed there after all (see Evaluator.ev).
   */
  fixedId?: number;
  /**
   * Set on the costly nodes of a top-level `let rec` definition that read its variables
   * and no frame variable: index, among the fixed ids, of the value kept for the
   * combination once an evaluation finds the node's value fixed there (an operand fixed
   * and empty absorbs the rest, the variables included: LKMM's `rcu-gp ; rcu-link ;
   * rcu-order ; ...` in a test without synchronize_rcu()). Such a value holds while the
   * variables hold values of the kinds they held then (see Evaluator.loopKinds); these
   * nodes keep no last operands (fixedId), which would change at every step.
   */
  stepId?: number;
  /**
   * Set on the body of a function that reads nothing differing between candidates but
   * its parameters (and, defined at top level, no enclosing frame): two calls with equal
   * arguments give equal values, so the interpreter may reuse a result (see applyShared).
   */
  sharedCalls?: true;
}

/** How many nodes of each level markInvariant marked (their ids are dense from 0). */
export interface InvariantCounts {
  memoCount: number;
  stageCount: number;
  loopCount: number;
  fixedCount: number;
}

/**
 * Calls `visit` on every instruction of `code`, nested ones (procedure bodies, `forall`,
 * `match` branches) after the one holding them. Shared by the passes that judge a model
 * (this one and kinds.ts); a model of 100,000 instructions keeps the run's limits.
 */
export function forEachIns(code: CIns[], visit: (ins: CIns) => void): void {
  for (const ins of code) {
    checkLimits();
    visit(ins);
    if (ins.t === 'lproc' || ins.t === 'forall') forEachIns(ins.body, visit);
    if (ins.t === 'insmatch') {
      for (const b of ins.tags.values()) forEachIns(b, visit);
      if (ins.dflt) forEachIns(ins.dflt, visit);
    }
  }
}

/**
 * Marks the invariant costly nodes of prog with dense memo and stage ids. Also says which
 * global slots may differ between the candidates of one combination.
 */
export function markInvariant(
  prog: CompiledProgram,
): InvariantCounts & { candidateVariantSlots: Uint8Array } {
  const forkVariantSlot = new Uint8Array(prog.nslots);

  // A top-level `let rec` binds its functions once (their slots never change) and its other
  // names to a fixpoint: those vary as the definition's bodies do, which the propagation
  // below finds, and inside the bodies while the fixpoint is computed, which `mark` handles.
  // A `let rec` mixing functions and other names is left variant throughout: its functions
  // may read the other names while their fixpoint is computed, and may be called later.
  forEachIns(prog.code, (ins) => {
    if (ins.t === 'with' && ins.slot >= 0) forkVariantSlot[ins.slot] = 1;
    if (ins.t === 'grec' && isMixed(ins)) for (const s of ins.slots) forkVariantSlot[s] = 1;
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
      checkLimits();
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
        checkLimits();
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
          return perCandidate && readsEventValues(e.v);
        case 'zero':
          return false;
        case 'local':
          // Bound inside the node being judged (else it escapes), by an expression judged
          // with it: a function value included, its body judged where it was written.
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
          return variant(e.f) || variant(e.x);
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
    const markVariant = (slot: number): boolean => {
      if (variantSlot[slot]) return false;
      variantSlot[slot] = 1;
      return true;
    };

    // Propagate variance through top-level definitions until stable.
    for (let changed = true; changed;) {
      changed = false;
      known = new Map();
      forEachIns(prog.code, (ins) => {
        if (ins.t === 'glet') {
          ins.e.forEach((e, b) => {
            const v = variant(e) || escapes(e, 0);
            const first = slotIndex(ins, b);
            for (let j = 0; j < ins.pats[b].size; j++)
              if (v && markVariant(ins.slots[first + j])) changed = true;
          });
        } else if (ins.t === 'grec') {
          // A function is bound once and varies as its body does (recursive calls aside:
          // slots start invariant, so this ends at the least fixpoint). The other names
          // are computed together: one variant body makes them all variant.
          const values = ins.e.some((e, b) => !ins.isFun[b] && (variant(e) || escapes(e, 0)));
          ins.e.forEach((e, b) => {
            const v = ins.isFun[b] ? variant(e) || escapes(e, 0) : values;
            const first = slotIndex(ins, b);
            for (let j = 0; j < ins.pats[b].size; j++)
              if (v && markVariant(ins.slots[first + j])) changed = true;
          });
        }
      });
    }
    return { variant, variantSlot };
  };
  const forkLevel = analysis(forkVariantSlot, false);
  const forkVariant = forkLevel.variant;
  // Everything that varies between paths varies between candidates too.
  const candidateLevel = analysis(forkVariantSlot.slice(), true);
  const candidateVariant = candidateLevel.variant;

  // Does e read one of the global slots marked in `slots` (the variables of the top-level
  // `let rec` whose fixpoint is being computed)? Named functions defined before the
  // definition cannot read them; one defined with it is one of those slots itself.
  const readsSlot = (e: RExp, slots: Uint8Array): boolean => {
    switch (e.t) {
      case 'glob':
        return slots[e.s] === 1;
      case 'const':
      case 'zero':
      case 'input':
      case 'local':
        return false;
      case 'op1':
        return readsSlot(e.a, slots);
      case 'union':
      case 'seq':
      case 'set':
      case 'tuple':
        return e.a.some((x) => readsSlot(x, slots));
      case 'inter':
      case 'diff':
      case 'cart':
      case 'add':
        return readsSlot(e.l, slots) || readsSlot(e.r, slots);
      case 'intercart':
        return readsSlot(e.r, slots) || readsSlot(e.s1, slots) || readsSlot(e.s2, slots);
      case 'app':
        return readsSlot(e.f, slots) || readsSlot(e.x, slots);
      case 'fun':
        return readsSlot(e.body, slots);
      case 'let':
      case 'letrec':
        return e.e.some((x) => readsSlot(x, slots)) || readsSlot(e.body, slots);
      case 'match':
        return (
          readsSlot(e.a, slots) ||
          [...e.tags.values()].some((x) => readsSlot(x, slots)) ||
          (e.dflt !== null && readsSlot(e.dflt, slots))
        );
      case 'matchset':
        return readsSlot(e.a, slots) || readsSlot(e.ifEmpty, slots) || readsSlot(e.body, slots);
      case 'try':
        return readsSlot(e.b, slots) || readsSlot(e.h, slots);
      case 'if':
        return condReadsSlot(e.c, slots) || readsSlot(e.th, slots) || readsSlot(e.el, slots);
    }
  };
  const condReadsSlot = (c: RCond, slots: Uint8Array): boolean => {
    switch (c.t) {
      case 'const':
        return false;
      case 'not':
        return condReadsSlot(c.c, slots);
      case 'and':
      case 'or':
        return condReadsSlot(c.l, slots) || condReadsSlot(c.r, slots);
      default:
        return readsSlot(c.l, slots) || readsSlot(c.r, slots);
    }
  };

  // How often an operand's value can change: 0 once per combination, 1 once per
  // candidate, 2 once per path, 3 more often (at every step of the fixpoint of `recSlots`,
  // or wherever it is evaluated because it reads a frame variable).
  const level = (e: RExp, recSlots: Uint8Array | null): number =>
    escapes(e, 0) || (recSlots !== null && readsSlot(e, recSlots))
      ? 3
      : forkVariant(e)
        ? 2
        : candidateVariant(e)
          ? 1
          : 0;
  // A sequence is computed once per evaluation of its node, but composition is
  // associative: a run of operands that change less often than the whole can be composed
  // once at their own level. `a ; b ; X ; c ; d` with only X changing at every step
  // (the recursion variable of a fixpoint, or the forked coherence order) becomes
  // `(a ; b) ; X ; (c ; d)`, whose outer parts `mark` then shares. `[S]` filters compose
  // as the identity on S and `{}` still makes the whole empty, so the value is the same.
  const groupInvariantRuns = (
    e: Extract<RExp, { t: 'union' | 'seq' }>,
    recSlots: Uint8Array | null,
  ): void => {
    const levels = e.a.map((x) => level(x, recSlots));
    const whole = Math.max(...levels);
    if (whole === 0) return;
    const grouped: RExp[] = [];
    for (let i = 0; i < e.a.length;) {
      let j = i;
      while (j < e.a.length && levels[j] < whole) j++;
      if (j - i >= 2) grouped.push({ t: 'seq', a: e.a.slice(i, j), loc: e.loc });
      else if (j > i) grouped.push(e.a[i]);
      else grouped.push(e.a[j++]);
      i = j;
    }
    if (grouped.length < e.a.length) e.a = grouped;
  };

  let memoCount = 0;
  let stageCount = 0;
  let loopCount = 0;
  let fixedCount = 0;
  // recSlots: the variables of the top-level `let rec` whose definition e is part of, if any.
  const mark = (e: RExp, depth: number, recSlots: Uint8Array | null = null): void => {
    checkLimits();
    // Inside a fixpoint, what reads its variables changes at every step: never shared,
    // unless found fixed (an operand fixed and empty absorbs the variables: see stepId).
    if (COSTLY.has(e.t) && !escapes(e, 0) && recSlots !== null && readsSlot(e, recSlots))
      (e as MemoNode).stepId = fixedCount++;
    else if (COSTLY.has(e.t) && !escapes(e, 0)) {
      if (!candidateVariant(e)) {
        (e as MemoNode).stageId = stageCount++;
        return; // everything inside is computed at most once with it
      }
      // Computed once per candidate; its per-combination parts are marked below.
      (e as MemoNode).fixedId = fixedCount++;
      if (!forkVariant(e)) (e as MemoNode).memoId = memoCount++;
      else if (recSlots !== null) {
        // Computed once per fixpoint; what is shared more widely inside is marked below.
        (e as MemoNode).loopId = loopCount++;
      }
    }
    if (e.t === 'seq') groupInvariantRuns(e, recSlots);
    switch (e.t) {
      case 'op1':
        mark(e.a, depth, recSlots);
        return;
      case 'union':
      case 'seq':
      case 'set':
      case 'tuple':
        e.a.forEach((x) => mark(x, depth, recSlots));
        return;
      case 'inter':
      case 'diff':
      case 'cart':
      case 'add':
        mark(e.l, depth, recSlots);
        mark(e.r, depth, recSlots);
        return;
      case 'intercart':
        mark(e.r, depth, recSlots);
        mark(e.s1, depth, recSlots);
        mark(e.s2, depth, recSlots);
        return;
      case 'app':
        mark(e.f, depth, recSlots);
        mark(e.x, depth, recSlots);
        return;
      case 'fun':
        if (!candidateVariant(e.body)) (e.body as MemoNode).sharedCalls = true;
        mark(e.body, depth + 1, null); // a closure may be called after the fixpoint
        return;
      case 'let':
        e.e.forEach((x) => mark(x, depth, recSlots));
        mark(e.body, depth + 1, recSlots);
        return;
      case 'letrec':
        e.e.forEach((x) => mark(x, depth + 1, recSlots));
        mark(e.body, depth + 1, recSlots);
        return;
      case 'match':
        mark(e.a, depth, recSlots);
        e.tags.forEach((x) => mark(x, depth, recSlots));
        if (e.dflt) mark(e.dflt, depth, recSlots);
        return;
      case 'matchset':
        mark(e.a, depth, recSlots);
        mark(e.ifEmpty, depth, recSlots);
        mark(e.body, depth + 1, recSlots);
        return;
      case 'try':
        mark(e.b, depth, recSlots);
        mark(e.h, depth, recSlots);
        return;
      case 'if':
        markCond(e.c, depth, recSlots);
        mark(e.th, depth, recSlots);
        mark(e.el, depth, recSlots);
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
  const markCond = (c: RCond, depth: number, recSlots: Uint8Array | null): void => {
    switch (c.t) {
      case 'const':
        return;
      case 'not':
        markCond(c.c, depth, recSlots);
        return;
      case 'and':
      case 'or':
        markCond(c.l, depth, recSlots);
        markCond(c.r, depth, recSlots);
        return;
      default:
        mark(c.l, depth, recSlots);
        mark(c.r, depth, recSlots);
    }
  };
  const markIns = (ins: CIns): void => {
    switch (ins.t) {
      case 'grec': {
        const recSlots = new Uint8Array(prog.nslots);
        for (const s of ins.slots) recSlots[s] = 1;
        ins.e.forEach((e, b) => mark(e, 0, ins.isFun[b] ? null : recSlots));
        // The fixpoint itself is shared at the level of its names (all vary together).
        const valueSlot = ins.slots.find((_, i) => !ins.isFun[bindingOfSlot(ins, i)]);
        if (valueSlot === undefined) return;
        if (!candidateLevel.variantSlot[valueSlot]) (ins as MemoNode).stageId = stageCount++;
        else if (!forkLevel.variantSlot[valueSlot]) (ins as MemoNode).memoId = memoCount++;
        return;
      }
      case 'glet':
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
  return {
    memoCount,
    stageCount,
    loopCount,
    fixedCount,
    candidateVariantSlots: candidateLevel.variantSlot,
  };
}

/** Index in ins.slots of the first slot filled by binding b. */
function slotIndex(ins: Extract<CIns, { t: 'glet' | 'grec' }>, b: number): number {
  let s = 0;
  for (let i = 0; i < b; i++) s += ins.pats[i].size;
  return s;
}

/** A `let rec` binding both functions and other names. */
function isMixed(ins: Extract<CIns, { t: 'grec' }>): boolean {
  return ins.isFun.includes(true) && ins.isFun.includes(false);
}

/** The binding that fills ins.slots[i]. */
function bindingOfSlot(ins: Extract<CIns, { t: 'grec' }>, i: number): number {
  let b = 0;
  for (let first = ins.pats[0].size; first <= i; first += ins.pats[b].size) b++;
  return b;
}
