// Program IR: what every litmus front-end (C, BPF, later asm) produces and what the
// event generator (src/events) consumes. Front-ends resolve syntax and macros; the IR
// only holds the primitive operations whose memory effects the models talk about.

/** Where a construct came from, for error messages. */
import { assertNever } from '../diagnostics.js';

export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/**
 * A runtime value: an integer, or the address of a shared location (a "pointer").
 * Pointer values print as the location name (herd7 prints `1:r1=x`). Pointer arithmetic
 * keeps a non-zero `offset` (an address `x+off`), so `(y + r) - r` is `y` again.
 * Integers are JS numbers computed as 32-bit machine integers (the C and BPF dialects),
 * or bigints computed as 64-bit machine integers (the hardware dialects, whose registers
 * are 64 bits wide): an operation with a bigint operand is a 64-bit operation.
 */
export type Value = number | bigint | { addr: string; offset?: number };

/** A machine integer type of a location or register: its width and signedness. */
export interface IntType {
  bits: 8 | 16 | 32 | 64;
  signed: boolean;
}

/** Annotations are the bell-file tags carried by events, e.g. ['ONCE'] or ['rmb']. */
export type Annot = string[];

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '&'
  | '|'
  | '^'
  | '<<'
  | '>>'
  | '&~'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '&&'
  | '||'
  /** Logical (unsigned) shift right of a 64-bit value. */
  | '>>>'
  /** Unsigned comparisons of 64-bit values. */
  | '<u'
  | '<=u';

/**
 * `sextN` / `zextN`: the low N bits of an integer, sign- or zero-extended (a narrow
 * load, a narrow register write); pointers pass unchanged.
 */
export type WidthCast = 'sext8' | 'sext16' | 'sext32' | 'zext8' | 'zext16' | 'zext32';

export type UnaryOp = '-' | '!' | '~' | WidthCast;

/**
 * Expressions. Memory-touching primitives are expressions because C lets their results
 * flow into registers, conditions and other expressions. Addresses are expressions that
 * evaluate to pointer values (`*x` in C becomes an address expression `reg x`).
 */
