// Evaluation of a compiled cat program over one candidate execution.
//
// Expression semantics follow herd7's interpreter: `{}` and `_` are polymorphic, a tag
// in a set operation stands for the singleton set of that tag, `;` with an empty operand
// is empty, checks act on relations or (for `empty`) event sets, and `with x from S`
// continues the rest of the model once per element of S (each complete path is one
// outcome). Top-level `let` bindings are lazy, as in herd: a definition is evaluated
// only when something uses it.

import { checkLimits, limitClock, noteExecutionTried } from '../limits.js';
import { LimitError, assertNever, type Location } from '../diagnostics.js';
import { EventSet, Relation, copyWords, orWordsInto } from '../relations/index.js';
import type { CIns, RCond, RExp, RPat, CompiledProgram } from './resolved.js';
import { PER_CANDIDATE_INPUTS, type ModelInput, type ModelOutcome } from './input.js';
import type { MemoNode } from './invariance.js';
import { watchedSlots, type KindNode } from './kinds.js';
import { monotoneFacts, type MonotoneFacts } from './monotone.js';
import { SUBRELATION_PRIMITIVES, readsEventValues } from './primitives.js';
import {
  forbiddenAlternatives,
  noteFork,
  worthSearching,
  type BoundHost,
  type Skips,
} from './bounds.js';
import {
  CatError,
  EMPTY,
  Frame,
  ProductSet,
  UNV,
  compareV,
  freshId,
  kindOf,
  mkValSet,
  sameValue,
  typeName,
  valSetAdd,
  valSetHas,
  type PrimContext,
  type V,
  type VClo,
  type VPair,
  type VTag,
  type VTuple,
  type VValSet,
} from './values.js';

/**
 * A global defined by the host's bound runs (BoundHost.defineGlobal) by an expression
 * other than its own `let`'s, evaluated when first read.
 */
class Thunk {
  value: V | null = null;
  /** Whether the value is the same for every candidate of the combination (see Evaluator.ev). */
  fixed = false;
  constructor(public e: RExp) {}
}

/**
 * A top-level `let rec` left unevaluated until something reads one of its names (only on
 * candidates whose decided checks may have been its only readers: see decideChecks).
 */
class DeferredRec {
  constructor(public ins: Extract<CIns, { t: 'grec' }>) {}
}

/**
 * A global slot: a value, or undefined for a top-level `let` not evaluated yet on this
 * path (ProgramFacts.lazyDefs holds its definition), or a Thunk or DeferredRec (told
 * apart by Evaluator.slotFixed's marks).
 */
type Slot = V | Thunk | DeferredRec | undefined;

/** Evaluator.slotFixed's marks of a slot holding a DeferredRec, and a Thunk. */
const DEFERRED = 2;
const THUNK = 3;

/**
 * The frame of a `let ... in` expression, with which of its values are fixed for the
 * combination (bit i for value i; values from LET_FIXED_BITS on count as varying): a
 * body reading only fixed values is fixed too (see evNode).
 */
class LetFrame extends Frame {
  constructor(
    v: V[],
    p: Frame | null,
    public fixed: number,
  ) {
    super(v, p);
  }
}

/** The values of a LetFrame whose fixedness is kept (bits of a small integer). */
const LET_FIXED_BITS = 30;

/** The nodes whose values are never judged fixed for a combination (see evNode). */
type OtherExp = Extract<RExp, { t: 'fun' | 'letrec' | 'match' | 'matchset' | 'try' | 'if' }>;
/** The nodes evaluated by Evaluator.evNode, not compiled to code of their own. */
type InterpretedExp =
  | OtherExp
  | Extract<RExp, { t: 'set' | 'tuple' | 'app' | 'let' }>
  | { t: 'add'; l: RExp; r: RExp; loc: Location };

/** A node's code: its value in a frame, computed by the evaluator given (see compileExp). */
type Code = (ev: Evaluator, f: Frame | null) => V;

/**
 * Where a node keeps its code: a symbol, so that the compiled model's cache, which
 * serializes the nodes' own string-keyed properties, never meets a function.
 */
const CODE = Symbol('code');
interface CompiledNode {
  [CODE]?: Code;
}

const UNBOUND = Symbol('unbound');

/**
 * The evaluation of a combination from which its checks are decided over upper bounds
 * (see decideChecks): combinations of fewer candidates would not repay the evaluation
 * (at 16, the corpus's locked tests did ~4 % more node evaluations; at 64 none more).
 */
export const DECIDE_AT = 64;

/** Forks with fewer alternatives run branch by branch (a bound run costs a few branches). */
const PRUNE_AT_LEAST = 8;

/**
 * Counts of the checks decided over upper bounds (decideChecks) since the process started,
 * for measurements and tests: evaluations over bounds, those that decided something, and
 * tests skipped on candidates.
 */
export const decideStats = { judged: 0, decided: 0, skipped: 0 };

/** Counts of the fork pruning (bounds.ts) since the process started, for measurements. */
export const pruneStats = { forks: 0, runs: 0, alternatives: 0, skipped: 0 };

/**
 * Relations herd always provides; absent from the input they default to empty. (The
 * event sets an architecture always defines come from its record in src/arch.)
 */
const DEFAULT_EMPTY_RELS = new Set(['rmw', 'amo', 'addr', 'data', 'ctrl']);

export interface EvalOptions {
  /** Top-level names whose final values (relations or event sets) each outcome should carry. */
  capture?: string[];
  /** limitClock() value after which a fork (`with ... from`) stops the run with a LimitError. */
  deadline?: number;
  /**
   * Go on past a failed check, recording every failure of the path (as herd's -skipchecks
   * would let the path continue), so that an explanation can name all the checks that
   * reject an execution. Outcomes then carry `failures`, and captures on rejected paths.
   */
  allChecks?: boolean;
  /**
   * Skip the alternatives of a top-level `with` fork that every branch would reject
   * (bounds.ts), where that has been faster (`always`: at every fork with enough
   * alternatives). Only for runs that read nothing but the allowed paths: a skipped
   * alternative is rejected (and counted as tried) without being evaluated, so what an
   * observer would capture of it is missing.
   */
  pruneForbidden?: boolean | 'always';
  /**
   * Decide the model's monotone checks once per path combination, over the upper bounds
   * of rf and FW the input carries (ModelInput.upperBounds; monotone.ts), and skip on each
   * candidate the checks that hold on every one and the flags that fire on none. Only for
   * runs that read nothing but verdicts, flags and final states: the failed check a
   * rejected candidate reports may then be a later one than herd7's first. `always`: at
   * the first evaluation of every combination (for tests; see DECIDE_AT). Inputs without
   * upper bounds decide nothing: those of models reading register events (herd's catdep
   * models; api/run.ts builds their input afresh, without bounds) among them.
   */
  decideChecks?: boolean | 'always';
}

/** A check that failed on a model path, with the value it found wanting. */
export interface FailedCheck {
  /** The check's name (`acyclic hb as happens-before`), or its text when unnamed. */
  name: string;
  test: 'acyclic' | 'irreflexive' | 'empty';
  /** True for `~acyclic` and friends: the check failed because the value was fine. */
  negated: boolean;
  /** The relation or event set checked, when it is one. */
  value: Relation | EventSet | null;
}

