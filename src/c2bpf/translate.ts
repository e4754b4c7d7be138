// C (LKMM) litmus test -> BPF litmus test.
//
// Works on the program IR of a parsed C test. Each C access becomes the BPF access with
// the same ordering: READ_ONCE/WRITE_ONCE -> plain BPF loads/stores, acquire/release ->
// load_acquire/store_release, fully ordered value-returning RMWs -> BPF's value-returning
// atomics (which are fully ordered), non-returning RMWs -> `lock` atomics, smp_mb(),
// smp_rmb(), smp_wmb() -> Ordo's barrier instructions of the same names (which only
// Ordo's BPF model knows). Register data flow is kept,
// so address, data and control dependencies carry over. Whatever BPF cannot express
// exactly is refused with a one-line reason naming the construct.
//
// Known strengthening: a BPF branch makes every later event control-dependent on the
// tested reads, where a C `if` covers only its arms. The translation can thus only
// forbid more, never allow more, than an exact one.

import type {
  Annot,
  BinaryOp,
  Expr,
  LitmusTest,
  Prop,
  StateLoc,
  Stmt,
  Thread,
} from '../program/ir.js';
import {
  exprOperands,
  forEachPropLocation,
  forEachStatement,
  mapPropLocations,
  stmtParts,
} from '../program/ir.js';
import { ppProp, ppValue } from '../frontend/c/index.js';
import {
  ppColumns,
  ppInstr,
  type AtomicOp,
  type CondOp,
  type Instr,
  type Operand,
  type Reg,
} from '../frontend/bpf/ast.js';

/** Raised when a C test uses something BPF cannot express. */
export class Untranslatable extends Error {
  constructor(
    readonly construct: string,
    readonly reason: string,
  ) {
    super(`cannot translate ${construct}: ${reason}`);
    this.name = 'Untranslatable';
  }
}

export interface Translation {
  /** The BPF litmus test, as text. */
  text: string;
  name: string;
  /** C register `N:r` -> BPF register `N:rK`, for reading results back. */
  registerMap: Map<string, string>;
}

const SIZE = 'u64';
/** Registers handed out, in order; r0 last because cmpxchg needs it. */
const POOL = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9'];

function refuse(construct: string, reason: string): never {
  throw new Untranslatable(construct, reason);
}

function has(annot: Annot, tag: string): boolean {
  return annot.includes(tag);
}

/** How a C access's annotation orders it: 'once', 'acquire', 'release', 'mb', or refused. */
function ordering(annot: Annot, what: string): 'once' | 'acquire' | 'release' | 'mb' {
  if (has(annot, 'MB')) return 'mb';
  if (has(annot, 'ACQUIRE')) return 'acquire';
  if (has(annot, 'RELEASE')) return 'release';
  if (has(annot, 'ONCE') || has(annot, 'NORETURN')) return 'once';
  if (annot.length === 0)
    refuse(
      `plain ${what}`,
      'plain (unmarked) C accesses have no BPF counterpart with the same data-race semantics',
    );
  if (annot.some((a) => a.startsWith('srcu'))) refuse('SRCU', 'BPF has no SRCU primitives');
  return refuse(`${what} {${annot.join(',')}}`, 'no BPF counterpart');
}

interface CompiledOperand {
  op: Operand;
  /** A temporary the caller must release. */
  temp: boolean;
}

class ThreadTranslator {
  readonly out: Array<{ labels: string[]; instr: Instr | null }> = [];
  private free: Reg[];
  private labelCount = 0;
  private pendingLabels: string[] = [];
  /** Location name -> register holding its address (set in the init block). */
  readonly addrRegs = new Map<string, Reg>();
  /** C local -> BPF register. */
  readonly locals = new Map<string, Reg>();

  constructor(
    readonly thread: Thread,
    locations: string[],
    localNames: string[],
    usesCmpxchg: boolean,
    usesLocks: boolean,
  ) {
    // bpf_spin_lock takes the lock's address in r1 and returns 0 in r0: neither can hold
    // a value across a call.
    const pool = usesLocks ? POOL.filter((r) => r !== 'r1') : POOL;
    this.free = usesCmpxchg || usesLocks ? [...pool] : [...pool, 'r0'];
    for (const l of locations) this.addrRegs.set(l, this.alloc(`the address of ${l}`));
    for (const r of localNames) this.locals.set(r, this.alloc(`C register ${r}`));
  }