export type Expr =
  | { kind: 'const'; value: number | bigint; pos?: SourcePos }
  /** The address of shared location `name` (`&x`, or a location used as a value). */
  | { kind: 'addr'; name: string; pos?: SourcePos }
  /** A thread-local register / local variable / parameter. */
  | { kind: 'reg'; name: string; pos?: SourcePos }
  | { kind: 'unop'; op: UnaryOp; arg: Expr; pos?: SourcePos }
  | { kind: 'binop'; op: BinaryOp; left: Expr; right: Expr; pos?: SourcePos }
  /** `c ? a : b` */
  | { kind: 'cond'; test: Expr; then: Expr; else: Expr; pos?: SourcePos }
  /** One read event: `__load{annot}(*addr)`. */
  | { kind: 'load'; annot: Annot; addr: Expr; pos?: SourcePos }
  /**
   * `__xchg{annot}(*addr, value)`: returns the old value. Its read and write are related
   * by `rmw`, or by the relations in `pair` (hardware exchanges are also `amo`).
   */
  | {
      kind: 'xchg';
      annot: Annot;
      /** The write's annotations when they differ from the read's (RISC-V's amo.aq). */
      writeAnnot?: Annot;
      addr: Expr;
      value: Expr;
      pair?: PairRelation[];
      pos?: SourcePos;
    }
  /**
   * `__cmpxchg{annot}(*addr, expected, desired)`: returns the old value; writes only on
   * success. Its read and write are related by `rmw`, or by the relations in `pair` when
   * a front-end needs others (BPF: 'amo'); a failed one reads with `failAnnot` if given.
   */
  | {
      kind: 'cmpxchg';
      annot: Annot;
      /** The write's annotations when they differ from the read's (AArch64's CASAL). */
      writeAnnot?: Annot;
      addr: Expr;
      expected: Expr;
      desired: Expr;
      pair?: PairRelation[];
      failAnnot?: Annot;
      /**
       * herd7's AArch64 CAS: each outcome is built twice, with different dependencies
       * (see events/traces.ts), and both count as executions.
       */
      dependencyVariants?: boolean;
      pos?: SourcePos;
    }
  /**
   * Atomic read-modify-write with an operator: `__atomic_op{annot}` (returns nothing,
   * ret = 'none'), `__atomic_op_return{annot}` (ret = 'new'), `__atomic_fetch_op{annot}`
   * (ret = 'old').
   */
  | {
      kind: 'atomicOp';
      annot: Annot;
      addr: Expr;
      op: BinaryOp;
      operand: Expr;
      ret: 'none' | 'new' | 'old';
      /** The write's annotations when they differ from the read's (RISC-V's amo.aq). */
      writeAnnot?: Annot;
      /** Relations between its read and write (default: rmw only). */
      pair?: PairRelation[];
      pos?: SourcePos;
    }
  /** `__atomic_add_unless{annot}(*addr, a, u)`: adds a unless the value is u; returns whether it added. */
  | { kind: 'addUnless'; annot: Annot; addr: Expr; add: Expr; unless: Expr; pos?: SourcePos }
  /**
   * A single-event atomic read-modify-write (BPF's `lock *(u64 *)(r + 0) += r1`,
   * `atomic_fetch_add`, `xchg`): ONE event that is both a read and a write. `op` 'xchg'
   * stores the operand; otherwise it stores `old op operand`. Returns the old value.
   */
  | { kind: 'amo'; annot: Annot; addr: Expr; op: BinaryOp | 'xchg'; operand: Expr; pos?: SourcePos }
  /** `spin_trylock`: returns 1 (lock taken) or 0. */
  | { kind: 'trylock'; addr: Expr; pos?: SourcePos }
  /** `spin_is_locked`: returns 1 or 0. */
  | { kind: 'islocked'; addr: Expr; pos?: SourcePos };

