// x86 litmus front-ends: herd7's `X86_64` dialect (AT&T syntax: `movl $1,(x)`,
// `movq (%rax),%rbx`) and its 32-bit `X86` dialect (Intel syntax: `MOV [x],$1`,
// `MOV EAX,[y]`).
//
// What the model sees, as in herd7's x86 architectures:
//   mov to or from memory          a plain read or write, no tag
//   xchg with memory, lock-prefixed read-modify-writes
//                                  a read and a write tagged X, related by rmw and amo
//   mfence / lfence / sfence       a fence event in MFENCE / LFENCE / SFENCE
//   nop, nopl, nopw, endbr64       nothing
//   cmp, test, ALU instructions    no event: they set the flags, hidden registers that
//                                  conditional jumps read
//   jmp, jcc                       a branch (a conditional one reads the flags)
// Registers hold 64-bit values; a 32-bit register name (%eax) denotes its 64-bit
// register (rax), which is how herd7 prints it.
//
// Flags. herd7 keeps three, and not quite as the hardware does: after `cmp src,dst`,
// ZF is dst == src and SF is dst > src (signed), a "greater" flag rather than the sign of
// dst - src; after an arithmetic or logical instruction with result r, ZF is r == 0 and SF
// is r > 0; inc and dec set only those two, cmpxchg only ZF (whether it wrote). Its
// conditions read them as je ZF, jne !ZF, jgt SF, jle !SF, jge ZF|SF, js SF, jns !SF and
// jlt ZF|!SF (so herd7's jlt is taken on equality too). Ordo does the same, so herd7's
// tests give herd7's results. herd7's CF is always 0 and only its setnb and cmovc read it;
// Ordo has neither, and gives `cmp` the borrow dst < src (unsigned) as CF, so that the
// unsigned conditions compilers and JITs emit (jb, jae, ja, jbe; not in herd7's dialect)
// mean what they mean on the hardware; every other instruction that sets flags clears CF
// (inc and dec too, which keep it on the hardware).
//
// A flag-setting instruction keeps ZF and the two values compared (a result and 0 for
// arithmetic) in hidden registers; SF and CF are computed by the jump that reads them.
// Addresses can be compared for equality only, so an instruction that computes a pointer
// (`addq %rsi,%rdi` on an address) must not order it until a jump asks.

import { OrdoError } from '../../diagnostics.js';
import type { Annot, BinaryOp, Expr, LitmusTest, SourcePos, Stmt } from '../../program/ir.js';
import {
  parseAsmLitmus,
  splitOperands,
  type AsmDialect,
  type InstructionCell,
} from '../litmus/asm.js';

/** Tag of the accesses of an atomic (xchg, lock-prefixed) instruction. */
const ATOMIC: Annot = ['X'];
/** Fence instructions and the set their event belongs to. */
const FENCES: Record<string, string> = { mfence: 'MFENCE', lfence: 'LFENCE', sfence: 'SFENCE' };
const NOPS = new Set(['nop', 'nopl', 'nopw', 'endbr64']);
/**
 * The hidden flag registers: ZF, and the two values of the last comparison (SF is
 * left > right, CF is left < right unsigned).
 */
const FLAG = { zf: 'flags.zf', left: 'flags.left', right: 'flags.right' } as const;
const ALU: Record<string, BinaryOp> = {
  add: '+',
  sub: '-',
  and: '&',
  or: '|',
  xor: '^',
  shl: '<<',
  shr: '>>',
  sal: '<<',
};

// ------------------------------------------------------------------------- registers

const GPR64 = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp'];
const OTHER64 = ['rip', 'cs', 'ds', 'es', 'fs', 'gs', 'ss'];

