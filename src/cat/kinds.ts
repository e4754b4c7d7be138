// Kind-determined expressions. The interpreter keeps, for the candidates of one path
// combination, the value of a node found fixed there (see Evaluator.ev): either all its
// operands are fixed, or one operand is fixed and empty, which empties the whole (`;`,
// `&`, `*`, the left of `\`). In the second case the other operands are not evaluated
// again on the later candidates, so an error they would raise there would go unseen. That
// is only sound when they cannot fail on a later candidate after evaluating cleanly on the
// first one, and give a value of the same kind (`{}` or a relation: which one it is decides
// what the absorbed node's value is).
//
// A node is kind-determined when its evaluation can fail, and the kind of its value can
// change, only through the kinds of the values it reads, never their contents. Any node
// whose value is the same for every candidate of the combination is (invariance.ts: a
// per-combination node, or a global that does not vary between candidates); so are set and
// relation operators over kind-determined operands; constants; inputs (their kinds are
// the same for every candidate); globals bound by a `let` to a kind-determined
// definition; globals whose kind the interpreter watches at run time (`with` names and
// the values of a top-level `let rec`: see watchedSlots); calls of a function bound by a
// top-level `let` whose body is kind-determined when its parameter is, with
// kind-determined arguments; and `let ... in` binding single names to kind-determined
// values, with a kind-determined body (its names then count as such: cos-opt.cat's
// `let _RMW = R & W in rf & (W * _RMW)`). Everything else (other calls, tuple
// bindings, branches, `try`, tuples, `++`) is not followed.

import { assertNever } from '../diagnostics.js';
import { checkLimits } from '../limits.js';
import { forEachIns, type MemoNode } from './invariance.js';
import type { CIns, CompiledProgram, RCond, RExp } from './resolved.js';

export interface KindNode {
  /** Set on kind-determined nodes (see above). */
  kindDetermined?: true;
}

/** Which locals of each frame in scope are kind-determined, innermost first (as Frame). */
interface Scope {
  v: boolean[];
  p: Scope | null;
}

/**
 * The global slots whose values' kinds the interpreter must watch for the fixed values
 * to be sound: names bound by `with` (one per path) and by a top-level `let rec` (the
 * kind of a fixpoint can depend on how many steps it took). Watched slots count as
 * kind-determined; the interpreter drops the values found fixed as soon as one of them
 * holds a value of another kind than it held before in the combination.
 */
export function watchedSlots(prog: CompiledProgram): Uint8Array {
  const watched = new Uint8Array(prog.nslots);
  forEachIns(prog.code, (ins) => {
    if (ins.t === 'with' && ins.slot >= 0) watched[ins.slot] = 1;
    if (ins.t === 'grec')
      for (let b = 0, s = 0; b < ins.e.length; b++) {
        for (let j = 0; j < ins.pats[b].size; j++, s++)
          if (!ins.isFun[b]) watched[ins.slots[s]] = 1;
      }
  });
  return watched;
}

/**
 * Marks the kind-determined nodes of prog (KindNode.kindDetermined). `variantSlots`: the
 * global slots whose values may differ between the candidates of a combination
 * (markInvariant's verdict).
 */
