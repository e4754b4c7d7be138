// Pruning a `with x from S` fork whose every branch is forbidden, by evaluating the rest
// of the model once over bounds.
//
// Each branch of a fork runs the instructions after it with x bound to one element of S.
// Evaluate them instead with every value replaced by an interval [lo, hi] that holds the
// value of every branch: x gets [intersection of S, union of S]; a value that does not
// depend on the fork is exact (lo = hi, computed by the ordinary evaluator); an operator
// that is monotone in an operand (union, intersection, sequence, closures, inverse,
// cartesian product, `[S]`, domain, range) maps the operands' bounds to the result's, and
// one that is antitone in it (the right of `\`, complement) swaps them. A check `acyclic
// r` (`irreflexive`, `empty`) whose r has a lower bound that fails it fails on every
// branch: each branch's r contains that bound, so each branch is rejected at this check
// or at an earlier one, and the fork is skipped whole (a negated check, symmetrically,
// when r's upper bound fails it). Anything the bounds cannot follow (a condition or match
// on a value that is not exact, `++` or a set of values that are not, other primitives,
// procedures, a `let rec` whose variables occur other than positively) ends the attempt
// without pruning, and so does any error: a branch skipped must not hide an error herd7
// would report. The instructions before the pruning check are all evaluated here, each
// with operands of the kinds the branches see (relations stay relations), so an error one
// of them raises in a branch (a kind mismatch: the operators fail on kinds only) is
// raised here too, and `assert`s must hold on every value in their bounds.
//
// Only the interpreter's own top-level forks are pruned, when the run asks for it
// (EvalOptions.pruneForbidden: nothing observes the rejected paths, no execution budget
// counts them). Flags of rejected paths do not count, so skipping them changes nothing.

import { LimitError, type Location } from '../diagnostics.js';
import { EventSet, Relation, orWordsInto } from '../relations/index.js';
import type { CIns, RCond, RExp, RPat } from './resolved.js';
import {
  EMPTY,
  Frame,
  ProductSet,
  UNV,
  kindOf,
  sameValue,
  valSetMembers,
  type V,
  type VClo,
  type VTuple,
  type VValSet,
} from './values.js';
import { MONOTONE_PRIMITIVES, SUBRELATION_PRIMITIVES, readsEventValues } from './primitives.js';
import { forEachChild } from './kinds.js';

/** What the bound evaluation asks of the ordinary evaluator. */
export interface BoundHost {
  n: number;
  /** The ordinary value of a node that reads no frame and no global after the fork. */
  evExact(e: RExp): V;
  /** A function applied to an argument, as the evaluator applies it. */
  call(fn: V, arg: V, loc: Location): V;
  /** Binding a pattern to a value, as the evaluator does (errors alike). */
  destructure(pat: RPat, v: V, loc: Location): V[];
  /** Whether a check's test (negation included) holds on a value. */
  holds(ins: Extract<CIns, { t: 'test' }>, v: V): boolean;
  /** The elements of a fork's set, as the evaluator takes them. */
  elements(v: V, loc: Location, what: string): V[];
  /** herd's fixpoint test: w adds nothing to v. */
  stabilised(v: V, w: V, loc: Location): boolean;
  /** Forgets the values a top-level fixpoint shares between its steps (see Evaluator). */
  resetLoopValues(): void;
  /** The value the evaluator shares for a node at its level, if it was computed already. */
  sharedValue(e: RExp): V | undefined;
  /** Shares a node's value at its level (a node read the same in every branch). */
  share(e: RExp, v: V): void;
  /**
   * For a run over the whole model (BoundRun.overInputs): a global the evaluator has not
   * met yet, defined lazily by e as `let` does, or bound to its value.
   */
  defineGlobal(slot: number, e: RExp): void;
  setGlobal(slot: number, v: V): void;
  checkLimits(): void;
}

/**
 * An interval of values: every branch's value v has lo ⊆ v ⊆ hi. Exact when lo === hi.
 * The checks read lower bounds; an upper bound is computed only when something asks for
 * it (the right of `\`, a negated check), by `upper`.
 */
export interface Bound {
  lo: V;
  hi: V | null;
  upper?: () => V;
  /** A tuple's items, so that a pattern can take them apart without their upper bounds. */
  items?: Bound[];
}

/** The attempt is over: the bounds cannot follow the model further (nothing is pruned). */
class GiveUp extends Error {}

/** Thrown by a fixpoint's exact attempt at its first inexact value (see fixpoint). */
const NOT_EXACT = new GiveUp();

class BFrame {
  constructor(
    public v: Bound[],
    public p: BFrame | null,
  ) {}
}

/** A global after the fork: its definition and, once evaluated, its bounds. */
interface BSlot {
  e: RExp | null;
  value: Bound | null;
}

function exact(v: V): Bound {
  return { lo: v, hi: v };
}

function isExact(b: Bound): boolean {
  return b.lo === b.hi;
}

function upperOf(b: Bound): V {
  if (b.hi === null) b.hi = b.upper!();
  return b.hi;
}

function lazy(lo: V, upper: () => V): Bound {
  return { lo, hi: null, upper };
}

function constant(v: V): RExp {
  return { t: 'const', v };
}

/**
 * Bound runs a fork search in a run over inputs makes before it must have shown, in
 * failing groups, twice as many alternatives as further runs (searchFork).
 */
const SEARCH_RUNS = 16;

/** By call node, the last call of a host function in a run over inputs (hostCall). */
const lastCalls = new WeakMap<
  RExp,
  { body: RExp; combination: object | undefined; arg: V; value: V }
>();

/** How many frames above a node its free locals reach (0: none), and its highest global. */
interface Reach {
  frames: number;
  slot: number;
}

const reachOf = new WeakMap<RExp, Reach>();

function reach(e: RExp): Reach {
  let r = reachOf.get(e);
  if (r !== undefined) return r;
  let frames = 0;
  let slot = -1;
  const take = (x: RExp, binds: number): void => {
    const c = reach(x);
    frames = Math.max(frames, c.frames - binds);
    slot = Math.max(slot, c.slot);
  };
  switch (e.t) {
    case 'local':
      frames = e.d + 1;
      break;
    case 'glob':
      slot = e.s;
      break;
    case 'fun':
      take(e.body, 1);
      break;
    case 'let':
      for (const x of e.e) take(x, 0);
      take(e.body, 1);
      break;
    case 'letrec':
      for (const x of e.e) take(x, 1);
      take(e.body, 1);
      break;
    case 'matchset':
      take(e.a, 0);
      take(e.ifEmpty, 0);
      take(e.body, 1);
      break;
    default:
      forEachChild(e, (x) => take(x, 0));
  }
  r = { frames, slot };
  reachOf.set(e, r);
  return r;
}

const globalsOf = new WeakMap<RExp, Set<number>>();

/** The globals a node reads, function bodies included. */
function globalsRead(e: RExp): Set<number> {
  let g = globalsOf.get(e);
  if (g === undefined) {
    g = new Set<number>();
    if (e.t === 'glob') g.add(e.s);
    const into = g;
    forEachChild(e, (x) => {
      for (const s of globalsRead(x)) into.add(s);
    });
    globalsOf.set(e, g);
  }
  return g;
}