  private alloc(what: string): Reg {
    const r = this.free.shift();
    if (!r) refuse(`P${this.thread.id}`, `needs more BPF registers than r0-r9 (for ${what})`);
    return r;
  }

  private release(o: CompiledOperand): void {
    if (o.temp && 'reg' in o.op) this.free.unshift(o.op.reg);
  }

  private emit(instr: Instr): void {
    this.out.push({ labels: this.pendingLabels, instr });
    this.pendingLabels = [];
  }

  private label(name: string): void {
    this.pendingLabels.push(name);
  }

  finish(): void {
    if (this.pendingLabels.length) this.out.push({ labels: this.pendingLabels, instr: null });
    this.pendingLabels = [];
  }

  private newLabel(): string {
    return `L${this.thread.id}_${this.labelCount++}`;
  }

  private isParam(name: string): boolean {
    return this.thread.params.some((p) => p.name === name);
  }

  /** A register holding the value of `o` (materialising an immediate into a temporary). */
  private inReg(o: CompiledOperand): { reg: Reg; temp: boolean } {
    if ('reg' in o.op) return { reg: o.op.reg, temp: o.temp };
    const t = this.alloc('a temporary');
    this.emit({ kind: 'mov', dst: t, src: o.op });
    return { reg: t, temp: true };
  }

  /** A fresh temporary holding the value of `o` (so it can be modified). */
  private copy(o: CompiledOperand): Reg {
    if (o.temp && 'reg' in o.op) return o.op.reg;
    const t = this.alloc('a temporary');
    this.emit({ kind: 'mov', dst: t, src: o.op });
    return t;
  }

  /** The register holding an address expression's value. */
  private address(e: Expr): { reg: Reg; temp: boolean } {
    const o = this.expr(e);
    if ('imm' in o.op) refuse('an integer used as an address', 'BPF addresses come from registers');
    return this.inReg(o);
  }

  expr(e: Expr): CompiledOperand {
    switch (e.kind) {
      case 'const':
        return { op: { imm: Number(e.value) }, temp: false };
      case 'addr': {
        const r = this.addrRegs.get(e.name);
        if (!r) refuse(`&${e.name}`, 'unknown location');
        return { op: { reg: r }, temp: false };
      }
      case 'reg': {
        if (this.isParam(e.name)) return { op: { reg: this.addrRegs.get(e.name)! }, temp: false };
        const r = this.locals.get(e.name);
        if (!r) refuse(`register ${e.name}`, 'unknown register');
        return { op: { reg: r }, temp: false };
      }
      case 'unop': {
        if (e.op === '!')
          refuse(
            '! used as a value',
            'BPF has no set-on-condition instruction (a branch would add control dependencies)',
          );
        const a = this.expr(e.arg);
        if ('imm' in a.op)
          return { op: { imm: e.op === '-' ? -a.op.imm : ~a.op.imm }, temp: false };
        const t = this.copy(a);
        this.emit(
          e.op === '-'
            ? { kind: 'alu', op: '*=', dst: t, src: { imm: -1 } }
            : { kind: 'alu', op: '^=', dst: t, src: { imm: -1 } },
        );
        return { op: { reg: t }, temp: true };
      }
      case 'binop':
        return this.binop(e.op, e.left, e.right);
      case 'cond':
        return refuse(
          'a conditional expression (?:)',
          'BPF has no conditional move (a branch would add control dependencies)',
        );
      case 'load': {
        const ord = ordering(e.annot, 'read');
        if (ord === 'release' || ord === 'mb')
          refuse(`a read {${e.annot.join(',')}}`, 'no BPF counterpart');
        const a = this.address(e.addr);
        this.release({ op: { reg: a.reg }, temp: a.temp });
        const t = this.alloc('a temporary');
        this.emit({
          kind: 'load',
          size: SIZE,
          dst: t,
          mem: { base: a.reg, off: 0 },
          acquire: ord === 'acquire',
        });
        return { op: { reg: t }, temp: true };
      }
      case 'xchg': {
        this.fullyOrdered(e.annot, 'xchg');
        const a = this.address(e.addr);
        const v = this.copy(this.expr(e.value));
        this.emit({ kind: 'xchg', size: SIZE, mem: { base: a.reg, off: 0 }, src: v });
        this.release({ op: { reg: a.reg }, temp: a.temp });
        return { op: { reg: v }, temp: true };
      }
      case 'cmpxchg': {
        this.fullyOrdered(e.annot, 'cmpxchg');
        if (
          this.free.includes('r0') ||
          [...this.locals.values(), ...this.addrRegs.values()].includes('r0')
        ) {
          refuse('cmpxchg', 'r0 is not reserved (internal error)');
        }
        const a = this.address(e.addr);
        const exp = this.expr(e.expected);
        this.emit({ kind: 'mov', dst: 'r0', src: exp.op });
        this.release(exp);
        const des = this.inReg(this.expr(e.desired));
        this.emit({ kind: 'cmpxchg', size: SIZE, mem: { base: a.reg, off: 0 }, src: des.reg });
        this.release({ op: { reg: des.reg }, temp: des.temp });
        this.release({ op: { reg: a.reg }, temp: a.temp });
        const t = this.alloc('a temporary');
        this.emit({ kind: 'mov', dst: t, src: { reg: 'r0' } });
        return { op: { reg: t }, temp: true };
      }
      case 'atomicOp':
        return this.atomicOp(e);
      case 'addUnless':
        return refuse(
          'atomic_add_unless',
          'BPF has no conditional add (it would need a cmpxchg loop)',
        );
      case 'amo':
        return refuse('a single-event atomic', 'not produced by the C front-end');
      case 'trylock':
        return refuse('spin_trylock', 'BPF has no trylock helper');
      case 'islocked':
        return refuse('spin_is_locked', 'BPF has no spin_is_locked helper');
    }
  }

