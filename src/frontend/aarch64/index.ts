// AArch64 litmus front-end: herd7's `AArch64` dialect (`LDR W0,[X1]`, `STLR X3,[X4]`,
// `DMB ISH`, `LDXR`/`STXR`, `CAS`/`SWP`/`LDADD` and their acquire/release forms).
//
// What the model sees, as in herd7's AArch64 architecture:
//   every memory access          tagged Exp (an explicit access; Ordo has no implicit ones)
//   LDAR / LDAXR / LDA*          a read tagged A (acquire)
//   LDAPR / LDAPUR               a read tagged Q (acquire-PC)
//   STLR / STLXR / STL*          a write tagged L (release)
//   LDXR / STXR (and A/L forms)  a reservation pair tagged X; the store writes 0 to its
//                                status register on success, 1 when it fails (it may
//                                always fail)
//   CAS, SWP, LD<op>, ST<op>     a read and a write related by rmw and amo; the `A`
//                                form tags the read A, the `L` form the write L;
//                                ST<op> tags its read NoRet
//   LDXP / STXP (and A/L forms)  the same over two consecutive words, both or neither,
//                                as one single-copy-atomic access (sm relates the words)
//   CASP                         two such pairs, one per word, written only when both
//                                words equal the compared registers
//   LDIAPP / STILP, LDAP / STLP  two accesses in order, tagged Q / L, A / L
//   DMB / DSB <option>, ISB      a fence event in DMB.<option> / DSB.<option> / ISB
// Registers are 64 bits wide. A W register names the low 32 bits of its X register:
// reading it reads those bits, writing it zero-extends.
//
// Flags. A flag-setting instruction computes Z (equality works on addresses too) and keeps
// what N, C and V are computed from in hidden registers: the two operands and the result,
// signed at the operation's width, whether it subtracted, and the mask that gives the
// operands' unsigned view. The branch, select or MRS that reads a flag computes it, so a
// NULL check of a pointer (`CMP X1,#0; B.EQ`, which BPF JITs emit) never orders an address.
// A logical result v sets the flags of v + 0 (N and Z from v, C and V clear); MSR NZCV
// gives all four bits, which then override the computed ones.

import { OrdoError } from '../../diagnostics.js';
import type {
  Annot,
  BinaryOp,
  Expr,
  LitmusTest,
  SourcePos,
  Stmt,
  WidthCast,
} from '../../program/ir.js';
import { codeLabelLocation } from '../../program/ir.js';
import {
  parseAsmLitmus,
  SYMBOLIC_REGISTER,
  splitOperands,
  type AsmDialect,
  type InstructionCell,
} from '../litmus/asm.js';
import { aarch64HashText, aarch64ValueText } from './hash.js';

// ------------------------------------------------------------------------- registers

/** A register as an instruction names it: its X register and whether it is the W view. */
interface GpRegister {
  /** `X0`..`X30`, or null for the zero register. */
  x: string | null;
  /** 32-bit view (`W3`, `WZR`). */
  word: boolean;
}

function gpRegister(name: string): GpRegister | null {
  if (SYMBOLIC_REGISTER.test(name.trim())) return { x: name.trim(), word: false };
  const n = name.trim().toUpperCase();
  if (n === 'XZR' || n === 'WZR') return { x: null, word: n === 'WZR' };
  if (n === 'SP' || n === 'WSP') return { x: 'SP', word: n === 'WSP' };
  const m = /^([XW])(\d+)$/.exec(n);
  if (!m || Number(m[2]) > 30) return null;
  return { x: `X${Number(m[2])}`, word: m[1] === 'W' };
}

/** Registers print as herd7 prints them: the X register (`0:W1` is `0:X1`). */
function aarch64Register(name: string): string | null {
  const r = gpRegister(name);
  // A condition may name the zero register; it is never written and reads 0.
  return r ? (r.x ?? 'XZR') : null;
}

/** The hidden flag registers (see the header). */
const FLAG = {
  z: 'nzcv.z',
  result: 'nzcv.result',
  left: 'nzcv.left',
  right: 'nzcv.right',
  subtract: 'nzcv.subtract',
  mask: 'nzcv.mask',
  /** 1 after MSR NZCV: N, C and V are the bits it wrote, below. */
  explicit: 'nzcv.explicit',
  n: 'nzcv.n',
  c: 'nzcv.c',
  v: 'nzcv.v',
} as const;

/** The ordered pair instructions: whether each loads, and the tags of its accesses. */
const ORDERED_PAIRS: Record<string, { load: boolean; annot: Annot }> = {
  LDIAPP: { load: true, annot: ['Q'] },
  STILP: { load: false, annot: ['L'] },
  LDAP: { load: true, annot: ['A'] },
  STLP: { load: false, annot: ['L'] },
};

// ------------------------------------------------------------------------- expressions

const konst = (value: bigint): Expr => ({ kind: 'const', value });
const bin = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'binop', op, left, right });
const cast = (op: WidthCast | null, arg: Expr): Expr => (op ? { kind: 'unop', op, arg } : arg);
const not = (arg: Expr): Expr => ({ kind: 'unop', op: '!', arg });
const hidden = (f: keyof typeof FLAG): Expr => ({ kind: 'reg', name: FLAG[f] });

/** The value of flag `f`, computed where it is read (see the header). */
function flag(f: 'n' | 'z' | 'c' | 'v'): Expr {
  if (f === 'z') return hidden('z');
  const result = hidden('result');
  const left = hidden('left');
  const right = hidden('right');
  const subtract = hidden('subtract');
  const unsigned = (v: Expr) => bin('&', v, hidden('mask'));
  let computed: Expr;
  if (f === 'n') computed = bin('<', result, konst(0n));
  else if (f === 'c')
    // No borrow (subtract: right <= left unsigned), or a carry out (add: result < left).
    computed = bin(
      '||',
      bin('&&', subtract, bin('<=u', unsigned(right), unsigned(left))),
      bin('&&', not(subtract), bin('<u', unsigned(result), unsigned(left))),
    );
  // Overflow: the operands' signs differ (subtract) or agree (add), and the result's sign
  // differs from the left operand's; `subtract - 1` is 0 or all ones.
  else
    computed = bin(
      '<',
      bin(
        '&',
        bin('^', bin('^', left, right), bin('-', subtract, konst(1n))),
        bin('^', left, result),
      ),
      konst(0n),
    );
  const explicit = hidden('explicit');
  return bin('||', bin('&&', explicit, hidden(f)), bin('&&', not(explicit), computed));
}