const readsByDependent = new WeakMap<Uint8Array, WeakMap<RExp, boolean>>();

/**
 * The globals defined in code[from..] whose definitions read, directly or through other
 * such globals, the global `source` (-1: none), a fork's name or what `readsSource` says
 * they read. A fixpoint reads its own names: it depends on them when anything else it
 * reads does, which the walk finds since its own slots are not marked yet.
 */
function dependentSlots(
  code: CIns[],
  from: number,
  source: number,
  readsSource: (e: RExp) => boolean,
): Uint8Array {
  let size = source + 1;
  for (let i = from; i < code.length; i++) {
    const ins = code[i];
    if (ins.t === 'glet' || ins.t === 'grec')
      for (const s of ins.slots) size = Math.max(size, s + 1);
    if (ins.t === 'with') size = Math.max(size, ins.slot + 1);
  }
  const dep = new Uint8Array(size);
  if (source >= 0) dep[source] = 1;
  const reads = (e: RExp): boolean => {
    for (const s of globalsRead(e)) if (dep[s] === 1) return true;
    return readsSource(e);
  };
  for (let i = from; i < code.length; i++) {
    const ins = code[i];
    if (ins.t === 'with' && ins.slot >= 0) dep[ins.slot] = 1;
    if ((ins.t === 'glet' || ins.t === 'grec') && ins.e.some(reads))
      for (const s of ins.slots) dep[s] = 1;
  }
  return dep;
}

/** dependentSlots by fork instruction, and for runs over inputs by program code. */
const dependentOf = new WeakMap<object, Uint8Array>();

/** The globals after the fork at code[at] (binding `forkSlot`) that depend on it. */
function forkDependentSlots(code: CIns[], at: number, forkSlot: number): Uint8Array {
  let dep = dependentOf.get(code[at]);
  if (dep === undefined) {
    dep = dependentSlots(code, at + 1, forkSlot, () => false);
    dependentOf.set(code[at], dep);
  }
  return dep;
}

/**
 * The globals of a whole program (code) that depend on one of the inputs `varying` (the
 * same ones for every call on a program), on event values or on a fork's name.
 */
function inputDependentSlots(code: CIns[], varying: ReadonlySet<number>): Uint8Array {
  let dep = dependentOf.get(code);
  if (dep === undefined) {
    const readsVarying = (e: RExp): boolean => {
      for (const i of inputsRead(e)) if (varying.has(i)) return true;
      return readsValues(e);
    };
    dep = dependentSlots(code, 0, -1, readsVarying);
    dependentOf.set(code, dep);
  }
  return dep;
}

const inputsOf = new WeakMap<RExp, Set<number>>();

/** The inputs a node reads (by index), function bodies included. */
function inputsRead(e: RExp): Set<number> {
  let g = inputsOf.get(e);
  if (g === undefined) {
    g = new Set<number>();
    if (e.t === 'input') g.add(e.i);
    const into = g;
    forEachChild(e, (x) => {
      for (const i of inputsRead(x)) into.add(i);
    });
    inputsOf.set(e, g);
  }
  return g;
}

const valuesOf = new WeakMap<RExp, boolean>();

/**
 * Whether a node mentions a primitive that reads event values (function bodies
 * included): such values are unknown in a run over inputs, like the inputs it bounds.
 */
function readsValues(e: RExp): boolean {
  let known = valuesOf.get(e);
  if (known === undefined) {
    known = e.t === 'const' && readsEventValues(e.v);
    if (!known) forEachChild(e, (x) => (known ||= readsValues(x)));
    valuesOf.set(e, known);
  }
  return known;
}

/**
 * Whether the variables of a `let rec` (`isVar`, given the number of frames entered since
 * the binding) occur in e only positively and only under monotone operators, so that the
 * fixpoint of the bounds' ends bounds the fixpoint of every branch.
 */
function positiveIn(e: RExp, isVar: (x: RExp, depth: number) => boolean, depth = 0): boolean {
  if (isVar(e, depth)) return true;
  const mentions = (x: RExp): boolean => {
    let found = false;
    const walk = (y: RExp, d: number): void => {
      if (found) return;
      if (isVar(y, d)) {
        found = true;
        return;
      }
      switch (y.t) {
        case 'fun':
          walk(y.body, d + 1);
          return;
        case 'let':
          y.e.forEach((z) => walk(z, d));
          walk(y.body, d + 1);
          return;
        case 'letrec':
          y.e.forEach((z) => walk(z, d + 1));
          walk(y.body, d + 1);
          return;
        case 'matchset':
          walk(y.a, d);
          walk(y.ifEmpty, d);
          walk(y.body, d + 1);
          return;
        default:
          forEachChild(y, (z) => walk(z, d));
      }
    };
    walk(x, depth);
    return found;
  };
  switch (e.t) {
    case 'union':
    case 'seq':
      return e.a.every((x) => positiveIn(x, isVar, depth));
    case 'inter':
    case 'cart':
      return positiveIn(e.l, isVar, depth) && positiveIn(e.r, isVar, depth);
    case 'intercart':
      return [e.r, e.s1, e.s2].every((x) => positiveIn(x, isVar, depth));
    case 'diff':
      return positiveIn(e.l, isVar, depth) && !mentions(e.r);
    case 'op1':
      return e.op === 'comp' ? !mentions(e.a) : positiveIn(e.a, isVar, depth);
    default:
      return !mentions(e);
  }
}

/**
 * The bounds of a fork's set of alternatives: their intersection and union, when they are
 * all relations or all event sets (null otherwise: such forks are not pruned).
 */
export function meetAndJoin(elems: V[]): Bound | null {
  const first = elems[0];
  if (first instanceof Relation) {
    const words = meetAndJoinWords(elems, Relation);
    return words && { lo: new Relation(first.n, words.lo), hi: new Relation(first.n, words.hi) };
  }
  if (first instanceof EventSet) {
    const words = meetAndJoinWords(elems, EventSet);
    return words && { lo: new EventSet(first.n, words.lo), hi: new EventSet(first.n, words.hi) };
  }
  return null;
}

/** The words of the intersection and union of values of one class (null: a value is not). */
function meetAndJoinWords(
  elems: V[],
  cls: typeof Relation | typeof EventSet,
): { lo: Uint32Array; hi: Uint32Array } | null {
  const first = (elems[0] as Relation | EventSet).words;
  const lo = first.slice();
  const hi = first.slice();
  for (const x of elems) {
    if (!(x instanceof cls)) return null;
    const w = x.words;
    for (let q = 0; q < lo.length; q++) {
      lo[q] &= w[q];
      hi[q] |= w[q];
    }
  }
  return { lo, hi };
}

/**
 * Evaluates the instructions after a top-level fork over bounds (see the file's comment).
 * One object per fork attempt: it keeps the bounds of the globals defined after the fork.
 */
export class BoundRun {
  private env = new Map<number, BSlot>();
  /** Closures made here, with the frames (of bounds) they captured. */
  private frames = new WeakMap<VClo, BFrame | null>();
  private converted = new WeakMap<Frame, BFrame>();