  private fullyOrdered(annot: Annot, what: string): void {
    const ord = ordering(annot, what);
    if (ord !== 'mb') {
      const variant = ord === 'once' ? 'relaxed' : ord;
      refuse(
        `${what}_${variant}`,
        `BPF's value-returning atomics are fully ordered; there is no ${variant} ${what}`,
      );
    }
  }

  private atomicOp(e: Extract<Expr, { kind: 'atomicOp' }>): CompiledOperand {
    const name =
      e.ret === 'none' ? 'atomic_op' : e.ret === 'new' ? 'atomic_op_return' : 'atomic_fetch_op';
    let op: AtomicOp;
    let negate = false;
    let invert = false;
    switch (e.op) {
      case '+':
        op = 'add';
        break;
      case '-':
        op = 'add';
        negate = true;
        break;
      case '&':
        op = 'and';
        break;
      case '|':
        op = 'or';
        break;
      case '^':
        op = 'xor';
        break;
      case '&~':
        op = 'and';
        invert = true;
        break;
      default:
        return refuse(`${name} with operator ${e.op}`, 'no BPF atomic operation');
    }
    if (e.ret === 'none') {
      if (!has(e.annot, 'NORETURN') && !has(e.annot, 'ONCE'))
        refuse(`${name} {${e.annot.join(',')}}`, 'no BPF counterpart');
    } else {
      this.fullyOrdered(e.annot, e.ret === 'new' ? `atomic_${op}_return` : `atomic_fetch_${op}`);
    }
    const a = this.address(e.addr);
    const operand = this.expr(e.operand);
    // The value the BPF instruction combines with memory.
    let v: Reg;
    if ('imm' in operand.op) {
      v = this.alloc('a temporary');
      const k = negate ? -operand.op.imm : invert ? ~operand.op.imm : operand.op.imm;
      this.emit({ kind: 'mov', dst: v, src: { imm: k } });
    } else {
      v = this.copy(operand);
      if (negate) this.emit({ kind: 'alu', op: '*=', dst: v, src: { imm: -1 } });
      if (invert) this.emit({ kind: 'alu', op: '^=', dst: v, src: { imm: -1 } });
    }
    const mem = { base: a.reg, off: 0 };
    if (e.ret === 'none') {
      this.emit({ kind: 'atomic', op, size: SIZE, mem, src: v, fetch: false });
      this.free.unshift(v);
      this.release({ op: { reg: a.reg }, temp: a.temp });
      return { op: { imm: 0 }, temp: false };
    }
    let keep: Reg | null = null;
    if (e.ret === 'new') {
      keep = this.alloc('a temporary');
      this.emit({ kind: 'mov', dst: keep, src: { reg: v } });
    }
    this.emit({ kind: 'atomic', op, size: SIZE, mem, src: v, fetch: true, dst: v });
    this.release({ op: { reg: a.reg }, temp: a.temp });
    if (keep) {
      // new value = old value op operand
      const alu = { add: '+=', and: '&=', or: '|=', xor: '^=' } as const;
      this.emit({ kind: 'alu', op: alu[op], dst: v, src: { reg: keep } });
      this.free.unshift(keep);
    }
    return { op: { reg: v }, temp: true };
  }