/** X86_64 register names (any case, with or without %) to herd7's printed 64-bit name. */
function x86_64Register(name: string): string | null {
  const n = name.replace(/^%/, '').toLowerCase();
  if (GPR64.includes(n) || OTHER64.includes(n)) return n;
  const legacy = /^(?:e([a-d]x|si|di|bp|sp)|([a-d])x|([a-d])[lh]|(si|di|bp|sp)l?)$/.exec(n);
  if (legacy) {
    const base = legacy[1] ?? (legacy[2] ?? legacy[3] ?? '') + 'x';
    const full = legacy[4] ? `r${legacy[4]}` : `r${base}`;
    if (GPR64.includes(full)) return full;
  }
  const numbered = /^r(\d+)[dwb]?$/.exec(n);
  if (numbered && Number(numbered[1]) >= 8 && Number(numbered[1]) <= 15) return `r${numbered[1]}`;
  return null;
}

const GPR32 = ['EAX', 'EBX', 'ECX', 'EDX', 'ESI', 'EDI', 'EBP', 'ESP'];

/** X86 (32-bit) register names: herd7 prints them upper-case (`0:EAX`). */
function x86Register(name: string): string | null {
  const n = name.toUpperCase();
  return GPR32.includes(n) ? n : null;
}

// ------------------------------------------------------------------------- flags

const konst = (value: bigint): Expr => ({ kind: 'const', value });
const bin = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'binop', op, left, right });
const not = (arg: Expr): Expr => ({ kind: 'unop', op: '!', arg });
const flag = (f: keyof typeof FLAG): Expr => ({ kind: 'reg', name: FLAG[f] });

/** herd7's SF, and CF as `cmp` leaves it (see the header). */
const greater = bin('<', flag('right'), flag('left'));
const below = bin('<u', flag('left'), flag('right'));

/** The conditions of the conditional jumps, over the flags (see the header). */
const CONDITIONS: Record<string, Expr> = {
  je: flag('zf'),
  jne: not(flag('zf')),
  jgt: greater,
  jle: not(greater),
  jge: bin('||', flag('zf'), greater),
  jlt: bin('||', flag('zf'), not(greater)),
  js: greater,
  jns: not(greater),
  jb: below,
  jae: not(below),
  ja: bin('&&', not(below), not(flag('zf'))),
  jbe: bin('||', below, flag('zf')),
};

/**
 * The flags a comparison of `left` with `right` leaves (cmp), or, with `right` null, those
 * an arithmetic or logical result `left` leaves.
 */
function setFlags(left: Expr, right: Expr | null, pos: SourcePos): Stmt[] {
  const r = right ?? konst(0n);
  const assign = (reg: string, value: Expr): Stmt => ({ kind: 'assign', reg, value, pos });
  return [assign(FLAG.zf, bin('==', left, r)), assign(FLAG.left, left), assign(FLAG.right, r)];
}

// ------------------------------------------------------------------------- operands

type Operand =
  { kind: 'imm'; value: bigint } | { kind: 'reg'; reg: string } | { kind: 'mem'; addr: Expr };

function fail(message: string, pos: SourcePos): never {
  throw new OrdoError(message, pos);
}

/** An immediate, as a 64-bit machine value. */
function parseNumber(text: string): bigint | null {
  const t = text.trim();
  if (/^-?(0x[0-9a-f]+|\d+)$/i.test(t)) {
    const neg = t.startsWith('-');
    const v = BigInt(neg ? t.slice(1) : t);
    return BigInt.asIntN(64, neg ? -v : v);
  }
  return null;
}

function plus(a: Expr, b: Expr): Expr {
  return { kind: 'binop', op: '+', left: a, right: b };
}

