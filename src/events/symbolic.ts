// Symbolic values. A thread is explored once per control path, before we know which
// write each read takes its value from; the values flowing through registers are kept
// as small expressions over the thread's reads and evaluated once an execution fixes
// the reads-from relation (as herd7 solves its value equations).

import type { BinaryOp, UnaryOp, Value } from '../program/ir.js';
import { OrdoError } from '../diagnostics.js';
import { checkLimits } from '../limits.js';

export type Sym =
  | { k: 'c'; v: Value }
  /** The value returned by read event `ev` (an index into the thread's trace events). */
  | { k: 'r'; ev: number }
  | { k: 'u'; op: UnaryOp; a: Sym }
  | { k: 'b'; op: BinaryOp; a: Sym; b: Sym }
  | { k: 'if'; t: Sym; a: Sym; b: Sym };

/**
 * A value herd7 cannot determine: the reads of an out-of-thin-air cycle of plain copies
 * (each read's value is written by a thread that copied another read of the cycle).
 * herd7 keeps such executions and prints the value as its symbolic variable `S<n>`.
 */
export interface Undetermined {
  undetermined: number;
}

/** A value as an execution knows it: concrete, or undetermined. */
export type ResolvedValue = Value | Undetermined;

export function isUndetermined(v: ResolvedValue): v is Undetermined {
  return typeof v === 'object' && 'undetermined' in v;
}

/** Thrown when a computation needs the concrete value of an undetermined one. */
export const UNDETERMINED = new Error('undetermined value');

export const ZERO: Sym = { k: 'c', v: 0 };
export const ONE: Sym = { k: 'c', v: 1 };

export function konst(v: Value): Sym {
  return { k: 'c', v };
}

export function isPointer(v: Value): v is { addr: string } {
  return typeof v === 'object';
}

/** Equality of values; an undetermined value equals only itself (as herd7's `eq`). */
export function sameValue(a: ResolvedValue, b: ResolvedValue): boolean {
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  if (isUndetermined(a) || isUndetermined(b)) {
    return isUndetermined(a) && isUndetermined(b) && a.undetermined === b.undetermined;
  }
  return a.addr === b.addr && (a.offset ?? 0) === (b.offset ?? 0);
}

export function valueKey(v: ResolvedValue): string {
  if (typeof v === 'number') return String(v);
  return isUndetermined(v) ? `?S${v.undetermined}` : `&${v.addr}${v.offset ? `+${v.offset}` : ''}`;
}

function truthy(v: Value): boolean {
  return typeof v === 'number' ? v !== 0 : true;
}

function toInt(v: Value, op: string): number {
  if (typeof v === 'number') return v;
  throw new OrdoError(`cannot apply '${op}' to the pointer value ${v.addr}`);
}

/** Arithmetic as the C litmus dialect does it (herd7 computes on machine integers). */
export function applyBinary(op: BinaryOp, a: Value, b: Value): Value {
  switch (op) {
    case '==':
      return sameValue(a, b) ? 1 : 0;
    case '!=':
      return sameValue(a, b) ? 0 : 1;
    case '&&':
      return truthy(a) && truthy(b) ? 1 : 0;
    case '||':
      return truthy(a) || truthy(b) ? 1 : 0;
    default:
      break;
  }
  // Pointer arithmetic, as herd7 does it on symbolic addresses: adding or subtracting an
  // integer moves the offset; a pointer minus (or xor) a pointer compares them (0 when
  // equal); `| 0` and `^ 0` leave a pointer alone. Tests use this to make an address
  // depend on a read without changing it (`y + (r1 ^ r1)`).
  if (typeof a === 'object' || typeof b === 'object') {
    const pa = typeof a === 'object' ? a : null;
    const pb = typeof b === 'object' ? b : null;
    if (pa && !pb && (op === '+' || op === '-'))
      return offsetPointer(pa, op === '+' ? (b as number) : -(b as number));
    if (pb && !pa && op === '+') return offsetPointer(pb, a as number);
    if (pa && !pb && (op === '|' || op === '^') && b === 0) return pa;
    if (pb && !pa && (op === '|' || op === '^') && a === 0) return pb;
    if (pa && pb && (op === '-' || op === '^')) {
      if (sameValue(pa, pb)) return 0;
      if (op === '-' && pa.addr === pb.addr) return (pa.offset ?? 0) - (pb.offset ?? 0);
      return pa.addr < pb.addr ? -1 : 1;
    }
  }
  const x = toInt(a, op);
  const y = toInt(b, op);
  switch (op) {
    case '+':
      return (x + y) | 0;
    case '-':
      return (x - y) | 0;
    case '*':
      return Math.imul(x, y);
    case '/':
      if (y === 0) throw new OrdoError('division by zero');
      return (x / y) | 0;
    case '%':
      if (y === 0) throw new OrdoError('division by zero');
      return x % y;
    case '&':
      return x & y;
    case '|':
      return x | y;
    case '^':
      return x ^ y;
    case '&~':
      return x & ~y;
    case '<<':
      return x << y;
    case '>>':
      return x >> y;
    case '<':
      return x < y ? 1 : 0;
    case '<=':
      return x <= y ? 1 : 0;
    case '>':
      return x > y ? 1 : 0;
    case '>=':
      return x >= y ? 1 : 0;
  }
  throw new OrdoError(`unknown operator ${op}`);
}