  private binop(op: BinaryOp, l: Expr, r: Expr): CompiledOperand {
    const ALU: Partial<Record<BinaryOp, Extract<Instr, { kind: 'alu' }>['op']>> = {
      '+': '+=',
      '-': '-=',
      '*': '*=',
      '/': '/=',
      '%': '%=',
      '&': '&=',
      '|': '|=',
      '^': '^=',
      '<<': '<<=',
      '>>': '>>=',
    };
    const alu = ALU[op];
    if (!alu) {
      if (op === '&~') {
        const a = this.copy(this.expr(l));
        const b = this.expr(r);
        if ('imm' in b.op) {
          this.emit({ kind: 'alu', op: '&=', dst: a, src: { imm: ~b.op.imm } });
        } else {
          const nb = this.copy(b);
          this.emit({ kind: 'alu', op: '^=', dst: nb, src: { imm: -1 } });
          this.emit({ kind: 'alu', op: '&=', dst: a, src: { reg: nb } });
          this.free.unshift(nb);
        }
        return { op: { reg: a }, temp: true };
      }
      return refuse(
        `the operator ${op} used as a value`,
        'BPF has no set-on-condition instruction (a branch would add control dependencies)',
      );
    }
    const a = this.expr(l);
    const b = this.expr(r);
    if ('imm' in a.op && 'imm' in b.op) {
      const x = a.op.imm,
        y = b.op.imm;
      const v = {
        '+': x + y,
        '-': x - y,
        '*': x * y,
        '/': y ? Math.trunc(x / y) : 0,
        '%': y ? x % y : 0,
        '&': x & y,
        '|': x | y,
        '^': x ^ y,
        '<<': x << y,
        '>>': x >> y,
      }[op as '+'];
      return { op: { imm: v }, temp: false };
    }
    const t = this.copy(a);
    this.emit({ kind: 'alu', op: alu, dst: t, src: b.op });
    this.release(b);
    return { op: { reg: t }, temp: true };
  }

  /** Jump to `target` when `test` is false (or true, with `when`). */
  private branch(test: Expr, when: boolean, target: string): void {
    if (test.kind === 'unop' && test.op === '!') return this.branch(test.arg, !when, target);
    if (test.kind === 'binop' && (test.op === '&&' || test.op === '||')) {
      // Short-circuit: (a && b) false <=> a false or b false.
      const conj = test.op === '&&';
      if (conj !== when) {
        this.branch(test.left, when, target);
        this.branch(test.right, when, target);
      } else {
        const skip = this.newLabel();
        this.branch(test.left, !when, skip);
        this.branch(test.right, when, target);
        this.label(skip);
      }
      return;
    }
    const CMP: Partial<Record<BinaryOp, true>> = {
      '==': true,
      '!=': true,
      '<': true,
      '>=': true,
      '>': true,
      '<=': true,
    };
    let op: BinaryOp;
    let l: Expr;
    let r: Expr;
    if (test.kind === 'binop' && CMP[test.op]) {
      op = test.op;
      l = test.left;
      r = test.right;
    } else {
      op = '!=';
      l = test;
      r = { kind: 'const', value: 0 };
    }
    if (!when)
      op = (
        { '==': '!=', '!=': '==', '<': '>=', '>=': '<', '>': '<=', '<=': '>' } as Record<
          string,
          BinaryOp
        >
      )[op]!;
    let a = this.expr(l);
    let b = this.expr(r);
    // BPF tests ==, !=, <, >=: rewrite > and <= by swapping or shifting the immediate.
    if (op === '>' || op === '<=') {
      if ('imm' in b.op) {
        b = { op: { imm: b.op.imm + 1 }, temp: false };
        op = op === '>' ? '>=' : '<';
      } else {
        [a, b] = [b, a];
        op = op === '>' ? '<' : '>=';
      }
    }
    const left = this.inReg(a);
    this.emit({ kind: 'jcond', cond: op as CondOp, left: left.reg, right: b.op, label: target });
    this.release({ op: { reg: left.reg }, temp: left.temp });
    this.release(b);
  }