  /** The globals after the fork whose values depend on it (the others are kept across runs). */
  private dependent: Uint8Array;
  /** Whether a node reads one of them (per fork: see readsDependent). */
  private dependentReads: WeakMap<RExp, boolean>;
  /** Values of the nodes that read none of them, the same in every run. */
  private kept = new Map<RExp, V>();

  /**
   * Per-candidate inputs and their bounds, by input index, for a run over the whole model
   * (overInputs); null for a run after a fork, where the inputs are the candidate's.
   */
  private inputs: Map<number, Bound> | null;
  /**
   * What the host's globals are computed from (ModelInput.fixedPart), for keeping calls
   * between runs over inputs; undefined: nothing is kept.
   */
  private combination: object | undefined = undefined;

  constructor(
    private host: BoundHost,
    code: CIns[],
    at: number,
    /** The fork's slot: every global from it on is the fork's or defined after it. */
    private forkSlot: number,
    inputs: Map<number, Bound> | null = null,
  ) {
    this.inputs = inputs;
    this.dependent =
      inputs === null
        ? forkDependentSlots(code, at, forkSlot)
        : inputDependentSlots(code, new Set(inputs.keys()));
    let reads = readsByDependent.get(this.dependent);
    if (reads === undefined) {
      reads = new WeakMap<RExp, boolean>();
      readsByDependent.set(this.dependent, reads);
    }
    this.dependentReads = reads;
  }

  /**
   * Runs a whole program with some inputs given by bounds (`inputs`, by input index; the
   * same indices on every call for one program): the index of a check every candidate
   * whose inputs lie within the bounds fails, or -1. The host evaluates what reads none of
   * them (its globals are defined as the run meets them: one host per run). A fork whose
   * set is exact is searched: its alternatives in groups over bounds, as
   * forbiddenAlternatives does, and it fails only when every group does (searchFork).
   */
  static overInputs(
    host: BoundHost,
    code: CIns[],
    inputs: Map<number, Bound>,
    combination: object | undefined,
  ): number {
    const run = new BoundRun(host, code, -1, 0, inputs);
    run.combination = combination;
    try {
      return run.exec(code, 0, code.length - 1);
    } catch (err) {
      if (err instanceof LimitError) throw err;
      return -1;
    }
  }

  /**
   * Runs code from `start` with the fork's name bound to `b`: the name of a check every
   * branch fails, or null when none was found (or the bounds could not follow).
   */
  run(code: CIns[], start: number, end: number, b: Bound): number {
    for (const slot of [...this.env.keys()]) if (this.dependent[slot] === 1) this.env.delete(slot);
    this.env.set(this.forkSlot, { e: null, value: b });
    try {
      return this.exec(code, start, end);
    } catch (err) {
      if (err instanceof LimitError) throw err;
      return -1; // GiveUp, or an error a branch may raise: the branches will tell
    }
  }

  private exec(code: CIns[], start: number, end: number): number {
    for (let i = start; i <= end; i++) {
      const ins = code[i];
      switch (ins.t) {
        case 'glet':
          if (this.env.has(ins.slots[0])) break; // kept from an earlier run: independent
          for (let b = 0, s = 0; b < ins.e.length; b++) {
            const pat = ins.pats[b];
            if (!pat.tuple) this.env.set(ins.slots[s++], { e: ins.e[b], value: null });
            else
              for (const v of this.bind(pat, this.ev(ins.e[b], null), ins.loc))
                this.env.set(ins.slots[s++], { e: null, value: v });
          }
          if (this.inputs !== null && this.dependent[ins.slots[0]] !== 1) this.defineInHost(ins);
          break;
        case 'grec': {
          if (this.env.has(ins.slots[0])) break; // kept from an earlier run: independent
          if (ins.isFun.some((f) => f) || ins.pats.some((p) => p.tuple)) return -1;
          const mine = new Set(ins.slots);
          const isVar = (x: RExp): boolean => x.t === 'glob' && mine.has(x.s);
          if (!ins.e.every((x) => positiveIn(x, isVar))) return -1;
          this.host.resetLoopValues();
          this.fixpoint(
            ins.e,
            ins.loc,
            (b, v) => this.env.set(ins.slots[b], { e: null, value: v }),
            null,
          );
          if (this.inputs !== null && this.dependent[ins.slots[0]] !== 1) this.defineInHost(ins);
          break;
        }
        case 'test': {
          const v = this.ev(ins.e, null);
          switch (ins.type) {
            case 'check':
              // Fails on every value of the bounds when it fails on the smallest (the
              // largest for a negated check).
              if (!this.host.holds(ins, ins.neg ? upperOf(v) : v.lo)) return i;
              break;
            case 'assert':
              // A branch may not fail it: it must hold on the other end as well.
              if (!this.host.holds(ins, ins.neg ? v.lo : upperOf(v))) return -1;
              break;
            case 'flag':
            case 'undefined_unless':
              break;
          }
          break;
        }
        case 'with': {
          if (ins.slot < 0) return -1;
          const set = this.settle(this.ev(ins.set, null));
          if (!isExact(set)) return -1;
          if (set.lo instanceof ProductSet) {
            // Its alternatives are not made: searched as a tree of choices, or bounded.
            if (this.inputs !== null) return this.searchFork(code, i, end, productTree(set.lo));
            this.env.set(ins.slot, { e: null, value: { lo: set.lo.meet, hi: set.lo.join } });
            break;
          }
          // Over inputs the fork is searched for a check every element fails: the order
          // and repeats of the elements do not matter, and a grown set is not sorted.
          const elems =
            this.inputs !== null && kindOf(set.lo) === 'valset'
              ? valSetMembers(set.lo as VValSet)
              : this.host.elements(set.lo, ins.loc, 'with ... from');
          if (this.inputs !== null) {
            // Each candidate forks on every element: all rejected when the set is empty.
            if (elems.length === 0) return i;
            if (elems.length === 1) {
              this.env.set(ins.slot, { e: null, value: exact(elems[0]) });
              break;
            }
            return this.searchFork(code, i, end, relationTree(elems));
          }
          const b = elems.length === 0 ? null : meetAndJoin(elems);
          if (b === null) return -1;
          this.env.set(ins.slot, { e: null, value: b });
          break;
        }
        case 'llet':
        case 'lrec':
        case 'lconst':
        case 'lproc':
        case 'call':
        case 'forall':
        case 'insmatch':
          return -1;
      }
    }
    return -1;
  }

  /**
   * A global that reads no bounded input, defined in the host too: the host evaluates what
   * reads it. Its value, when the run computed it (a fixpoint, a tuple), else its definition.
   */
  private defineInHost(ins: Extract<CIns, { t: 'glet' | 'grec' }>): void {
    for (const slot of ins.slots) {
      const b = this.env.get(slot)!;
      if (b.value !== null) {
        if (!isExact(b.value)) throw new GiveUp();
        this.host.setGlobal(slot, b.value.lo);
      } else if (b.e !== null) this.host.defineGlobal(slot, b.e);
    }
  }