export interface CatOutcome extends ModelOutcome {
  /** Values of the names requested with EvalOptions.capture, on this path. */
  values?: Map<string, Relation | EventSet>;
  /** With EvalOptions.allChecks: every failed check of the path, in model order. */
  failures?: FailedCheck[];
  /** With EvalOptions.allChecks: every flag that fired, with the value that fired it. */
  raisedFlags?: FailedCheck[];
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export class Evaluator implements PrimContext, BoundHost {
  readonly n: number;
  readonly events: ModelInput['events'];
  private G: Slot[];
  private I: Array<V | typeof UNBOUND>;
  private unvRel: Relation | null = null;
  private idRel: Relation | null = null;
  private outcomes: CatOutcome[] = [];
  /** With allChecks: the failed checks of the path being run (truncated at each fork). */
  private pathFailures: FailedCheck[] = [];
  /** With allChecks: the flags the path being run raised, with their values. */
  private pathFlags: FailedCheck[] = [];

  private memo: Array<V | undefined>;
  private stageMemo: Array<V | undefined>;
  /** The values shared by the candidates of the combination (see SharedMemos). */
  private shared: SharedMemos;
  /**
   * Set by every ev: whether the value it returned is the same for every candidate of the
   * path combination (read by the caller right after the call, before evaluating more).
   */
  private fixed = false;
  /**
   * By global slot: 1 for a value fixed for the combination, 0 for another value (or
   * none yet), DEFERRED for a DeferredRec, THUNK for a Thunk (told apart without a type
   * test on every read).
   */
  private slotFixed: number[];
  /** Inputs that are the same for every candidate of the combination, by input index. */
  private inputFixed: Uint8Array;
  /**
   * The kinds of the values of the variables of the top-level fixpoint being computed, as
   * one number (see kindsOf), or -1 outside one (or for kinds kindsOf does not code): a
   * node reading them keeps a value found fixed only for these kinds (MemoNode.stepId).
   */
  private loopKinds = -1;
  /** While a branch's condition is evaluated: whether every value it read so far is fixed. */
  private condFixed = true;
  /** Values shared by the steps of the top-level fixpoint being computed (see invariance.ts). */
  private loopMemo: Array<V | undefined>;
  /** The checks decided for the combination and skipped here (see decideChecks). */
  private decided: DecidedChecks | null = null;
  /** Set while evaluating over upper bounds (judgeChecks): what it found so far. */
  private judged: Judgement | null = null;
  /**
   * By fixed id of an operation's node: its last operands and value (see lastResult); null
   * until a top-level fork of several alternatives (see steadyFork). Kept by evaluation,
   * not by combination: values kept from one candidate for the next would outlive the
   * young generation's collections (RCU-16: 17 % more instructions, most in the
   * collector), and the operands that recur are those of the paths of one evaluation.
   */
  private results: Array<NodeResult | undefined> | null = null;

  constructor(
    private prog: CompiledProgram,
    private input: ModelInput,
    private opts: EvalOptions = {},
  ) {
    this.memo = new Array<V | undefined>(prog.memoCount);
    this.shared = sharedMemosFor(prog, input.fixedPart);
    this.stageMemo = this.shared.stage;
    // An array, not a Uint8Array: a typed array of more than 64 bytes gets a backing
    // store off the heap (~1 us to make, and the GC tracks it), one per candidate.
    this.slotFixed = new Array<number>(prog.nslots).fill(0);
    const facts = programFacts(prog);
    this.tagForms = facts.tagForms;
    this.lazyDefs = facts.lazyDefs;
    this.letRuns = facts.letRuns;
    this.loopMemo = new Array<V | undefined>(prog.loopCount);
    this.n = input.events.length;
    this.events = input.events;
    this.G = new Array<Slot>(prog.nslots);
    // The inputs other than rf/FW/co are the same for every candidate of the combination
    // (ModelInput.fixedPart): looked up by name once, and only the others per candidate.
    const known = this.shared.inputs;
    if (known === null) {
      this.I = prog.inputNames.map((name) => this.resolveInput(name));
      if (input.fixedPart !== undefined) this.shared.inputs = this.I;
    } else {
      this.I = known.slice();
      for (const i of facts.perCandidateInputs) {
        this.I[i] = this.resolveInput(prog.inputNames[i]);
        // A steady input that differs from the first candidate's varies from now on, and
        // the values kept as fixed may have been computed from it.
        if (this.shared.steady[i] === 1 && !sameInput(known[i], this.I[i])) {
          this.shared.steady[i] = 0;
          dropFixed(this.shared);
        }
      }
    }
    this.inputFixed = this.shared.steady;
  }

  private tagForms: Map<string, string>;
  /** See ProgramFacts. */
  private lazyDefs: ReadonlyArray<RExp | undefined>;
  private letRuns: LetRuns | null;
  /**
   * The index of the last run of `let`s entered in the top-level code (Infinity once a
   * bound run wrote slots of its own): a run at or before it is entered again (after a
   * fork, say) and resets its slots.
   */
  private runsEntered = -1;

  /** The value of a name the model uses but never defines. */
  private resolveInput(name: string): V | typeof UNBOUND {
    const input = this.input;
    const s = input.sets.get(name);
    if (s) return s;
    const r = input.relations.get(name);
    if (r) return r;
    const tag = this.tagForms.get(name);
    if (tag !== undefined) {
      return input.sets.get(tag) ?? input.sets.get(capitalise(tag)) ?? new EventSet(this.n);
    }
    if (name === 'id') return this.id();
    if (DEFAULT_EMPTY_RELS.has(name)) return new Relation(this.n);
    return UNBOUND;
  }

  // ----------------------------------------------------------- PrimContext

  checkLimits(): void {
    checkLimits(this.opts.deadline ?? Infinity);
  }

  inputSet(name: string): EventSet | null {
    return this.input.sets.get(name) ?? null;
  }
  relation(name: string): Relation | null {
    return this.input.relations.get(name) ?? null;
  }

  private unv(): Relation {
    return (this.unvRel ??= Relation.full(this.n));
  }
  private id(): Relation {
    return (this.idRel ??= this.input.relations.get('id') ?? Relation.identity(this.n));
  }

  // ----------------------------------------------------------- running

  run(): CatOutcome[] {
    if (this.opts.decideChecks && !this.opts.allChecks && !this.opts.capture)
      this.decided = this.decidedChecks();
    this.exec(this.prog.code, 0, null, [], (flags) => {
      const failures = this.pathFailures;
      const o: CatOutcome =
        failures.length === 0
          ? { allowed: true, flags }
          : { allowed: false, flags, failedCheck: failures[0].name, failures: [...failures] };
      if (this.opts.allChecks) {
        o.failures = [...failures];
        o.raisedFlags = [...this.pathFlags];
      }
      if (this.opts.capture) o.values = this.captureValues(this.opts.capture);
      this.outcomes.push(o);
    });
    return this.outcomes;
  }

  /**
   * The checks this evaluation may skip (see decideChecks): judged once per combination,
   * at its DECIDE_AT-th evaluation, and only for a candidate within the bounds judged.
   */
  private decidedChecks(): DecidedChecks | null {
    const bounds = this.input.upperBounds;
    const shared = this.shared;
    if (bounds === undefined || this.input.fixedPart === undefined) return null;
    const at = this.opts.decideChecks === 'always' ? 1 : DECIDE_AT;
    if (shared.decided === undefined && ++shared.evaluations >= at)
      shared.decided = this.judgeChecks(bounds());
    const decided = shared.decided;
    if (decided === undefined || decided === null) return null;
    const { rf, FW } = bounds();
    const ownRf = this.input.relations.get('rf');
    const ownFw = this.input.sets.get('FW');
    if (ownRf !== undefined && !ownRf.isSubsetOf(rf)) return null;
    if (ownFw !== undefined && !ownFw.isSubsetOf(FW)) return null;
    return decided;
  }

  /**
   * Over upper bounds: a test's positive form, for the monotone tests that held so far
   * (the others are evaluated by the candidates themselves); no path stops at a test.
   */
  private judgeTest(ins: Extract<CIns, { t: 'test' }>, frame: Frame | null): void {
    const judged = this.judged!;
    if (!programFacts(this.prog).monotone.tests.has(ins) || judged.held.get(ins) === false) return;
    const held = this.test(ins, frame) !== ins.neg;
    judged.held.set(ins, held);
    if (!held && ++judged.failed === programFacts(this.prog).monotone.tests.size)
      throw NOTHING_DECIDED;
  }

  /**
   * Whether a fork of one alternative binds a name fixed for the combination: its set is
   * fixed, or equal to the set the combination's first evaluation found there (the
   * family's coherence order, one per candidate: what LKMM builds from co is then kept).
   * A candidate finding another set there drops the values kept, and the fork's name
   * varies from then on in the combination.
   */
  private steadyFork(ins: CIns, set: V, setFixed: boolean, alternatives: number): boolean {
    // The code after a fork of several alternatives runs again for each: its operations
    // keep their last operands and value from then on (see lastResult).
    if (alternatives > 1) this.results ??= new Array<NodeResult | undefined>(this.prog.fixedCount);
    const shared = this.shared;
    if (setFixed) return alternatives === 1;
    if (shared.part === undefined || shared.forksVaried.has(ins)) return false;
    // Asked at every evaluation of the fork: values kept from a steady name are read back
    // by any later evaluation of their nodes, whatever its own fork found.
    const seen = shared.forkSets.get(ins);
    if (seen === undefined && alternatives === 1) {
      shared.forkSets.set(ins, set);
      return true;
    }
    if (seen !== undefined && alternatives === 1 && sameValue(seen, set)) return true;
    shared.forksVaried.add(ins);
    if (seen !== undefined) dropFixed(shared);
    return false;
  }

  /**
   * Whether a fork's set is the one judged for it (see DecidedChecks). An equal set takes
   * the judged one's place: the next candidate's, often the very same object (a value
   * kept for the combination), is then told equal without comparing its relations.
   */
  private judgedSet(decided: DecidedChecks, ins: CIns, set: V): boolean {
    const judged = decided.forks.get(ins);
    if (judged === set) return true;
    if (judged === undefined || !sameValue(judged, set)) return false;
    decided.forks.set(ins, set);
    return true;
  }

  /** Over upper bounds: a fork's set, which must be the same on every path. */
  private judgeFork(ins: CIns, set: V, frame: Frame | null): void {
    const judged = this.judged!;
    const seen = judged.forks.get(ins);
    if (seen === undefined) judged.forks.set(ins, set);
    else if (!sameValue(seen, set)) judged.forkVaried = true;
    // Forks inside procedures or `forall` may not take the same set on every path.
    if (frame !== null) judged.forkVaried = true;
    if (judged.forkVaried) throw NOTHING_DECIDED;
  }

  /**
   * Evaluates the model once with rf and FW replaced by their upper bounds, the monotone
   * tests (monotone.ts) on every path (no path stops at a test; the other tests are left
   * to the candidates), and returns those whose positive form held wherever they were
   * met: they hold (checks) or stay silent (negated flags) on every candidate of the
   * combination, on the paths through forks whose sets are the ones found here (see
   * DecidedChecks). Nothing is decided when a fork's set differed between paths here, or
   * a decided test would hide a model error (raised here, with the same kinds).
   */
  private judgeChecks(bounds: { rf: Relation; FW: EventSet }): DecidedChecks | null {
    const monotone = programFacts(this.prog).monotone;
    if (monotone.tests.size === 0) return null;
    decideStats.judged++;
    const input = this.input;
    const relations = new Map(input.relations);
    relations.set('rf', bounds.rf);
    const sets = new Map(input.sets);
    sets.set('FW', bounds.FW);
    const upper = new Evaluator(
      this.prog,
      // Values of its own: none kept from or for the candidates (their FW may be taken
      // as steady, see SharedMemos.steady; here it is the bound).
      { events: input.events, sets, relations },
      { deadline: this.opts.deadline },
    );
    const judged: Judgement = { held: new Map(), failed: 0, forks: new Map(), forkVaried: false };
    upper.judged = judged;
    try {
      upper.run();
    } catch (err) {
      if (err instanceof CatError || err === NOTHING_DECIDED) return null;
      // A limit (LimitError) goes on up: the deadline and memory it reports are the run's,
      // not this evaluation's (limits.ts keeps it, and every later check throws it again),
      // so deciding nothing here would only let the next candidate stop the run instead.
      // The judgement's own cost counts towards the run's limits like any candidate's
      // (herd's -timeout counts all the CPU time): a run that finishes within its budget
      // by less than one such evaluation may stop at the limit where it would not have
      // without deciding; runs asking for -max-executions do not decide (api/run.ts).
      throw err;
    }
    const tests = new Set<CIns>();
    for (const ins of monotone.tests) if (judged.held.get(ins) === true) tests.add(ins);
    if (tests.size === 0) return null;
    decideStats.decided++;
    return { tests, forks: judged.forks };
  }

  private captureValues(names: string[]): Map<string, Relation | EventSet> {
    const m = new Map<string, Relation | EventSet>();
    for (const name of names) {
      const g = this.prog.finalGlobals.get(name);
      let v: V | undefined;
      try {
        if (g) v = g.kind === 'slot' ? this.force(g.s) : g.v;
        else {
          const i = this.prog.inputNames.indexOf(name);
          const iv = i >= 0 ? this.I[i] : this.resolveInput(name);
          if (iv !== UNBOUND) v = iv as V;
        }
      } catch (err) {
        if (err instanceof LimitError) throw err; // the run is over, not the value unknown
        v = undefined;
      }
      if (v instanceof Relation || v instanceof EventSet) m.set(name, v);
      else if (v && kindOf(v) === 'empty') m.set(name, new Relation(this.n));
    }
    return m;
  }

  private reject(check: string): void {
    this.outcomes.push({ allowed: false, flags: [], failedCheck: check });
  }

  private exec(
    code: CIns[],
    start: number,
    frame: Frame | null,
    flags: string[],
    k: (flags: string[]) => void,
  ): void {
    for (let i = start; i < code.length; i++) {
      const ins = code[i];
      switch (ins.t) {
        case 'glet': {
          // A run of `let`s binding single names (most of a model): their slots, one range,
          // start unevaluated (each read evaluates its definition once, see evNode).
          const run = code === this.prog.code ? this.letRuns : null;
          if (run !== null && run.end[i] > i) {
            // Entered for the first time, its slots were never written (only code after it
            // reads them): nothing to reset.
            if (i <= this.runsEntered) {
              this.G.fill(undefined, run.lo[i], run.hi[i]);
              this.slotFixed.fill(0, run.lo[i], run.hi[i]);
            } else this.runsEntered = i;
            i = run.end[i] - 1;
            break;
          }
          for (let b = 0, s = 0; b < ins.e.length; b++) {
            const pat = ins.pats[b];
            if (!pat.tuple) {
              this.G[ins.slots[s]] = undefined;
              this.slotFixed[ins.slots[s++]] = 0;
            } else {
              const vals = this.destructure(pat, this.ev(ins.e[b], null), ins.loc);
              const fixed = this.fixed ? 1 : 0;
              for (const v of vals) {
                this.slotFixed[ins.slots[s]] = fixed;
                this.G[ins.slots[s++]] = v;
              }
            }
          }
          break;
        }
        case 'grec': {
          // With checks decided, the fixpoint may have been only theirs: computed if read.
          if (this.decided !== null && programFacts(this.prog).monotone.recs.has(ins)) {
            const later = new DeferredRec(ins);
            for (const s of ins.slots) {
              this.G[s] = later;
              this.slotFixed[s] = DEFERRED;
            }
            break;
          }
          this.bindRec(ins);
          break;
        }
        case 'llet': {
          const vals: V[] = [];
          for (let b = 0; b < ins.e.length; b++)
            vals.push(...this.destructure(ins.pats[b], this.ev(ins.e[b], frame), ins.loc));
          frame = new Frame(vals, frame);
          break;
        }
        case 'lrec': {
          const f = new Frame(new Array<V>(ins.size).fill(EMPTY), frame);
          const vals = this.fixpoint(ins.pats, ins.e, ins.isFun, f, ins.loc, (idx, v) => {
            f.v[idx] = v;
          });
          f.v = vals;
          frame = f;
          break;
        }
        case 'lconst':
          frame = new Frame([ins.v], frame);
          break;
        case 'lproc': {
          const f = new Frame([EMPTY], frame);
          f.v[0] = { k: 'proc', pat: ins.pat, body: ins.body, frame: f, name: ins.name };
          frame = f;
          break;
        }
        case 'test': {
          if (this.judged !== null) {
            this.judgeTest(ins, frame);
            break;
          }
          if (this.decided !== null && this.decided.tests.has(ins)) {
            decideStats.skipped++;
            break;
          }
          const ok = this.testOnce(ins, frame);
          if (!ok && ins.type === 'check' && this.opts.allChecks) {
            this.pathFailures.push({
              name: ins.name ?? ins.text,
              test: ins.test,
              negated: ins.neg,
              value: this.checkedValue(ins, frame),
            });
          } else if (ok) {
            if (ins.type === 'flag') {
              if (ins.name !== null && !flags.includes(ins.name)) flags = [...flags, ins.name];
              if (ins.name !== null && this.opts.allChecks)
                this.pathFlags.push({
                  name: ins.name,
                  test: ins.test,
                  negated: ins.neg,
                  value: this.checkedValue(ins, frame),
                });
            }
          } else if (ins.type === 'check') {
            this.reject(ins.name ?? ins.text);
            return;
          } else if (ins.type === 'undefined_unless') {
            if (!flags.includes('undefined')) flags = [...flags, 'undefined'];
          } else if (ins.type === 'assert') {
            throw new CatError(`assertion ${ins.name ?? ins.text} failed`, ins.loc);
          }
          break;
        }
        case 'with': {
          const set = this.ev(ins.set, frame);
          const setFixed = this.fixed;
          // Decided checks hold on the paths through the alternatives judged (see there).
          if (this.judged !== null) this.judgeFork(ins, set, frame);
          else if (this.decided !== null && !this.judgedSet(this.decided, ins, set))
            this.decided = null;
          // A product of choices (cross.cat's coherence orders) is not made into its
          // hundreds of thousands of relations when the run prunes: nothing observes the
          // order of the alternatives then (outcomes are aggregated), and each is made when
          // its turn comes, in the product's order. Otherwise, as ever, the sorted items.
          const product =
            set instanceof ProductSet && this.opts.pruneForbidden && !this.opts.allChecks
              ? set
              : null;
          const elems = product === null ? this.elements(set, ins.loc, 'with ... from') : null;
          const count = product !== null ? product.size : elems!.length;
          if (count === 0) {
            this.reject(
              `with ... from: empty set at ${ins.loc.file}:${ins.loc.line}:${ins.loc.col}`,
            );
            return;
          }
          const failuresBefore = this.pathFailures.length;
          const flagsBefore = this.pathFlags.length;
          const bindsFixed = frame === null && this.steadyFork(ins, set, setFixed, count);
          // Timed only when it is a fork to prune (see forbidden).
          const started = count < PRUNE_AT_LEAST ? 0 : limitClock();
          const skip = this.forbidden(code, i, frame, product ?? elems!);
          for (let j = 0; j < count; j++) {
            this.checkLimits();
            // Each further element is one more execution (see noteExecutionTried).
            if (j > 0) noteExecutionTried();
            const failed = skip ? skip.at(j) : 0;
            if (failed > 0) {
              const check = code[failed - 1] as Extract<CIns, { t: 'test' }>;
              this.reject(check.name ?? check.text);
              continue;
            }
            const el = product !== null ? product.unionAt(j) : elems![j];
            this.pathFailures.length = failuresBefore;
            this.pathFlags.length = flagsBefore;
            if (ins.slot >= 0) {
              this.G[ins.slot] = el;
              this.slotFixed[ins.slot] = bindsFixed ? 1 : 0;
              this.watchKind(ins.slot, el);
              this.exec(code, i + 1, frame, flags, k);
            } else {
              this.exec(code, i + 1, new Frame([el], frame), flags, k);
            }
          }
          if (skip !== undefined) noteFork(ins, skip !== false, count, limitClock() - started);
          return;
        }
        case 'call': {
          const p = this.ev(ins.p, frame);
          if (kindOf(p) !== 'proc')
            throw new CatError(`procedure expected, found ${typeName(p)}`, ins.loc);
          const proc = p as Extract<V, { k: 'proc' }>;
          const arg = this.ev(ins.arg, frame);
          const pf = new Frame(this.destructure(proc.pat, arg, ins.loc), proc.frame);
          const here = frame;
          this.exec(proc.body, 0, pf, flags, (fl) => this.exec(code, i + 1, here, fl, k));
          return;
        }
        case 'forall': {
          const elems = this.elements(this.ev(ins.set, frame), ins.loc, 'forall');
          const here = frame;
          const step = (j: number, fl: string[]): void => {
            if (j === elems.length) this.exec(code, i + 1, here, fl, k);
            else this.exec(ins.body, 0, new Frame([elems[j]], here), fl, (fl2) => step(j + 1, fl2));
          };
          step(0, flags);
          return;
        }
        case 'insmatch': {
          const v = this.ev(ins.a, frame);
          if (kindOf(v) !== 'tag')
            throw new CatError(`matching on non-tag value of type ${typeName(v)}`, ins.loc);
          const body = ins.tags.get((v as VTag).name) ?? ins.dflt;
          if (!body)
            throw new CatError(`pattern matching failed on value '${(v as VTag).name}`, ins.loc);
          const here = frame;
          this.exec(body, 0, new Frame([], here), flags, (fl) =>
            this.exec(code, i + 1, here, fl, k),
          );
          return;
        }
      }
    }
    k(flags);
  }

  /** Binds the names of a top-level `let rec` to its fixpoint. */
  private bindRec(ins: Extract<CIns, { t: 'grec' }>): void {
    // A fixpoint whose bodies read nothing that changes between paths (or between
    // candidates) is the same on all of them: computed once, at that level.
    const known = this.sharedValue(ins);
    let vals: V[];
    // A fixpoint shared by the candidates of the combination has a fixed value.
    const fixedForCombination = (ins as MemoNode).stageId !== undefined ? 1 : 0;
    if (known !== undefined) vals = (known as VTuple).items;
    else {
      // Each fixpoint computes its own loop values: none is carried over from the last.
      this.loopMemo.fill(undefined);
      vals = this.fixpoint(ins.pats, ins.e, ins.isFun, null, ins.loc, (idx, v) => {
        this.G[ins.slots[idx]] = v;
        this.slotFixed[ins.slots[idx]] = 0;
      });
      this.share(ins, { k: 'tuple', items: vals });
    }
    vals.forEach((v, idx) => {
      this.G[ins.slots[idx]] = v;
      this.slotFixed[ins.slots[idx]] = fixedForCombination;
      if (!ins.isFun[bindingOf(ins.pats, idx)]) this.watchKind(ins.slots[idx], v);
    });
  }

  /**
   * The alternatives of a top-level fork that every branch rejects (bounds.ts, Skips: by
   * alternative, 1 + the index of a check they fail, or 0), null when none is skipped,
   * false when not searched this time (bounds.ts, worthSearching), undefined when the
   * fork is not one to prune: only runs that ask for it prune, and only forks with
   * enough alternatives for a bound run to pay (the others are not timed).
   */
  private forbidden(
    code: CIns[],
    at: number,
    frame: Frame | null,
    alternatives: V[] | ProductSet,
  ): Skips | null | false | undefined {
    const ins = code[at] as Extract<CIns, { t: 'with' }>;
    if (!this.opts.pruneForbidden || this.opts.allChecks || frame !== null || ins.slot < 0)
      return undefined;
    const count = alternatives instanceof ProductSet ? alternatives.size : alternatives.length;
    if (count < PRUNE_AT_LEAST) return undefined;
    if (this.opts.pruneForbidden !== 'always' && !worthSearching(ins, count)) return false;
    const found = forbiddenAlternatives(this, code, at, ins.slot, alternatives);
    pruneStats.forks++;
    pruneStats.runs += found.runs;
    pruneStats.skipped += found.skipped;
    pruneStats.alternatives += count;
    return found.skip;
  }

  // ----------------------------------------------------------- BoundHost

  evExact(e: RExp): V {
    return this.ev(e, null);
  }

  call(fn: V, arg: V, loc: Location): V {
    return this.apply(fn, arg, loc);
  }

  holds(ins: Extract<CIns, { t: 'test' }>, v: V): boolean {
    return this.test({ ...ins, e: { t: 'const', v } }, null);
  }

  resetLoopValues(): void {
    this.loopMemo.fill(undefined);
  }

  defineGlobal(slot: number, e: RExp): void {
    this.runsEntered = Infinity; // slots of runs not entered yet are written
    if (this.lazyDefs[slot] === e) {
      this.G[slot] = undefined;
      this.slotFixed[slot] = 0;
    } else {
      this.G[slot] = new Thunk(e);
      this.slotFixed[slot] = THUNK;
    }
  }

  setGlobal(slot: number, v: V): void {
    this.runsEntered = Infinity;
    this.G[slot] = v;
    this.slotFixed[slot] = 0;
  }

  /** The relation or set a check examined (evaluated again: only explanations ask). */
  private checkedValue(
    ins: Extract<CIns, { t: 'test' }>,
    frame: Frame | null,
  ): Relation | EventSet | null {
    const v = this.ev(ins.e, frame);
    if (v instanceof Relation || v instanceof EventSet) return v;
    if (kindOf(v) === 'unv') return this.unv();
    return null;
  }

  private test(ins: Extract<CIns, { t: 'test' }>, frame: Frame | null): boolean {
    return this.verdict(ins, this.ev(ins.e, frame));
  }

  /**
   * A test of the model's code: a value it examined before in the combination (the same
   * object: values are never changed once made) has the verdict found then. The values
   * kept as fixed for the combination are such (the RCU family's `acyclic cobase`: an
   * acyclicity check per candidate otherwise).
   */
  private testOnce(ins: Extract<CIns, { t: 'test' }>, frame: Frame | null): boolean {
    const v = this.ev(ins.e, frame);
    const last = this.shared.verdicts.get(ins);
    if (last !== undefined && last.value === v) return last.holds;
    const holds = this.verdict(ins, v);
    if (last === undefined) this.shared.verdicts.set(ins, { value: v, holds });
    else {
      last.value = v;
      last.holds = holds;
    }
    return holds;
  }

  /** Whether a test holds of the value v of its expression. */
  private verdict(ins: Extract<CIns, { t: 'test' }>, v: V): boolean {
    let r: boolean;
    if (v instanceof Relation) {
      r =
        ins.test === 'acyclic'
          ? v.isAcyclic()
          : ins.test === 'irreflexive'
            ? v.isIrreflexive()
            : v.isEmpty();
    } else if (v instanceof EventSet) {
      if (ins.test !== 'empty') throw new CatError('relation expected', ins.loc);
      r = v.isEmpty();
    } else {
      switch (kindOf(v)) {
        case 'empty':
          r = true;
          break;
        case 'unv': {
          const u = this.unv();
          r =
            ins.test === 'acyclic'
              ? u.isAcyclic()
              : ins.test === 'irreflexive'
                ? u.isIrreflexive()
                : u.isEmpty();
          break;
        }
        case 'event':
          r =
            ins.test === 'empty'
              ? false
              : (() => {
                  throw new CatError('relation expected', ins.loc);
                })();
          break;
        case 'pair': {
          const p = v as VPair;
          r = ins.test === 'acyclic' || ins.test === 'irreflexive' ? p.a !== p.b : false;
          break;
        }
        default:
          throw new CatError(`relation or set expected, found ${typeName(v)}`, ins.loc);
      }
    }
    return ins.neg ? !r : r;
  }

  /** Elements of a set value, for `with ... from` and `forall`. */
  elements(v: V, loc: Location, what: string): V[] {
    if (v instanceof EventSet) return v.toArray().map((e) => ({ k: 'event', e }));
    if (v instanceof Relation) return v.pairs().map(([a, b]) => ({ k: 'pair', a, b }));
    switch (kindOf(v)) {
      case 'empty':
        return [];
      case 'valset':
        return (v as VValSet).items;
      case 'tag':
        return [v];
      default: // any other kind is the model's type error
        throw new CatError(`${what}: set expected, found ${typeName(v)}`, loc);
    }
  }

  // ----------------------------------------------------------- bindings

  destructure(pat: RPat, v: V, loc: Location): V[] {
    if (!pat.tuple) return [v];
    let items: V[];
    const kv = kindOf(v);
    if (kv === 'tuple') items = (v as VTuple).items;
    else if (kv === 'pair')
      items = [
        { k: 'event', e: (v as VPair).a },
        { k: 'event', e: (v as VPair).b },
      ];
    else items = [v];
    if (items.length !== pat.size)
      throw new CatError(`binding mismatch: ${pat.size} names for ${typeName(v)}`, loc);
    return items;
  }

  /**
   * `let rec`: functions are bound once; other bindings start at `{}` and are
   * re-evaluated in order (each seeing the newest values) until no value grows.
   */
  private fixpoint(
    pats: RPat[],
    exps: RExp[],
    isFun: boolean[],
    frame: Frame | null,
    loc: Location,
    set: (idx: number, v: V) => void,
  ): V[] {
    const positions: number[] = [];
    let pos = 0;
    for (const p of pats) {
      positions.push(pos);
      pos += p.size;
    }
    const vals: V[] = new Array<V>(pos).fill(EMPTY);
    const init = (b: number) => {
      if (pats[b].tuple) {
        const t: VTuple = { k: 'tuple', items: new Array<V>(pats[b].size).fill(EMPTY) };
        this.destructure(pats[b], t, loc).forEach((x, j) => {
          vals[positions[b] + j] = x;
          set(positions[b] + j, x);
        });
      } else {
        vals[positions[b]] = EMPTY;
        set(positions[b], EMPTY);
      }
    };
    for (let b = 0; b < pats.length; b++) init(b);
    // Functions first: closures capture the frame (or read the global slots) directly.
    for (let b = 0; b < pats.length; b++) {
      if (!isFun[b]) continue;
      const v = this.ev(exps[b], frame);
      vals[positions[b]] = v;
      set(positions[b], v);
    }
    if (isFun.every((x) => x)) return vals;
    // A top-level fixpoint tells the nodes reading its variables their kinds (loopKinds);
    // one computed while another is (forced by a read) gives the other's back.
    const outerKinds = this.loopKinds;
    const topLevel = frame === null;
    if (topLevel) this.loopKinds = kindsOf(vals);
    try {
      for (let iter = 0; ; iter++) {
        if (iter > 100000) throw new CatError('recursive definition does not stabilise', loc);
        let stable = true;
        for (let b = 0; b < pats.length; b++) {
          if (isFun[b]) continue;
          const nv = this.ev(exps[b], frame);
          const parts = this.destructure(pats[b], nv, loc);
          parts.forEach((x, j) => {
            const at = positions[b] + j;
            if (!this.stabilised(vals[at], x, loc)) stable = false;
            vals[at] = x;
            set(at, x);
          });
          if (topLevel) this.loopKinds = kindsOf(vals);
        }
        if (stable) return vals;
      }
    } finally {
      this.loopKinds = outerKinds;
    }
  }

  /** herd's test: the new value w adds nothing to the old value v. */
  stabilised(v: V, w: V, loc: Location): boolean {
    const kw = kindOf(w),
      kv = kindOf(v);
    if (kw === 'empty' || kv === 'unv') return true;
    if (w instanceof Relation) {
      if (kv === 'empty') return w.isEmpty();
      if (v instanceof Relation) return w.isSubsetOf(v);
    } else if (w instanceof EventSet) {
      if (kv === 'empty') return w.isEmpty();
      if (v instanceof EventSet) return w.isSubsetOf(v);
    } else if (kw === 'unv') {
      if (v instanceof Relation) return this.unv().isSubsetOf(v);
      if (v instanceof EventSet) return EventSet.full(this.n).isSubsetOf(v);
    } else if (kw === 'valset') {
      const ws = (w as VValSet).items;
      if (kv === 'empty') return ws.length === 0;
      if (kv === 'valset') return ws.every((x) => valSetHas(v as VValSet, x));
    }
    throw new CatError(`illegal recursion on type ${typeName(w)}`, loc);
  }

  private force(slot: number): V {
    const s = this.G[slot];
    if (s === undefined)
      return this.lazyDefs[slot] === undefined ? (s as never) : this.bindLazy(slot);
    if (s instanceof Thunk) {
      if (s.value === null) s.value = this.ev(s.e, null);
      return s.value;
    }
    if (s instanceof DeferredRec) {
      this.bindRec(s.ins);
      return this.G[slot] as V;
    }
    return s as V;
  }

  /**
   * Evaluates the definition of a top-level `let` not read yet on this path into its
   * slot, with whether it is fixed for the combination; sets `fixed` as ev does.
   */
  private bindLazy(slot: number): V {
    const v = this.ev(this.lazyDefs[slot]!, null);
    this.G[slot] = v;
    this.slotFixed[slot] = this.fixed ? 1 : 0;
    return v;
  }

  // ----------------------------------------------------------- expressions

  /**
   * Evaluate e in frame f: run its code (see compileExp), made the first time the node is
   * met. Sets `fixed`.
   */
  ev(e: RExp, f: Frame | null): V {
    const code = (e as CompiledNode)[CODE];
    return code !== undefined ? code(this, f) : Evaluator.compile(e)(this, f);
  }

  /** The node's code, made now (and kept on the node, see CODE). */
  private static compile(e: RExp): Code {
    const code = Evaluator.compileExp(e);
    (e as CompiledNode)[CODE] = code;
    return code;
  }

  /** The code of an operand: kept on its node too, so that ev finds it. */
  private static operand(e: RExp): Code {
    return (e as CompiledNode)[CODE] ?? Evaluator.compile(e);
  }

  /**
   * A node as a function of the evaluator and frame: what evaluating it does, with what
   * the node fixes resolved once instead of on every evaluation (its kind, its marks, the
   * code of its operands). Fork-invariant nodes (see invariance.ts) are computed once per
   * evaluation and shared by every `with` path; per-combination nodes once per
   * combination; nodes found fixed for the combination give the value kept (see ev's
   * `fixed`).
   */
  private static compileExp(e: RExp): Code {
    // A read of a global name that holds a value (a third of the nodes evaluated after a
    // fork) needs no marks (invariance.ts marks only costly kinds).
    if (e.t === 'glob') {
      const slot = e.s;
      return (ev, f) => {
        const fixed = ev.slotFixed[slot];
        const s = ev.G[slot];
        if (fixed < DEFERRED && s !== undefined) {
          ev.fixed = fixed === 1;
          return s as V;
        }
        return ev.globalRead(slot, e, f);
      };
    }
    const body = Evaluator.compileBody(e);
    const node = e as MemoNode;
    const stage = node.stageId;
    if (stage !== undefined)
      return (ev, f) => {
        let v = ev.stageMemo[stage];
        if (v === undefined) {
          v = body(ev, f);
          ev.stageMemo[stage] = v;
        }
        ev.fixed = true;
        return v;
      };
    // A node found fixed for the combination on an earlier candidate (or path) gives the
    // value kept; else a value shared by the paths of the evaluation, or by the steps of a
    // fixpoint; else the value made now, kept when it is found fixed.
    const stepId = node.stepId;
    if (stepId !== undefined)
      return (ev, f) => {
        // The value kept, while the fixpoint's variables hold values of the same kinds.
        // (A first step reads `{}` where later ones read relations: one value for each.)
        const kinds = ev.loopKinds;
        const kept = ev.shared.stepFixed[stepId];
        if (kinds >= 0 && kept !== undefined) {
          const known = kept.get(kinds);
          if (known !== undefined) {
            ev.fixed = true;
            return known;
          }
        }
        const v = body(ev, f);
        if (ev.fixed && kinds >= 0 && !ev.shared.fixedOff)
          (ev.shared.stepFixed[stepId] ??= new Map()).set(kinds, v);
        return v;
      };
    const fixedId = node.fixedId;
    const id = node.memoId;
    const loop = node.loopId;
    if (fixedId === undefined) {
      if (id !== undefined || loop !== undefined)
        throw new Error('a node shared by paths or steps needs a fixed id (invariance.ts)');
      return body;
    }
    if (id !== undefined)
      return (ev, f) => {
        const known = ev.shared.fixed[fixedId];
        if (known !== undefined) {
          ev.fixed = true;
          return known;
        }
        const shared = ev.memo[id];
        if (shared !== undefined) {
          ev.fixed = false; // a fixed value would have been found above
          return shared;
        }
        const v = body(ev, f);
        ev.memo[id] = v;
        if (ev.fixed) ev.keepFixed(fixedId, v);
        return v;
      };
    if (loop !== undefined)
      return (ev, f) => {
        const known = ev.shared.fixed[fixedId];
        if (known !== undefined) {
          ev.fixed = true;
          return known;
        }
        const shared = ev.loopMemo[loop];
        if (shared !== undefined) {
          ev.fixed = false;
          return shared;
        }
        const v = body(ev, f);
        ev.loopMemo[loop] = v;
        if (ev.fixed) ev.keepFixed(fixedId, v);
        return v;
      };
    return (ev, f) => {
      const known = ev.shared.fixed[fixedId];
      if (known !== undefined) {
        ev.fixed = true;
        return known;
      }
      const v = body(ev, f);
      if (ev.fixed) ev.keepFixed(fixedId, v);
      return v;
    };
  }

  /**
   * The code of a two-operand operation (intersection, difference, cartesian product):
   * both operands' code (each taken as `operandAs` says, if it says), then the node's last
   * value when they are last time's (see lastResult), else `make` of them. The result is fixed for the combination when both
   * operands are, or when an operand that `absorbs` (left, right) is fixed and empty.
   */
  private static binaryCode(
    e: { l: RExp; r: RExp },
    make: (ev: Evaluator, l: V, r: V) => V,
    leftAbsorbs: boolean,
    rightAbsorbs: boolean,
    operandAs: ((ev: Evaluator, v: V) => V) | null = null,
  ): Code {
    const left = Evaluator.operand(e.l);
    const right = Evaluator.operand(e.r);
    const id = (e as MemoNode).fixedId;
    return (ev, f) => {
      const l = operandAs === null ? left(ev, f) : operandAs(ev, left(ev, f));
      const fl = ev.fixed;
      const r = operandAs === null ? right(ev, f) : operandAs(ev, right(ev, f));
      const fr = ev.fixed;
      const last = ev.lastResult(id);
      const v =
        last !== null && last.ops[0] === l && last.ops[1] === r
          ? last.value
          : ev.remember(last, [l, r], make(ev, l, r));
      ev.fixed =
        (fl && fr) || (leftAbsorbs && absorbs(fl, l, e.r)) || (rightAbsorbs && absorbs(fr, r, e.l));
      return v;
    };
  }

  /** What evaluating e itself does (compileExp adds what its marks do); sets `fixed`. */
  private static compileBody(e: RExp): Code {
    switch (e.t) {
      case 'const': {
        const v = e.v;
        return (ev) => {
          ev.fixed = true;
          return v;
        };
      }
      case 'zero':
        return (ev) => {
          ev.fixed = true;
          return Relation.knownEmptyOf(ev.n);
        };
      case 'glob': {
        const slot = e.s;
        return (ev, f) => ev.globalRead(slot, e, f);
      }
      case 'local': {
        const depth = e.d;
        const at = e.i;
        const fixedBit = at < LET_FIXED_BITS ? 1 << at : 0;
        return (ev, f) => {
          let fr = f!;
          for (let d = depth; d > 0; d--) fr = fr.p!;
          ev.fixed = fr instanceof LetFrame && (fr.fixed & fixedBit) !== 0;
          return fr.v[at];
        };
      }
      case 'input': {
        const at = e.i;
        return (ev) => {
          const v = ev.I[at];
          if (v === UNBOUND) throw new CatError(`unbound var: ${e.name}`, e.loc);
          ev.fixed = ev.inputFixed[at] === 1;
          return v;
        };
      }
      case 'op1': {
        const a = Evaluator.operand(e.a);
        const id = (e as MemoNode).fixedId;
        const { op, loc } = e;
        return (ev, f) => {
          const v = a(ev, f);
          const fixed = ev.fixed;
          const last = ev.lastResult(id);
          const r =
            last !== null && last.ops[0] === v
              ? last.value
              : ev.remember(last, [v], ev.op1(op, v, loc));
          ev.fixed = fixed;
          return r;
        };
      }
      case 'union': {
        const operands = e.a.map(Evaluator.operand);
        return (ev, f) => ev.union(e, operands, f);
      }
      case 'seq': {
        // A filter `[S]` is taken as S (see seq): the code of S.
        const operands = e.a.map((a) =>
          Evaluator.operand(a.t === 'op1' && a.op === 'toid' ? a.a : a),
        );
        return (ev, f) => ev.seq(e, operands, f);
      }
      case 'inter':
        // An empty operand fixed for the combination makes the intersection fixed.
        return Evaluator.binaryCode(e, (ev, l, r) => ev.inter(l, r, e.loc), true, true);
      case 'intercart': {
        const rel = Evaluator.operand(e.r);
        const dom = Evaluator.operand(e.s1);
        const rng = Evaluator.operand(e.s2);
        const id = (e as MemoNode).fixedId;
        const allDetermined = determined(e.r) && determined(e.s1) && determined(e.s2);
        return (ev, f) => {
          const rv = ev.asRel(rel(ev, f), e.loc);
          const fr = ev.fixed;
          const s1 = ev.asEvents(dom(ev, f), e.loc);
          const f1 = ev.fixed;
          const s2 = ev.asEvents(rng(ev, f), e.loc);
          const f2 = ev.fixed;
          const last = ev.lastResult(id);
          const v =
            last !== null && last.ops[0] === rv && last.ops[1] === s1 && last.ops[2] === s2
              ? last.value
              : ev.remember(last, [rv, s1, s2], rv.restrict(s1, s2));
          ev.fixed =
            (fr && f1 && f2) ||
            (allDetermined &&
              ((fr && rv.isEmpty()) || (f1 && s1.isEmpty()) || (f2 && s2.isEmpty())));
          return v;
        };
      }
      case 'diff':
        // Only an empty left operand makes the difference fixed.
        return Evaluator.binaryCode(e, (ev, l, r) => ev.diff(l, r, e.loc), true, false);
      case 'cart':
        // Each operand is made an event set as soon as it is evaluated (a type error in
        // the left one is reported before the right one is evaluated).
        return Evaluator.binaryCode(
          e,
          (_, l, r) => Relation.cartesian(l as EventSet, r as EventSet),
          true,
          true,
          (ev, v) => ev.asEvents(v, e.loc),
        );
      case 'add':
      case 'set':
      case 'tuple':
      case 'app':
      case 'let':
      case 'fun':
      case 'letrec':
      case 'match':
      case 'matchset':
      case 'try':
      case 'if':
        // (The binary nodes share one type whatever their kind: this one is an `add`.)
        return (ev, f) => ev.evNode(e as InterpretedExp, f);
      default:
        return assertNever(e);
    }
  }

  private keepFixed(fixedId: number, v: V): void {
    if (!this.shared.fixedOff) this.shared.fixed[fixedId] = v;
  }

  /**
   * A watched global (kinds.ts) was bound to v. Values kept as fixed by absorption
   * assumed the kinds seen so far in the combination: another kind drops them all, and
   * nothing more is kept for the combination (a value whose kind is not a set's or a
   * relation's counts as another kind every time).
   */
  private watchKind(slot: number, v: V): void {
    const shared = this.shared;
    if (shared.fixedOff || shared.watched[slot] !== 1) return;
    const kind = kindCode(v);
    const seen = shared.kinds[slot];
    if (kind !== 0 && (seen === 0 || seen === kind)) {
      shared.kinds[slot] = kind;
      return;
    }
    dropFixed(shared);
    shared.fixedOff = true;
  }

  /** The value of a node marked for sharing, if it was computed at its level already. */
  sharedValue(at: object): V | undefined {
    const node = at as MemoNode;
    if (node.memoId !== undefined) return this.memo[node.memoId];
    if (node.stageId !== undefined) return this.stageMemo[node.stageId];
    return undefined;
  }

  share(at: object, v: V): void {
    const node = at as MemoNode;
    if (node.memoId !== undefined) this.memo[node.memoId] = v;
    else if (node.stageId !== undefined) this.stageMemo[node.stageId] = v;
  }

  /**
   * A read of a global slot that does not hold a value yet (a lazy definition, a thunk, a
   * recursive definition not bound yet); sets `fixed`.
   */
  private globalRead(slot: number, e: RExp, f: Frame | null): V {
    const s = this.G[slot];
    if (s === undefined) {
      // Every slot a read can reach is bound by then (a value, or a definition).
      if (this.lazyDefs[slot] === undefined)
        throw new Error(`global slot ${slot} read before it is bound`);
      return this.bindLazy(slot);
    }
    const fixed = this.slotFixed[slot];
    if (fixed === THUNK) {
      const t = s as Thunk;
      if (t.value === null) {
        t.value = this.ev(t.e, null);
        t.fixed = this.fixed;
      }
      this.fixed = t.fixed;
      return t.value;
    }
    if (fixed === DEFERRED) {
      this.bindRec((s as DeferredRec).ins);
      return this.globalRead(slot, e, f);
    }
    this.fixed = fixed === 1;
    return s as V;
  }

  /** Evaluates a node of the kinds compileBody leaves to it; sets `fixed` as ev promises. */
  private evNode(e: InterpretedExp, f: Frame | null): V {
    switch (e.t) {
      case 'add': {
        const l = this.ev(e.l, f);
        const fl = this.fixed;
        const r = this.ev(e.r, f);
        const fr = this.fixed;
        const v = this.add(l, r, e.loc);
        this.fixed = fl && fr;
        return v;
      }
      case 'set': {
        let fixed = true;
        const vs = e.a.map((x) => {
          const v = this.ev(x, f);
          fixed &&= this.fixed;
          return v;
        });
        const v = this.explicitSet(vs, e.loc);
        this.fixed = fixed;
        return v;
      }
      case 'tuple': {
        let fixed = true;
        const items = e.a.map((x) => {
          const v = this.ev(x, f);
          fixed &&= this.fixed;
          return v;
        });
        this.fixed = fixed;
        return { k: 'tuple', items };
      }
      case 'app': {
        const fn = this.ev(e.f, f);
        const fixedFn = this.fixed;
        const arg = this.ev(e.x, f);
        const fixedArg = this.fixed;
        const v = this.applyShared(e, fn, arg);
        this.fixed = fixedFn && fixedArg && fixedBuiltinValue(fn, arg);
        return v;
      }
      case 'let': {
        // Fixed when its body is, given which bound values are (see LetFrame).
        const vals = new Array<V>(e.size);
        let fixed = 0;
        for (let b = 0, at = 0; b < e.e.length; b++) {
          const pat = e.pats[b];
          const v = this.ev(e.e[b], f);
          const bound = this.fixed;
          const parts = pat.tuple ? this.destructure(pat, v, e.loc) : null;
          for (let j = 0; j < pat.size; j++, at++) {
            vals[at] = parts === null ? v : parts[j];
            if (bound && at < LET_FIXED_BITS) fixed |= 1 << at;
          }
        }
        return this.ev(e.body, new LetFrame(vals, f, fixed));
      }
      case 'if': {
        // Fixed when the values the condition compared are and the branch taken is: every
        // candidate takes that branch (Ordo's LKMM: the membarrier sections, none in a
        // test without membarrier calls).
        // (A condition of this branch's condition gives the outer one's state back, even
        // when it fails: a `try` there may go on.)
        const outer = this.condFixed;
        this.condFixed = true;
        let c: boolean, condFixed: boolean;
        try {
          c = this.cond(e.c, f);
        } finally {
          condFixed = this.condFixed;
          this.condFixed = outer;
        }
        const v = this.ev(c ? e.th : e.el, f);
        this.fixed &&= condFixed;
        return v;
      }
      case 'fun':
      case 'letrec':
      case 'match':
      case 'matchset':
      case 'try': {
        // Functions, recursive bindings and matches: judged variant (not worth following).
        const v = this.evOther(e, f);
        this.fixed = false;
        return v;
      }
      default:
        return assertNever(e);
    }
  }

  private evOther(e: OtherExp, f: Frame | null): V {
    switch (e.t) {
      case 'fun':
        return { k: 'clo', id: freshId(), pat: e.pat, body: e.body, frame: f, name: e.name };
      case 'letrec': {
        const nf = new Frame(new Array<V>(e.size).fill(EMPTY), f);
        nf.v = this.fixpoint(e.pats, e.e, e.isFun, nf, e.loc, (idx, v) => {
          nf.v[idx] = v;
        });
        return this.ev(e.body, nf);
      }
      case 'match': {
        const v = this.ev(e.a, f);
        if (kindOf(v) !== 'tag')
          throw new CatError(`matching on non-tag value of type ${typeName(v)}`, e.loc);
        const body = e.tags.get((v as VTag).name) ?? e.dflt;
        if (!body)
          throw new CatError(`pattern matching failed on value '${(v as VTag).name}`, e.loc);
        return this.ev(body, f);
      }
      case 'matchset':
        return this.matchSet(e, f);
      case 'try': {
        try {
          return this.ev(e.b, f);
        } catch (err) {
          if (err instanceof CatError) return this.ev(e.h, f);
          throw err;
        }
      }
      case 'if':
        return this.cond(e.c, f) ? this.ev(e.th, f) : this.ev(e.el, f);
      default:
        return assertNever(e);
    }
  }

  private cond(c: RCond, f: Frame | null): boolean {
    switch (c.t) {
      case 'const':
        return c.b;
      case 'not':
        return !this.cond(c.c, f);
      case 'and':
        return this.cond(c.l, f) && this.cond(c.r, f);
      case 'or':
        return this.cond(c.l, f) || this.cond(c.r, f);
      case 'eq': {
        const a = this.ev(c.l, f);
        this.condFixed &&= this.fixed;
        const b = this.ev(c.r, f);
        this.condFixed &&= this.fixed;
        return this.cmp(a, b, c.loc) === 0;
      }
      case 'subset': {
        const a = this.ev(c.l, f);
        this.condFixed &&= this.fixed;
        const b = this.ev(c.r, f);
        this.condFixed &&= this.fixed;
        if (a instanceof Relation || b instanceof Relation)
          return this.asRel(a, c.loc).isSubsetOf(this.asRel(b, c.loc));
        if (a instanceof EventSet || b instanceof EventSet)
          return this.asEvents(a, c.loc).isSubsetOf(this.asEvents(b, c.loc));
        const sa = this.asValSet(a, c.loc),
          sb = this.asValSet(b, c.loc);
        return sa.items.every((x) => valSetHas(sb, x));
      }
      case 'in': {
        const a = this.ev(c.l, f);
        this.condFixed &&= this.fixed;
        const b = this.ev(c.r, f);
        this.condFixed &&= this.fixed;
        const ka = kindOf(a);
        if (ka === 'event') return this.asEvents(b, c.loc).has((a as { e: number }).e);
        if (ka === 'pair') return this.asRel(b, c.loc).has((a as VPair).a, (a as VPair).b);
        return valSetHas(this.asValSet(b, c.loc), a);
      }
    }
  }

  private cmp(a: V, b: V, loc: Location): number {
    try {
      return compareV(a, b);
    } catch (err) {
      throw atModelLine(err, loc);
    }
  }

  private asValSet(v: V, loc: Location): VValSet {
    const k = kindOf(v);
    if (k === 'valset') return v as VValSet;
    if (k === 'empty') return { k: 'valset', items: [] };
    if (k === 'tag') return { k: 'valset', items: [v] };
    throw new CatError(`set expected, found ${typeName(v)}`, loc);
  }

  asRel(v: V, loc: Location): Relation {
    if (v instanceof Relation) return v;
    switch (kindOf(v)) {
      case 'empty':
        return new Relation(this.n);
      case 'unv':
        return this.unv();
      case 'pair':
        return Relation.fromPairs(this.n, [[(v as VPair).a, (v as VPair).b]]);
      default: // any other kind is the model's type error
        throw new CatError(`type relation expected, ${typeName(v)} found`, loc);
    }
  }

  asEvents(v: V, loc: Location): EventSet {
    if (v instanceof EventSet) return v;
    switch (kindOf(v)) {
      case 'empty':
        return new EventSet(this.n);
      case 'unv':
        return EventSet.full(this.n);
      case 'event':
        return EventSet.of(this.n, [(v as { e: number }).e]);
      default: // any other kind is the model's type error
        throw new CatError(`type event set expected, ${typeName(v)} found`, loc);
    }
  }

  private op1(op: string, v: V, loc: Location): V {
    const k = kindOf(v);
    switch (op) {
      case 'plus':
        if (v instanceof Relation) return v.plus();
        if (k === 'empty' || k === 'unv') return v;
        if (k === 'pair') return this.asRel(v, loc);
        break;
      case 'star':
        if (v instanceof Relation) return v.star();
        if (k === 'empty') return this.id();
        if (k === 'unv') return v;
        if (k === 'pair') return this.asRel(v, loc).star();
        break;
      case 'opt':
        if (v instanceof Relation) return v.opt();
        if (k === 'empty') return this.id();
        if (k === 'unv') return v;
        if (k === 'pair') return this.asRel(v, loc).opt();
        break;
      case 'inv':
        if (v instanceof Relation) return v.inverse();
        if (k === 'empty' || k === 'unv') return v;
        if (k === 'pair') return { k: 'pair', a: (v as VPair).b, b: (v as VPair).a };
        break;
      case 'toid':
        if (v instanceof EventSet) return Relation.idOn(v);
        if (k === 'empty') return EMPTY;
        if (k === 'unv') return this.id();
        if (k === 'event') return Relation.idOn(this.asEvents(v, loc));
        throw new CatError(`type event set expected, ${typeName(v)} found`, loc);
      case 'comp':
        if (v instanceof EventSet) return v.complement();
        if (v instanceof Relation) return v.complement();
        if (k === 'empty') return UNV;
        if (k === 'unv') return EMPTY;
        if (k === 'valset' || k === 'tag') {
          const s = this.asValSet(v, loc);
          const universe = this.tagUniverse(s, loc);
          return mkValSet(universe.items.filter((x) => !valSetHas(s, x)));
        }
        throw new CatError(`set or relation expected, ${typeName(v)} found`, loc);
    }
    throw new CatError(`type relation expected, ${typeName(v)} found`, loc);
  }

  private tagUniverse(s: VValSet, loc: Location): VValSet {
    const first = s.items[0];
    if (!first || kindOf(first) !== 'tag')
      throw new CatError('cannot build the universe of this set', loc);
    const en = (first as VTag).enumName;
    const g = this.prog.finalGlobals.get(en);
    if (g && g.kind === 'const' && kindOf(g.v) === 'valset') return g.v as VValSet;
    throw new CatError(`cannot build the universe of tags of ${en}`, loc);
  }

  /**
   * What a node made last, and of which operands (the same objects), if it is one that
   * keeps it (a fixed id, after a fork: see results); null when it keeps nothing. An
   * entry made now has no operands, so it matches none. Operations are functions of their
   * operands' values, and values are never changed once made: the same operands give
   * the last value. After a fork, most of the model's nodes meet the operands they met on
   * the last path (the fork changed a few relations), and a value equal to the last one
   * is given as the last one (see remember), so that the nodes reading it find their
   * operands unchanged too.
   */
  private lastResult(id: number | undefined): NodeResult | null {
    if (id === undefined || this.results === null) return null;
    return (this.results[id] ??= { ops: NO_OPERANDS, value: EMPTY, tail: null, tailFrom: 0 });
  }

  /**
   * Records that a node made v of its operands (see lastResult) and returns the value to
   * give: the last one it made when v has the same elements.
   */
  private remember(last: NodeResult | null, operands: V[], v: V): V {
    if (last === null) return v;
    const was = last.value;
    if (
      was !== v &&
      ((was instanceof Relation && v instanceof Relation && was.equals(v)) ||
        (was instanceof EventSet && v instanceof EventSet && was.equals(v)))
    )
      v = was;
    last.ops = operands;
    last.value = v;
    return v;
  }

  /** A union node of these operands' code (see compileBody). */
  private union(e: Extract<RExp, { t: 'union' | 'seq' }>, operands: Code[], f: Frame | null): V {
    // Every operand is evaluated before any is combined (a type error is reported after
    // the operands' own errors).
    const n = operands.length;
    // The operands and value of last time, taken before the operands are evaluated (which
    // may come back to this node): an array of operands is made only at the first one
    // that differs from last time's.
    const last = this.lastResult((e as MemoNode).fixedId);
    const lastOps = last === null || last.ops.length !== n ? null : last.ops;
    const lastValue = last?.value;
    let vals: V[] | null = null;
    let fixed = true;
    for (let i = 0; i < n; i++) {
      const v = operands[i](this, f);
      fixed &&= this.fixed;
      if (vals === null) {
        if (lastOps !== null && lastOps[i] === v) continue;
        vals = new Array<V>(n);
        for (let j = 0; j < i; j++) vals[j] = lastOps![j];
      }
      vals[i] = v;
    }
    this.fixed = fixed;
    if (vals === null && n > 0) return lastValue!;
    vals ??= [];
    return this.remember(last, vals, this.unionOf(vals, e.loc));
  }

  private unionOf(vals: V[], loc: Location): V {
    // Relations, by far the most common operands, are or-ed in as they come; any other
    // kind of value sends the operands through the general case below.
    let relations: Relation | null = null;
    let words: Uint32Array | null = null;
    let misfit: V | null = null; // a non-relation after a relation: a type error
    let vs: V[] | null = null; // the operands, once one is not a relation
    let sawUnv = false;
    for (let v of vals) {
      if (vs === null && v instanceof Relation) {
        if (misfit !== null) continue;
        // An operand known to be empty adds nothing (many per-candidate terms of a model
        // are empty for a whole test): it is not or-ed in, and a first one is replaced.
        if (relations === null || (words === null && relations.knownEmpty)) relations = v;
        else if (!v.knownEmpty) {
          if (words === null) {
            // Before the first copy, the two operands are looked at: one found empty is
            // marked so (what it is, for good: values never change) and not copied. A
            // value made once for the combination is met by every candidate: an empty
            // one not made by an operation that marks it (lock.cat's `rf-lf`, `rf-ru` of
            // cross({}) in a test without locks) cost two copies per candidate.
            if (v.markIfEmpty().knownEmpty) continue;
            if (relations.markIfEmpty().knownEmpty) {
              relations = v;
              continue;
            }
            words = copyWords(relations.words);
          }
          orWordsInto(words, v.words);
        }
        continue;
      }
      const k = kindOf(v);
      if (k === 'empty') continue;
      if (k === 'unv') {
        sawUnv = true;
        continue;
      }
      if (k === 'tag') v = { k: 'valset', items: [v] };
      if (vs !== null) vs.push(v);
      else if (relations !== null) misfit ??= v;
      else vs = [v];
    }
    if (sawUnv) return UNV;
    if (misfit !== null)
      throw new CatError(`type relation expected, ${typeName(misfit)} found`, loc);
    if (vs === null) {
      if (relations === null) return EMPTY;
      return words === null ? relations : new Relation(this.n, words);
    }
    // vs[0] is never a relation: relations are or-ed in above.
    const first = vs[0];
    if (first instanceof EventSet) {
      const w = copyWords(first.words);
      for (let i = 1; i < vs.length; i++) {
        const o = vs[i];
        if (!(o instanceof EventSet))
          throw new CatError(`type event set expected, ${typeName(o)} found`, loc);
        orWordsInto(w, o.words);
      }
      return new EventSet(this.n, w);
    }
    if (kindOf(first) === 'valset') {
      const items: V[] = [];
      for (const o of vs) {
        if (kindOf(o) !== 'valset')
          throw new CatError(`type set expected, ${typeName(o)} found`, loc);
        items.push(...(o as VValSet).items);
      }
      try {
        return mkValSet(items);
      } catch (err) {
        throw atModelLine(err, loc);
      }
    }
    throw new CatError(`cannot perform union on type ${typeName(first)}`, loc);
  }

  /**
   * Sequence, treating `[S]` operands as filters instead of composing with them. Each
   * operand is evaluated and type-checked in turn; they are composed once all are, and
   * only when no operand makes the value empty.
   */
  /** A sequence node of these operands' code, a filter's being its set's (see compileBody). */
  private seq(e: Extract<RExp, { t: 'union' | 'seq' }>, operands: Code[], f: Frame | null): V {
    const args = e.a;
    const loc = e.loc;
    // The relations to compose and the filters ([S]: event sets) between them, in order:
    // as for a union (see there), the array is made only at the first part that differs
    // from last time's; until then `count` parts were last time's.
    const last = this.lastResult((e as MemoNode).fixedId);
    const lastOps = last === null ? null : (last.ops as Array<Relation | EventSet>);
    const lastValue = last?.value;
    let parts: Array<Relation | EventSet> | null = null;
    let count = 0;
    let empty = false;
    // Fixed for the combination: every operand is, or one is and is empty.
    let allFixed = true;
    // Once an operand is known empty the value is: the other operands are still
    // evaluated (and type-checked) as before, but not composed. (Only fixed operands are
    // tested, for the test costs a pass over the relation: inside a fixpoint, LKMM's
    // srcu terms compose an empty fixed part with rcu-order at every step.)
    let nothing = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a.t === 'op1' && a.op === 'toid') {
        const sv = operands[i](this, f);
        if (this.fixed) {
          if (isNothing(sv)) nothing = true;
        } else allFixed = false;
        const ks = kindOf(sv);
        if (ks === 'empty') {
          empty = true;
          continue;
        }
        if (ks === 'unv') continue;
        const filter = this.asEvents(sv, a.loc);
        if (parts === null) {
          if (lastOps !== null && lastOps[count] === filter) {
            count++;
            continue;
          }
          parts = lastOps === null ? [] : lastOps.slice(0, count);
        }
        parts.push(filter);
        count++;
        continue;
      }
      const v = operands[i](this, f);
      if (this.fixed) {
        if (isNothing(v)) nothing = true;
      } else allFixed = false;
      const k = kindOf(v);
      if (k === 'empty') {
        empty = true;
        continue;
      }
      let part: Relation;
      if (v instanceof Relation) part = v;
      else if (k === 'unv') part = this.unv();
      else if (k === 'pair') part = this.asRel(v, loc);
      else
        throw new CatError(
          `type relation expected, ${typeName(v)} found`,
          a.t === 'input' || a.t === 'op1' ? a.loc : loc,
        );
      if (parts === null) {
        if (lastOps !== null && lastOps[count] === part) {
          count++;
          continue;
        }
        parts = lastOps === null ? [] : lastOps.slice(0, count);
      }
      parts.push(part);
      count++;
    }
    this.fixed = allFixed || (nothing && args.every(determined));
    if (empty) return EMPTY;
    if (nothing) return Relation.knownEmptyOf(this.n);
    if (parts === null) {
      // Every part was last time's: the last value, if there were as many parts.
      if (count > 0 && count === lastOps!.length) return lastValue!;
      parts = lastOps === null ? [] : lastOps.slice(0, count);
    }
    return this.remember(last, parts, this.composeAgain(last, parts));
  }

  /**
   * The composition of parts at a node that keeps its last value: when the operands
   * after some position are those it had last time (`pb = prop ; strong-fence ; hb* ;
   * [Marked]` after a fork that changed prop only), their composition, kept from last
   * time or made now, is composed with the parts before (composition is associative,
   * and a filter is the identity on its set).
   */
  private composeAgain(known: NodeResult | null, parts: Array<Relation | EventSet>): Relation {
    if (known === null || known.ops.length === 0) return this.compose(parts);
    const last = known.ops;
    // The last position whose part differs from last time's (all of them, when the
    // number of parts differs).
    let changed = parts.length - 1;
    if (last.length === parts.length)
      while (changed >= 0 && parts[changed] === last[changed]) changed--;
    // Nothing to share when the last part changed (the tail kept is then for other parts).
    if (changed === parts.length - 1 || changed < 0) {
      known.tail = null;
      return this.compose(parts);
    }
    let tail = known.tail;
    if (tail === null || known.tailFrom !== changed + 1) {
      tail = this.compose(parts.slice(changed + 1));
      known.tailFrom = changed + 1;
    }
    // remember keeps the entry (and the tail) for the parts given now.
    known.tail = tail;
    const head = parts.slice(0, changed + 1);
    head.push(tail);
    return this.compose(head);
  }

  /** The composition of relations, with event sets as filters ([S]) between them. */
  private compose(parts: Array<Relation | EventSet>): Relation {
    let acc: Relation | null = null;
    let filter: EventSet | null = null; // pending filter when acc is null
    for (const p of parts) {
      if (p instanceof EventSet) {
        if (acc) acc = acc.restrict(null, p);
        else filter = filter ? filter.inter(p) : p;
      } else if (acc) acc = acc.seq(p);
      else if (filter) {
        acc = p.restrict(filter, null);
        filter = null;
      } else acc = p;
    }
    if (acc) return acc;
    return filter ? Relation.idOn(filter) : this.id();
  }

  private inter(a: V, b: V, loc: Location): V {
    if (kindOf(a) === 'tag') a = { k: 'valset', items: [a] };
    if (kindOf(b) === 'tag') b = { k: 'valset', items: [b] };
    if (a instanceof Relation && b instanceof Relation) return a.inter(b);
    if (a instanceof EventSet && b instanceof EventSet) return a.inter(b);
    const ka = kindOf(a),
      kb = kindOf(b);
    if (ka === 'valset' && kb === 'valset') {
      const sb = b as VValSet;
      return { k: 'valset', items: (a as VValSet).items.filter((x) => valSetHas(sb, x)) };
    }
    if (ka === 'unv') return b;
    if (kb === 'unv') return a;
    if (ka === 'empty' || kb === 'empty') return EMPTY;
    throw new CatError(`intersection of ${typeName(a)} and ${typeName(b)}`, loc);
  }

  private diff(a: V, b: V, loc: Location): V {
    if (kindOf(a) === 'tag') a = { k: 'valset', items: [a] };
    if (kindOf(b) === 'tag') b = { k: 'valset', items: [b] };
    if (a instanceof Relation && b instanceof Relation) return a.diff(b);
    if (a instanceof EventSet && b instanceof EventSet) return a.diff(b);
    const ka = kindOf(a),
      kb = kindOf(b);
    if (ka === 'valset' && kb === 'valset') {
      const sb = b as VValSet;
      return { k: 'valset', items: (a as VValSet).items.filter((x) => !valSetHas(sb, x)) };
    }
    if (ka === 'unv') {
      if (b instanceof Relation) return this.unv().diff(b);
      if (b instanceof EventSet) return b.complement();
      if (kb === 'valset') {
        const sb = b as VValSet;
        return mkValSet(this.tagUniverse(sb, loc).items.filter((x) => !valSetHas(sb, x)));
      }
      if (kb === 'empty') return UNV;
      if (kb === 'unv') return EMPTY;
    }
    if (kb === 'unv') {
      if (a instanceof Relation || a instanceof EventSet || ka === 'valset' || ka === 'empty')
        return EMPTY;
    }
    if (
      ka === 'empty' &&
      (b instanceof Relation || b instanceof EventSet || kb === 'valset' || kb === 'empty')
    )
      return EMPTY;
    if (kb === 'empty' && (a instanceof Relation || a instanceof EventSet || ka === 'valset'))
      return a;
    throw new CatError(`difference of ${typeName(a)} and ${typeName(b)}`, loc);
  }

  private add(v1: V, v2: V, loc: Location): V {
    const k1 = kindOf(v1),
      k2 = kindOf(v2);
    if (k1 === 'unv') throw new CatError('universe in set ++', loc);
    if (k2 === 'unv') return UNV;
    if (k2 === 'empty') {
      if (k1 === 'event') return EventSet.of(this.n, [(v1 as { e: number }).e]);
      if (k1 === 'pair') return Relation.fromPairs(this.n, [[(v1 as VPair).a, (v1 as VPair).b]]);
      return { k: 'valset', items: [v1] };
    }
    if (k2 === 'valset') {
      try {
        return valSetAdd(v2 as VValSet, v1);
      } catch (err) {
        throw atModelLine(err, loc);
      }
    }
    if (v2 instanceof Relation) {
      let p: [number, number] | null = null;
      if (k1 === 'pair') p = [(v1 as VPair).a, (v1 as VPair).b];
      else if (k1 === 'tuple') {
        const it = (v1 as VTuple).items;
        if (it.length === 2 && kindOf(it[0]) === 'event' && kindOf(it[1]) === 'event') {
          p = [(it[0] as { e: number }).e, (it[1] as { e: number }).e];
        }
      }
      if (!p) throw new CatError(`this expression of type ${typeName(v1)} should be a pair`, loc);
      const r = v2.clone();
      r.add(p[0], p[1]);
      return r;
    }
    if (v2 instanceof EventSet) {
      if (k1 !== 'event')
        throw new CatError(`this expression of type ${typeName(v1)} should be an event`, loc);
      const s = v2.clone();
      s.add((v1 as { e: number }).e);
      return s;
    }
    throw new CatError(`this expression of type ${typeName(v2)} should be a set`, loc);
  }

  private explicitSet(vs: V[], loc: Location): V {
    if (vs.length === 0) return EMPTY;
    for (const v of vs)
      if (kindOf(v) === 'unv') throw new CatError('universe in explicit set', loc);
    const k0 = kindOf(vs[0]);
    if (k0 === 'event' && vs.every((v) => kindOf(v) === 'event')) {
      return EventSet.of(
        this.n,
        vs.map((v) => (v as { e: number }).e),
      );
    }
    if (k0 === 'pair' && vs.every((v) => kindOf(v) === 'pair')) {
      return Relation.fromPairs(
        this.n,
        vs.map((v) => [(v as VPair).a, (v as VPair).b] as [number, number]),
      );
    }
    try {
      return mkValSet(vs);
    } catch (err) {
      throw atModelLine(err, loc);
    }
  }

  private matchSet(e: Extract<RExp, { t: 'matchset' }>, f: Frame | null): V {
    const v = this.ev(e.a, f);
    const k = kindOf(v);
    if (k === 'empty') return this.ev(e.ifEmpty, f);
    if (v instanceof EventSet) {
      if (v.isEmpty()) return this.ev(e.ifEmpty, f);
      const xs = v.toArray();
      const at = e.split ? xs.length >>> 1 : 0;
      const x = xs[at];
      if (e.split) {
        const pre = EventSet.of(this.n, xs.slice(0, at));
        const post = EventSet.of(this.n, xs.slice(at + 1));
        return this.ev(e.body, new Frame([pre, { k: 'event', e: x }, post], f));
      }
      const rest = v.clone();
      rest.delete(x);
      return this.ev(e.body, new Frame([{ k: 'event', e: x }, rest], f));
    }
    if (v instanceof Relation) {
      const ps = v.pairs();
      if (ps.length === 0) return this.ev(e.ifEmpty, f);
      const at = e.split ? ps.length >>> 1 : 0;
      const [a, b] = ps[at];
      if (e.split) {
        const pre = Relation.fromPairs(this.n, ps.slice(0, at));
        const post = Relation.fromPairs(this.n, ps.slice(at + 1));
        return this.ev(e.body, new Frame([pre, { k: 'pair', a, b }, post], f));
      }
      const rest = v.clone();
      rest.delete(a, b);
      return this.ev(e.body, new Frame([{ k: 'pair', a, b }, rest], f));
    }
    if (k === 'valset') {
      const items = (v as VValSet).items;
      if (items.length === 0) return this.ev(e.ifEmpty, f);
      const at = e.split ? items.length >>> 1 : 0;
      if (e.split) {
        const pre: VValSet = { k: 'valset', items: items.slice(0, at) };
        const post: VValSet = { k: 'valset', items: items.slice(at + 1) };
        return this.ev(e.body, new Frame([pre, items[at], post], f));
      }
      return this.ev(e.body, new Frame([items[0], { k: 'valset', items: items.slice(1) }], f));
    }
    if (k === 'unv') throw new CatError('cannot set-match on universe', e.loc);
    throw new CatError(`set-matching on non-set value of type ${typeName(v)}`, e.loc);
  }

  /**
   * A call at node e. A top-level function whose body reads nothing that differs between
   * candidates but its parameter (invariance.ts, sharedCalls) gives the same value for the
   * same argument: the last call made at e in the combination is remembered, and a call
   * with an equal argument takes its value (LKMM's coherence orders, `generate_cos
   * (cobase)`, are the same for every candidate whose `cobase` is).
   */
  private applyShared(e: Extract<RExp, { t: 'app' }>, fn: V, arg: V): V {
    const id = (e as MemoNode).fixedId;
    if (id === undefined || kindOf(fn) !== 'clo') return this.apply(fn, arg, e.loc);
    const c = fn as VClo;
    if (c.frame !== null || (c.body as MemoNode).sharedCalls !== true)
      return this.apply(fn, arg, e.loc);
    const last = this.shared.calls[id];
    if (last !== undefined && last.body === c.body && sameValue(last.arg, arg)) return last.value;
    const value = this.apply(fn, arg, e.loc);
    this.shared.calls[id] = { body: c.body, arg, value };
    return value;
  }

  private apply(fn: V, arg: V, loc: Location): V {
    // Recursive cat functions (cross, map ...) can build huge sets: honour the limits.
    this.checkLimits();
    const k = kindOf(fn);
    if (k === 'clo') {
      const c = fn as VClo;
      return this.ev(c.body, new Frame(this.destructure(c.pat, arg, loc), c.frame));
    }
    if (k === 'prim') return (fn as Extract<V, { k: 'prim' }>).fn(arg, this, loc);
    throw new CatError(`closure or primitive expected, found ${typeName(fn)}`, loc);
  }
}