/** The condition codes of B.cond, CSEL and friends, over the flags. */
function conditionHolds(code: string): Expr | null {
  switch (code.toUpperCase()) {
    case 'EQ':
      return flag('z');
    case 'NE':
      return not(flag('z'));
    case 'CS':
    case 'HS':
      return flag('c');
    case 'CC':
    case 'LO':
      return not(flag('c'));
    case 'MI':
      return flag('n');
    case 'PL':
      return not(flag('n'));
    case 'VS':
      return flag('v');
    case 'VC':
      return not(flag('v'));
    case 'HI':
      return bin('&&', flag('c'), not(flag('z')));
    case 'LS':
      return bin('||', not(flag('c')), flag('z'));
    case 'GE':
      return bin('==', flag('n'), flag('v'));
    case 'LT':
      return bin('!=', flag('n'), flag('v'));
    case 'GT':
      return bin('&&', not(flag('z')), bin('==', flag('n'), flag('v')));
    case 'LE':
      return bin('||', flag('z'), bin('!=', flag('n'), flag('v')));
    case 'AL':
      return konst(1n);
    default:
      return null;
  }
}

// ------------------------------------------------------------------------- instruction tables

/** Plain loads: access width and extension; `signedTo64` forms extend to the X register. */
const LOADS: Record<string, { width: WidthCast | null; signed: boolean; annot: Annot }> = {
  LDR: { width: null, signed: false, annot: [] },
  LDUR: { width: null, signed: false, annot: [] },
  LDRB: { width: 'zext8', signed: false, annot: [] },
  LDURB: { width: 'zext8', signed: false, annot: [] },
  LDRH: { width: 'zext16', signed: false, annot: [] },
  LDURH: { width: 'zext16', signed: false, annot: [] },
  LDRSB: { width: 'sext8', signed: true, annot: [] },
  LDRSH: { width: 'sext16', signed: true, annot: [] },
  LDRSW: { width: 'sext32', signed: true, annot: [] },
  LDAR: { width: null, signed: false, annot: ['A'] },
  LDARB: { width: 'zext8', signed: false, annot: ['A'] },
  LDARH: { width: 'zext16', signed: false, annot: ['A'] },
  LDAPR: { width: null, signed: false, annot: ['Q'] },
  LDAPRB: { width: 'zext8', signed: false, annot: ['Q'] },
  LDAPRH: { width: 'zext16', signed: false, annot: ['Q'] },
  LDAPUR: { width: null, signed: false, annot: ['Q'] },
};

const STORES: Record<string, { width: WidthCast | null; annot: Annot }> = {
  STR: { width: null, annot: [] },
  STUR: { width: null, annot: [] },
  STRB: { width: 'zext8', annot: [] },
  STURB: { width: 'zext8', annot: [] },
  STRH: { width: 'zext16', annot: [] },
  STURH: { width: 'zext16', annot: [] },
  STLR: { width: null, annot: ['L'] },
  STLRB: { width: 'zext8', annot: ['L'] },
  STLRH: { width: 'zext16', annot: ['L'] },
  STLUR: { width: null, annot: ['L'] },
};

/** LD<op> / ST<op>: the operation combining memory with the register. */
const ATOMIC_OPS: Record<string, BinaryOp> = {
  ADD: '+',
  CLR: '&~',
  EOR: '^',
  SET: '|',
};

const ALU: Record<string, BinaryOp> = {
  ADD: '+',
  SUB: '-',
  AND: '&',
  ORR: '|',
  EOR: '^',
  BIC: '&~',
  MUL: '*',
  LSL: '<<',
  LSLV: '<<',
  LSR: '>>>',
  LSRV: '>>>',
  ASR: '>>',
  ASRV: '>>',
};

/** DMB/DSB options herd7 knows. */
export const BARRIER_OPTIONS = new Set([
  'SY',
  'ST',
  'LD',
  'ISH',
  'ISHST',
  'ISHLD',
  'NSH',
  'NSHST',
  'NSHLD',
  'OSH',
  'OSHST',
  'OSHLD',
]);

// ------------------------------------------------------------------------- operands

function fail(message: string, pos: SourcePos): never {
  throw new OrdoError(message, pos);
}