  /**
   * The alternatives of the exact fork at code[at] in a run over inputs, searched as
   * forbiddenAlternatives does, in the groups of their tree (relationTree: the same kept
   * trees; productTree for a product of choices): the index of a check that fails in
   * every group (so on every alternative of every candidate), or -1 as soon as a single
   * alternative passes or the runs no longer pay.
   */
  private searchFork<G>(
    code: CIns[],
    at: number,
    end: number,
    tree: AlternativeTree<G> | null,
  ): number {
    if (tree === null) return -1;
    const ins = code[at] as Extract<CIns, { t: 'with' }>;
    const before = this.env;
    const groups: G[] = [tree.root()];
    let failedAt = -1;
    let runs = 0;
    let failed = 0;
    try {
      while (groups.length > 0) {
        const group = groups.pop()!;
        // As forbiddenAlternatives: give up when the runs no longer pay for themselves.
        if (++runs > SEARCH_RUNS + failed / 2) return -1;
        this.host.checkLimits();
        this.env = new Map(before);
        this.env.set(ins.slot, { e: null, value: tree.bound(group) });
        const check = this.exec(code, at + 1, end);
        if (check >= 0) {
          failedAt = check;
          failed += tree.count(group);
          continue;
        }
        if (tree.count(group) === 1) return -1; // this alternative may be allowed
        const halves = tree.split(group);
        if (halves.length === 0) return -1;
        groups.push(...halves);
      }
    } finally {
      this.env = before;
    }
    return failedAt;
  }

  /**
   * The host's call of a function it defined at top level (no captured frame: its value
   * depends on the combination's globals and its argument only, an argument holding no
   * function), the last result kept by call node, combination and argument.
   */
  private hostCall(e: Extract<RExp, { t: 'app' }>, c: VClo, arg: V): V {
    const last = c.frame === null ? lastCalls.get(e) : undefined;
    if (
      last !== undefined &&
      last.body === c.body &&
      last.combination === this.combination &&
      this.combination !== undefined &&
      sameValue(last.arg, arg)
    )
      return last.value;
    const value = this.host.call(c, arg, e.loc);
    if (c.frame === null)
      lastCalls.set(e, { body: c.body, combination: this.combination, arg, value });
    return value;
  }

  /** A bound whose ends are equal, as an exact value (the bounds cannot tell them apart). */
  private settle(b: Bound): Bound {
    if (this.inputs === null || isExact(b)) return b;
    if (b.items !== undefined) {
      const items = b.items.map((x) => this.settle(x));
      return items.every(isExact) ? exact({ k: 'tuple', items: items.map((x) => x.lo) }) : b;
    }
    let hi: V;
    try {
      hi = upperOf(b);
    } catch (err) {
      if (err instanceof GiveUp) return b;
      throw err;
    }
    return sameValue(b.lo, hi) ? exact(b.lo) : b;
  }

  /**
   * The bounds of a `let rec`'s values (`set(b, bound)` binds variable b), its variables
   * occurring positively (positiveIn): the fixpoint iterated over the lower ends bounds
   * every branch's from below (the lower ends of the body read only the variables' lower
   * ends), the one iterated over the upper ends bounds them from above; the latter is
   * computed when asked.
   */
  private fixpoint(
    exps: RExp[],
    loc: Location,
    set: (b: number, v: Bound) => void,
    frame: BFrame | null,
  ): void {
    const noUpper = (): V => {
      throw new GiveUp();
    };
    const iterate = (end: (b: Bound) => V, bind: (v: V) => Bound): V[] => {
      const vals: V[] = exps.map(() => EMPTY);
      vals.forEach((v, b) => set(b, bind(v)));
      for (let iter = 0; ; iter++) {
        if (iter > 10000) throw new GiveUp();
        this.host.checkLimits();
        let stable = true;
        for (let b = 0; b < exps.length; b++) {
          const nv = end(this.ev(exps[b], frame));
          if (!this.host.stabilised(vals[b], nv, loc)) stable = false;
          vals[b] = nv;
          set(b, bind(nv));
        }
        if (stable) return vals;
      }
    };
    // Over exact values first: a fixpoint reading nothing that depends on the fork is
    // exact. The first value that is not ends that attempt.
    let values: V[] | null = null;
    try {
      values = iterate((b) => {
        if (!isExact(b)) throw NOT_EXACT;
        return b.lo;
      }, exact);
    } catch (err) {
      if (err !== NOT_EXACT) throw err;
    }
    if (values !== null) {
      values.forEach((v, b) => set(b, exact(v)));
      return;
    }
    const los = iterate(
      (b) => b.lo,
      (v) => lazy(v, noUpper),
    );
    let his: V[] | null = null;
    const finals = los.map((lo, b) =>
      lazy(lo, () => {
        if (his === null) {
          his = iterate(upperOf, (v) => lazy(v, () => v));
          finals.forEach((x, c) => set(c, x));
        }
        return his[b];
      }),
    );
    finals.forEach((x, b) => set(b, x));
  }

  private bind(pat: RPat, b: Bound, loc: Location): Bound[] {
    if (!pat.tuple) return [b];
    const los = this.host.destructure(pat, b.lo, loc);
    if (isExact(b)) return los.map(exact);
    if (b.items !== undefined) return b.items;
    throw new GiveUp();
  }

  /** The ordinary value of a node whose operands are these constants. */
  private at(e: RExp): V {
    return this.host.evExact(e);
  }

  /**
   * Node e over operands with these bounds: evaluated at its lower end now (once when all
   * operands are exact) and at its upper end when asked. `flip`: the operands the node
   * is antitone in, whose other end is taken. Relations and event sets are combined here
   * directly; other values go through the evaluator, as node e rebuilt over constants
   * (`make`), so that they mean what they mean there.
   */
  private both(e: RExp, bs: Bound[], make: (vs: V[]) => RExp, flip: boolean[] = []): Bound {
    const compute = (vs: V[]): V => direct(e, vs) ?? this.at(make(vs));
    if (bs.every(isExact)) return exact(compute(bs.map((b) => b.lo)));
    for (const b of bs) if (!isRelational(b.lo)) throw new GiveUp();
    const lo = compute(bs.map((b, j) => (flip[j] ? this.relationalUpper(b) : b.lo)));
    return lazy(lo, () => compute(bs.map((b, j) => (flip[j] ? b.lo : this.relationalUpper(b)))));
  }

  private relationalUpper(b: Bound): V {
    const hi = upperOf(b);
    if (!isRelational(hi)) throw new GiveUp();
    return hi;
  }

  private ev(e: RExp, f: BFrame | null): Bound {
    const r = reach(e);
    if (r.frames === 0) {
      if (this.inputs === null ? r.slot < this.forkSlot : !this.readsDependent(e))
        return exact(this.host.evExact(e));
      // The same in every run and every branch: kept here, and shared with the branches
      // when the sharing passes marked the node.
      if (!this.readsDependent(e)) {
        const known = this.kept.get(e) ?? this.host.sharedValue(e);
        if (known !== undefined) return exact(known);
        const b = this.evNode(e, f);
        if (isExact(b)) {
          this.kept.set(e, b.lo);
          this.host.share(e, b.lo);
        }
        return b;
      }
    }
    return this.evNode(e, f);
  }

