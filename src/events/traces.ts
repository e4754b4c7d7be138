// Per-thread event traces. Each thread of the program IR is explored along every control
// path (both sides of each `if`, success and failure of conditional RMWs and trylocks),
// producing the memory events that path performs, their annotations, and the syntactic
// dependencies (addr, data, ctrl) herd7 derives from register data flow. Values stay
// symbolic; a path records the conditions its choices assumed, checked later once the
// reads-from relation fixes every read's value.

import type { Annot, Expr, PairRelation, SourcePos, Stmt, Thread, Value } from '../program/ir.js';
import { assertNever, LimitError, OrdoError } from '../diagnostics.js';
import { codeLabelOf, exprOperands, forEachStatement, stmtParts } from '../program/ir.js';
import { checkLimits } from '../limits.js';
import { DEFAULT_UNROLL } from '../config/settings.js';
import {
  type Sym,
  ONE,
  ZERO,
  binary,
  choose,
  concrete,
  evaluateSymbolic,
  konst,
  readsOf,
  unary,
  valueKey,
} from './symbolic.js';

/** 'RW' is a single event that reads and writes (an atomic memory operation). */
export type EventKind = 'R' | 'W' | 'RW' | 'F' | 'LKR' | 'LKW' | 'UL' | 'LF' | 'RL' | 'RU' | 'SRCU';

export interface TraceEvent {
  kind: EventKind;
  /** Shared location touched, or null for fences. */
  loc: string | null;
  annot: Annot;
  /** True for the accesses of an atomic read-modify-write (herd7's RMW set), even failed ones. */
  atomic: boolean;
  /**
   * For W and RW: the value written; for R: the value read (`{k:'r', ev: self}`); else
   * null. `{k:'r', ev}` always denotes the value event ev READ.
   */
  value: Sym | null;
  /**
   * The executed instruction this event belongs to (herd7's instruction instance), numbered
   * along the path: the events of one execution of one instruction share it, and each
   * execution has its own (two iterations of a loop are two instances).
   */
  instance: number;
  /** Local read events this event depends on, by kind of dependency. */
  addrDeps: number[];
  dataDeps: number[];
  ctrlDeps: number[];
  /** For the write of a successful RMW: the index of its read. */
  rmwRead?: number;
  /** Relations relating rmwRead to this write (default: rmw only). */
  pair?: PairRelation[];
  /**
   * The index of the first access of the single-copy-atomic access this one completes
   * (the other word of an exclusive pair, LDXP/STXP): herd7's `sm` relates the two.
   */
  sameAccessAs?: number;
  /**
   * herd7's number for the symbolic variable of this read (R), or of the register read
   * that supplies the stored value (W storing a plain register). Only used to name
   * values herd7 leaves undetermined (see executions/enumerate.ts).
   */
  herdVar?: number;
  pos?: SourcePos;
}

/** A condition a path assumed: `evaluateSymbolic(sym)` must be truthy (or falsy) / equal a value. */
export type Assumption =
  { kind: 'truth'; sym: Sym; expect: boolean } | { kind: 'equals'; sym: Sym; value: Value };

export interface ThreadTrace {
  thread: number;
  events: TraceEvent[];
  assumptions: Assumption[];
  /** Final symbolic value of every register the thread knows. */
  registers: Map<string, Sym>;
  /**
   * Set when the path stopped at an access to an address that is no location (an integer
   * used as an address): the path ends there, and an execution through it that the model
   * allows is an error. herd7 reports nothing when the model forbids every such
   * execution (A261: the access sits on a path coherence rules out).
   */
  fault?: OrdoError;
}

interface Tracked {
  sym: Sym;
  deps: number[];
}

/** One word a load-reserve read and reserved. */
interface ReservedWord {
  read: number;
  loc: string;
}

/** One word of a compare-and-swap: its location, and the values compared and stored. */
interface SwappedWord {
  loc: string;
  addrDeps: number[];
  expected: Tracked;
  desired: Tracked;
}

/** How a compare-and-swap's accesses are built (see compareAndSwap in exploreThread). */
interface SwapShape {
  annot: Annot;
  writeAnnot: Annot;
  failAnnot: Annot;
  pair?: PairRelation[];
  dependencyVariants: boolean;
  pos?: SourcePos;
}

interface PathState {
  events: TraceEvent[];
  regs: Map<string, Tracked>;
  assumptions: Assumption[];
  /** Reads every later event control-depends on (branch conditions so far). */
  ctrl: number[];
  /** Backward jumps taken so far, per goto statement, to bound loop unrolling. */
  jumps: Map<Stmt, number>;
  /** The open reservation of a load-reserve: its read event and location per word (two for a pair). */
  reservation: ReservedWord[] | null;
  /** The instance number of the statements being executed (see TraceEvent.instance). */
  instance: number;
  /**
   * Where the instance being executed comes from: a statement at another place starts a
   * new one; null when the next statement starts one whatever its place (after a jump).
   */
  instanceAt: SourcePos | null;
}