/**
 * Whether an operand makes its node's value fixed for the combination by being fixed
 * (`fixed`) and empty (`v`), the other operand being kind-determined (kinds.ts).
 */
function absorbs(fixed: boolean, v: V, other: RExp): boolean {
  return fixed && determined(other) && isNothing(v);
}

function determined(e: RExp): boolean {
  return (e as KindNode).kindDetermined === true;
}

/**
 * The kinds of a fixpoint's values as one number (a digit in base 5 of kindCode each),
 * or -1 when one is of another kind or there are too many to code.
 */
function kindsOf(vals: V[]): number {
  if (vals.length > 12) return -1;
  let code = 0;
  for (const v of vals) {
    const k = kindCode(v);
    if (k === 0) return -1;
    code = code * 5 + k;
  }
  return code;
}

/** The kinds watchKind tells apart: 0 for any kind but these four. */
function kindCode(v: V): number {
  if (v instanceof Relation) return 1;
  if (v instanceof EventSet) return 2;
  const k = kindOf(v);
  return k === 'empty' ? 3 : k === 'unv' ? 4 : 0;
}

/** The binding of a `let rec` that fills position idx of its slots. */
function bindingOf(pats: RPat[], idx: number): number {
  let b = 0;
  for (let first = pats[0].size; first <= idx; first += pats[b].size) b++;
  return b;
}