/** AT&T operand: `$imm`, `%reg`, `(x)`, `(%reg)`, `off(%base)`, `off(%base,%index,scale)`. */
function attOperand(text: string, cell: InstructionCell): Operand {
  const bad = () => fail(`Bad operand '${text}' in '${cell.text}'.`, cell.pos);
  const t = text.replace(/^%[a-z]s:/i, ''); // a segment prefix does not change the address
  if (t.startsWith('$')) {
    const v = parseNumber(t.slice(1));
    return v === null ? bad() : { kind: 'imm', value: v };
  }
  if (t.startsWith('%')) {
    const r = x86_64Register(t);
    return r === null ? bad() : { kind: 'reg', reg: r };
  }
  const bare = parseNumber(t);
  if (bare !== null) return { kind: 'imm', value: bare };
  const m = /^(-?(?:0x[0-9a-f]+|\d+))?\((.*)\)$/i.exec(t);
  if (!m) return bad();
  const offset = m[1] ? parseNumber(m[1])! : 0n;
  const parts = m[2]!.split(',').map((s) => s.trim());
  let addr: Expr;
  if (parts.length === 1 && /^[A-Za-z_]\w*$/.test(parts[0]!)) {
    addr = { kind: 'addr', name: parts[0]! };
  } else {
    const base = x86_64Register(parts[0]!);
    if (base === null) return bad();
    addr = { kind: 'reg', name: base };
    if (parts.length === 3) {
      const index = x86_64Register(parts[1]!);
      const scale = parseNumber(parts[2]!);
      if (index === null || scale === null) return bad();
      addr = plus(addr, {
        kind: 'binop',
        op: '*',
        left: { kind: 'reg', name: index },
        right: { kind: 'const', value: scale },
      });
    } else if (parts.length !== 1) return bad();
  }
  if (offset !== 0n) addr = plus(addr, { kind: 'const', value: offset });
  // The address carries its instruction's position, for errors about the value it takes.
  return { kind: 'mem', addr: { ...addr, pos: cell.pos } };
}

/** Intel operand: `$imm` or `imm`, `EAX`, `[x]`, `[EAX]`. */
function intelOperand(text: string, cell: InstructionCell): Operand {
  const bad = () => fail(`Bad operand '${text}' in '${cell.text}'.`, cell.pos);
  const t = text.trim();
  const v = parseNumber(t.replace(/^\$/, ''));
  if (v !== null) return { kind: 'imm', value: v };
  const r = x86Register(t);
  if (r !== null) return { kind: 'reg', reg: r };
  const m = /^\[(.*)\]$/.exec(t);
  if (!m) return bad();
  const inner = m[1]!.trim();
  const base = x86Register(inner);
  const pos = cell.pos; // on the address, for errors about the value it takes
  if (base !== null) return { kind: 'mem', addr: { kind: 'reg', name: base, pos } };
  if (/^[A-Za-z_]\w*$/.test(inner))
    return { kind: 'mem', addr: { kind: 'addr', name: inner, pos } };
  return bad();
}

// ------------------------------------------------------------------------- semantics

function value(o: Operand): Expr {
  switch (o.kind) {
    case 'imm':
      return { kind: 'const', value: o.value };
    case 'reg':
      return { kind: 'reg', name: o.reg };
    case 'mem':
      return { kind: 'load', annot: [], addr: o.addr };
  }
}

/** `dst := v`, a register assignment or a plain store. */
function assignTo(dst: Operand, v: Expr, cell: InstructionCell): Stmt {
  const pos = cell.pos;
  switch (dst.kind) {
    case 'reg':
      return { kind: 'assign', reg: dst.reg, value: v, pos };
    case 'mem':
      return { kind: 'store', annot: [], addr: dst.addr, value: v, pos };
    case 'imm':
      return fail(`An immediate cannot be a destination in '${cell.text}'.`, pos);
  }
}

/**
 * The value of an operand, read once: a memory operand is loaded into a temporary (pushed
 * on `out`) so that the flags can use the value more than once.
 */
function readOnce(o: Operand, out: Stmt[], name: string, pos: SourcePos): Expr {
  if (o.kind !== 'mem') return value(o);
  const tmp = `${name}:${pos.line}:${pos.col}`;
  out.push({ kind: 'assign', reg: tmp, value: value(o), pos });
  return { kind: 'reg', name: tmp };
}

/**
 * The instruction's semantics, operands already parsed, in (source, destination) order;
 * `acc` is the accumulator register cmpxchg compares with.
 */