function offsetPointer(p: { addr: string; offset?: number }, by: number): Value {
  const offset = (p.offset ?? 0) + by;
  return offset === 0 ? { addr: p.addr } : { addr: p.addr, offset };
}

export function applyUnary(op: UnaryOp, a: Value): Value {
  switch (op) {
    case '!':
      return truthy(a) ? 0 : 1;
    case '-':
      return -toInt(a, op) | 0;
    case '~':
      return ~toInt(a, op);
  }
}

/** Build a binary node, folding constants so most values stay concrete. */
export function binary(op: BinaryOp, a: Sym, b: Sym): Sym {
  if (a.k === 'c' && b.k === 'c') return konst(applyBinary(op, a.v, b.v));
  return { k: 'b', op, a, b };
}

export function unary(op: UnaryOp, a: Sym): Sym {
  if (a.k === 'c') return konst(applyUnary(op, a.v));
  return { k: 'u', op, a };
}

export function choose(t: Sym, a: Sym, b: Sym): Sym {
  if (t.k === 'c') return truthy(t.v) ? a : b;
  return { k: 'if', t, a, b };
}

/**
 * Evaluate with `read(ev)` giving the value of local read event ev (may throw to abort).
 * An undetermined value passes through a plain copy; any computation on it throws
 * UNDETERMINED.
 */
export function evaluateSymbolic(s: Sym, read: (ev: number) => ResolvedValue): ResolvedValue {
  switch (s.k) {
    case 'c':
      return s.v;
    case 'r':
      return read(s.ev);
    case 'u':
      return applyUnary(s.op, concrete(evaluateSymbolic(s.a, read)));
    case 'b':
      // Shared sub-terms can make the tree exponentially larger than the program: the
      // run's limits must hold here too (composite nodes only, to keep leaves cheap).
      checkLimits();
      return applyBinary(
        s.op,
        concrete(evaluateSymbolic(s.a, read)),
        concrete(evaluateSymbolic(s.b, read)),
      );
    case 'if':
      return truthy(concrete(evaluateSymbolic(s.t, read)))
        ? evaluateSymbolic(s.a, read)
        : evaluateSymbolic(s.b, read);
  }
}

export function concrete(v: ResolvedValue): Value {
  if (isUndetermined(v)) throw UNDETERMINED;
  return v;
}

export function isTrue(v: ResolvedValue): boolean {
  return truthy(concrete(v));
}

/** The local read events a symbolic value mentions. */
export function readsOf(s: Sym, out: Set<number> = new Set()): Set<number> {
  // Values share sub-terms (`r6 -= r6` repeated makes each term twice its predecessor):
  // visit each node once, or the walk is exponential in the program's length.
  const seen = new Set<Sym>();
  const visit = (t: Sym): void => {
    if (seen.has(t)) return;
    seen.add(t);
    checkLimits();
    switch (t.k) {
      case 'c':
        break;
      case 'r':
        out.add(t.ev);
        break;
      case 'u':
        visit(t.a);
        break;
      case 'b':
        visit(t.a);
        visit(t.b);
        break;
      case 'if':
        visit(t.t);
        visit(t.a);
        visit(t.b);
        break;
    }
  };
  visit(s);
  return out;
}

export function formatValue(v: ResolvedValue): string {
  if (typeof v === 'number') return String(v);
  if (isUndetermined(v)) return `S${v.undetermined}`;
  return v.offset ? `${v.addr}+${v.offset}` : v.addr;
}