/**
 * Whether a built-in gives the same value on every candidate for the same argument: those
 * reading no event value (their value depends on the argument and the fixed part only),
 * and on an empty argument those whose value is a part of it (different-values).
 */
function fixedBuiltinValue(fn: V, arg: V): boolean {
  if (kindOf(fn) !== 'prim') return false;
  if (!readsEventValues(fn)) return true;
  // Those whose value is some of their argument's pairs give nothing on nothing.
  return SUBRELATION_PRIMITIVES.has((fn as Extract<V, { k: 'prim' }>).name) && isNothing(arg);
}

/** A value with no element: `{}`, or an empty relation or event set. */
function isNothing(v: V): boolean {
  if (v instanceof Relation || v instanceof EventSet) return v.isEmpty();
  return kindOf(v) === 'empty';
}

/** Forgets the values kept as fixed for the combination. */
function dropFixed(shared: SharedMemos): void {
  shared.fixed.fill(undefined);
  shared.stepFixed.fill(undefined);
}

/** The values shared by the candidates of one combination (one fixed part). */
/**
 * The checks decided over upper bounds for a combination (see Evaluator.judgeChecks):
 * the tests that hold on every candidate (or, flags, fire on none) on the paths whose
 * every fork takes its alternatives from the set found for it here. Each fork met on
 * the way had one set on every path there (else nothing is decided), so such a path is
 * one the evaluation over bounds took too; a candidate meeting another set at a fork
 * evaluates every test after it.
 */