function semantics(
  mnemonic: string,
  ops: Operand[],
  locked: boolean,
  cell: InstructionCell,
  acc: string,
): Stmt[] {
  const pos = cell.pos;
  const arity = (n: number) => {
    if (ops.length !== n)
      fail(`'${mnemonic}' takes ${n} operand${n === 1 ? '' : 's'} in '${cell.text}'.`, pos);
  };
  const unsupported = () => fail(`Unsupported x86 instruction '${cell.text}'.`, pos);
  if (NOPS.has(mnemonic)) return [];
  if (FENCES[mnemonic] !== undefined) {
    arity(0);
    return [{ kind: 'fence', annot: [FENCES[mnemonic]!], pos }];
  }
  const memOf = (o: Operand) => (o.kind === 'mem' ? o.addr : null);
  const tmpName = `${mnemonic}:${pos.line}:${pos.col}`;
  const tmp: Expr = { kind: 'reg', name: tmpName };
  switch (mnemonic) {
    case 'mov': {
      arity(2);
      if (locked) unsupported();
      const [src, dst] = ops as [Operand, Operand];
      if (src.kind === 'mem' && dst.kind === 'mem')
        fail(`x86 has no memory-to-memory move: '${cell.text}'.`, pos);
      return [assignTo(dst, value(src), cell)];
    }
    case 'movzb':
    case 'movzw': {
      // Zero-extending moves into a register (movzbl, movzwq, ...).
      arity(2);
      const [src, dst] = ops as [Operand, Operand];
      if (locked || dst.kind !== 'reg' || src.kind === 'imm') return unsupported();
      const op = mnemonic === 'movzb' ? 'zext8' : 'zext16';
      return [assignTo(dst, { kind: 'unop', op, arg: value(src) }, cell)];
    }
    case 'cmp':
    case 'test': {
      arity(2);
      const [src, dst] = ops as [Operand, Operand];
      if (locked || (src.kind === 'mem' && dst.kind === 'mem') || dst.kind === 'imm')
        return unsupported();
      const out: Stmt[] = [];
      const left = readOnce(dst, out, tmpName, pos);
      const right = readOnce(src, out, `${tmpName}:src`, pos);
      if (mnemonic === 'cmp') return [...out, ...setFlags(left, right, pos)];
      return [...out, ...setFlags(bin('&', left, right), null, pos)];
    }
    case 'xchg': {
      arity(2);
      const [a, b] = ops as [Operand, Operand];
      const mem = memOf(a) ?? memOf(b);
      const other = a.kind === 'mem' ? b : a;
      if (mem === null || other.kind !== 'reg') {
        if (a.kind === 'reg' && b.kind === 'reg') {
          const tmp = `xchg:${pos.line}:${pos.col}`;
          return [
            { kind: 'assign', reg: tmp, value: value(a), pos },
            { kind: 'assign', reg: a.reg, value: value(b), pos },
            { kind: 'assign', reg: b.reg, value: { kind: 'reg', name: tmp }, pos },
          ];
        }
        return unsupported();
      }
      const swap: Expr = {
        kind: 'xchg',
        annot: ATOMIC,
        addr: mem,
        value: value(other),
        pair: ['rmw', 'amo'],
        pos,
      };
      return [{ kind: 'assign', reg: other.reg, value: swap, pos }];
    }
    case 'xadd': {
      arity(2);
      const [src, dst] = ops as [Operand, Operand];
      if (src.kind !== 'reg' || dst.kind !== 'mem' || !locked) return unsupported();
      const add: Expr = {
        kind: 'atomicOp',
        annot: ATOMIC,
        addr: dst.addr,
        op: '+',
        operand: value(src),
        ret: 'old',
        pair: ['rmw', 'amo'],
        pos,
      };
      // The flags are those of the sum written; the source register receives the old value.
      return [
        { kind: 'assign', reg: tmpName, value: add, pos },
        ...setFlags(bin('+', tmp, value(src)), null, pos),
        { kind: 'assign', reg: src.reg, value: tmp, pos },
      ];
    }
    case 'cmpxchg': {
      arity(2);
      const [src, dst] = ops as [Operand, Operand];
      if (src.kind !== 'reg' || dst.kind !== 'mem' || !locked) return unsupported();
      const cas: Expr = {
        kind: 'cmpxchg',
        annot: ATOMIC,
        addr: dst.addr,
        expected: { kind: 'reg', name: acc },
        desired: value(src),
        pair: ['rmw', 'amo'],
        pos,
      };
      // rax receives the value read: unchanged on success, the memory value on failure;
      // ZF says whether it wrote (herd7 sets no other flag).
      const zf: Stmt = {
        kind: 'assign',
        reg: FLAG.zf,
        value: bin('==', tmp, { kind: 'reg', name: acc }),
        pos,
      };
      return [
        { kind: 'assign', reg: tmpName, value: cas, pos },
        zf,
        { kind: 'assign', reg: acc, value: tmp, pos },
      ];
    }
    case 'inc':
    case 'dec':
      return arithmetic(mnemonic === 'inc' ? '+' : '-', [{ kind: 'imm', value: 1n }, ...ops], 1);
    default:
      break;
  }
  const op = ALU[mnemonic];
  if (op === undefined) return unsupported();
  return arithmetic(op, ops, 2);

  /** An arithmetic or logical instruction: the result, then the flags it leaves. */
  function arithmetic(op: BinaryOp, operands: Operand[], written: 1 | 2): Stmt[] {
    if (operands.length !== 2)
      fail(
        `'${mnemonic}' takes ${written} operand${written === 1 ? '' : 's'} in '${cell.text}'.`,
        pos,
      );
    const [src, dst] = operands as [Operand, Operand];
    if (src.kind === 'mem' && dst.kind === 'mem') return unsupported();
    if (dst.kind === 'mem' && locked) {
      const rmw: Expr = {
        kind: 'atomicOp',
        annot: ATOMIC,
        addr: dst.addr,
        op,
        operand: value(src),
        ret: 'new',
        pair: ['rmw', 'amo'],
        pos,
      };
      return [{ kind: 'assign', reg: tmpName, value: rmw, pos }, ...setFlags(tmp, null, pos)];
    }
    if (locked) return unsupported();
    if (dst.kind === 'mem') {
      // A plain read-modify-write: a read then a write, no atomicity.
      const result = bin(op, tmp, value(src));
      return [
        { kind: 'assign', reg: tmpName, value: value(dst), pos },
        assignTo(dst, result, cell),
        ...setFlags(result, null, pos),
      ];
    }
    return [
      assignTo(dst, bin(op, value(dst), value(src)), cell),
      ...setFlags(value(dst), null, pos),
    ];
  }
}