export type Stmt =
  /** `r = e;` (also declarations with initialisers). */
  | { kind: 'assign'; reg: string; value: Expr; pos?: SourcePos }
  /** `e;` evaluated for its effects (e.g. `atomic_inc(x);`, `xchg(x, 1);`). */
  | { kind: 'eval'; value: Expr; pos?: SourcePos }
  /** One write event: `__store{annot}(*addr, value)`; plain `*x = v` has annot []. */
  | { kind: 'store'; annot: Annot; addr: Expr; value: Expr; pos?: SourcePos }
  /** `__fence{annot}`. */
  | { kind: 'fence'; annot: Annot; pos?: SourcePos }
  /** `spin_lock(addr)`. */
  | { kind: 'lock'; addr: Expr; pos?: SourcePos }
  /** `spin_unlock(addr)`. */
  | { kind: 'unlock'; addr: Expr; pos?: SourcePos }
  /** `__srcu{annot}(addr)`, e.g. synchronize_srcu: an event on an srcu_struct location. */
  | { kind: 'srcuSync'; annot: Annot; addr: Expr; pos?: SourcePos }
  | { kind: 'if'; test: Expr; then: Stmt[]; else: Stmt[]; pos?: SourcePos }
  /** `while (test) body`: herd7 unrolls a bounded number of times. */
  | { kind: 'while'; test: Expr; body: Stmt[]; pos?: SourcePos }
  | { kind: 'block'; body: Stmt[]; pos?: SourcePos }
  /**
   * A load-reserve (lwarx, ldxr, lr.w): `reg = *addr` as an atomic read that opens the
   * thread's reservation on its location. A pair (AArch64's LDXP) also reads `second`,
   * after the first and with the same annotations, and reserves both locations.
   */
  | {
      kind: 'loadReserve';
      reg: string;
      annot: Annot;
      addr: Expr;
      second?: { reg: string; addr: Expr };
      pos?: SourcePos;
    }
  /**
   * A store-conditional (stwcx., stxr, sc.w): writes `value` to `addr` only when the
   * thread's reservation is on that location, its write then related by rmw to the
   * reserving read; it may always fail. Either way the reservation ends, and `status`
   * (when given) receives `success` on success, `1 - success` on failure.
   */
  | {
      kind: 'storeConditional';
      status: string | null;
      success: 0 | 1;
      annot: Annot;
      addr: Expr;
      value: Expr;
      /**
       * A pair (AArch64's STXP): also writes `second`, after the first and with the
       * same annotations; it succeeds only on a pair reservation of the same two
       * locations, each write related by rmw to its location's reserving read.
       */
      second?: { addr: Expr; value: Expr };
      pos?: SourcePos;
    }
  /**
   * A compare-and-swap of two words at once (AArch64's CASP): reads the words at `addr`,
   * and when both equal `expected` writes `desired` to them; the registers `old` (when
   * not null) receive the words read, unextended. Each word's read and write are related
   * by `rmw` and `amo`. Built twice per outcome, as herd7 builds a CAS (the cmpxchg's
   * `dependencyVariants`).
   */
  | {
      kind: 'cmpxchgPair';
      old: [string | null, string | null];
      annot: Annot;
      writeAnnot: Annot;
      failAnnot: Annot;
      addr: [Expr, Expr];
      expected: [Expr, Expr];
      desired: [Expr, Expr];
      pos?: SourcePos;
    }
  /** A jump target in a thread's top-level statement list (assembly front-ends). */
  | { kind: 'label'; name: string; pos?: SourcePos }
  /**
   * Jump to `label` (in the same top-level list), when `test` is truthy if given. Unlike
   * `if`, the condition's reads become ctrl dependencies of EVERY later event, as for
   * assembly branches in herd7. Backward jumps are unrolled a bounded number of times.
   */
  | { kind: 'goto'; label: string; test?: Expr; pos?: SourcePos }
  /**
   * An indirect branch (AArch64's BR, BLR, RET), in a thread's top-level list: continues
   * at the code address `target` evaluates to, a label of this thread or of another
   * (see codeLabelLocation).
   */
  | { kind: 'branchTo'; target: Expr; pos?: SourcePos };

/**
 * The location of a code address, thread `thread`'s instruction at `label`: named as
 * herd7 prints such a value, `label:"P1:L0"`. It holds the instruction (asm front-end).
 */
export function codeLabelLocation(thread: number, label: string): string {
  return `label:"P${thread}:${label}"`;
}

const CODE_LABEL = /^label:"P(\d+):(.+)"$/;

/** The thread and label of a code address's location (see codeLabelLocation); null for others. */
export function codeLabelOf(location: string): { thread: number; label: string } | null {
  const m = CODE_LABEL.exec(location);
  return m ? { thread: Number(m[1]), label: m[2]! } : null;
}

/** Relations that relate the read and the write of a two-event read-modify-write. */
export type PairRelation = 'rmw' | 'amo';

export interface ThreadParam {
  /** The parameter name, e.g. `x` in `P0(int *x)`; it holds the address of location `x`. */
  name: string;
  /** The C type as written, e.g. `int *`, `spinlock_t *`, `struct srcu_struct *`. */
  type: string;
}

export interface Thread {
  /** Thread number: 0 for P0. */
  id: number;
  params: ThreadParam[];
  body: Stmt[];
  pos?: SourcePos;
}

/** Initial state entry. `thread` is null for a shared location, N for `N:reg`. */
export interface InitEntry {
  thread: number | null;
  name: string;
  /** Declared C type, if given (`int *p = &x;` gives 'int*'). */
  type?: string;
  value: Value;
  pos?: SourcePos;
}