/** Iterations after which a loop whose conditions read no memory is cut (it never ends). */
const KNOWN_LOOP_BOUND = 10_000;

/** Nested exploration steps after which a step is parked (see exploreThread). */
const PARK_DEPTH = 200;

export interface ExploreOptions {
  /** Possible values of each location, used only to resolve symbolic addresses. */
  domains: Map<string, Value[]>;
  /** Initial register values for this thread (`0:r1=...` in the init block). */
  initRegs: Map<string, Value>;
  /** Upper bound on paths per thread, to fail clearly instead of exhausting memory. */
  maxPaths: number;
  /** How many times a loop body or backward jump may run on one path (herd7's -unroll). */
  unroll?: number;
  /** Receives the prefixes of paths cut short by an address that cannot be resolved. */
  partial?: ThreadTrace[];
  /** herd7's symbolic-variable numbers of this thread's register and memory reads. */
  herdVars?: Map<Expr, number>;
  /** The test's arrays (hardware dialects): element size in bytes, by array name. */
  arrays?: ReadonlyMap<string, number>;
  /** Every thread's top-level statements, by thread number, for branches into them. */
  code?: ReadonlyMap<number, Stmt[]>;
  /**
   * Called with a jump's target label when a path is dropped because a backward jump
   * would run more than `unroll` times (herd7's "unrolling limit exceeded at L").
   */
  onUnrollLimit?: (label: string) => void;
}

/**
 * herd7 gives every register read and memory read a fresh symbolic variable, numbered
 * from 1 across the test in program order (both arms of an `if` included). Ordo only
 * needs those numbers to print a value herd7 cannot determine (an out-of-thin-air cycle
 * of plain copies prints as `S<n>`), so this mirrors that numbering over the IR.
 */
export function numberHerdVariables(threads: Thread[]): Map<Expr, number> {
  const out = new Map<Expr, number>();
  let next = 0;
  // A register read, and every memory-reading expression after its operands.
  const ex = (e: Expr): void => {
    exprOperands(e).forEach(ex);
    switch (e.kind) {
      case 'reg':
      case 'load':
      case 'xchg':
      case 'cmpxchg':
      case 'atomicOp':
      case 'addUnless':
      case 'amo':
        out.set(e, ++next);
        return;
      case 'const':
      case 'addr':
      case 'unop':
      case 'binop':
      case 'cond':
      case 'trylock':
      case 'islocked':
        return;
      default:
        assertNever(e);
    }
  };

  for (const t of threads) forEachStatement(t.body, (s) => stmtParts(s).exprs.forEach(ex));
  return out;
}

function unionDeps(a: number[], b: number[]): number[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const s = new Set(a);
  for (const x of b) s.add(x);
  return [...s].sort((x, y) => x - y);
}

function cloneState(s: PathState): PathState {
  return {
    events: s.events.slice(),
    regs: new Map(s.regs),
    assumptions: s.assumptions.slice(),
    ctrl: s.ctrl,
    jumps: new Map(s.jumps),
    reservation: s.reservation,
    instance: s.instance,
    instanceAt: s.instanceAt,
  };
}

type Cont<T> = (state: PathState, value: T) => void;