/**
 * A jump (`jmp L`, `jne L`), or null when the mnemonic is not one. Its operand is a label
 * of the same thread.
 */
function branch(mnemonic: string, operands: string[], cell: InstructionCell): Stmt[] | null {
  const test = CONDITIONS[mnemonic];
  if (mnemonic !== 'jmp' && test === undefined) return null;
  if (operands.length !== 1 || !/^[A-Za-z_][\w.]*$/.test(operands[0]!))
    fail(`'${mnemonic}' takes one label in '${cell.text}'.`, cell.pos);
  const label = operands[0]!;
  return [
    test === undefined
      ? { kind: 'goto', label, pos: cell.pos }
      : { kind: 'goto', label, test, pos: cell.pos },
  ];
}

/** The mnemonics the front-ends read, without their AT&T size suffixes. */
const KNOWN = new Set([
  'mov',
  'xchg',
  'xadd',
  'cmpxchg',
  'inc',
  'dec',
  'cmp',
  'test',
  'movzb',
  'movzw',
  'jmp',
  ...Object.keys(CONDITIONS),
  ...Object.keys(ALU),
  ...Object.keys(FENCES),
  ...NOPS,
]);

/** Mnemonic without its AT&T size suffix (`movl` -> `mov`), when the bare one is known. */
function baseMnemonic(m: string): string {
  if (KNOWN.has(m)) return m;
  const bare = m.replace(/[bwlq]$/, '');
  return KNOWN.has(bare) ? bare : m;
}