  stmts(list: Stmt[]): void {
    for (let i = 0; i < list.length; i++) this.stmt(list[i]!, list[i - 1], list[i + 1]);
  }

  private stmt(s: Stmt, prev: Stmt | undefined, next: Stmt | undefined): void {
    switch (s.kind) {
      case 'assign': {
        const dst = this.locals.get(s.reg);
        if (!dst) refuse(`register ${s.reg}`, 'unknown register');
        if (s.value.kind === 'load') {
          // Load straight into the register.
          const ord = ordering(s.value.annot, 'read');
          if (ord === 'release' || ord === 'mb')
            refuse(`a read {${s.value.annot.join(',')}}`, 'no BPF counterpart');
          const a = this.address(s.value.addr);
          this.emit({
            kind: 'load',
            size: SIZE,
            dst,
            mem: { base: a.reg, off: 0 },
            acquire: ord === 'acquire',
          });
          this.release({ op: { reg: a.reg }, temp: a.temp });
          return;
        }
        const v = this.expr(s.value);
        if (!('reg' in v.op && v.op.reg === dst)) this.emit({ kind: 'mov', dst, src: v.op });
        this.release(v);
        return;
      }
      case 'eval':
        this.release(this.expr(s.value));
        return;
      case 'store': {
        const ord = ordering(s.annot, 'write');
        if (ord === 'acquire' || ord === 'mb')
          refuse(`a write {${s.annot.join(',')}}`, 'no BPF counterpart');
        const a = this.address(s.addr);
        const v = this.expr(s.value);
        if (ord === 'release') {
          const vr = this.inReg(v);
          this.emit({
            kind: 'store',
            size: SIZE,
            mem: { base: a.reg, off: 0 },
            src: { reg: vr.reg },
            release: true,
          });
          this.release({ op: { reg: vr.reg }, temp: vr.temp });
        } else {
          this.emit({
            kind: 'store',
            size: SIZE,
            mem: { base: a.reg, off: 0 },
            src: v.op,
            release: false,
          });
          this.release(v);
        }
        this.release({ op: { reg: a.reg }, temp: a.temp });
        return;
      }
      case 'fence':
        return this.fence(s.annot, prev, next);
      case 'lock':
      case 'unlock': {
        const a = this.address(s.addr);
        this.emit({ kind: 'mov', dst: 'r1', src: { reg: a.reg } });
        this.emit({
          kind: 'call',
          helper: s.kind === 'lock' ? 'bpf_spin_lock' : 'bpf_spin_unlock',
        });
        this.release({ op: { reg: a.reg }, temp: a.temp });
        return;
      }
      case 'srcuSync':
        return refuse('synchronize_srcu', 'BPF has no SRCU primitives');
      case 'if': {
        const elseL = this.newLabel();
        this.branch(s.test, false, elseL);
        this.stmts(s.then);
        if (s.else.length > 0) {
          const endL = this.newLabel();
          this.emit({ kind: 'goto', label: endL });
          this.label(elseL);
          this.stmts(s.else);
          this.label(endL);
        } else {
          this.label(elseL);
        }
        return;
      }
      case 'while':
        return refuse(
          'a while loop',
          'loops are not translated (BPF backward jumps unroll differently)',
        );
      case 'block':
        this.stmts(s.body);
        return;
      case 'label':
      case 'goto':
        return refuse('goto', 'not produced by the C front-end');
      case 'loadReserve':
      case 'storeConditional':
      case 'cmpxchgPair':
      case 'branchTo':
        return refuse(s.kind, 'not produced by the C front-end');
    }
  }