export function exploreThread(thread: Thread, opts: ExploreOptions): ThreadTrace[] {
  const unroll = opts.unroll ?? DEFAULT_UNROLL;
  const results: ThreadTrace[] = [];
  const initial: PathState = {
    events: [],
    regs: new Map(),
    assumptions: [],
    ctrl: [],
    jumps: new Map(),
    reservation: null,
    instance: -1,
    instanceAt: null,
  };
  for (const p of thread.params)
    initial.regs.set(p.name, { sym: konst({ addr: p.name }), deps: [] });
  for (const [name, v] of opts.initRegs) initial.regs.set(name, { sym: konst(v), deps: [] });

  const where = (pos: SourcePos | undefined) =>
    pos ? { file: pos.file, line: pos.line, col: pos.col } : null;

  // The status values store-conditionals leave. A branch on one is a retry loop: its value
  // is a constant on each path, but it is the outcome of a choice, not known beforehand,
  // so such a loop is bound by the unrolling limit as herd7 binds it.
  const statusValues = new WeakSet<Tracked>();
  const readsStatus = (e: Expr, st: PathState): boolean => {
    if (e.kind === 'reg') {
      const v = st.regs.get(e.name);
      return v !== undefined && statusValues.has(v);
    }
    return exprOperands(e).some((o) => readsStatus(o, st));
  };

  // The exploration passes continuations, so every statement and expression node along a
  // path nests further JavaScript calls: a long thread or deep nesting would exhaust the
  // call stack. Past PARK_DEPTH nested steps a step is parked, and resumed by the loop at
  // the end of this function on an empty stack.
  let depth = 0;
  const parked: Array<() => void> = [];
  function step(run: () => void): void {
    if (depth >= PARK_DEPTH) {
      parked.push(run);
      return;
    }
    checkLimits();
    depth++;
    try {
      run();
    } finally {
      depth--;
    }
  }

  function push(state: PathState, ev: Omit<TraceEvent, 'ctrlDeps' | 'instance'>): number {
    state.events.push({ ...ev, instance: state.instance, ctrlDeps: state.ctrl });
    return state.events.length - 1;
  }

  // The location a pointer denotes: itself, or an element of an array (`v+8` is v[1]
  // for 8-byte elements); null when it denotes none.
  function locationOf(v: { addr: string; offset?: number }): string | null {
    const size = opts.arrays?.get(v.addr);
    if (size !== undefined) {
      const offset = v.offset ?? 0;
      return offset % size === 0 && offset >= 0 ? `${v.addr}[${offset / size}]` : null;
    }
    return v.offset ? null : v.addr;
  }

  // Resolve an address expression to a location, forking when it depends on reads.
  function address(e: Expr, state: PathState, k: Cont<{ loc: string; deps: number[] }>): void {
    expr(e, state, (st, t) => {
      if (t.sym.k === 'c') {
        const v = t.sym.v;
        if (typeof v !== 'object') {
          // The path ends here, marked (ThreadTrace.fault).
          complete(st, new OrdoError(`value ${v} is used as an address`, where(e.pos)));
          return;
        }
        const loc = locationOf(v);
        if (loc === null)
          throw new OrdoError(
            `address ${v.addr}+${v.offset} is not a location (offsets into locations are not supported)`,
            where(e.pos),
          );
        k(st, { loc, deps: t.deps });
        return;
      }
      // Symbolic address: one path per location it may denote.
      const reads = [...readsOf(t.sym)];
      const candidates = new Map<string, Value>();
      const assign = new Map<number, Value>();
      const visit = (i: number): void => {
        if (i === reads.length) {
          let v: Value;
          try {
            v = concrete(evaluateSymbolic(t.sym, (ev) => assign.get(ev)!));
          } catch (err) {
            if (err instanceof LimitError) throw err; // not an impossible combination
            return;
          }
          const loc = typeof v === 'object' ? locationOf(v) : null;
          if (loc !== null) candidates.set(loc, v);
          return;
        }
        const ev = st.events[reads[i]];
        for (const val of opts.domains.get(ev.loc!) ?? [0]) {
          assign.set(reads[i], val);
          visit(i + 1);
        }
      };
      visit(0);
      // No pointer value is possible (yet: domains grow between rounds): no such path,
      // but what it wrote so far still counts towards the domains.
      if (candidates.size === 0) opts.partial?.push(finish(st));
      for (const [loc, v] of candidates) {
        const branch = cloneState(st);
        branch.assumptions.push({ kind: 'equals', sym: t.sym, value: v });
        k(branch, { loc, deps: t.deps });
      }
    });
  }

  // Resolve several address expressions in turn (forking as each may).
  function addresses(
    es: Expr[],
    state: PathState,
    k: Cont<Array<{ loc: string; deps: number[] }>>,
  ): void {
    const go = (i: number, st: PathState, acc: Array<{ loc: string; deps: number[] }>): void => {
      if (i === es.length) {
        k(st, acc);
        return;
      }
      address(es[i]!, st, (st2, a) => go(i + 1, st2, [...acc, a]));
    };
    go(0, state, []);
  }

  function read(
    state: PathState,
    loc: string,
    annot: Annot,
    atomic: boolean,
    addrDeps: number[],
    pos?: SourcePos,
    source?: Expr,
  ): Tracked {
    const idx = state.events.length;
    const herdVar = source ? opts.herdVars?.get(source) : undefined;
    push(state, {
      kind: 'R',
      loc,
      annot,
      atomic,
      value: { k: 'r', ev: idx },
      addrDeps,
      dataDeps: [],
      pos,
      herdVar,
    });
    return { sym: { k: 'r', ev: idx }, deps: [idx] };
  }

  function write(
    state: PathState,
    loc: string,
    annot: Annot,
    atomic: boolean,
    value: Tracked,
    addrDeps: number[],
    pos?: SourcePos,
    rmwRead?: number,
    pair?: PairRelation[],
  ): void {
    push(state, {
      kind: 'W',
      loc,
      annot,
      atomic,
      value: value.sym,
      addrDeps,
      dataDeps: value.deps,
      rmwRead,
      pair,
      pos,
    });
  }

  function exprs(es: Expr[], state: PathState, k: Cont<Tracked[]>): void {
    const go = (i: number, st: PathState, acc: Tracked[]): void => {
      if (i === es.length) {
        k(st, acc);
        return;
      }
      expr(es[i], st, (st2, v) => go(i + 1, st2, [...acc, v]));
    };
    go(0, state, []);
  }

  function expr(e: Expr, state: PathState, k: Cont<Tracked>): void {
    step(() => exprNow(e, state, k));
  }

  function exprNow(e: Expr, state: PathState, k: Cont<Tracked>): void {
    switch (e.kind) {
      case 'const':
        k(state, { sym: konst(e.value), deps: [] });
        return;
      case 'addr':
        k(state, { sym: konst({ addr: e.name }), deps: [] });
        return;
      case 'reg': {
        const r = state.regs.get(e.name);
        k(state, r ?? { sym: ZERO, deps: [] });
        return;
      }
      case 'unop':
        expr(e.arg, state, (st, a) => k(st, { sym: unary(e.op, a.sym), deps: a.deps }));
        return;
      case 'binop':
        exprs([e.left, e.right], state, (st, [a, b]) =>
          k(st, { sym: binary(e.op, a.sym, b.sym), deps: unionDeps(a.deps, b.deps) }),
        );
        return;
      case 'cond':
        exprs([e.test, e.then, e.else], state, (st, [t, a, b]) =>
          k(st, {
            sym: choose(t.sym, a.sym, b.sym),
            deps: unionDeps(t.deps, unionDeps(a.deps, b.deps)),
          }),
        );
        return;
      case 'load':
        address(e.addr, state, (st, a) => k(st, read(st, a.loc, e.annot, false, a.deps, e.pos, e)));
        return;
      case 'xchg':
        address(e.addr, state, (st, a) =>
          expr(e.value, st, (st2, v) => {
            const r = read(st2, a.loc, e.annot, true, a.deps, e.pos);
            write(st2, a.loc, e.writeAnnot ?? e.annot, true, v, a.deps, e.pos, r.deps[0], e.pair);
            k(st2, r);
          }),
        );
        return;
      case 'cmpxchg':
        address(e.addr, state, (st, a) =>
          exprs([e.expected, e.desired], st, (st2, [exp, des]) =>
            compareAndSwap(
              st2,
              [{ loc: a.loc, addrDeps: a.deps, expected: exp!, desired: des! }],
              {
                annot: e.annot,
                writeAnnot: e.writeAnnot ?? e.annot,
                failAnnot: e.failAnnot ?? e.annot,
                pair: e.pair,
                dependencyVariants: e.dependencyVariants === true,
                pos: e.pos,
              },
              (on, [old]) => k(on, old!),
            ),
          ),
        );
        return;
      case 'atomicOp':
        address(e.addr, state, (st, a) =>
          expr(e.operand, st, (st2, v) => {
            const r = read(st2, a.loc, e.annot, true, a.deps, e.pos);
            // The stored value is computed from the value read: a data dependency.
            const nv: Tracked = {
              sym: binary(e.op, r.sym, v.sym),
              deps: unionDeps(r.deps, v.deps),
            };
            write(st2, a.loc, e.writeAnnot ?? e.annot, true, nv, a.deps, e.pos, r.deps[0], e.pair);
            if (e.ret === 'new') k(st2, nv);
            else if (e.ret === 'old') k(st2, r);
            else k(st2, { sym: ZERO, deps: [] });
          }),
        );
        return;
      case 'addUnless':
        address(e.addr, state, (st, a) =>
          exprs([e.add, e.unless], st, (st2, [add, unless]) => {
            const ok = cloneState(st2);
            const r1 = read(ok, a.loc, e.annot, true, a.deps, e.pos);
            ok.assumptions.push({
              kind: 'truth',
              sym: binary('==', r1.sym, unless.sym),
              expect: false,
            });
            const nv: Tracked = {
              sym: binary('+', r1.sym, add.sym),
              deps: unionDeps(r1.deps, add.deps),
            };
            write(ok, a.loc, e.annot, true, nv, a.deps, e.pos, r1.deps[0]);
            k(ok, { sym: ONE, deps: r1.deps });
            const ko = st2;
            const r2 = read(ko, a.loc, e.annot, true, a.deps, e.pos);
            ko.assumptions.push({
              kind: 'truth',
              sym: binary('==', r2.sym, unless.sym),
              expect: true,
            });
            k(ko, { sym: ZERO, deps: r2.deps });
          }),
        );
        return;
      case 'amo':
        address(e.addr, state, (st, a) =>
          expr(e.operand, st, (st2, v) => {
            const idx = st2.events.length;
            const old: Tracked = { sym: { k: 'r', ev: idx }, deps: [idx] };
            const stored = e.op === 'xchg' ? v.sym : binary(e.op, old.sym, v.sym);
            const deps =
              e.op === 'xchg'
                ? v.deps
                : unionDeps(
                    v.deps,
                    old.deps.filter((d) => d !== idx),
                  );
            push(st2, {
              kind: 'RW',
              loc: a.loc,
              annot: e.annot,
              atomic: true,
              value: stored,
              addrDeps: a.deps,
              dataDeps: deps,
              pos: e.pos,
            });
            k(st2, old);
          }),
        );
        return;
      case 'trylock':
        address(e.addr, state, (st, a) => {
          const ok = cloneState(st);
          push(ok, {
            kind: 'LKR',
            loc: a.loc,
            annot: [],
            atomic: false,
            value: null,
            addrDeps: a.deps,
            dataDeps: [],
            pos: e.pos,
          });
          push(ok, {
            kind: 'LKW',
            loc: a.loc,
            annot: [],
            atomic: false,
            value: null,
            addrDeps: a.deps,
            dataDeps: [],
            pos: e.pos,
          });
          k(ok, { sym: ONE, deps: [] });
          push(st, {
            kind: 'LF',
            loc: a.loc,
            annot: [],
            atomic: false,
            value: null,
            addrDeps: a.deps,
            dataDeps: [],
            pos: e.pos,
          });
          k(st, { sym: ZERO, deps: [] });
        });
        return;
      case 'islocked':
        address(e.addr, state, (st, a) => {
          const yes = cloneState(st);
          push(yes, {
            kind: 'RL',
            loc: a.loc,
            annot: [],
            atomic: false,
            value: null,
            addrDeps: a.deps,
            dataDeps: [],
            pos: e.pos,
          });
          k(yes, { sym: ONE, deps: [] });
          push(st, {
            kind: 'RU',
            loc: a.loc,
            annot: [],
            atomic: false,
            value: null,
            addrDeps: a.deps,
            dataDeps: [],
            pos: e.pos,
          });
          k(st, { sym: ZERO, deps: [] });
        });
        return;
    }
  }

  // A compare-and-swap of one word (cmpxchg, CAS) or of several at once (CASP): reads
  // every word; when each equals its expected value, writes every desired value, each
  // write related to its word's read by `shape.pair`. Success and failure are separate
  // paths, told apart by the values read; `k` receives the words' results, in order.
  function compareAndSwap(
    state: PathState,
    words: SwappedWord[],
    shape: SwapShape,
    k: (st: PathState, results: Tracked[]) => void,
  ): void {
    const compared = words.reduce<number[]>((d, w) => unionDeps(d, w.expected.deps), []);
    const allEqual = (reads: Tracked[]) =>
      reads
        .map((r, i) => binary('==', r.sym, words[i]!.expected.sym))
        .reduce((all, eq) => binary('&&', all, eq));
    // `keep`: each compared register keeps the value it was compared with (equal to the
    // value read), so what uses it depends on that register's sources, and on the read
    // only through the comparison, recorded as a dependency on the word's write (models
    // read it as such: armv8.cat's through-comparison).
    const succeed = (ok: PathState, keep: boolean) => {
      const reads = words.map((w) => read(ok, w.loc, shape.annot, true, w.addrDeps, shape.pos));
      ok.assumptions.push({ kind: 'truth', sym: allEqual(reads), expect: true });
      // herd7's AArch64 CAS writes only once its comparison is made: the writes depend
      // on the reads and on the compared registers as a branch would.
      const outer = ok.ctrl;
      if (shape.dependencyVariants)
        ok.ctrl = unionDeps(
          outer,
          unionDeps(
            compared,
            reads.flatMap((r) => r.deps),
          ),
        );
      const writes = words.map((w, i) => {
        write(
          ok,
          w.loc,
          shape.writeAnnot,
          true,
          w.desired,
          w.addrDeps,
          shape.pos,
          reads[i]!.deps[0],
          shape.pair,
        );
        return ok.events.length - 1;
      });
      ok.ctrl = outer;
      k(
        ok,
        keep
          ? reads.map((r, i) => ({
              sym: r.sym,
              deps: unionDeps(words[i]!.expected.deps, [writes[i]!]),
            }))
          : reads,
      );
    };
    // `ordered`: the reads wait for the compared registers (see below).
    const fail = (ko: PathState, ordered: boolean) => {
      const reads = words.map((w) =>
        read(
          ko,
          w.loc,
          shape.failAnnot,
          true,
          ordered ? unionDeps(w.addrDeps, compared) : w.addrDeps,
          shape.pos,
        ),
      );
      ko.assumptions.push({ kind: 'truth', sym: allEqual(reads), expect: false });
      k(ko, reads);
    };
    if (!shape.dependencyVariants) {
      succeed(cloneState(state), false);
      fail(state, false);
      return;
    }
    // herd7 builds an AArch64 CAS (CASP alike) twice per outcome, and counts both
    // executions: on success the registers' new values come from the registers or from
    // the reads; on failure the comparison does or does not add a control edge. Ordo
    // gives the first failure build its reads ordered after what the compared registers
    // came from (their sources become address dependencies of the reads), the second
    // none: fitted to herd7's 19 catalogue CAS tests (as control over later events it
    // contradicts herd7 on CAS+data1; this way MP+rel+CAS-ok-bothRs-addr counts herd7's
    // 10 executions, one build of the two states where the CAS misses a value the read
    // of y already saw being dropped).
    succeed(cloneState(state), true);
    succeed(cloneState(state), false);
    fail(cloneState(state), true);
    fail(state, false);
  }

  function stmts(list: Stmt[], i: number, state: PathState, k: (st: PathState) => void): void {
    step(() => stmtsNow(list, i, state, k));
  }

  function stmtsNow(list: Stmt[], i: number, state: PathState, k: (st: PathState) => void): void {
    if (i === list.length) {
      k(state);
      return;
    }
    const s = list[i];
    // One instruction may be several statements (all at its place); a statement at
    // another place, or any statement after a jump, is the next instruction instance.
    if (state.instanceAt === null || !samePlace(s.pos, state.instanceAt)) {
      state.instance++;
      state.instanceAt = s.pos ?? null;
    }
    if (s.kind === 'goto') {
      jump(list, i, s, state, k);
      return;
    }
    if (s.kind === 'branchTo') {
      branch(list, i, s, state, k);
      return;
    }
    stmt(s, state, (st) => stmts(list, i + 1, st, k));
  }

  // Assembly-style branch: the taken side continues after the label, in the same list.
  function jump(
    list: Stmt[],
    i: number,
    s: Extract<Stmt, { kind: 'goto' }>,
    state: PathState,
    k: (st: PathState) => void,
  ): void {
    const target = list.findIndex((t) => t.kind === 'label' && t.name === s.label);
    if (target < 0) throw new OrdoError(`undefined label ${s.label}`, where(s.pos));
    const take = (st: PathState, known = false) => {
      // A backward jump whose condition is known without reading memory is not bound by
      // the unrolling limit: herd7 unrolls such a loop completely (Ordo stops a loop
      // that never ends at KNOWN_LOOP_BOUND iterations).
      if (
        target < i &&
        !withinLimit(st, s, known ? KNOWN_LOOP_BOUND : unroll, known ? null : s.label)
      )
        return;
      st.instanceAt = null;
      stmts(list, target + 1, st, k);
    };
    if (!s.test) {
      take(state);
      return;
    }
    expr(s.test, state, (st, t) => {
      st.ctrl = unionDeps(st.ctrl, t.deps);
      const known = t.sym.k === 'c' && !readsStatus(s.test!, st);
      decide(
        st,
        t.sym,
        (yes) => take(yes, known),
        (no) => stmts(list, i + 1, no, k),
      );
    });
  }

  // Counts one more pass of this path through the jump s; past the limit the path is
  // dropped, as herd7 does, and the cut reported at label `cutAt` (null: not reported).
  function withinLimit(st: PathState, s: Stmt, limit: number, cutAt: string | null): boolean {
    const n = (st.jumps.get(s) ?? 0) + 1;
    if (n > limit) {
      if (cutAt !== null) opts.onUnrollLimit?.(cutAt);
      return false;
    }
    st.jumps.set(s, n);
    return true;
  }

  // An indirect branch: continues after the label its target names, in this thread's
  // code or another's (a call into another thread's function runs that code here). It is
  // bound by the unrolling limit when it goes back, or into other code, like a `B`.
  function branch(
    list: Stmt[],
    i: number,
    s: Extract<Stmt, { kind: 'branchTo' }>,
    state: PathState,
    k: (st: PathState) => void,
  ): void {
    // A target read from memory forks, as an address does, one path per code address.
    address(s.target, state, (st, t) => {
      const to = codeLabelOf(t.loc);
      if (!to) throw new OrdoError(`branch to ${t.loc}, which is not a code label`, where(s.pos));
      const code = to.thread === thread.id ? thread.body : opts.code?.get(to.thread);
      const target = code ? code.findIndex((x) => x.kind === 'label' && x.name === to.label) : -1;
      if (!code || target < 0)
        throw new OrdoError(`branch to an undefined label P${to.thread}:${to.label}`, where(s.pos));
      st.ctrl = unionDeps(st.ctrl, t.deps);
      if ((code !== list || target < i) && !withinLimit(st, s, unroll, to.label)) return;
      st.instanceAt = null;
      stmts(code, target + 1, st, k);
    });
  }

  // Continue on the side(s) a condition allows: one side when it is a constant, else
  // both, each path assuming the condition's truth value.
  function decide(
    st: PathState,
    cond: Sym,
    onTrue: (st: PathState) => void,
    onFalse: (st: PathState) => void,
  ): void {
    if (cond.k === 'c') {
      if (truthyConst(cond)) onTrue(st);
      else onFalse(st);
      return;
    }
    // The false side first: the paths then come in the order herd7 explores them, which
    // shows wherever a run stops at the first execution found (-speedcheck fast).
    const no = cloneState(st);
    no.assumptions.push({ kind: 'truth', sym: cond, expect: false });
    onFalse(no);
    st.assumptions.push({ kind: 'truth', sym: cond, expect: true });
    onTrue(st);
  }

  function stmt(s: Stmt, state: PathState, k: (st: PathState) => void): void {
    switch (s.kind) {
      case 'assign':
        expr(s.value, state, (st, v) => {
          st.regs.set(s.reg, v);
          k(st);
        });
        return;
      case 'eval':
        expr(s.value, state, (st) => k(st));
        return;
      case 'store':
        address(s.addr, state, (st, a) =>
          expr(s.value, st, (st2, v) => {
            write(st2, a.loc, s.annot, false, v, a.deps, s.pos);
            if (s.value.kind === 'reg')
              st2.events[st2.events.length - 1].herdVar = opts.herdVars?.get(s.value);
            k(st2);
          }),
        );
        return;
      case 'fence':
        push(state, {
          kind: 'F',
          loc: null,
          annot: s.annot,
          atomic: false,
          value: null,
          addrDeps: [],
          dataDeps: [],
          pos: s.pos,
        });
        k(state);
        return;
      case 'lock':
        address(s.addr, state, (st, a) => {
          push(st, {
            kind: 'LKR',
            loc: a.loc,
            annot: [],
            atomic: false,
            value: null,
            addrDeps: a.deps,
            dataDeps: [],
            pos: s.pos,
          });
          push(st, {
            kind: 'LKW',
            loc: a.loc,
            annot: [],
            atomic: false,
            value: null,
            addrDeps: a.deps,
            dataDeps: [],
            pos: s.pos,
          });
          k(st);
        });
        return;
      case 'unlock':
        address(s.addr, state, (st, a) => {
          push(st, {
            kind: 'UL',
            loc: a.loc,
            annot: [],
            atomic: false,
            value: null,
            addrDeps: a.deps,
            dataDeps: [],
            pos: s.pos,
          });
          k(st);
        });
        return;
      case 'srcuSync':
        address(s.addr, state, (st, a) => {
          push(st, {
            kind: 'SRCU',
            loc: a.loc,
            annot: s.annot,
            atomic: false,
            value: null,
            addrDeps: a.deps,
            dataDeps: [],
            pos: s.pos,
          });
          k(st);
        });
        return;
      case 'block':
        stmts(s.body, 0, state, k);
        return;
      case 'if':
        expr(s.test, state, (st, t) => {
          // As in herd7, the events of both arms depend on the condition's reads, and
          // the events after the join do not.
          const outer = st.ctrl;
          const join = (after: PathState) => {
            after.ctrl = outer;
            k(after);
          };
          st.ctrl = unionDeps(outer, t.deps);
          decide(
            st,
            t.sym,
            (yes) => stmts(s.then, 0, yes, join),
            (no) => stmts(s.else, 0, no, join),
          );
        });
        return;
      case 'while': {
        // Unrolled like herd7: at most `unroll` iterations; a path that would need more is
        // dropped. The body's events depend on the tests that let it run.
        const outer = state.ctrl;
        const iterate = (st: PathState, n: number): void => {
          expr(s.test, st, (st2, t) => {
            const exit = (after: PathState) => {
              after.ctrl = outer;
              k(after);
            };
            // Each iteration's test is a new execution of the loop's condition.
            const again = (after: PathState) => {
              after.instance++;
              after.instanceAt = null;
              if (n < unroll) iterate(after, n + 1);
            };
            st2.ctrl = unionDeps(st2.ctrl, t.deps);
            decide(st2, t.sym, (yes) => stmts(s.body, 0, yes, again), exit);
          });
        };
        iterate(state, 0);
        return;
      }
      case 'loadReserve': {
        // A pair (LDXP) reads and reserves two words, as one access; both addresses are
        // computed before either register is written.
        const words = s.second ? [s, s.second] : [s];
        addresses(
          words.map((w) => w.addr),
          state,
          (st, at) => {
            const reads = at.map((a) => read(st, a.loc, s.annot, true, a.deps, s.pos));
            const events = reads.map((r) => r.deps[0]!);
            events.slice(1).forEach((e) => (st.events[e]!.sameAccessAs = events[0]!));
            words.forEach((w, i) => st.regs.set(w.reg, reads[i]!));
            st.reservation = events.map((read, i) => ({ read, loc: at[i]!.loc }));
            k(st);
          },
        );
        return;
      }
      case 'storeConditional': {
        // A pair (STXP) writes two words, as one access; it succeeds only on a pair
        // reservation of the same two locations.
        const words = s.second ? [s, s.second] : [s];
        const each = (
          i: number,
          st: PathState,
          acc: Array<{ loc: string; deps: number[]; value: Tracked }>,
        ): void => {
          if (i < words.length) {
            address(words[i]!.addr, st, (st2, a) =>
              expr(words[i]!.value, st2, (st3, v) =>
                each(i + 1, st3, [...acc, { ...a, value: v }]),
              ),
            );
            return;
          }
          const held = st.reservation;
          st.reservation = null;
          const status = (value: number, on: PathState) => {
            if (s.status === null) return;
            const v = { sym: konst(value), deps: [] };
            statusValues.add(v);
            on.regs.set(s.status, v);
          };
          if (
            held !== null &&
            held.length === acc.length &&
            held.every((h, j) => h.loc === acc[j]!.loc)
          ) {
            const ok = cloneState(st);
            const first = ok.events.length;
            acc.forEach((w, j) => {
              write(ok, w.loc, s.annot, true, w.value, w.deps, s.pos, held[j]!.read, ['rmw']);
              if (j > 0) ok.events[ok.events.length - 1]!.sameAccessAs = first;
            });
            status(s.success, ok);
            k(ok);
          }
          // A store-conditional may always fail; it then writes nothing.
          status(1 - s.success, st);
          k(st);
        };
        each(0, state, []);
        return;
      }
      case 'cmpxchgPair':
        addresses(s.addr, state, (st, at) =>
          exprs([...s.expected, ...s.desired], st, (st2, values) =>
            compareAndSwap(
              st2,
              at.map((a, i) => ({
                loc: a.loc,
                addrDeps: a.deps,
                expected: values[i]!,
                desired: values[i + at.length]!,
              })),
              {
                annot: s.annot,
                writeAnnot: s.writeAnnot,
                failAnnot: s.failAnnot,
                pair: ['rmw', 'amo'],
                dependencyVariants: true,
                pos: s.pos,
              },
              (on, results) => {
                // The registers receive the words read, unextended.
                s.old.forEach((reg, i) => {
                  if (reg !== null) on.regs.set(reg, results[i]!);
                });
                k(on);
              },
            ),
          ),
        );
        return;
      case 'label':
        k(state);
        return;
      case 'goto':
      case 'branchTo':
        throw new OrdoError('goto is only allowed at the top level of a thread', where(s.pos));
    }
  }

  function finish(st: PathState): ThreadTrace {
    const registers = new Map<string, Sym>();
    for (const [name, t] of st.regs) registers.set(name, t.sym);
    return { thread: thread.id, events: st.events, assumptions: st.assumptions, registers };
  }

  function complete(st: PathState, fault?: OrdoError): void {
    if (results.length >= opts.maxPaths) {
      throw new OrdoError(`thread P${thread.id} has more than ${opts.maxPaths} control paths`);
    }
    results.push(fault ? { ...finish(st), fault } : finish(st));
  }
  stmts(thread.body, 0, initial, (st) => complete(st));
  for (let run = parked.pop(); run; run = parked.pop()) run();
  return results;
}