interface DecidedChecks {
  tests: ReadonlySet<CIns>;
  /** By fork: its set (or an equal one a candidate found there since). */
  forks: Map<CIns, V>;
}

/** What an evaluation over upper bounds found so far (see judgeChecks). */
interface Judgement {
  /** By monotone test met: whether its positive form held every time. */
  held: Map<CIns, boolean>;
  /** How many of them failed once. */
  failed: number;
  /** By fork met: its set. */
  forks: Map<CIns, V>;
  /** Whether a fork met a second time had another set. */
  forkVaried: boolean;
}

/** Ends an evaluation over upper bounds that can decide nothing more (see judgeTest). */
const NOTHING_DECIDED = new Error('nothing to decide');

interface SharedMemos {
  part: object | undefined;
  /**
   * By input index: 1 for the inputs taken as the same for every candidate of the
   * combination: those of the fixed part, and those the enumerator may change (FW, co,
   * pco: not rf, which always changes) while they stay as the first candidate had them.
   */
  steady: Uint8Array;
  /** By stage id: nodes invariant by construction. */
  stage: Array<V | undefined>;
  /** By fixed id: nodes an evaluation found fixed for the combination. */
  fixed: Array<V | undefined>;
  /**
   * By fixed id of a node reading a fixpoint's variables (MemoNode.stepId): the values
   * found fixed, by the kinds of the variables then (loopKinds).
   */
  stepFixed: Array<Map<number, V> | undefined>;
  /** Set when a watched global changed kind: nothing more is kept in `fixed`. */
  fixedOff: boolean;
  /** The program's watched globals (kinds.ts), and the kind code each held (0: none yet). */
  watched: Uint8Array;
  kinds: Uint8Array;
  /** The inputs by index, as the combination's first evaluation found them. */
  inputs: Array<V | typeof UNBOUND> | null;
  /** By fixed id of a call node: the last call there with a shareable function (applyShared). */
  calls: Array<{ body: RExp; arg: V; value: V } | undefined>;
  /** By fork: the set the combination's first evaluation found there (see steadyFork). */
  forkSets: Map<CIns, V>;
  /** The forks whose sets differed between the combination's evaluations. */
  forksVaried: Set<CIns>;
  /** Evaluations of the combination so far that asked for decided checks. */
  evaluations: number;
  /** The checks decided for the combination (see decideChecks); undefined: not yet judged. */
  decided: DecidedChecks | null | undefined;
  /** By test: the value it examined last, and its verdict (see testOnce). */
  verdicts: Map<CIns, { value: V; holds: boolean }>;
}

