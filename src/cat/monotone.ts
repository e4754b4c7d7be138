// Checks decided for a whole path combination by one evaluation over upper bounds.
//
// The candidates of one path combination differ only in the inputs the enumerator chooses
// (reads-from, final writes: cat/input.ts). When every candidate's rf and FW lie within
// known upper bounds, a model evaluated once with rf and FW replaced by those bounds
// gives, for an expression that only grows (or stays the same) as rf and FW grow, a value
// that contains the expression's value on every candidate. A check `acyclic r`,
// `irreflexive r` or `empty r` that holds on that value then holds on every candidate (a
// part of an acyclic relation is acyclic), and a `flag ~empty r` whose value is empty
// there fires on none: the interpreter need not evaluate them per candidate (Evaluator,
// EvalOptions.decideChecks). For LKMM that leaves the coherence check per candidate, and
// the happens-before, propagation and RCU relations once per combination.
//
// This pass says which top-level tests qualify: those whose expression is monotone in rf
// and FW. The polarity of an expression in them is one of
//   FIXED: does not read them (the same on every candidate of the combination),
//   GROWS: only grows with them, SHRINKS: only shrinks as they grow, or ANY.
// Union, intersection, sequence, products, closures, inverse and `[S]` keep their
// operands' polarity; the right of `\` and complement reverse it. Calls of functions bound
// by a top-level `let` take their body's polarity given the arguments'; `domain` and
// `range` are monotone, other built-ins are FIXED on a FIXED argument and ANY otherwise,
// and those that read event values (values differ between candidates) are ANY. A top-level
// `let rec` of non-functions is monotone when its bodies are, its own names included (its
// value, the least fixpoint reached from `{}`, then grows with the inputs). Names bound by
// `with` count as FIXED: the interpreter checks at run time that the set a fork takes them
// from is the same for every candidate (else nothing is decided). Anything else (other
// inputs that vary between candidates, local functions, bindings, branches on values that
// vary, sets of values, `++`) is ANY.

import { checkLimits } from '../limits.js';
import { BOUNDED_INPUTS, PER_CANDIDATE_INPUTS } from './input.js';
import type { MemoNode } from './invariance.js';
import { MONOTONE_PRIMITIVES, readsEventValues } from './primitives.js';
import type { CIns, CompiledProgram, RCond, RExp, V } from './resolved.js';

/** Polarities as bits: GROWS and SHRINKS together are ANY. */
export const FIXED = 0;
export const GROWS = 1;
export const SHRINKS = 2;
export const ANY = 3;
export type Polarity = 0 | 1 | 2 | 3;

/** The inputs with upper bounds over a combination (see ModelInput.upperBounds). */
const BOUNDED: ReadonlySet<string> = new Set(BOUNDED_INPUTS);

/** The name of a built-in function value, or null for any other value. */
function primitiveName(v: V): string | null {
  return 'k' in v && v.k === 'prim' ? v.name : null;
}

function reversed(p: Polarity): Polarity {
  return p === GROWS ? SHRINKS : p === SHRINKS ? GROWS : p;
}

/** A frame of local variables' polarities, as the interpreter's frames hold values. */
interface PFrame {
  v: Polarity[];
  p: PFrame | null;
}

export interface MonotoneFacts {
  /**
   * Top-level tests that an evaluation over upper bounds may decide: checks (and
   * `undefined_unless`) that are not negated, and negated flags, over a monotone value.
   */
  tests: ReadonlySet<CIns>;
  /** Top-level `let rec`s of non-functions that are monotone (see above). */
  recs: ReadonlySet<CIns>;
}