  private readsDependent(e: RExp): boolean {
    let known = this.dependentReads.get(e);
    if (known === undefined) {
      known = false;
      for (const s of globalsRead(e))
        if (this.dependent[s] === 1) {
          known = true;
          break;
        }
      if (!known && this.inputs !== null) {
        for (const i of inputsRead(e))
          if (this.inputs.has(i)) {
            known = true;
            break;
          }
        known ||= readsValues(e);
      }
      this.dependentReads.set(e, known);
    }
    return known;
  }

  private evNode(e: RExp, f: BFrame | null): Bound {
    switch (e.t) {
      case 'input': {
        const b = this.inputs?.get(e.i);
        if (b !== undefined) return b;
        return exact(this.host.evExact(e));
      }
      case 'const':
      case 'zero':
        return exact(this.host.evExact(e));
      case 'glob': {
        const slot = this.env.get(e.s);
        if (slot === undefined) throw new GiveUp(); // not reached: defined before use
        if (slot.value === null) {
          if (slot.e === null) throw new GiveUp();
          const def = slot.e;
          slot.e = null; // a definition reading itself is a model error: give up on it
          slot.value = this.ev(def, null);
        }
        return slot.value;
      }
      case 'local': {
        let fr = f!;
        for (let d = e.d; d > 0; d--) fr = fr.p!;
        return fr.v[e.i];
      }
      case 'op1': {
        const a = this.ev(e.a, f);
        return this.both(e, [a], ([v]) => ({ t: 'op1', op: e.op, a: constant(v), loc: e.loc }), [
          e.op === 'comp',
        ]);
      }
      case 'union':
      case 'seq': {
        const bs = e.a.map((x) => this.ev(x, f));
        return this.both(e, bs, (vs) => ({ t: e.t, a: vs.map(constant), loc: e.loc }));
      }
      case 'inter':
      case 'cart':
      case 'diff': {
        const l = this.ev(e.l, f);
        const rb = this.ev(e.r, f);
        return this.both(
          e,
          [l, rb],
          ([x, y]) => ({ t: e.t, l: constant(x), r: constant(y), loc: e.loc }),
          [false, e.t === 'diff'],
        );
      }
      case 'intercart': {
        const bs = [this.ev(e.r, f), this.ev(e.s1, f), this.ev(e.s2, f)];
        return this.both(e, bs, ([x, y, z]) => ({
          t: 'intercart',
          r: constant(x),
          s1: constant(y),
          s2: constant(z),
          loc: e.loc,
        }));
      }
      case 'add': {
        const l = this.ev(e.l, f);
        const rb = this.ev(e.r, f);
        if (!isExact(l) || !isExact(rb)) throw new GiveUp();
        return exact(this.at({ t: 'add', l: constant(l.lo), r: constant(rb.lo), loc: e.loc }));
      }
      case 'set': {
        const bs = e.a.map((x) => this.ev(x, f));
        if (!bs.every(isExact)) throw new GiveUp();
        return exact(this.at({ t: 'set', a: bs.map((b) => constant(b.lo)), loc: e.loc }));
      }
      case 'tuple': {
        const bs = e.a.map((x) => this.ev(x, f));
        const lo: VTuple = { k: 'tuple', items: bs.map((b) => b.lo) };
        if (bs.every(isExact)) return exact(lo);
        return {
          lo,
          hi: null,
          upper: () => ({ k: 'tuple', items: bs.map(upperOf) }),
          items: bs,
        };
      }
      case 'app': {
        const fn = this.ev(e.f, f);
        if (!isExact(fn)) throw new GiveUp();
        const arg = this.ev(e.x, f);
        return this.apply(fn.lo, arg, e);
      }
      case 'fun': {
        const c: VClo = { k: 'clo', id: -1, pat: e.pat, body: e.body, frame: null, name: e.name };
        this.frames.set(c, f);
        return exact(c);
      }
      case 'let': {
        const vals: Bound[] = [];
        for (let b = 0; b < e.e.length; b++)
          vals.push(...this.bind(e.pats[b], this.ev(e.e[b], f), e.loc));
        return this.ev(e.body, new BFrame(vals, f));
      }
      case 'letrec': {
        if (e.isFun.some((x) => x) || e.pats.some((p) => p.tuple)) throw new GiveUp();
        const isVar = (x: RExp, depth: number): boolean => x.t === 'local' && x.d === depth;
        if (!e.e.every((x) => positiveIn(x, isVar))) throw new GiveUp();
        const nf = new BFrame(
          e.e.map(() => exact(EMPTY)),
          f,
        );
        this.fixpoint(
          e.e,
          e.loc,
          (b, v) => {
            nf.v[b] = v;
          },
          nf,
        );
        return this.ev(e.body, nf);
      }
      case 'match': {
        const a = this.ev(e.a, f);
        if (!isExact(a)) throw new GiveUp();
        // Which branch the evaluator takes (its errors alike): each branch marked by a tag.
        const marks = new Map<string, RExp>();
        const branchOf = new Map<V, RExp>();
        for (const [tag, body] of e.tags) {
          const m: V = { k: 'tuple', items: [] };
          branchOf.set(m, body);
          marks.set(tag, constant(m));
        }
        let dflt: RExp | null = null;
        if (e.dflt) {
          const m: V = { k: 'tuple', items: [] };
          branchOf.set(m, e.dflt);
          dflt = constant(m);
        }
        const taken = this.at({ t: 'match', a: constant(a.lo), tags: marks, dflt, loc: e.loc });
        return this.ev(branchOf.get(taken)!, f);
      }
      case 'if': {
        const c = this.cond(e.c, f);
        const taken = this.at({ t: 'if', c, th: constant(UNV), el: constant(EMPTY) });
        return this.ev(taken === UNV ? e.th : e.el, f);
      }
      case 'matchset':
      case 'try':
        throw new GiveUp();
      default:
        throw new GiveUp();
    }
  }

  /** A condition over exact values only, rebuilt over constants. */
  private cond(c: RCond, f: BFrame | null): RCond {
    switch (c.t) {
      case 'const':
        return c;
      case 'not':
        return { t: 'not', c: this.cond(c.c, f) };
      case 'and':
      case 'or':
        return { t: c.t, l: this.cond(c.l, f), r: this.cond(c.r, f) };
      default: {
        const l = this.ev(c.l, f);
        const r = this.ev(c.r, f);
        if (!isExact(l) || !isExact(r)) throw new GiveUp();
        return { t: c.t, l: constant(l.lo), r: constant(r.lo), loc: c.loc };
      }
    }
  }