  private fence(annot: Annot, prev: Stmt | undefined, next: Stmt | undefined): void {
    const tag = annot[0] ?? '';
    const isRmw = (s: Stmt | undefined): boolean => {
      if (!s) return false;
      const e = s.kind === 'eval' || s.kind === 'assign' ? s.value : null;
      const walk = (x: Expr): boolean =>
        x.kind === 'atomicOp' ||
        x.kind === 'xchg' ||
        x.kind === 'cmpxchg' ||
        x.kind === 'addUnless' ||
        (x.kind === 'binop' && (walk(x.left) || walk(x.right))) ||
        (x.kind === 'unop' && walk(x.arg));
      return e !== null && walk(e);
    };
    switch (tag) {
      case 'MB':
        return this.emit({ kind: 'barrier', barrier: 'mb' });
      case 'barrier':
        return; // a compiler barrier orders nothing between marked accesses
      case 'before-atomic':
        if (!isRmw(next))
          refuse('smp_mb__before_atomic()', 'not directly followed by an atomic RMW');
        return this.emit({ kind: 'barrier', barrier: 'mb' });
      case 'after-atomic':
        if (!isRmw(prev))
          refuse('smp_mb__after_atomic()', 'not directly preceded by an atomic RMW');
        return this.emit({ kind: 'barrier', barrier: 'mb' });
      case 'rmb':
        return this.emit({ kind: 'barrier', barrier: 'rmb' });
      case 'wmb':
        return this.emit({ kind: 'barrier', barrier: 'wmb' });
      case 'rcu-lock':
        return refuse('rcu_read_lock()', 'BPF has no RCU primitives');
      case 'rcu-unlock':
        return refuse('rcu_read_unlock()', 'BPF has no RCU primitives');
      case 'sync-rcu':
        return refuse('synchronize_rcu()', 'BPF has no RCU primitives');
      case 'after-spinlock':
        return refuse('smp_mb__after_spinlock()', 'BPF has no spinlocks');
      case 'after-unlock-lock':
        return refuse('smp_mb__after_unlock_lock()', 'BPF has no spinlocks');
      case 'after-srcu-read-unlock':
        return refuse('smp_mb__after_srcu_read_unlock()', 'BPF has no SRCU primitives');
      default:
        return refuse(`the fence {${annot.join(',')}}`, 'no BPF counterpart');
    }
  }
}

// ------------------------------------------------------------------------- analysis

function exprLocsAndRegs(
  e: Expr,
  locs: Set<string>,
  regs: Set<string>,
  params: Set<string>,
  flags: { cmpxchg: boolean; locks: boolean },
): void {
  if (e.kind === 'addr') locs.add(e.name);
  else if (e.kind === 'reg') (params.has(e.name) ? locs : regs).add(e.name);
  else if (e.kind === 'cmpxchg') flags.cmpxchg = true;
  for (const x of exprOperands(e)) exprLocsAndRegs(x, locs, regs, params, flags);
}

function stmtLocsAndRegs(
  list: Stmt[],
  locs: Set<string>,
  regs: Set<string>,
  params: Set<string>,
  flags: { cmpxchg: boolean; locks: boolean },
): void {
  forEachStatement(list, (s) => {
    if (s.kind === 'lock' || s.kind === 'unlock') flags.locks = true;
    const parts = stmtParts(s);
    for (const r of parts.writes) regs.add(r);
    for (const e of parts.exprs) exprLocsAndRegs(e, locs, regs, params, flags);
  });
}

// ------------------------------------------------------------------------- entry point