/** Final-condition atoms and propositions (the `exists`/`forall`/`filter` language). */
export type StateLoc =
  | { kind: 'reg'; thread: number; name: string }
  | { kind: 'mem'; name: string }
  /**
   * A whole array of the initial state (`x` of `int x[2]`): its value is the list of its
   * elements `x[0]`...`x[length-1]`, printed `x={1,2}`.
   */
  | { kind: 'array'; name: string; length: number };

export type Prop =
  | { kind: 'true' }
  | { kind: 'false' }
  | { kind: 'eq'; loc: StateLoc; value: Value }
  /** `0:r1=1:r2` style comparison between two locations. */
  | { kind: 'eqLoc'; loc: StateLoc; other: StateLoc }
  /** `x={1,2}`: a whole array holds these values, element by element. */
  | { kind: 'eqArray'; loc: StateLoc; values: Value[] }
  | { kind: 'not'; arg: Prop }
  | { kind: 'and'; args: Prop[] }
  | { kind: 'or'; args: Prop[] }
  | { kind: 'implies'; left: Prop; right: Prop };

/** Compound assignment operators (`r += e`, C and BPF alike) and the operation each applies. */
export const COMPOUND_ASSIGNMENT: Readonly<Record<string, BinaryOp>> = {
  '+=': '+',
  '-=': '-',
  '*=': '*',
  '/=': '/',
  '%=': '%',
  '&=': '&',
  '|=': '|',
  '^=': '^',
  '<<=': '<<',
  '>>=': '>>',
};

/** The sub-expressions of an expression, in source order (address first). */
export function exprOperands(e: Expr): Expr[] {
  switch (e.kind) {
    case 'const':
    case 'addr':
    case 'reg':
      return [];
    case 'unop':
      return [e.arg];
    case 'binop':
      return [e.left, e.right];
    case 'cond':
      return [e.test, e.then, e.else];
    case 'load':
    case 'trylock':
    case 'islocked':
      return [e.addr];
    case 'xchg':
      return [e.addr, e.value];
    case 'cmpxchg':
      return [e.addr, e.expected, e.desired];
    case 'atomicOp':
    case 'amo':
      return [e.addr, e.operand];
    case 'addUnless':
      return [e.addr, e.add, e.unless];
    default:
      return assertNever(e);
  }
}

/**
 * What a walk over statements visits in one statement: the expressions it evaluates
 * itself, in source order (nested statements' expressions excluded), the statement lists
 * nested in it, in source order, and the registers it writes itself.
 */
export interface StmtParts {
  exprs: Expr[];
  bodies: Stmt[][];
  writes: string[];
}

/**
 * The parts of a statement (see StmtParts). Every walk over the IR goes through this one
 * exhaustive switch, so a new kind of statement is seen by all of them once added here.
 */
export function stmtParts(s: Stmt): StmtParts {
  const parts = (exprs: Expr[], bodies: Stmt[][] = [], writes: string[] = []): StmtParts => ({
    exprs,
    bodies,
    writes,
  });
  switch (s.kind) {
    case 'assign':
      return parts([s.value], [], [s.reg]);
    case 'eval':
      return parts([s.value]);
    case 'store':
      return parts([s.addr, s.value]);
    case 'lock':
    case 'unlock':
    case 'srcuSync':
      return parts([s.addr]);
    case 'if':
      return parts([s.test], [s.then, s.else]);
    case 'while':
      return parts([s.test], [s.body]);
    case 'block':
      return parts([], [s.body]);
    case 'goto':
      return parts(s.test ? [s.test] : []);
    case 'branchTo':
      return parts([s.target]);
    case 'loadReserve':
      return s.second
        ? parts([s.addr, s.second.addr], [], [s.reg, s.second.reg])
        : parts([s.addr], [], [s.reg]);
    case 'storeConditional':
      return parts(
        s.second ? [s.addr, s.value, s.second.addr, s.second.value] : [s.addr, s.value],
        [],
        s.status !== null ? [s.status] : [],
      );
    case 'cmpxchgPair':
      return parts(
        [...s.addr, ...s.expected, ...s.desired],
        [],
        s.old.filter((r): r is string => r !== null),
      );
    case 'fence':
    case 'label':
      return parts([]);
    default:
      return assertNever(s);
  }
}