  private apply(fn: V, arg: Bound, e: Extract<RExp, { t: 'app' }>): Bound {
    this.host.checkLimits();
    const k = kindOf(fn);
    if (k === 'prim') {
      const name = (fn as Extract<V, { k: 'prim' }>).name;
      // The host's events have no values in a run over inputs: a primitive that keeps some
      // pairs of its relation keeps between none and all of them.
      if (this.inputs !== null && readsEventValues(fn)) {
        const lo = arg.lo;
        if (!SUBRELATION_PRIMITIVES.has(name) || !(lo instanceof Relation)) throw new GiveUp();
        return lazy(new Relation(lo.n), () => {
          const hi = upperOf(arg);
          if (!(hi instanceof Relation)) throw new GiveUp();
          return hi;
        });
      }
      if (!isExact(arg) && !MONOTONE_PRIMITIVES.has(name)) arg = this.settle(arg);
      if (!isExact(arg) && !MONOTONE_PRIMITIVES.has(name)) throw new GiveUp();
      return this.both(e, [arg], ([x]) => ({
        t: 'app',
        f: constant(fn),
        x: constant(x),
        loc: e.loc,
      }));
    }
    if (k !== 'clo') throw new GiveUp();
    const c = fn as VClo;
    if (this.inputs !== null && !this.frames.has(c)) {
      // The host's function on an exact argument: the host's call (cat code the bounds
      // do not follow, cross.cat's sets), the last one kept per call node. Not when the
      // argument holds a function: the host would apply it over its own input (the
      // choices made so far) and take the result for exact, where this run's closure
      // stands for a value between the bounds.
      arg = this.settle(arg);
      if (isExact(arg) && !holdsFunction(arg.lo)) return exact(this.hostCall(e, c, arg.lo));
    }
    const captured = this.frames.has(c) ? this.frames.get(c)! : this.convert(c.frame);
    return this.ev(c.body, new BFrame(this.bind(c.pat, arg, e.loc), captured));
  }

  /** An ordinary frame as a frame of exact bounds. */
  private convert(f: Frame | null): BFrame | null {
    if (f === null) return null;
    let b = this.converted.get(f);
    if (b === undefined) {
      b = new BFrame(f.v.map(exact), this.convert(f.p));
      this.converted.set(f, b);
    }
    return b;
  }
}

/**
 * Node e's value over operand values vs when they are relations and event sets of the
 * kinds e combines (the evaluator's own result for them), else null.
 */
function direct(e: RExp, vs: V[]): V | null {
  switch (e.t) {
    case 'union': {
      const first = vs[0];
      if (first instanceof Relation) {
        let acc = first;
        for (let j = 1; j < vs.length; j++) {
          const o = vs[j];
          if (!(o instanceof Relation)) return null;
          acc = acc.union(o);
        }
        return acc;
      }
      if (first instanceof EventSet) {
        let acc = first;
        for (let j = 1; j < vs.length; j++) {
          const o = vs[j];
          if (!(o instanceof EventSet)) return null;
          acc = acc.union(o);
        }
        return acc;
      }
      return null;
    }
    case 'seq': {
      if (!vs.every((v) => v instanceof Relation)) return null;
      let acc = vs[0] as Relation;
      for (let j = 1; j < vs.length; j++) acc = acc.seq(vs[j] as Relation);
      return acc;
    }
    case 'inter':
    case 'diff': {
      const [a, b] = vs;
      if (a instanceof Relation && b instanceof Relation)
        return e.t === 'inter' ? a.inter(b) : a.diff(b);
      if (a instanceof EventSet && b instanceof EventSet)
        return e.t === 'inter' ? a.inter(b) : a.diff(b);
      return null;
    }
    case 'cart': {
      const [a, b] = vs;
      return a instanceof EventSet && b instanceof EventSet ? Relation.cartesian(a, b) : null;
    }
    case 'intercart': {
      const [r, a, b] = vs;
      return r instanceof Relation && a instanceof EventSet && b instanceof EventSet
        ? r.restrict(a, b)
        : null;
    }
    case 'op1': {
      const v = vs[0];
      if (v instanceof Relation)
        switch (e.op) {
          case 'plus':
            return v.plus();
          case 'star':
            return v.star();
          case 'opt':
            return v.opt();
          case 'inv':
            return v.inverse();
          case 'comp':
            return v.complement();
          case 'toid':
            return null;
        }
      if (v instanceof EventSet) {
        if (e.op === 'toid') return Relation.idOn(v);
        if (e.op === 'comp') return v.complement();
      }
      return null;
    }
    default:
      return null;
  }
}

function isRelational(v: V): boolean {
  if (v instanceof Relation || v instanceof EventSet) return true;
  const k = kindOf(v);
  return k === 'empty' || k === 'unv';
}

/** Groups of alternatives smaller than this run branch by branch (not worth a bound run). */
const SMALLEST_GROUP = 4;
/** Bound runs of a fork that evaluate every check, before runs stop at the last useful one. */
const FULL_RUNS = 16;
/** After that, one run in this many still evaluates every check (a later one may prune). */
const FULL_RUN_EVERY = 32;

/** What the pruning achieved so far at one fork of a model (instruction `with`). */
interface ForkRecord {
  /** Index of the last check instruction that pruned there (-1: none yet). */
  lastUseful: number;
  /** Bound runs made there. */
  runs: number;
  /** Times the fork was reached. */
  reached: number;
  /**
   * Forks run with a search first, and branch by branch: how many, and the recent cost
   * per alternative in milliseconds (a moving average: the machine's load changes).
   */
  searched: number;
  searchedRate: number;
  plain: number;
  plainRate: number;
}

const records = new WeakMap<CIns, ForkRecord>();

function recordOf(ins: CIns): ForkRecord {
  let rec = records.get(ins);
  if (rec === undefined) {
    rec = {
      lastUseful: -1,
      runs: 0,
      reached: 0,
      searched: 0,
      searchedRate: 0,
      plain: 0,
      plainRate: 0,
    };
    records.set(ins, rec);
  }
  return rec;
}

/** One in this many forks is run the way that has been slower there, to keep measuring. */
const RETRY_EVERY = 128;
/** Forks whose branches take less than this (milliseconds, expected) are never searched. */
const SEARCH_FROM_MS = 20;
/** Weight of the newest cost in the moving averages. */
const NEWEST = 0.3;

/**
 * Whether to search the fork `ins`, with this many alternatives, for forbidden ones this
 * time. A search costs a few branches per bound run (and compiling its code, the first
 * times) and saves the branches it skips, which may be cheap (a check early in the model
 * rejects them) or dear. Each fork is timed both ways, per alternative (noteFork): run
 * branch by branch once first, searched once its branches are expected to take long
 * enough, then the faster way, the other one in RETRY_EVERY times.
 */
export function worthSearching(ins: CIns, alternatives: number): boolean {
  const rec = recordOf(ins);
  rec.reached++;
  if (rec.plain === 0) return false;
  if (rec.plainRate * alternatives < SEARCH_FROM_MS) return false;
  if (rec.searched < 3) return true;
  const faster = rec.searchedRate <= rec.plainRate;
  return rec.reached % RETRY_EVERY === 0 ? !faster : faster;
}

/**
 * The fork `ins` ran its `alternatives` in `ms` milliseconds (of limitClock: the process's
 * CPU time on the main thread), searched first or not.
 */
export function noteFork(ins: CIns, searched: boolean, alternatives: number, ms: number): void {
  const rec = recordOf(ins);
  const rate = ms / alternatives;
  if (searched) {
    rec.searchedRate = rec.searched === 0 ? rate : (1 - NEWEST) * rec.searchedRate + NEWEST * rate;
    rec.searched++;
  } else {
    rec.plainRate = rec.plain === 0 ? rate : (1 - NEWEST) * rec.plainRate + NEWEST * rate;
    rec.plain++;
  }
}