export function monotoneFacts(prog: CompiledProgram): MonotoneFacts {
  // What top-level instructions bind each global slot to.
  const letDef = new Map<number, RExp>();
  const tupleDef = new Map<number, RExp>();
  const recOf = new Map<number, Extract<CIns, { t: 'grec' }>>();
  const forkSlots = new Set<number>();
  for (const ins of prog.code) {
    if (ins.t === 'glet') {
      for (let b = 0, s = 0; b < ins.e.length; b++) {
        const pat = ins.pats[b];
        if (!pat.tuple) letDef.set(ins.slots[s], ins.e[b]);
        else for (let j = 0; j < pat.size; j++) tupleDef.set(ins.slots[s + j], ins.e[b]);
        s += pat.size;
      }
    } else if (ins.t === 'grec') {
      for (const s of ins.slots) recOf.set(s, ins);
    } else if (ins.t === 'with' && ins.slot >= 0) forkSlots.add(ins.slot);
  }

  const slotPolarity = new Map<number, Polarity>();
  const recPolarity = new Map<CIns, Polarity>();

  const slot = (s: number): Polarity => {
    const known = slotPolarity.get(s);
    if (known !== undefined) return known;
    if (forkSlots.has(s)) return FIXED;
    // Being judged (a cycle cannot happen in a compiled model): ANY keeps it finite.
    slotPolarity.set(s, ANY);
    let p: Polarity = ANY;
    const def = letDef.get(s);
    const tuple = tupleDef.get(s);
    const rec = recOf.get(s);
    if (def !== undefined) p = pol(def, null);
    else if (tuple !== undefined) p = pol(tuple, null) === FIXED ? FIXED : ANY;
    else if (rec !== undefined) p = recursive(rec);
    slotPolarity.set(s, p);
    return p;
  };

  // A fixpoint of non-functions: FIXED if its bodies are with its names FIXED, else
  // GROWS if they only grow with its names taken as growing, else ANY.
  const recursive = (ins: Extract<CIns, { t: 'grec' }>): Polarity => {
    const known = recPolarity.get(ins);
    if (known !== undefined) return known;
    let p: Polarity = ANY;
    if (!ins.isFun.some((x) => x)) {
      for (const assumed of [FIXED, GROWS] as const) {
        for (const s of ins.slots) slotPolarity.set(s, assumed);
        let whole: Polarity = FIXED;
        for (const e of ins.e) whole = (whole | pol(e, null)) as Polarity;
        if (whole === assumed) {
          p = assumed;
          break;
        }
      }
    }
    for (const s of ins.slots) slotPolarity.set(s, p);
    recPolarity.set(ins, p);
    return p;
  };

  const join = (es: RExp[], env: PFrame | null): Polarity => {
    let p: Polarity = FIXED;
    for (const x of es) p = (p | pol(x, env)) as Polarity;
    return p;
  };

  const local = (env: PFrame | null, d: number, i: number): Polarity => {
    let fr = env;
    for (let k = d; k > 0 && fr !== null; k--) fr = fr.p;
    return fr === null || i >= fr.v.length ? ANY : fr.v[i];
  };

  // Calls of a function bound by a top-level `let`, judged per argument polarities.
  const bodies = new Map<string, Polarity>();
  const bodyIds = new Map<RExp, number>();
  const call = (fn: Extract<RExp, { t: 'fun' }>, args: Polarity[]): Polarity => {
    let id = bodyIds.get(fn.body);
    if (id === undefined) bodyIds.set(fn.body, (id = bodyIds.size));
    const key = `${id}:${args.join('')}`;
    const known = bodies.get(key);
    if (known !== undefined) return known;
    bodies.set(key, ANY);
    const p = pol(fn.body, { v: args, p: null });
    bodies.set(key, p);
    return p;
  };

  const app = (e: Extract<RExp, { t: 'app' }>, env: PFrame | null): Polarity => {
    const f = e.f;
    const prim = f.t === 'const' ? primitiveName(f.v) : null;
    if (f.t === 'const' && prim !== null) {
      if (readsEventValues(f.v)) return ANY;
      const p = pol(e.x, env);
      if (MONOTONE_PRIMITIVES.has(prim)) return p;
      return p === FIXED ? FIXED : ANY;
    }
    if (f.t !== 'glob') return ANY;
    const fn = letDef.get(f.s);
    if (fn === undefined || fn.t !== 'fun') return ANY;
    if (!fn.pat.tuple) return call(fn, [pol(e.x, env)]);
    if (e.x.t !== 'tuple' || e.x.a.length !== fn.pat.size) return ANY;
    return call(
      fn,
      e.x.a.map((x) => pol(x, env)),
    );
  };

  const cond = (c: RCond, env: PFrame | null): Polarity => {
    switch (c.t) {
      case 'const':
        return FIXED;
      case 'not':
        return cond(c.c, env);
      case 'and':
      case 'or':
        return (cond(c.l, env) | cond(c.r, env)) as Polarity;
      default:
        return pol(c.l, env) === FIXED && pol(c.r, env) === FIXED ? FIXED : ANY;
    }
  };

  const pol = (e: RExp, env: PFrame | null): Polarity => {
    checkLimits();
    // Per-combination nodes (invariance.ts) are the same on every candidate.
    if ((e as MemoNode).stageId !== undefined) return FIXED;
    switch (e.t) {
      case 'const':
        return readsEventValues(e.v) ? ANY : FIXED;
      case 'zero':
        return FIXED;
      case 'input':
        if (BOUNDED.has(e.name)) return GROWS;
        return PER_CANDIDATE_INPUTS.has(e.name) ? ANY : FIXED;
      case 'glob':
        return slot(e.s);
      case 'local':
        return local(env, e.d, e.i);
      case 'op1':
        return e.op === 'comp' ? reversed(pol(e.a, env)) : pol(e.a, env);
      case 'union':
      case 'seq':
        return join(e.a, env);
      case 'inter':
      case 'cart':
        return (pol(e.l, env) | pol(e.r, env)) as Polarity;
      case 'diff':
        return (pol(e.l, env) | reversed(pol(e.r, env))) as Polarity;
      case 'intercart':
        return (pol(e.r, env) | pol(e.s1, env) | pol(e.s2, env)) as Polarity;
      case 'app':
        return app(e, env);
      case 'add':
        // Sets of values and tuples: only followed when nothing in them varies.
        return join([e.l, e.r], env) === FIXED ? FIXED : ANY;
      case 'set':
      case 'tuple':
        return join(e.a, env) === FIXED ? FIXED : ANY;
      case 'if': {
        if (cond(e.c, env) !== FIXED) return ANY;
        return (pol(e.th, env) | pol(e.el, env)) as Polarity;
      }
      case 'let': {
        const v: Polarity[] = [];
        for (let b = 0; b < e.e.length; b++) {
          const p = pol(e.e[b], env);
          const pat = e.pats[b];
          for (let j = 0; j < pat.size; j++) v.push(pat.tuple && p !== FIXED ? ANY : p);
        }
        return pol(e.body, { v, p: env });
      }
      case 'fun':
      case 'letrec':
      case 'match':
      case 'matchset':
      case 'try':
        return ANY;
    }
  };

  const tests = new Set<CIns>();
  const recs = new Set<CIns>();
  for (const ins of prog.code) {
    if (ins.t === 'grec') {
      if (recursive(ins) !== ANY) recs.add(ins);
    } else if (ins.t === 'test') {
      const decidable =
        ((ins.type === 'check' || ins.type === 'undefined_unless') && !ins.neg) ||
        (ins.type === 'flag' && ins.neg);
      if (decidable && (pol(ins.e, null) & SHRINKS) === 0) tests.add(ins);
    }
  }
  return { tests, recs };
}
