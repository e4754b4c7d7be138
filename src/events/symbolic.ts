// Symbolic values. A thread is explored once per control path, before we know which
// write each read takes its value from; the values flowing through registers are kept
// as small expressions over the thread's reads and evaluated once an execution fixes
// the reads-from relation (as herd7 solves its value equations).

import type { BinaryOp, IntType, UnaryOp, Value } from '../program/ir.js';
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

export function isPointer(v: Value): v is { addr: string; offset?: number } {
  return typeof v === 'object';
}

/** Equality of values; an undetermined value equals only itself (as herd7's `eq`). */
export function sameValue(a: ResolvedValue, b: ResolvedValue): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  // A hardware value (bigint) may meet a number the engine made (0, a status flag).
  if (typeof a !== 'object' && typeof b !== 'object') return BigInt(a) === BigInt(b);
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (isUndetermined(a) || isUndetermined(b)) {
    return isUndetermined(a) && isUndetermined(b) && a.undetermined === b.undetermined;
  }
  return a.addr === b.addr && (a.offset ?? 0) === (b.offset ?? 0);
}

export function valueKey(v: ResolvedValue): string {
  if (typeof v !== 'object') return String(v);
  return isUndetermined(v) ? `?S${v.undetermined}` : `&${v.addr}${v.offset ? `+${v.offset}` : ''}`;
}

function truthy(v: Value): boolean {
  return typeof v === 'number' ? v !== 0 : typeof v === 'bigint' ? v !== 0n : true;
}

function toInt(v: Value, op: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(BigInt.asIntN(32, v));
  throw new OrdoError(`cannot apply '${op}' to the pointer value ${v.addr}`);
}

function toBig(v: Value, op: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  throw new OrdoError(`cannot apply '${op}' to the pointer value ${v.addr}`);
}

const wrap64 = (v: bigint): bigint => BigInt.asIntN(64, v);

/** The 64-bit operations of the hardware dialects: results wrap to a signed 64-bit integer. */
function applyBinary64(op: BinaryOp, a: Value, b: Value): Value {
  const x = toBig(a, op);
  const y = toBig(b, op);
  switch (op) {
    case '+':
      return wrap64(x + y);
    case '-':
      return wrap64(x - y);
    case '*':
      return wrap64(x * y);
    case '/':
      if (y === 0n) throw new OrdoError('division by zero');
      return wrap64(x / y);
    case '%':
      if (y === 0n) throw new OrdoError('division by zero');
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
      return wrap64(x << (y & 63n));
    case '>>':
      return x >> (y & 63n);
    case '>>>':
      return wrap64(BigInt.asUintN(64, x) >> (y & 63n));
    case '<':
      return x < y ? 1n : 0n;
    case '<=':
      return x <= y ? 1n : 0n;
    case '>':
      return x > y ? 1n : 0n;
    case '>=':
      return x >= y ? 1n : 0n;
    case '<u':
      return BigInt.asUintN(64, x) < BigInt.asUintN(64, y) ? 1n : 0n;
    case '<=u':
      return BigInt.asUintN(64, x) <= BigInt.asUintN(64, y) ? 1n : 0n;
    case '==':
    case '!=':
    case '&&':
    case '||':
      break;
  }
  throw new OrdoError(`unknown operator ${op}`);
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
      return offsetPointer(pa, op === '+' ? Number(b) : -Number(b));
    if (pb && !pa && op === '+') return offsetPointer(pb, Number(a));
    if (pa && !pb && (op === '|' || op === '^') && sameValue(b, 0)) return pa;
    if (pb && !pa && (op === '|' || op === '^') && sameValue(a, 0)) return pb;
    if (pa && pb && (op === '-' || op === '^')) {
      if (sameValue(pa, pb)) return 0;
      if (op === '-' && pa.addr === pb.addr) return (pa.offset ?? 0) - (pb.offset ?? 0);
      return pa.addr < pb.addr ? -1 : 1;
    }
  }
  if (typeof a === 'bigint' || typeof b === 'bigint') return applyBinary64(op, a, b);
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
    case '>>>':
      return x >>> y;
    case '<u':
      return x >>> 0 < y >>> 0 ? 1 : 0;
    case '<=u':
      return x >>> 0 <= y >>> 0 ? 1 : 0;
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
      return typeof a === 'bigint' ? wrap64(-a) : -toInt(a, op) | 0;
    case '~':
      return typeof a === 'bigint' ? ~a : ~toInt(a, op);
    case 'sext8':
      return extend(a, 8, true);
    case 'sext16':
      return extend(a, 16, true);
    case 'sext32':
      return extend(a, 32, true);
    case 'zext8':
      return extend(a, 8, false);
    case 'zext16':
      return extend(a, 16, false);
    case 'zext32':
      return extend(a, 32, false);
  }
}

/** The low `bits` bits of an integer, sign- or zero-extended to 64 bits; a pointer as it is. */
function extend(a: Value, bits: number, signed: boolean): Value {
  if (typeof a === 'object') return a;
  const v = typeof a === 'bigint' ? a : BigInt(a);
  return signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
}

/** A value read at a declared type: an integer truncated and extended to it. */
export function atType(v: ResolvedValue, type: IntType): ResolvedValue {
  if (typeof v === 'object') return v;
  const b = typeof v === 'bigint' ? v : BigInt(v);
  return type.signed ? BigInt.asIntN(type.bits, b) : BigInt.asUintN(type.bits, b);
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
 * What a reader may return for a read whose value is not known yet: the evaluation stops
 * and returns it. A value rather than an exception, because the early path-condition
 * checks meet it on most of their tens of thousands of calls.
 */
export const PENDING: unique symbol = Symbol('pending read');
export type Pending = typeof PENDING;

/**
 * Evaluate with `read(ev)` giving the value of local read event ev (may throw to abort).
 * An undetermined value passes through a plain copy; any computation on it throws
 * UNDETERMINED. A reader that may answer PENDING gets PENDING back as soon as one of the
 * reads the evaluation needs is pending (operands are evaluated left to right, as before).
 */
export function evaluateSymbolic(s: Sym, read: (ev: number) => ResolvedValue): ResolvedValue;
export function evaluateSymbolic(
  s: Sym,
  read: (ev: number) => ResolvedValue | Pending,
): ResolvedValue | Pending;
export function evaluateSymbolic(
  s: Sym,
  read: (ev: number) => ResolvedValue | Pending,
): ResolvedValue | Pending {
  switch (s.k) {
    case 'c':
      return s.v;
    case 'r':
      return read(s.ev);
    case 'u': {
      const a = evaluateSymbolic(s.a, read);
      if (a === PENDING) return a;
      return applyUnary(s.op, concrete(a));
    }
    case 'b': {
      // Shared sub-terms can make the tree exponentially larger than the program: the
      // run's limits must hold here too (composite nodes only, to keep leaves cheap).
      checkLimits();
      const a = evaluateSymbolic(s.a, read);
      if (a === PENDING) return a;
      const left = concrete(a);
      const b = evaluateSymbolic(s.b, read);
      if (b === PENDING) return b;
      return applyBinary(s.op, left, concrete(b));
    }
    case 'if': {
      const t = evaluateSymbolic(s.t, read);
      if (t === PENDING) return t;
      return truthy(concrete(t)) ? evaluateSymbolic(s.a, read) : evaluateSymbolic(s.b, read);
    }
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
  if (typeof v !== 'object') return String(v);
  if (isUndetermined(v)) return `S${v.undetermined}`;
  return v.offset ? `${v.addr}+${v.offset}` : v.addr;
}