/**
 * Which alternatives of a top-level fork (instruction `at` of `code`, binding `slot`) are
 * rejected by every branch: bounds over the whole set first, then, while no check fails,
 * over the halves of a group split on a pair (or event) some of it holds (splitGroup), so
 * that the bounds tighten (for coherence orders: one more pair ordered). Returns the
 * alternatives skipped (Skips: 1 + the index of a check every branch of it fails, or 0 to
 * run it; null when none is skipped), and counts.
 *
 * Bound runs cost a few branches each: a search stops splitting when its runs skip
 * fewer than two alternatives each, and once a fork has a record runs stop after the
 * last check that ever pruned there (one in FULL_RUN_EVERY goes on to the end). Whether
 * to search at all: worthSearching.
 */
export function forbiddenAlternatives(
  host: BoundHost,
  code: CIns[],
  at: number,
  slot: number,
  alternatives: V[] | ProductSet,
): { skip: Skips | null; runs: number; skipped: number } {
  if (alternatives instanceof ProductSet)
    return pruneInTree(host, code, at, slot, productTree(alternatives), new SkipRanges());
  const tree = relationTree(alternatives);
  if (tree === null) return { skip: null, runs: 0, skipped: 0 };
  const skip = new SkipsByIndex(new Int32Array(alternatives.length));
  return pruneInTree(host, code, at, slot, tree, skip);
}

/**
 * The alternatives of a fork that every branch rejects: at(j) is 1 + the index of a check
 * every branch of alternative j fails, or 0 to run it. Read with j ascending.
 */
export interface Skips {
  at(j: number): number;
}

/** Skips of the alternatives made (a set's elements): one entry by alternative. */
class SkipsByIndex implements Skips {
  constructor(readonly byIndex: Int32Array) {}

  at(j: number): number {
    return this.byIndex[j];
  }
}

/**
 * Skips of a product's alternatives, as ranges of its counter (a group of its choices is
 * one range): as many entries as the groups rejected, however many alternatives. By
 * alternative they would take 4 bytes each, gigabytes near 2^31 coherence orders, and
 * cannot be allocated at all beyond 2^32.
 */
class SkipRanges implements Skips {
  /** Ranges [from[r], to[r]) and their values, sorted by from on the first read. */
  private from: number[] = [];
  private to: number[] = [];
  private value: number[] = [];
  private sorted = true;
  /** The first range not wholly below the last alternative read. */
  private cursor = 0;
  private lastRead = 0;

  add(from: number, to: number, value: number): void {
    const last = this.from.length - 1;
    if (last >= 0 && from < this.from[last]) this.sorted = false;
    this.from.push(from);
    this.to.push(to);
    this.value.push(value);
  }

  at(j: number): number {
    if (!this.sorted) this.sort();
    if (j < this.lastRead) this.cursor = 0;
    this.lastRead = j;
    while (this.cursor < this.from.length && this.to[this.cursor] <= j) this.cursor++;
    return this.cursor < this.from.length && this.from[this.cursor] <= j
      ? this.value[this.cursor]
      : 0;
  }

  private sort(): void {
    const order = this.from.map((_, r) => r).sort((a, b) => this.from[a] - this.from[b]);
    this.from = order.map((r) => this.from[r]);
    this.to = order.map((r) => this.to[r]);
    this.value = order.map((r) => this.value[r]);
    this.sorted = true;
    this.cursor = 0;
  }
}

/** forbiddenAlternatives' search in the groups of a tree of alternatives. */
function pruneInTree<G, S extends Skips>(
  host: BoundHost,
  code: CIns[],
  at: number,
  slot: number,
  tree: AlternativeTree<G, S>,
  skip: S,
): { skip: Skips | null; runs: number; skipped: number } {
  const rec = recordOf(code[at]);
  const run = new BoundRun(host, code, at, slot);
  let runs = 0;
  let skipped = 0;
  const groups: G[] = [tree.root()];
  while (groups.length > 0 && runs <= 8 + skipped / 2) {
    const group = groups.pop()!;
    const count = tree.count(group);
    if (count < SMALLEST_GROUP) continue;
    const full = rec.runs < FULL_RUNS || rec.runs % FULL_RUN_EVERY === 0 || rec.lastUseful < 0;
    runs++;
    rec.runs++;
    const end = full ? code.length - 1 : rec.lastUseful;
    const failed = run.run(code, at + 1, end, tree.bound(group));
    if (failed >= 0) {
      rec.lastUseful = Math.max(rec.lastUseful, failed);
      tree.mark(group, skip, failed + 1);
      skipped += count;
      continue;
    }
    groups.push(...tree.split(group));
  }
  return { skip: skipped > 0 ? skip : null, runs, skipped };
}

/**
 * A fork's alternatives (by index) in nested groups, searched by forbiddenAlternatives
 * and BoundRun.searchFork: the groups of relations made (relationTree) or of a product's
 * choices (productTree).
 */
interface AlternativeTree<G, S extends Skips = Skips> {
  root(): G;
  count(g: G): number;
  /** Bounds of the group's alternatives: exact for a group of one. */
  bound(g: G): Bound;
  /** The group's halves (none when its alternatives cannot be told apart). */
  split(g: G): G[];
  /** Records that each alternative of the group is skipped with `value`. */
  mark(g: G, skip: S, value: number): void;
}

/** The groups of the relations (or event sets) made, over treeOf's kept tree. */
function relationTree(elems: V[]): AlternativeTree<Group, SkipsByIndex> | null {
  const tree = treeOf(elems);
  if (tree === null) return null;
  return {
    root: () => tree.root,
    count: (g) => g.members.length,
    bound: (g) => (g.members.length === 1 ? exact(elems[g.members[0]]) : g.bound),
    split: (g) => {
      const halves = g.halves ?? splitGroup(tree.words, g);
      // Halves are kept for the next candidates sharing the set, up to a size.
      if (elems.length <= KEPT_TREES_UP_TO) g.halves = halves;
      return halves;
    },
    mark: (g, skip, value) => {
      for (const j of g.members) skip.byIndex[j] = value;
    },
  };
}

/**
 * Alternatives of a product whose first `depth` digits are fixed (the relations they
 * pick or-ed into `fixed`, with the base) and whose digit `depth` is in [from, to): the
 * alternatives first(group) .. first(group) + count(group) - 1, `start` being the
 * first alternative with the fixed digits.
 */
interface ChoiceGroup {
  depth: number;
  from: number;
  to: number;
  start: number;
  fixed: Uint32Array;
}

/**
 * The prefix tree of a product's choices: a group's bounds are its fixed relations with
 * the intersection (lower) or union (upper) of the choices still open; a group splits
 * on its open digit, in halves of the (sorted) choices, and one choice left fixes the
 * digit (the choices' order settles one location's coherence order after another, as
 * splitGroup settles one write after another).
 */
class ProductTree implements AlternativeTree<ChoiceGroup, SkipRanges> {
  /** By digit i, the intersection and the union of the choices from i on (or-ed). */
  private meetFrom: Uint32Array[];
  private joinFrom: Uint32Array[];