/** What a node made last, of which operands (see Evaluator.lastResult). */
interface NodeResult {
  ops: V[];
  value: V;
  /** For a sequence: the composition of its operands from `tailFrom` on (composeAgain). */
  tail: Relation | null;
  tailFrom: number;
}

/** The operands of a node that made nothing yet (see Evaluator.lastResult). */
const NO_OPERANDS: V[] = [];

const watchedByProgram = new WeakMap<CompiledProgram, Uint8Array>();

function watchedFor(prog: CompiledProgram): Uint8Array {
  let w = watchedByProgram.get(prog);
  if (w === undefined) {
    w = watchedSlots(prog);
    watchedByProgram.set(prog, w);
  }
  return w;
}

/** What the evaluations of one program look up alike, computed once per program. */
interface ProgramFacts {
  /** The spellings of the declared tags (as declared, and capitalised) and the tag. */
  tagForms: Map<string, string>;
  /** By input index: 1 for the inputs that are the same for a whole combination. */
  inputFixed: Uint8Array;
  /** The indices of the other inputs (rf, FW, co). */
  perCandidateInputs: number[];
  /** The tests and fixpoints an evaluation over upper bounds may decide (monotone.ts). */
  monotone: MonotoneFacts;
  /** By global slot: the definition of a top-level `let` binding it alone, evaluated when read. */
  lazyDefs: Array<RExp | undefined>;
  /** The runs of such `let`s in the top-level code (null: none worth one). */
  letRuns: LetRuns | null;
}