export function markKindDetermined(prog: CompiledProgram, variantSlots: Uint8Array): void {
  const watched = watchedSlots(prog);
  // What a top-level `let` binds a slot to (single names only: tuples are not followed).
  const definition = new Map<number, RExp>();
  forEachIns(prog.code, (ins) => {
    if (ins.t !== 'glet') return;
    for (let b = 0, s = 0; b < ins.e.length; b++) {
      if (!ins.pats[b].tuple) definition.set(ins.slots[s], ins.e[b]);
      s += ins.pats[b].size;
    }
  });

  // Judged once per node: at top level (no parameter in scope), and inside a function
  // body called with a kind-determined argument (its parameter frame is then one). A
  // node's scope (which locals are kind-determined) is the same each time it is judged in
  // one of the two ways, for it follows from where the node is.
  const judged = new Map<RExp, boolean>();
  const judgedInBody = new Map<RExp, boolean>();
  // A definition being judged counts as not kind-determined for the globals reading it
  // (a cycle through globals is impossible in a compiled model; this keeps it finite).
  const slotVerdict = new Map<number, boolean>();

  const slotDetermined = (s: number): boolean => {
    if (watched[s] === 1 || variantSlots[s] === 0) return true;
    const known = slotVerdict.get(s);
    if (known !== undefined) return known;
    const def = definition.get(s);
    if (def === undefined) return false;
    slotVerdict.set(s, false);
    const v = determined(def, false, null);
    slotVerdict.set(s, v);
    return v;
  };

  const determined = (e: RExp, inBody: boolean, scope: Scope | null): boolean => {
    const memo = inBody ? judgedInBody : judged;
    let v = memo.get(e);
    if (v === undefined) {
      checkLimits();
      v = judge(e, inBody, scope);
      memo.set(e, v);
    }
    return v;
  };

  const judge = (e: RExp, inBody: boolean, scope: Scope | null): boolean => {
    const sub = (x: RExp): boolean => determined(x, inBody, scope);
    if ((e as MemoNode).stageId !== undefined) return true;
    switch (e.t) {
      case 'const':
      case 'zero':
      case 'input':
        return true;
      case 'local': {
        let fr = scope;
        for (let d = e.d; d > 0 && fr !== null; d--) fr = fr.p;
        return fr !== null && fr.v[e.i] === true;
      }
      case 'glob':
        return slotDetermined(e.s);
      case 'op1':
        return sub(e.a);
      case 'union':
      case 'seq':
        return e.a.every(sub);
      case 'inter':
      case 'diff':
      case 'cart':
        return sub(e.l) && sub(e.r);
      case 'intercart':
        return sub(e.r) && sub(e.s1) && sub(e.s2);
      case 'app': {
        if (e.f.t !== 'glob') return false;
        const fn = definition.get(e.f.s);
        if (fn === undefined || fn.t !== 'fun') return false;
        // A tuple parameter takes a tuple written out with as many items.
        const argOk = fn.pat.tuple
          ? e.x.t === 'tuple' && e.x.a.length === fn.pat.size && e.x.a.every(sub)
          : sub(e.x);
        // The body's frame holds the parameter (its items for a tuple), all determined.
        const params: Scope = { v: new Array<boolean>(fn.pat.size).fill(true), p: null };
        return argOk && determined(fn.body, true, params);
      }
      case 'let': {
        // A tuple pattern can fail on the value's size: not followed.
        if (e.pats.some((p) => p.tuple)) return false;
        const v = e.e.map(sub);
        // The body is judged in any case: its nodes reading only determined names are.
        const body = determined(e.body, inBody, { v, p: scope });
        return body && v.every((x) => x);
      }
      case 'add':
      case 'set':
      case 'tuple':
      case 'fun':
      case 'letrec':
      case 'match':
      case 'matchset':
      case 'try':
      case 'if':
        return false;
      default:
        return assertNever(e);
    }
  };

  const visit = (e: RExp): void => {
    checkLimits();
    if (determined(e, false, null)) (e as KindNode).kindDetermined = true;
    forEachChild(e, visit);
  };
  forEachIns(prog.code, (ins) => forEachExp(ins, visit));
}

/** The expressions an instruction evaluates directly. */
function forEachExp(ins: CIns, visit: (e: RExp) => void): void {
  switch (ins.t) {
    case 'glet':
    case 'grec':
    case 'llet':
    case 'lrec':
      ins.e.forEach(visit);
      return;
    case 'test':
      visit(ins.e);
      return;
    case 'with':
    case 'forall':
      visit(ins.set);
      return;
    case 'call':
      visit(ins.p);
      visit(ins.arg);
      return;
    case 'insmatch':
      visit(ins.a);
      return;
    case 'lconst':
    case 'lproc':
      return;
    default:
      assertNever(ins);
  }
}

export function forEachChild(e: RExp, visit: (e: RExp) => void): void {
  switch (e.t) {
    case 'const':
    case 'zero':
    case 'input':
    case 'glob':
    case 'local':
      return;
    case 'op1':
      visit(e.a);
      return;
    case 'union':
    case 'seq':
    case 'set':
    case 'tuple':
      e.a.forEach(visit);
      return;
    case 'inter':
    case 'diff':
    case 'cart':
    case 'add':
      visit(e.l);
      visit(e.r);
      return;
    case 'intercart':
      visit(e.r);
      visit(e.s1);
      visit(e.s2);
      return;
    case 'app':
      visit(e.f);
      visit(e.x);
      return;
    case 'fun':
      visit(e.body);
      return;
    case 'let':
    case 'letrec':
      e.e.forEach(visit);
      visit(e.body);
      return;
    case 'match':
      visit(e.a);
      e.tags.forEach(visit);
      if (e.dflt) visit(e.dflt);
      return;
    case 'matchset':
      visit(e.a);
      visit(e.ifEmpty);
      visit(e.body);
      return;
    case 'try':
      visit(e.b);
      visit(e.h);
      return;
    case 'if':
      forEachCondChild(e.c, visit);
      visit(e.th);
      visit(e.el);
      return;
    default:
      assertNever(e);
  }
}

function forEachCondChild(c: RCond, visit: (e: RExp) => void): void {
  switch (c.t) {
    case 'const':
      return;
    case 'not':
      forEachCondChild(c.c, visit);
      return;
    case 'and':
    case 'or':
      forEachCondChild(c.l, visit);
      forEachCondChild(c.r, visit);
      return;
    default:
      visit(c.l);
      visit(c.r);
  }
}