/** Translates a parsed C test; throws Untranslatable with the reason when BPF cannot express it. */
export function translateCToBpf(test: LitmusTest): Translation {
  if (test.arch !== 'C') refuse(`a ${test.arch} test`, 'only C litmus tests are translated');

  const clauseLocs: StateLoc[] = [];
  test.locations.forEach((l) => clauseLocs.push(l));
  const noteLoc = (l: StateLoc) => clauseLocs.push(l);
  if (test.filter) forEachPropLocation(test.filter, noteLoc);
  forEachPropLocation(test.condition.prop, noteLoc);

  const registerMap = new Map<string, string>();
  const initLines: string[] = [];
  const columns: string[][] = [];
  for (const th of test.threads) {
    const params = new Set(th.params.map((p) => p.name));
    const locs = new Set<string>();
    const regs = new Set<string>();
    const flags = { cmpxchg: false, locks: false };
    stmtLocsAndRegs(th.body, locs, regs, params, flags);
    for (const l of clauseLocs) if (l.kind === 'reg' && l.thread === th.id) regs.add(l.name);
    for (const e of test.init) if (e.thread === th.id) regs.add(e.name);
    const tt = new ThreadTranslator(
      th,
      [...locs].sort(),
      [...regs].sort(),
      flags.cmpxchg,
      flags.locks,
    );
    tt.stmts(th.body);
    tt.finish();
    for (const [c, b] of tt.locals) registerMap.set(`${th.id}:${c}`, `${th.id}:${b}`);
    const inits: string[] = [];
    for (const [loc, r] of tt.addrRegs) inits.push(`${th.id}:${r}=${loc};`);
    for (const e of test.init) {
      if (e.thread === th.id) inits.push(`${th.id}:${tt.locals.get(e.name)}=${ppValue(e.value)};`);
    }
    if (inits.length) initLines.push(inits.join(' '));
    columns.push(
      tt.out.map((c) =>
        [...c.labels.map((l) => `${l}:`), ...(c.instr ? [ppInstr(c.instr)] : [])].join(' '),
      ),
    );
  }
  // Threads must be P0..Pn in order.
  test.threads.forEach((t, i) => {
    if (t.id !== i) refuse(`P${t.id}`, 'threads must be numbered P0, P1, ... without gaps');
  });

  const mem: string[] = [];
  for (const e of test.init) {
    if (e.thread !== null) continue;
    if (typeof e.value === 'number' && e.value === 0) continue;
    mem.push(`int ${e.name} = ${ppValue(e.value)};`);
  }

  const mapLoc = (l: StateLoc): StateLoc => {
    if (l.kind !== 'reg') return l;
    const b = registerMap.get(`${l.thread}:${l.name}`);
    if (!b)
      refuse(
        `${l.thread}:${l.name}`,
        'the condition names a register of a thread that does not exist',
      );
    return { kind: 'reg', thread: l.thread, name: b.split(':')[1]! };
  };
  const mapProp = (p: Prop): Prop => mapPropLocations(p, mapLoc);

  const ppL = (l: StateLoc) => (l.kind === 'reg' ? `${l.thread}:${l.name}` : l.name);

  const name = `${test.name}-BPF`;
  const lines: string[] = [];
  lines.push(`BPF ${name}`);
  lines.push('(*');
  lines.push(` * Translated by ordo c2bpf from the C test ${test.name}.`);
  if (registerMap.size) {
    lines.push(' * Registers (C -> BPF):');
    const pairs = [...registerMap].map(([c, b]) => `${c} -> ${b}`);
    for (let i = 0; i < pairs.length; i += 6)
      lines.push(` *   ${pairs.slice(i, i + 6).join(', ')}`);
  }
  lines.push(' *)');
  lines.push('{');
  for (const l of initLines) lines.push(` ${l}`);
  for (const l of mem) lines.push(` ${l}`);
  lines.push('}');
  lines.push(ppColumns(columns));
  lines.push('');
  if (test.locations.length)
    lines.push(`locations [${test.locations.map((l) => ppL(mapLoc(l))).join('; ')}]`);
  if (test.filter) lines.push(`filter (${ppProp(mapProp(test.filter))})`);
  const q = test.condition.quantifier;
  lines.push(`${q === 'notExists' ? '~exists' : q} (${ppProp(mapProp(test.condition.prop))})`);
  return { text: lines.join('\n') + '\n', name, registerMap };
}