function parseImmediate(text: string): bigint | null {
  const t = text.trim().replace(/^#/, '');
  if (!/^[-+]?(0x[0-9a-f]+|\d+)$/i.test(t)) return null;
  const neg = t.startsWith('-');
  const v = BigInt(t.replace(/^[-+]/, ''));
  return BigInt.asIntN(64, neg ? -v : v);
}

/** One instruction's operands, with the helpers its semantics need. */
class Operands {
  constructor(
    readonly args: string[],
    readonly cell: InstructionCell,
  ) {}

  get pos(): SourcePos {
    return this.cell.pos;
  }

  bad(what: string, text: string): never {
    return fail(`Bad ${what} '${text}' in '${this.cell.text}'.`, this.pos);
  }

  arity(...counts: number[]): void {
    if (!counts.includes(this.args.length))
      fail(
        `'${this.cell.text.split(/\s/)[0]}' takes ${counts.join(' or ')} operands in '${this.cell.text}'.`,
        this.pos,
      );
  }

  register(i: number): GpRegister {
    const t = this.args[i] ?? '';
    return gpRegister(t) ?? this.bad('register', t);
  }

  immediate(i: number): bigint {
    const t = this.args[i] ?? '';
    return parseImmediate(t) ?? this.bad('immediate', t);
  }

  isImmediate(i: number): boolean {
    return parseImmediate(this.args[i] ?? '') !== null;
  }

  /** The value of a source register (the low 32 bits, zero-extended, for a W register). */
  read(i: number): Expr {
    return readRegister(this.register(i));
  }

  /**
   * A flexible second operand: `#imm`, `reg`, `reg, LSL #k` (shifted) or `reg, SXTW`
   * (extended), starting at operand i.
   */
  flexible(i: number, word: boolean): Expr {
    if (this.isImmediate(i)) {
      let v = this.immediate(i);
      const shift = this.args[i + 1];
      if (shift !== undefined) {
        const m = /^LSL\s+#?(\d+)$/i.exec(shift);
        if (!m) return this.bad('shift', shift);
        v = BigInt.asIntN(64, v << BigInt(m[1]!));
      }
      return konst(v);
    }
    const base = this.read(i);
    const modifier = this.args[i + 1];
    if (modifier === undefined) return base;
    return modify(base, modifier, word, this);
  }
}

function readRegister(r: GpRegister): Expr {
  if (r.x === null) return konst(0n);
  const x: Expr = { kind: 'reg', name: r.x };
  return r.word ? cast('zext32', x) : x;
}

/** `LSL #k`, `ASR #k`, `SXTW`, `UXTB #k`... applied to a register's value. */
function modify(value: Expr, modifier: string, word: boolean, ops: Operands): Expr {
  const m = /^([A-Z]+)(?:\s+#?(\d+)|\s*#(\d+))?$/i.exec(modifier.trim());
  if (!m) return ops.bad('operand modifier', modifier);
  const amount = konst(BigInt(m[2] ?? m[3] ?? '0'));
  const op = m[1]!.toUpperCase();
  const narrow = (v: Expr) => (word ? cast('zext32', v) : v);
  switch (op) {
    case 'LSL':
      return narrow(bin('<<', value, amount));
    case 'LSR':
      return bin('>>>', value, amount);
    case 'ASR':
      return narrow(bin('>>', word ? cast('sext32', value) : value, amount));
    case 'ROR': {
      const width = konst(word ? 32n : 64n);
      const low = word ? cast('zext32', value) : value;
      const back = bin('-', width, amount);
      return narrow(bin('|', bin('>>>', low, amount), bin('<<', low, back)));
    }
    case 'SXTW':
    case 'SXTH':
    case 'SXTB':
    case 'UXTW':
    case 'UXTH':
    case 'UXTB':
    case 'SXTX':
    case 'UXTX': {
      const bits = op.endsWith('W') ? '32' : op.endsWith('H') ? '16' : op.endsWith('B') ? '8' : '';
      const extended =
        bits === '' ? value : cast(`${op[0] === 'S' ? 's' : 'z'}ext${bits}` as WidthCast, value);
      return narrow(bin('<<', extended, amount));
    }
    default:
      return ops.bad('operand modifier', modifier);
  }
}

/** A memory operand `[Xn]`, `[Xn,#imm]`, `[Xn,Xm{,LSL #k}]`, `[Xn,Wm,SXTW]`, with its write-back. */
interface MemoryOperand {
  addr: Expr;
  /** Pre- or post-index write-back: the base register and its new value. */
  writeback: { reg: string; value: Expr } | null;
}

function memoryOperand(ops: Operands, i: number): MemoryOperand {
  const text = ops.args[i] ?? '';
  const m = /^\[(.*)\](!?)$/.exec(text.trim());
  if (!m) return ops.bad('memory operand', text);
  const parts = m[1]!.split(',').map((s) => s.trim());
  const base = gpRegister(parts[0]!);
  if (!base || base.word || base.x === null) return ops.bad('base register', parts[0]!);
  const baseValue: Expr = { kind: 'reg', name: base.x };
  let offset: Expr | null = null;
  if (parts.length >= 2) {
    const imm = parseImmediate(parts[1]!);
    if (imm !== null) {
      if (parts.length > 2) return ops.bad('memory operand', text);
      offset = imm === 0n ? null : konst(imm);
    } else {
      const index = gpRegister(parts[1]!) ?? ops.bad('index register', parts[1]!);
      offset = readRegister(index);
      if (parts.length === 3) offset = modify(offset, parts[2]!, false, ops);
      else if (parts.length > 3) return ops.bad('memory operand', text);
    }
  }
  // The address carries its instruction's position, for errors about the value it takes.
  const displaced: Expr = { ...(offset ? bin('+', baseValue, offset) : baseValue), pos: ops.pos };
  if (m[2] === '!') {
    return { addr: displaced, writeback: { reg: base.x, value: displaced } };
  }
  const post = ops.args[i + 1];
  if (post !== undefined && parseImmediate(post) !== null) {
    const step = parseImmediate(post)!;
    return { addr: displaced, writeback: { reg: base.x, value: bin('+', baseValue, konst(step)) } };
  }
  return { addr: displaced, writeback: null };
}

// ------------------------------------------------------------------------- semantics

/** Writes `value` to a destination register: W writes zero-extend, XZR discards. */
function writeRegister(r: GpRegister, value: Expr, pos: SourcePos): Stmt[] {
  if (r.x === null) return [];
  return [{ kind: 'assign', reg: r.x, value: r.word ? cast('zext32', value) : value, pos }];
}

/** Flags of `a - b` (a compare) or `a + b` at the operation's width (see the header). */
function setFlags(a: Expr, b: Expr, subtract: boolean, word: boolean, pos: SourcePos): Stmt[] {
  const signed = (v: Expr) => (word ? cast('sext32', v) : v);
  const assign = (reg: string, value: Expr): Stmt => ({ kind: 'assign', reg, value, pos });
  return [
    assign(FLAG.result, signed(bin(subtract ? '-' : '+', a, b))),
    assign(FLAG.z, bin('==', hidden('result'), konst(0n))),
    assign(FLAG.left, signed(a)),
    assign(FLAG.right, signed(b)),
    assign(FLAG.subtract, konst(subtract ? 1n : 0n)),
    assign(FLAG.mask, konst(word ? 0xffffffffn : -1n)),
    assign(FLAG.explicit, konst(0n)),
  ];
}

/** Flags of a logical result (ANDS, TST, BICS): those of `value + 0`, N and Z from it. */
function setLogicalFlags(value: Expr, word: boolean, pos: SourcePos): Stmt[] {
  return setFlags(value, konst(0n), false, word, pos);
}

/**
 * The tags of an atomic's read and write, as herd7 gives them: both are explicit and
 * atomic (X), the `A` suffix makes the read an acquire, the `L` suffix the write a
 * release. An atomic whose result goes to the zero register reads with NoRet only (a
 * DMB LD does not order it).
 */
function atomicTags(suffix: string, noReturn: boolean): { read: Annot; write: Annot } {
  const read = noReturn ? ['Exp', 'NoRet'] : ['Exp', 'X', ...(suffix.includes('A') ? ['A'] : [])];
  const write = ['Exp', 'X', ...(suffix.includes('L') ? ['L'] : [])];
  return { read, write };
}

/** Width suffix of an atomic (`B`, `H` or none) and the cast of its memory value. */
function atomicWidth(size: string, word: boolean): WidthCast | null {
  if (size === 'B') return 'zext8';
  if (size === 'H') return 'zext16';
  return word ? 'zext32' : null;
}

function lower(cell: InstructionCell): Stmt[] {
  const pos = cell.pos;
  const m = /^(\S+)\s*(.*)$/.exec(cell.text.trim())!;
  const mnemonic = m[1]!.toUpperCase();
  const ops = new Operands(splitOperands(m[2]!), cell);
  const unsupported = (): never => fail(`Unsupported AArch64 instruction '${cell.text}'.`, pos);
  const exp = (annot: Annot): Annot => ['Exp', ...annot];
  const withWriteback = (stmts: Stmt[], mem: MemoryOperand): Stmt[] =>
    mem.writeback
      ? [...stmts, { kind: 'assign', reg: mem.writeback.reg, value: mem.writeback.value, pos }]
      : stmts;

  if (mnemonic === 'NOP') return [];
  if (mnemonic === 'DMB' || mnemonic === 'DSB') {
    ops.arity(1);
    const option = ops.args[0]!.toUpperCase();
    if (!BARRIER_OPTIONS.has(option)) return ops.bad('barrier option', ops.args[0]!);
    return [{ kind: 'fence', annot: [`${mnemonic}.${option}`], pos }];
  }
  if (mnemonic === 'ISB') {
    ops.arity(0, 1);
    return [{ kind: 'fence', annot: ['ISB'], pos }];
  }

  const load = LOADS[mnemonic];
  if (load) {
    ops.arity(2, 3);
    const dst = ops.register(0);
    const mem = memoryOperand(ops, 1);
    // A 32-bit register loads a word; a sign-extending load into a W register extends to
    // 32 bits only (the write then zero-extends).
    const width = load.width ?? (dst.word ? 'zext32' : null);
    const read: Expr = { kind: 'load', annot: exp(load.annot), addr: mem.addr, pos };
    return withWriteback(writeRegister(dst, cast(width, read), pos), mem);
  }
  const store = STORES[mnemonic];
  if (store) {
    ops.arity(2, 3);
    const src = ops.register(0);
    const mem = memoryOperand(ops, 1);
    const width = store.width ?? (src.word ? 'zext32' : null);
    const value = cast(width, readRegister(src));
    return withWriteback(
      [{ kind: 'store', annot: exp(store.annot), addr: mem.addr, value, pos }],
      mem,
    );
  }

  // Ordered pairs: LDIAPP reads, STILP writes, two consecutive elements in order, with
  // acquire-PC and release semantics (LDAP/STLP: acquire and release); a pre-indexed
  // STILP writes the higher element first (herd7 on L082 and L083).
  const ordered = ORDERED_PAIRS[mnemonic];
  if (ordered && ops.args.length >= 3 && ops.args[2]!.startsWith('[')) {
    ops.arity(3, 4);
    const regs = [ops.register(0), ops.register(1)];
    const mem = memoryOperand(ops, 2);
    const size = regs[0]!.word ? 4n : 8n;
    const addrs = [mem.addr, bin('+', mem.addr, konst(size))];
    const reversed = !ordered.load && ops.args[2]!.endsWith('!');
    const order = reversed ? [1, 0] : [0, 1];
    const stmts: Stmt[] = [];
    for (const k of order) {
      const r = regs[k]!;
      if (ordered.load) {
        const read: Expr = { kind: 'load', annot: exp(ordered.annot), addr: addrs[k]!, pos };
        stmts.push(...writeRegister(r, cast(r.word ? 'zext32' : null, read), pos));
      } else {
        const value = cast(r.word ? 'zext32' : null, readRegister(r));
        stmts.push({ kind: 'store', annot: exp(ordered.annot), addr: addrs[k]!, value, pos });
      }
    }
    return withWriteback(stmts, mem);
  }

  // Pairs: LDP/LDNP/LDPSW read two consecutive elements, STP/STNP write them.
  const pair = /^(LD|ST)(N?)P(SW)?$/.exec(mnemonic);
  if (pair) {
    ops.arity(3, 4);
    const first = ops.register(0);
    const second = ops.register(1);
    const mem = memoryOperand(ops, 2);
    const signedWords = pair[3] === 'SW';
    const size = first.word || signedWords ? 4n : 8n;
    const addrs = [mem.addr, bin('+', mem.addr, konst(size))];
    const stmts: Stmt[] = [];
    [first, second].forEach((r, k) => {
      if (pair[1] === 'LD') {
        const read: Expr = { kind: 'load', annot: exp([]), addr: addrs[k]!, pos };
        const width = signedWords ? 'sext32' : r.word ? 'zext32' : null;
        stmts.push(...writeRegister(r, cast(width, read), pos));
      } else {
        const value = cast(r.word ? 'zext32' : null, readRegister(r));
        stmts.push({ kind: 'store', annot: exp([]), addr: addrs[k]!, value, pos });
      }
    });
    return withWriteback(stmts, mem);
  }

  // Exclusives: LD{A}XR{B,H}, ST{L}XR{B,H}.
  const ldx = /^LD(A?)XR([BH]?)$/.exec(mnemonic);
  if (ldx) {
    ops.arity(2);
    const dst = ops.register(0);
    if (dst.x === null) return unsupported();
    const mem = memoryOperand(ops, 1);
    const annot = exp(['X', ...(ldx[1] ? ['A'] : [])]);
    const stmts: Stmt[] = [{ kind: 'loadReserve', reg: dst.x, annot, addr: mem.addr, pos }];
    const width = atomicWidth(ldx[2]!, dst.word);
    if (width)
      stmts.push({
        kind: 'assign',
        reg: dst.x,
        value: cast(width, { kind: 'reg', name: dst.x }),
        pos,
      });
    return stmts;
  }
  const stx = /^ST(L?)XR([BH]?)$/.exec(mnemonic);
  if (stx) {
    ops.arity(3);
    const status = ops.register(0);
    const src = ops.register(1);
    const mem = memoryOperand(ops, 2);
    const annot = exp(['X', ...(stx[1] ? ['L'] : [])]);
    const value = cast(atomicWidth(stx[2]!, src.word), readRegister(src));
    return [
      {
        kind: 'storeConditional',
        status: status.x,
        success: 0,
        annot,
        addr: mem.addr,
        value,
        pos,
      },
    ];
  }

  // Exclusive pairs: LD{A}XP, ST{L}XP, one reservation over two consecutive words, read or
  // written as one single-copy-atomic access (the trace builder relates the two words).
  const ldxp = /^LD(A?)XP$/.exec(mnemonic);
  if (ldxp) {
    ops.arity(3);
    const first = ops.register(0);
    const second = ops.register(1);
    if (first.x === null || second.x === null) return unsupported();
    const mem = memoryOperand(ops, 2);
    const annot = exp(['X', ...(ldxp[1] ? ['A'] : [])]);
    const stmts: Stmt[] = [
      {
        kind: 'loadReserve',
        reg: first.x,
        annot,
        addr: mem.addr,
        second: {
          reg: second.x,
          addr: bin('+', mem.addr, konst(first.word ? 4n : 8n)),
        },
        pos,
      },
    ];
    if (first.word)
      for (const r of [first.x, second.x])
        stmts.push({
          kind: 'assign',
          reg: r,
          value: cast('zext32', { kind: 'reg', name: r }),
          pos,
        });
    return stmts;
  }
  const stxp = /^ST(L?)XP$/.exec(mnemonic);
  if (stxp) {
    ops.arity(4);
    const status = ops.register(0);
    const first = ops.register(1);
    const second = ops.register(2);
    const mem = memoryOperand(ops, 3);
    const annot = exp(['X', ...(stxp[1] ? ['L'] : [])]);
    const width = first.word ? 'zext32' : null;
    return [
      {
        kind: 'storeConditional',
        status: status.x,
        success: 0,
        annot,
        addr: mem.addr,
        value: cast(width, readRegister(first)),
        second: {
          addr: bin('+', mem.addr, konst(first.word ? 4n : 8n)),
          value: cast(width, readRegister(second)),
        },
        pos,
      },
    ];
  }

  // LSE atomics.
  const cas = /^CAS(A?)(L?)([BH]?)$/.exec(mnemonic);
  if (cas) {
    ops.arity(3);
    const expected = ops.register(0);
    const desired = ops.register(1);
    const mem = memoryOperand(ops, 2);
    const width = atomicWidth(cas[3]!, expected.word);
    const noReturn = expected.x === null;
    const tags = atomicTags(cas[1]! + cas[2]!, noReturn);
    const rmw: Expr = {
      kind: 'cmpxchg',
      annot: tags.read,
      writeAnnot: tags.write,
      // A failed compare is a plain read (an acquire for CASA).
      failAnnot: noReturn ? tags.read : ['Exp', ...(cas[1] ? ['A'] : [])],
      addr: mem.addr,
      expected: cast(width, readRegister(expected)),
      desired: cast(width, readRegister(desired)),
      pair: ['rmw', 'amo'],
      dependencyVariants: true,
      pos,
    };
    return expected.x === null
      ? [{ kind: 'eval', value: rmw, pos }]
      : writeRegister(expected, rmw, pos);
  }
  // CASP: a pair of registers compared with, and a pair written to, two consecutive words.
  const casp = /^CASP(A?)(L?)$/.exec(mnemonic);
  if (casp) {
    ops.arity(5);
    const [s0, s1, t0, t1] = [0, 1, 2, 3].map((i) => ops.register(i)) as [
      GpRegister,
      GpRegister,
      GpRegister,
      GpRegister,
    ];
    const mem = memoryOperand(ops, 4);
    const word = s0.word;
    const width = word ? 'zext32' : null;
    const tags = atomicTags(casp[1]! + casp[2]!, false);
    const old = [s0.x, s1.x] as [string | null, string | null];
    const stmts: Stmt[] = [
      {
        kind: 'cmpxchgPair',
        old,
        annot: tags.read,
        writeAnnot: tags.write,
        failAnnot: ['Exp', ...(casp[1] ? ['A'] : [])],
        addr: [mem.addr, bin('+', mem.addr, konst(word ? 4n : 8n))],
        expected: [cast(width, readRegister(s0)), cast(width, readRegister(s1))],
        desired: [cast(width, readRegister(t0)), cast(width, readRegister(t1))],
        pos,
      },
    ];
    // The words read are written back to the compared registers, zero-extended.
    for (const r of old)
      if (r !== null && width)
        stmts.push({ kind: 'assign', reg: r, value: cast(width, { kind: 'reg', name: r }), pos });
    return stmts;
  }
  const swp = /^SWP(A?)(L?)([BH]?)$/.exec(mnemonic);
  if (swp) {
    ops.arity(3);
    const src = ops.register(0);
    const dst = ops.register(1);
    const mem = memoryOperand(ops, 2);
    const width = atomicWidth(swp[3]!, src.word);
    const tags = atomicTags(swp[1]! + swp[2]!, dst.x === null);
    const rmw: Expr = {
      kind: 'xchg',
      annot: tags.read,
      writeAnnot: tags.write,
      addr: mem.addr,
      value: cast(width, readRegister(src)),
      pair: ['rmw', 'amo'],
      pos,
    };
    return dst.x === null ? [{ kind: 'eval', value: rmw, pos }] : writeRegister(dst, rmw, pos);
  }
  const ldop = /^(LD|ST)(ADD|CLR|EOR|SET)(A?)(L?)([BH]?)$/.exec(mnemonic);
  if (ldop) {
    const noReturn = ldop[1] === 'ST';
    if (noReturn && ldop[3] === 'A') return unsupported();
    ops.arity(noReturn ? 2 : 3);
    const src = ops.register(0);
    const dst = noReturn ? null : ops.register(1);
    const mem = memoryOperand(ops, noReturn ? 1 : 2);
    const width = atomicWidth(ldop[5]!, src.word);
    const tags = atomicTags(ldop[3]! + ldop[4]!, dst === null || dst.x === null);
    const rmw: Expr = {
      kind: 'atomicOp',
      annot: tags.read,
      writeAnnot: tags.write,
      addr: mem.addr,
      op: ATOMIC_OPS[ldop[2]!]!,
      operand: cast(width, readRegister(src)),
      ret: 'old',
      pair: ['rmw', 'amo'],
      pos,
    };
    return dst === null || dst.x === null
      ? [{ kind: 'eval', value: rmw, pos }]
      : writeRegister(dst, cast(width, rmw), pos);
  }

  // Branches.
  const bcond = /^B\.([A-Z]{2})$/.exec(mnemonic);
  if (bcond) {
    ops.arity(1);
    const test = conditionHolds(bcond[1]!) ?? unsupported();
    return [{ kind: 'goto', label: ops.args[0]!, test, pos }];
  }
  switch (mnemonic) {
    case 'B':
      ops.arity(1);
      return [{ kind: 'goto', label: ops.args[0]!, pos }];
    // Code addresses: ADR takes one; BL and BLR leave the return address in X30 (the
    // next instruction's label, or one of Ordo's after the call when it has none); BR,
    // BLR and RET continue at an address held in a register.
    case 'ADR': {
      ops.arity(2);
      return writeRegister(ops.register(0), codeAddress(cell.thread, ops.args[1]!), pos);
    }
    case 'BL':
    case 'BLR': {
      ops.arity(1);
      const back = cell.nextLabel ?? `ret.${pos.line}.${pos.col}`;
      // The target is read before X30 is written (BLR X30 calls the old X30).
      const target: Stmt[] =
        mnemonic === 'BL'
          ? [{ kind: 'goto', label: ops.args[0]!, pos }]
          : [
              { kind: 'assign', reg: 'blr.target', value: ops.read(0), pos },
              { kind: 'branchTo', target: { kind: 'reg', name: 'blr.target', pos }, pos },
            ];
      const link: Stmt = {
        kind: 'assign',
        reg: 'X30',
        value: codeAddress(cell.thread, back),
        pos,
      };
      if (mnemonic === 'BLR') target.splice(1, 0, link);
      else target.unshift(link);
      return cell.nextLabel ? target : [...target, { kind: 'label', name: back, pos }];
    }
    case 'BR':
      ops.arity(1);
      return [{ kind: 'branchTo', target: { ...ops.read(0), pos }, pos }];
    case 'RET':
      ops.arity(0, 1);
      return [
        {
          kind: 'branchTo',
          target: { ...(ops.args[0] ? ops.read(0) : { kind: 'reg', name: 'X30' }), pos },
          pos,
        },
      ];
    case 'CBZ':
    case 'CBNZ': {
      ops.arity(2);
      const v = ops.read(0);
      const test = bin(mnemonic === 'CBZ' ? '==' : '!=', v, konst(0n));
      return [{ kind: 'goto', label: ops.args[1]!, test, pos }];
    }
    case 'TBZ':
    case 'TBNZ': {
      ops.arity(3);
      const bit = bin('&', bin('>>>', ops.read(0), konst(ops.immediate(1))), konst(1n));
      const test = bin(mnemonic === 'TBZ' ? '==' : '!=', bit, konst(0n));
      return [{ kind: 'goto', label: ops.args[2]!, test, pos }];
    }
    default:
      break;
  }

  // Moves and arithmetic.
  switch (mnemonic) {
    case 'MOV':
    case 'MOVZ': {
      ops.arity(2, 3);
      const dst = ops.register(0);
      return writeRegister(dst, ops.flexible(1, dst.word), pos);
    }
    case 'MOVN': {
      ops.arity(2, 3);
      const dst = ops.register(0);
      return writeRegister(dst, bin('^', ops.flexible(1, dst.word), konst(-1n)), pos);
    }
    case 'MOVK': {
      ops.arity(2, 3);
      const dst = ops.register(0);
      const shiftText = ops.args[2];
      const shift = shiftText === undefined ? 0n : BigInt(/(\d+)/.exec(shiftText)?.[1] ?? '0');
      const keep = BigInt.asIntN(64, ~(0xffffn << shift));
      const inserted = konst(BigInt.asIntN(64, (ops.immediate(1) & 0xffffn) << shift));
      return writeRegister(dst, bin('|', bin('&', ops.read(0), konst(keep)), inserted), pos);
    }
    case 'MVN': {
      ops.arity(2, 3);
      const dst = ops.register(0);
      return writeRegister(dst, bin('^', ops.flexible(1, dst.word), konst(-1n)), pos);
    }
    case 'NEG':
    case 'NEGS': {
      ops.arity(2, 3);
      const dst = ops.register(0);
      const v = ops.flexible(1, dst.word);
      const flags = mnemonic === 'NEGS' ? setFlags(konst(0n), v, true, dst.word, pos) : [];
      return [...flags, ...writeRegister(dst, bin('-', konst(0n), v), pos)];
    }
    case 'CMP':
    case 'CMN': {
      ops.arity(2, 3);
      const a = ops.register(0);
      return setFlags(readRegister(a), ops.flexible(1, a.word), mnemonic === 'CMP', a.word, pos);
    }
    case 'TST': {
      ops.arity(2, 3);
      const a = ops.register(0);
      return setLogicalFlags(bin('&', readRegister(a), ops.flexible(1, a.word)), a.word, pos);
    }
    case 'ADDS':
    case 'SUBS': {
      ops.arity(3, 4);
      const dst = ops.register(0);
      const a = ops.read(1);
      const b = ops.flexible(2, dst.word);
      const op = mnemonic === 'ADDS' ? '+' : '-';
      return [
        ...setFlags(a, b, op === '-', dst.word, pos),
        ...writeRegister(dst, bin(op, a, b), pos),
      ];
    }
    case 'ANDS':
    case 'BICS': {
      ops.arity(3, 4);
      const dst = ops.register(0);
      const value = bin(mnemonic === 'ANDS' ? '&' : '&~', ops.read(1), ops.flexible(2, dst.word));
      return [...setLogicalFlags(value, dst.word, pos), ...writeRegister(dst, value, pos)];
    }
    case 'ORN':
    case 'EON': {
      ops.arity(3, 4);
      const dst = ops.register(0);
      const inverted = bin('^', ops.flexible(2, dst.word), konst(-1n));
      return writeRegister(dst, bin(mnemonic === 'ORN' ? '|' : '^', ops.read(1), inverted), pos);
    }
    case 'CSEL':
    case 'CSINC':
    case 'CSINV':
    case 'CSNEG': {
      ops.arity(4);
      const dst = ops.register(0);
      const test = conditionHolds(ops.args[3]!) ?? ops.bad('condition', ops.args[3]!);
      const b = ops.read(2);
      const otherwise =
        mnemonic === 'CSEL'
          ? b
          : mnemonic === 'CSINC'
            ? bin('+', b, konst(1n))
            : mnemonic === 'CSINV'
              ? bin('^', b, konst(-1n))
              : bin('-', konst(0n), b);
      // As in herd7, the result depends on the operand selected, not on the flags.
      return [
        {
          kind: 'if',
          test,
          then: writeRegister(dst, ops.read(1), pos),
          else: writeRegister(dst, otherwise, pos),
          pos,
        },
      ];
    }
    case 'CSET':
    case 'CSETM': {
      ops.arity(2);
      const dst = ops.register(0);
      const test = conditionHolds(ops.args[1]!) ?? ops.bad('condition', ops.args[1]!);
      const yes = mnemonic === 'CSET' ? 1n : -1n;
      return [
        {
          kind: 'if',
          test,
          then: writeRegister(dst, konst(yes), pos),
          else: writeRegister(dst, konst(0n), pos),
          pos,
        },
      ];
    }
    case 'SXTW':
    case 'SXTH':
    case 'SXTB':
    case 'UXTH':
    case 'UXTB': {
      ops.arity(2);
      const dst = ops.register(0);
      const bits = mnemonic.endsWith('W') ? '32' : mnemonic.endsWith('H') ? '16' : '8';
      const op = `${mnemonic[0] === 'S' ? 's' : 'z'}ext${bits}` as WidthCast;
      return writeRegister(dst, cast(op, ops.read(1)), pos);
    }
    default:
      break;
  }
  const bits = bitManipulation(mnemonic, ops, pos);
  if (bits) return bits;
  const alu = ALU[mnemonic];
  if (alu !== undefined) {
    ops.arity(3, 4);
    const dst = ops.register(0);
    let a = ops.read(1);
    const b = ops.flexible(2, dst.word);
    // 32-bit shifts and right shifts see only the low word, shift amounts are modulo the width.
    if (alu === '>>' && dst.word) a = cast('sext32', a);
    const isShift = alu === '<<' || alu === '>>' || alu === '>>>';
    const amount = isShift ? bin('&', b, konst(dst.word ? 31n : 63n)) : b;
    return writeRegister(dst, bin(alu, a, amount), pos);
  }
  return unsupported();
}

/** The address of thread `thread`'s instruction at `label`, as a value. */
function codeAddress(thread: number, label: string): Expr {
  return { kind: 'addr', name: codeLabelLocation(thread, label) };
}

/** Branches and ADR: the operand that names a label, by mnemonic (herd7 prints it `.+k`). */
const LABEL_OPERAND: Record<string, number> = {
  B: 0,
  BL: 0,
  ADR: 1,
  CBZ: 1,
  CBNZ: 1,
  TBZ: 2,
  TBNZ: 2,
};

/**
 * An instruction as herd7 prints it as a value: its ordinary spelling with the label a
 * branch or ADR names written as the offset to it (`B .+4`, `ADR X1,.+0`).
 */
function instructionValue(text: string, offsetTo: (label: string) => number | null): string {
  const m = /^(\S+)\s*(.*)$/.exec(text.trim())!;
  const mnemonic = m[1]!.toUpperCase();
  const at = /^B\.[A-Z]{2}$/.test(mnemonic) ? 0 : LABEL_OPERAND[mnemonic];
  const args = splitOperands(m[2]!);
  const offset = at === undefined || args[at] === undefined ? null : offsetTo(args[at]!);
  if (offset !== null) args[at!] = `.${offset < 0 ? '-' : '+'}${Math.abs(offset)}`;
  return aarch64ValueText(`${m[1]} ${args.join(',')}`);
}

const aarch64: AsmDialect = {
  arch: 'AArch64',
  register: aarch64Register,
  lower,
  hashText: aarch64HashText,
  instructionBytes: 4,
  instructionValue,
};

export function parseAarch64Litmus(text: string, file: string): LitmusTest {
  return parseAsmLitmus(text, file, aarch64);
}

/** A mask of the low `n` bits. */
const lowBits = (n: bigint): bigint => (n >= 64n ? -1n : (1n << n) - 1n);

/** `sum over i of ((x >> from(i)) & mask) << to(i)`: moves fields of x around. */
function permute(x: Expr, fields: { from: bigint; to: bigint; width: bigint }[]): Expr {
  return fields
    .map((f) =>
      bin('<<', bin('&', bin('>>>', x, konst(f.from)), konst(lowBits(f.width))), konst(f.to)),
    )
    .reduce((a, b) => bin('|', a, b));
}

/** The byte (or bit) reversals and bit-field, multiply and flag-register instructions. */
function bitManipulation(mnemonic: string, ops: Operands, pos: SourcePos): Stmt[] | null {
  switch (mnemonic) {
    case 'UBFM':
    case 'SBFM': {
      ops.arity(4);
      const dst = ops.register(0);
      const width = dst.word ? 32n : 64n;
      const immr = ops.immediate(2);
      const imms = ops.immediate(3);
      const x = ops.read(1);
      let value: Expr;
      if (mnemonic === 'UBFM') {
        value =
          imms >= immr
            ? bin('&', bin('>>>', x, konst(immr)), konst(lowBits(imms - immr + 1n)))
            : bin('<<', bin('&', x, konst(lowBits(imms + 1n))), konst(width - immr));
      } else {
        // Sign-extend the field by moving its top bit to bit 63 and shifting back.
        const top = konst(63n - imms);
        const field = bin('<<', x, top);
        value =
          imms >= immr
            ? bin('>>', field, konst(63n - imms + immr))
            : bin('<<', bin('>>', field, top), konst(width - immr));
      }
      return writeRegister(dst, value, pos);
    }
    case 'ABS': {
      ops.arity(2);
      const dst = ops.register(0);
      const x = dst.word ? cast('sext32', ops.read(1)) : ops.read(1);
      const negative = bin('<', x, konst(0n));
      // |x| = (x ^ s) - s with s all ones for a negative x, zero otherwise.
      const sign = bin('-', konst(0n), negative);
      return writeRegister(dst, bin('-', bin('^', x, sign), sign), pos);
    }
    case 'REV':
    case 'REV16':
    case 'REV32':
    case 'REV64':
    case 'RBIT': {
      ops.arity(2);
      const dst = ops.register(0);
      const width = dst.word ? 32n : 64n;
      const unit = mnemonic === 'RBIT' ? 1n : 8n;
      const group = mnemonic === 'REV16' ? 16n : mnemonic === 'REV32' ? 32n : width;
      const fields: { from: bigint; to: bigint; width: bigint }[] = [];
      for (let base = 0n; base < width; base += group)
        for (let i = 0n; i < group; i += unit)
          fields.push({ from: base + i, to: base + group - unit - i, width: unit });
      return writeRegister(dst, permute(ops.read(1), fields), pos);
    }
    case 'MADD':
    case 'MSUB':
    case 'MNEG': {
      ops.arity(mnemonic === 'MNEG' ? 3 : 4);
      const dst = ops.register(0);
      const product = bin('*', ops.read(1), ops.read(2));
      const value =
        mnemonic === 'MADD'
          ? bin('+', ops.read(3), product)
          : mnemonic === 'MSUB'
            ? bin('-', ops.read(3), product)
            : bin('-', konst(0n), product);
      return writeRegister(dst, value, pos);
    }
    case 'SMULL':
    case 'UMULL':
    case 'SMNEGL':
    case 'UMNEGL':
    case 'SMADDL':
    case 'UMADDL':
    case 'SMSUBL':
    case 'UMSUBL': {
      const accumulates = /ADDL|SUBL/.test(mnemonic);
      ops.arity(accumulates ? 4 : 3);
      const dst = ops.register(0);
      const extend = mnemonic[0] === 'S' ? 'sext32' : 'zext32';
      const product = bin('*', cast(extend, ops.read(1)), cast(extend, ops.read(2)));
      const value = mnemonic.endsWith('ADDL')
        ? bin('+', ops.read(3), product)
        : mnemonic.endsWith('SUBL')
          ? bin('-', ops.read(3), product)
          : mnemonic.endsWith('NEGL')
            ? bin('-', konst(0n), product)
            : product;
      return writeRegister(dst, value, pos);
    }
    case 'MRS': {
      ops.arity(2);
      if (ops.args[1]!.toUpperCase() !== 'NZCV') return null;
      const at = (f: 'n' | 'z' | 'c' | 'v', bit: bigint) => bin('<<', flag(f), konst(bit));
      const value = bin(
        '|',
        bin('|', at('n', 31n), at('z', 30n)),
        bin('|', at('c', 29n), at('v', 28n)),
      );
      return writeRegister(ops.register(0), value, pos);
    }
    case 'MSR': {
      ops.arity(2);
      if (ops.args[0]!.toUpperCase() !== 'NZCV') return null;
      const x = ops.read(1);
      const bit = (k: bigint): Expr => bin('&', bin('>>>', x, konst(k)), konst(1n));
      const assign = (reg: string, value: Expr): Stmt => ({ kind: 'assign', reg, value, pos });
      return [
        assign(FLAG.n, bit(31n)),
        assign(FLAG.z, bit(30n)),
        assign(FLAG.c, bit(29n)),
        assign(FLAG.v, bit(28n)),
        assign(FLAG.explicit, konst(1n)),
      ];
    }
    default:
      return null;
  }
}