/** Whether two source positions are the same place (statements of one instruction share it). */
function samePlace(a: SourcePos | undefined, b: SourcePos): boolean {
  return a !== undefined && a.line === b.line && a.col === b.col && a.file === b.file;
}

function truthyConst(s: Sym): boolean {
  return s.k === 'c' && (typeof s.v === 'object' || (s.v !== 0 && s.v !== 0n));
}

/**
 * Every value a write in these traces may store, given the current location domains:
 * used to grow the domains until they cover every value a read can return.
 */
export function possibleWrites(
  traces: ThreadTrace[],
  domains: Map<string, Value[]>,
  limit: number,
): Map<string, Value[]> {
  const out = new Map<string, Map<string, Value>>();
  const add = (loc: string, v: Value) => {
    let m = out.get(loc);
    if (!m) out.set(loc, (m = new Map()));
    m.set(valueKey(v), v);
  };
  for (const t of traces) {
    for (const ev of t.events) {
      if ((ev.kind !== 'W' && ev.kind !== 'RW') || ev.value === null) continue;
      const sym = ev.value;
      if (sym.k === 'c') {
        add(ev.loc!, sym.v);
        continue;
      }
      const reads = [...readsOf(sym)];
      const assign = new Map<number, Value>();
      let budget = limit;
      const visit = (i: number): void => {
        checkLimits();
        if (budget-- <= 0)
          throw new OrdoError('too many possible values: the value domain grows without bound');
        if (i === reads.length) {
          try {
            add(ev.loc!, concrete(evaluateSymbolic(sym, (r) => assign.get(r)!)));
          } catch (err) {
            if (err instanceof LimitError) throw err;
            /* impossible combination */
          }
          return;
        }
        for (const v of domains.get(t.events[reads[i]].loc!) ?? [0]) {
          assign.set(reads[i], v);
          visit(i + 1);
        }
      };
      visit(0);
    }
  }
  const res = new Map<string, Value[]>();
  for (const [loc, m] of out) res.set(loc, [...m.values()]);
  return res;
}