/** Refuses a mnemonic neither front-end knows, before its operands are read. */
function checkKnown(mnemonic: string, cell: InstructionCell): void {
  if (KNOWN.has(mnemonic)) return;
  const hint =
    mnemonic === 'jl' || mnemonic === 'jg'
      ? ` (herd7's X86_64 spells the signed conditions jlt, jle, jgt, jge)`
      : '';
  fail(`Unsupported x86 instruction '${cell.text}'${hint}.`, cell.pos);
}

function splitInstruction(cell: InstructionCell): {
  locked: boolean;
  mnemonic: string;
  operands: string[];
} {
  let text = cell.text.trim();
  let locked = false;
  const lock = /^lock\s+/i.exec(text);
  if (lock) {
    locked = true;
    text = text.slice(lock[0].length);
  }
  const m = /^(\S+)\s*(.*)$/.exec(text)!;
  return {
    locked,
    mnemonic: baseMnemonic(m[1]!.toLowerCase()),
    operands: splitOperands(m[2]!),
  };
}

/**
 * An instruction as herd7 prints it for its digest: the no-operation forms are `NOP`,
 * mnemonics and registers lower case, a bare number operand an immediate `$n`.
 */
function x86_64HashText(text: string): string {
  const { mnemonic, operands } = splitInstruction({
    text,
    pos: { file: '', line: 0, col: 0 },
    thread: 0,
  });
  if (NOPS.has(mnemonic)) return 'NOP';
  // Mnemonics and registers are lower case.
  const m = /^(\S+)\s*(.*)$/.exec(text.trim())!;
  const printed = (o: string) => {
    if (/^-?(0x[0-9a-f]+|\d+)$/i.test(o)) return `$${o}`;
    // A scaled memory operand: herd7 drops a zero displacement and puts a space
    // before the index register.
    const scaled = /^(-?\w*)\(\s*(%\w+)\s*,\s*(%\w+)\s*,\s*(\w+)\s*\)$/.exec(o);
    if (scaled) {
      const [, disp, base, index, scale] = scaled;
      const shown = disp === '' || Number(disp) === 0 ? '' : disp;
      return `${shown}(${base!.toLowerCase()}, ${index!.toLowerCase()},${scale})`;
    }
    return o.replace(/%\w+/g, (r) => r.toLowerCase());
  };
  const mnemonicText = m[1]!.toLowerCase();
  if (operands.length === 0) return mnemonicText;
  return `${mnemonicText} ${operands.map(printed).join(',')}`;
}

const x86_64: AsmDialect = {
  arch: 'X86_64',
  register: x86_64Register,
  // herd7 reads jlt and jgt and prints them jl and jg.
  hashText: (text) => x86_64HashText(text).replace(/^j([lg])t\b/, 'j$1'),
  lower(cell) {
    const { locked, mnemonic, operands } = splitInstruction(cell);
    if (NOPS.has(mnemonic)) return [];
    checkKnown(mnemonic, cell);
    const jump = locked ? null : branch(mnemonic, operands, cell);
    if (jump) return jump;
    return semantics(
      mnemonic,
      operands.map((o) => attOperand(o, cell)),
      locked,
      cell,
      'rax',
    );
  },
};

const x86: AsmDialect = {
  arch: 'X86',
  register: x86Register,
  lower(cell) {
    const { locked, mnemonic, operands } = splitInstruction(cell);
    const jump = locked ? null : branch(mnemonic, operands, cell);
    if (jump) return jump;
    // Intel order is (destination, source).
    const ops = operands.map((o) => intelOperand(o, cell)).reverse();
    return semantics(mnemonic, ops, locked, cell, 'EAX');
  },
};

export function parseX86_64Litmus(text: string, file: string): LitmusTest {
  return parseAsmLitmus(text, file, x86_64);
}

export function parseX86Litmus(text: string, file: string): LitmusTest {
  return parseAsmLitmus(text, file, x86);
}