/** Calls `visit` on every statement of `list` and of the lists nested in it, each before those nested in it. */
export function forEachStatement(list: readonly Stmt[], visit: (s: Stmt) => void): void {
  for (const s of list) {
    visit(s);
    for (const body of stmtParts(s).bodies) forEachStatement(body, visit);
  }
}

/**
 * The shared-memory locations whose final values a state location shows: a location
 * itself, every element of a whole array, none for a register.
 */
export function memoryCells(l: StateLoc): string[] {
  switch (l.kind) {
    case 'reg':
      return [];
    case 'mem':
      return [l.name];
    case 'array':
      return Array.from({ length: l.length }, (_, i) => `${l.name}[${i}]`);
    default:
      return assertNever(l);
  }
}

/** Calls `visit` on every state location a condition names, left to right. */
export function forEachPropLocation(p: Prop, visit: (l: StateLoc) => void): void {
  switch (p.kind) {
    case 'eq':
    case 'eqArray':
      visit(p.loc);
      return;
    case 'eqLoc':
      visit(p.loc);
      visit(p.other);
      return;
    case 'not':
      forEachPropLocation(p.arg, visit);
      return;
    case 'and':
    case 'or':
      for (const a of p.args) forEachPropLocation(a, visit);
      return;
    case 'implies':
      forEachPropLocation(p.left, visit);
      forEachPropLocation(p.right, visit);
      return;
    case 'true':
    case 'false':
      return;
    default:
      assertNever(p);
  }
}

/** The condition with every state location replaced by `f(location)`. */
export function mapPropLocations(p: Prop, f: (l: StateLoc) => StateLoc): Prop {
  switch (p.kind) {
    case 'eq':
    case 'eqArray':
      return { ...p, loc: f(p.loc) };
    case 'eqLoc':
      return { ...p, loc: f(p.loc), other: f(p.other) };
    case 'not':
      return { kind: 'not', arg: mapPropLocations(p.arg, f) };
    case 'and':
    case 'or':
      return { kind: p.kind, args: p.args.map((a) => mapPropLocations(a, f)) };
    case 'implies':
      return {
        kind: 'implies',
        left: mapPropLocations(p.left, f),
        right: mapPropLocations(p.right, f),
      };
    case 'true':
    case 'false':
      return p;
    default:
      return assertNever(p);
  }
}

export type Quantifier = 'exists' | 'notExists' | 'forall';

export interface Condition {
  quantifier: Quantifier;
  prop: Prop;
  /** The condition as herd7 prints it on the `Condition` line, e.g. `exists (0:r0=0 /\ 1:r0=0)`. */
  text: string;
}

export interface LitmusTest {
  /** 'C', 'BPF', ... */
  arch: string;
  name: string;
  file: string;
  init: InitEntry[];
  threads: Thread[];
  /** `locations [...]` entries, in source order. */
  locations: StateLoc[];
  filter: Prop | null;
  condition: Condition;
  /** Text of the `Result:` line of the header comment, if any (for batch judging). */
  expectedResult?: string;
  /** herd7's digest of the test (its `Hash=` line), see src/frontend/herd-hash.ts. */
  hash: string;
  /**
   * Hardware dialects: the declared type of each state location (keyed `0:r1` or `x`),
   * and the type of the undeclared ones. Final values are read at that type (herd7
   * prints and compares them so).
   */
  stateTypes?: { declared: ReadonlyMap<string, IntType>; otherwise: IntType };
  /**
   * Arrays of the initial state (hardware dialects): element size in bytes by name. Element
   * i is the location `name[i]`; a pointer `name` plus a byte offset addresses it.
   */
  arrays?: ReadonlyMap<string, number>;
}