  constructor(private product: ProductSet) {
    const m = product.choices.length;
    const words = product.base.words.length;
    this.meetFrom = new Array<Uint32Array>(m + 1);
    this.joinFrom = new Array<Uint32Array>(m + 1);
    this.meetFrom[m] = new Uint32Array(words);
    this.joinFrom[m] = new Uint32Array(words);
    for (let i = m - 1; i >= 0; i--) {
      this.meetFrom[i] = orWordsInto(this.meetFrom[i + 1].slice(), product.meets[i].words);
      this.joinFrom[i] = orWordsInto(this.joinFrom[i + 1].slice(), product.supports[i].words);
    }
  }

  root(): ChoiceGroup {
    const { product } = this;
    return this.settled({
      depth: 0,
      from: 0,
      to: product.choices[0].length,
      start: 0,
      fixed: product.base.words,
    });
  }

  count(g: ChoiceGroup): number {
    return g.depth === this.product.choices.length
      ? 1
      : (g.to - g.from) * this.product.countFrom[g.depth + 1];
  }

  first(g: ChoiceGroup): number {
    return g.depth === this.product.choices.length
      ? g.start
      : g.start + g.from * this.product.countFrom[g.depth + 1];
  }

  mark(g: ChoiceGroup, skip: SkipRanges, value: number): void {
    const first = this.first(g);
    skip.add(first, first + this.count(g), value);
  }

  /** The relation of a group of one alternative. */
  private only(g: ChoiceGroup): Relation | null {
    return g.depth === this.product.choices.length
      ? new Relation(this.product.base.n, g.fixed)
      : null;
  }

  bound(g: ChoiceGroup): Bound {
    const n = this.product.base.n;
    const single = this.only(g);
    if (single !== null) return exact(single);
    const choices = this.product.choices[g.depth];
    const lo = orWordsInto(g.fixed.slice(), this.meetFrom[g.depth + 1]);
    const hi = orWordsInto(g.fixed.slice(), this.joinFrom[g.depth + 1]);
    const meet = choices[g.from].words.slice();
    for (let c = g.from; c < g.to; c++) {
      const w = choices[c].words;
      for (let q = 0; q < w.length; q++) {
        meet[q] &= w[q];
        hi[q] |= w[q];
      }
    }
    orWordsInto(lo, meet);
    return { lo: new Relation(n, lo), hi: new Relation(n, hi) };
  }

  split(g: ChoiceGroup): ChoiceGroup[] {
    if (g.depth === this.product.choices.length) return [];
    const mid = (g.from + g.to) >>> 1;
    return [this.settled({ ...g, from: mid }), this.settled({ ...g, to: mid })];
  }

  /** The group with every digit that has a single choice left fixed. */
  private settled(g: ChoiceGroup): ChoiceGroup {
    const { choices, countFrom } = this.product;
    let { depth, from, to, start, fixed } = g;
    while (depth < choices.length && to - from === 1) {
      fixed = orWordsInto(fixed.slice(), choices[depth][from].words);
      start += from * countFrom[depth + 1];
      depth++;
      from = 0;
      to = depth < choices.length ? choices[depth].length : 1;
    }
    return { depth, from, to, start, fixed };
  }
}

const productTrees = new WeakMap<ProductSet, ProductTree>();

function productTree(p: ProductSet): ProductTree {
  let t = productTrees.get(p);
  if (t === undefined) {
    t = new ProductTree(p);
    productTrees.set(p, t);
  }
  return t;
}

/** Alternatives (indices) searched together, and their bounds; its halves once split. */
interface Group {
  members: number[];
  bound: Bound;
  halves?: Group[];
}

/**
 * Sets of alternatives up to this size keep their groups' halves: a group holds two
 * relations, and the halves of a set of 450,000 coherence orders (L1G2xchg) would not fit.
 */
const KEPT_TREES_UP_TO = 1 << 14;

/** The groups of a fork's alternatives (the same for every candidate sharing the set). */
interface Tree {
  root: Group;
  words: Uint32Array[];
}

/**
 * By array of alternatives (a set's items: the same array for the candidates that share
 * the set, see Evaluator.applyShared), the groups found so far; null when its elements
 * are not all relations or all event sets.
 */
const trees = new WeakMap<V[], Tree | null>();

function treeOf(elems: V[]): Tree | null {
  let tree = trees.get(elems);
  if (tree === undefined) {
    const whole = meetAndJoin(elems);
    tree =
      whole === null
        ? null
        : {
            root: { members: elems.map((_, j) => j), bound: whole },
            words: elems.map((x) => (x as Relation | EventSet).words),
          };
    trees.set(elems, tree);
  }
  return tree;
}

/**
 * Splits a group on its first undecided bit (a pair of hi \ lo, or an event): the
 * members holding it and the others, with the bounds of each. Taking the bits in order
 * settles one event's relations to the others before the next one's (for a coherence
 * order: where each write goes, one write after the other), which tightens the bounds of
 * the relations built on them much sooner than halving the group on scattered pairs did
 * (C-ManfredSpraul-L1G2lock: 6,774 bound runs against 20,626). No halves when the members
 * all agree.
 */
function splitGroup(words: Uint32Array[], group: Group): Group[] {
  const { members, bound } = group;
  const lo = (bound.lo as Relation | EventSet).words;
  const hi = (bound.hi as Relation | EventSet).words;
  // Only the words where the members differ change in the halves.
  const open: number[] = [];
  for (let q = 0; q < lo.length; q++) if (hi[q] !== lo[q]) open.push(q);
  if (open.length === 0) return [];
  const first = (hi[open[0]] & ~lo[open[0]]) >>> 0;
  const halves = partition(words, members, lo, hi, open, open[0], first & -first);
  const make = (x: Uint32Array): V =>
    bound.lo instanceof Relation
      ? new Relation(bound.lo.n, x)
      : new EventSet((bound.lo as EventSet).n, x);
  return halves.map((h) => ({ members: h.members, bound: { lo: make(h.lo), hi: make(h.hi) } }));
}

/** The members with bit (q, mask) and those without, with the bounds of each. */
function partition(
  words: Uint32Array[],
  members: number[],
  lo: Uint32Array,
  hi: Uint32Array,
  open: number[],
  q: number,
  mask: number,
): Array<{ members: number[]; lo: Uint32Array; hi: Uint32Array }> {
  const halves = [0, 1].map(() => {
    // Start from the group's bounds, with the open words to be computed.
    const hlo = lo.slice();
    const hhi = hi.slice();
    for (const k of open) {
      hlo[k] = 0xffffffff;
      hhi[k] = 0;
    }
    return { members: [] as number[], lo: hlo, hi: hhi };
  });
  for (const j of members) {
    const w = words[j];
    const half = halves[(w[q] & mask) !== 0 ? 0 : 1];
    half.members.push(j);
    const hlo = half.lo;
    const hhi = half.hi;
    for (const k of open) {
      hlo[k] &= w[k];
      hhi[k] |= w[k];
    }
  }
  return halves;
}

/** Whether a value is, or holds in a tuple or set, a function or procedure. */
function holdsFunction(v: V): boolean {
  const kind = kindOf(v);
  if (kind === 'clo' || kind === 'proc') return true;
  if (kind === 'tuple' || kind === 'valset') return (v as VTuple).items.some(holdsFunction);
  return false;
}