/**
 * By index in the top-level code: where a run of `let`s binding single names starts, the
 * index after it (`end`) and the range of slots it binds (`lo` to `hi`, which the compiler
 * numbers in code order); `end` is 0 at other indices. A run re-entered on a path (after
 * a fork, say) makes its slots unevaluated again at once, instead of one by one.
 */
interface LetRuns {
  end: Int32Array;
  lo: Int32Array;
  hi: Int32Array;
}

/** The top-level `let`s binding single names: definitions by slot, and their runs. */
function lazyLets(prog: CompiledProgram): Pick<ProgramFacts, 'lazyDefs' | 'letRuns'> {
  const lazyDefs = new Array<RExp | undefined>(prog.nslots);
  const code = prog.code;
  const single = (ins: CIns): ins is Extract<CIns, { t: 'glet' }> =>
    ins.t === 'glet' && ins.pats.every((p) => !p.tuple);
  // Every binding of a single name, in runs or not (`let a = X and (b, c) = Y` too: the
  // tuple is bound when executed, `a` when read).
  for (const ins of code) {
    if (ins.t !== 'glet') continue;
    for (let b = 0, s = 0; b < ins.e.length; s += ins.pats[b].size, b++)
      if (!ins.pats[b].tuple) lazyDefs[ins.slots[s]] = ins.e[b];
  }
  const runs: LetRuns = {
    end: new Int32Array(code.length),
    lo: new Int32Array(code.length),
    hi: new Int32Array(code.length),
  };
  let any = false;
  for (let i = 0; i < code.length;) {
    const first = code[i];
    if (!single(first) || first.slots.length === 0) {
      i++;
      continue;
    }
    // Extend while the next `let`'s slots follow on (the compiler numbers them in order).
    const lo = first.slots[0];
    let hi = lo;
    let j = i;
    for (; j < code.length; j++) {
      const ins = code[j];
      if (!single(ins) || !ins.slots.every((s, k) => s === hi + k)) break;
      hi += ins.slots.length;
    }
    runs.end[i] = j;
    runs.lo[i] = lo;
    runs.hi[i] = hi;
    any = true;
    i = j;
  }
  return { lazyDefs, letRuns: any ? runs : null };
}

const factsByProgram = new WeakMap<CompiledProgram, ProgramFacts>();

function programFacts(prog: CompiledProgram): ProgramFacts {
  let facts = factsByProgram.get(prog);
  if (facts === undefined) {
    const tagForms = new Map<string, string>();
    for (const t of prog.declaredTags) {
      tagForms.set(t, t);
      tagForms.set(capitalise(t), t);
    }
    const inputFixed = Uint8Array.from(prog.inputNames, (name) =>
      PER_CANDIDATE_INPUTS.has(name) ? 0 : 1,
    );
    const perCandidateInputs: number[] = [];
    inputFixed.forEach((fixed, i) => {
      if (fixed === 0) perCandidateInputs.push(i);
    });
    facts = {
      tagForms,
      inputFixed,
      perCandidateInputs,
      monotone: monotoneFacts(prog),
      ...lazyLets(prog),
    };
    factsByProgram.set(prog, facts);
  }
  return facts;
}

/** The inputs a combination starts with as steady (see SharedMemos.steady). */
function steadyInputs(prog: CompiledProgram, part: object | undefined): Uint8Array {
  const steady = programFacts(prog).inputFixed.slice();
  if (part !== undefined)
    prog.inputNames.forEach((name, i) => {
      if (name !== 'rf') steady[i] = 1;
    });
  return steady;
}

/** Whether two candidates' values of an input are the same (see sameValue). */
function sameInput(a: V | typeof UNBOUND, b: V | typeof UNBOUND): boolean {
  return a === b || (a !== UNBOUND && b !== UNBOUND && sameValue(a, b));
}

/** Per program, the per-combination values of the fixed part seen last. */
const sharedMemos = new WeakMap<CompiledProgram, SharedMemos>();

function sharedMemosFor(prog: CompiledProgram, part: object | undefined): SharedMemos {
  const fresh = (): SharedMemos => ({
    steady: steadyInputs(prog, part),
    part,
    stage: new Array<V | undefined>(prog.stageCount),
    fixed: new Array<V | undefined>(prog.fixedCount),
    stepFixed: new Array<Map<number, V> | undefined>(prog.fixedCount),
    fixedOff: false,
    watched: watchedFor(prog),
    kinds: new Uint8Array(prog.nslots),
    inputs: null,
    calls: new Array<{ body: RExp; arg: V; value: V } | undefined>(prog.fixedCount),
    forkSets: new Map(),
    forksVaried: new Set(),
    evaluations: 0,
    decided: undefined,
    verdicts: new Map(),
  });
  if (part === undefined) return fresh();
  const known = sharedMemos.get(prog);
  if (known && known.part === part) return known;
  const memos = fresh();
  sharedMemos.set(prog, memos);
  return memos;
}

export function evaluateProgram(
  prog: CompiledProgram,
  input: ModelInput,
  opts?: EvalOptions,
): CatOutcome[] {
  return new Evaluator(prog, input, opts).run();
}

/**
 * An error thrown by an operation on values (values.ts throws plain Errors: a set of
 * mixed kinds, an incomparable value) as a CatError at the model's line; a limit reached
 * inside the operation (a large product's items check the clock) passes as it is: it is
 * reported as a limit, with exit status 124, and no `try ... with` of the model catches it.
 */
function atModelLine(err: unknown, loc: Location): Error {
  return err instanceof LimitError ? err : new CatError((err as Error).message, loc);
}
