// RISC-V litmus front-end: herd7's `RISCV` dialect (`lw x7,0(x8)`, `sw.rl x7,0(x8)`,
// `fence rw,rw`, `lr.w`/`sc.w`, `amoswap.w.aq`).
//
// What the model sees, as in herd7's RISCV architecture:
//   loads and stores               plain reads and writes; `.aq` tags Acq, `.rl` Rel,
//                                  `.aqrl` AcqRel
//   lr / sc                        a reservation pair tagged X (and the ordering tag);
//                                  sc writes 0 to its status register on success, 1 when
//                                  it fails (it may always fail)
//   amo<op>                        a read and a write tagged X, related by rmw and amo;
//                                  `.aq` tags the read Acq, `.rl` the write Rel
//   fence P,S / fence.tso / fence.i
//                                  a fence event in Fence.P.S (P, S among r, w, rw; the
//                                  i/o bits are dropped), Fence.tso, Fence.i
// x0 reads as zero and ignores writes.

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
import { parseAsmLitmus, type AsmDialect, type InstructionCell } from '../litmus/asm.js';

const ABI_NAMES = [
  'zero',
  'ra',
  'sp',
  'gp',
  'tp',
  't0',
  't1',
  't2',
  's0',
  's1',
  'a0',
  'a1',
  'a2',
  'a3',
  'a4',
  'a5',
  'a6',
  'a7',
  's2',
  's3',
  's4',
  's5',
  's6',
  's7',
  's8',
  's9',
  's10',
  's11',
  't3',
  't4',
  't5',
  't6',
];

/** Registers print as herd7 prints them, by number: `a0` is `x10`, `fp` (`s0`) `x8`. */
function riscvRegister(name: string): string | null {
  const n = name.toLowerCase();
  const m = /^x(\d+)$/.exec(n);
  if (m) return Number(m[1]) < 32 ? `x${Number(m[1])}` : null;
  const k = ABI_NAMES.indexOf(n === 'fp' ? 's0' : n);
  return k < 0 ? null : `x${k}`;
}

const isZero = (r: string) => r === 'x0';

/** Register-register operations: the operator and whether it is a 32-bit (`w`) form. */
const ALU_RRR: Record<string, [BinaryOp, boolean]> = {
  add: ['+', false],
  addw: ['+', true],
  sub: ['-', false],
  subw: ['-', true],
  and: ['&', false],
  or: ['|', false],
  xor: ['^', false],
  sll: ['<<', false],
  sllw: ['<<', true],
  srl: ['>>>', false],
  srlw: ['>>>', true],
  sra: ['>>', false],
  sraw: ['>>', true],
  mul: ['*', false],
  mulw: ['*', true],
  slt: ['<', false],
  sltu: ['<u', false],
};
const ALU_RRI: Record<string, [BinaryOp, boolean]> = {
  addi: ['+', false],
  addiw: ['+', true],
  andi: ['&', false],
  ori: ['|', false],
  xori: ['^', false],
  slli: ['<<', false],
  slliw: ['<<', true],
  srli: ['>>>', false],
  srliw: ['>>>', true],
  srai: ['>>', false],
  sraiw: ['>>', true],
  slti: ['<', false],
  sltiu: ['<u', false],
};
/** Loads: the width they read and how they extend it to 64 bits (null: a 64-bit load). */
const LOADS: Record<string, WidthCast | null> = {
  lb: 'sext8',
  lbu: 'zext8',
  lh: 'sext16',
  lhu: 'zext16',
  lw: 'sext32',
  lwu: 'zext32',
  ld: null,
};
/** Stores: the width of the value they write (null: all 64 bits). */
const STORES: Record<string, WidthCast | null> = {
  sb: 'zext8',
  sh: 'zext16',
  sw: 'zext32',
  sd: null,
};
const AMO_OPS: Record<string, BinaryOp | 'xchg'> = {
  amoswap: 'xchg',
  amoadd: '+',
  amoand: '&',
  amoor: '|',
  amoxor: '^',
};
const BRANCHES: Record<string, BinaryOp> = {
  beq: '==',
  bne: '!=',
  blt: '<',
  bge: '>=',
  bltu: '<u',
};

function fail(message: string, pos: SourcePos): never {
  throw new OrdoError(message, pos);
}

const reg = (name: string): Expr =>
  isZero(name) ? { kind: 'const', value: 0n } : { kind: 'reg', name };
const konst = (value: bigint): Expr => ({ kind: 'const', value });
const bin = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'binop', op, left, right });
const cast = (op: WidthCast | null, arg: Expr): Expr => (op ? { kind: 'unop', op, arg } : arg);

/**
 * A 32-bit (`w`) operation: computed on the low 32 bits of its operands (zero-extended
 * for a logical shift right), its result sign-extended to 64 bits.
 */
function word(op: BinaryOp, left: Expr, right: Expr): Expr {
  const l = op === '>>>' ? cast('zext32', left) : op === '>>' ? cast('sext32', left) : left;
  return cast(
    'sext32',
    bin(op, l, op === '<<' || op === '>>' || op === '>>>' ? bin('&', right, konst(31n)) : right),
  );
}

/** The ordering tag of a `.aq`/`.rl`/`.aqrl` suffix. */
function orderingOf(suffix: string[]): 'Acq' | 'Rel' | 'AcqRel' | null {
  const aq = suffix.includes('aq');
  const rl = suffix.includes('rl');
  if (suffix.includes('aqrl') || (aq && rl)) return 'AcqRel';
  return aq ? 'Acq' : rl ? 'Rel' : null;
}

/** The access set of one side of a fence: `r`, `w` or `rw` (device bits dropped). */
function fenceSide(text: string, cell: InstructionCell): string {
  const t = text.toLowerCase().replace(/[io]/g, '');
  if (t === 'r' || t === 'w' || t === 'rw') return t;
  return fail(`Bad fence set '${text}' in '${cell.text}'.`, cell.pos);
}

function lower(cell: InstructionCell): Stmt[] {
  const pos = cell.pos;
  const m = /^(\S+)\s*(.*)$/.exec(cell.text.trim())!;
  const parts = m[1]!.toLowerCase().split('.');
  const args = m[2]!.trim() === '' ? [] : m[2]!.split(',').map((a) => a.trim());
  const unsupported = (): never => fail(`Unsupported RISCV instruction '${cell.text}'.`, pos);
  const arity = (n: number) => {
    if (args.length !== n) fail(`'${m[1]}' takes ${n} operands in '${cell.text}'.`, pos);
  };
  const r = (i: number): string =>
    riscvRegister(args[i]!) ?? fail(`Bad register '${args[i]}' in '${cell.text}'.`, pos);
  const imm = (i: number): bigint => {
    const t = args[i]!;
    if (!/^-?(0x[0-9a-f]+|\d+)$/i.test(t)) fail(`Bad immediate '${t}' in '${cell.text}'.`, pos);
    return BigInt.asIntN(64, t.startsWith('-') ? -BigInt(t.slice(1)) : BigInt(t));
  };
  const memOperand = (i: number): Expr => {
    const d = /^(-?(?:0x[0-9a-f]+|\d+))?\s*\(\s*(\w+)\s*\)$/i.exec(args[i]!);
    if (!d) return fail(`Bad memory operand '${args[i]}' in '${cell.text}'.`, pos);
    const base = riscvRegister(d[2]!) ?? fail(`Bad register '${d[2]}' in '${cell.text}'.`, pos);
    const off = d[1]
      ? BigInt.asIntN(64, BigInt(d[1].replace(/^-/, '')) * (d[1].startsWith('-') ? -1n : 1n))
      : 0n;
    // The address carries its instruction's position, for errors about the value it takes.
    return { ...(off === 0n ? reg(base) : bin('+', reg(base), konst(off))), pos };
  };
  const assign = (dst: string, value: Expr): Stmt[] =>
    isZero(dst) ? [] : [{ kind: 'assign', reg: dst, value, pos }];
  const mnemonic = parts[0]!;
  const suffix = parts.slice(1);
  const order = orderingOf(suffix);
  const tags = (atomic: boolean, o: string | null): Annot => [
    ...(atomic ? ['X'] : []),
    ...(o ? [o] : []),
  ];

  if (mnemonic === 'nop') return [];
  if (mnemonic === 'fence') {
    if (suffix[0] === 'tso') return [{ kind: 'fence', annot: ['Fence.tso'], pos }];
    if (suffix[0] === 'i') return [{ kind: 'fence', annot: ['Fence.i'], pos }];
    const [pred, succ] = args.length === 0 ? ['rw', 'rw'] : [args[0]!, args[1] ?? ''];
    return [
      { kind: 'fence', annot: [`Fence.${fenceSide(pred, cell)}.${fenceSide(succ, cell)}`], pos },
    ];
  }
  const loadWidth = LOADS[mnemonic];
  if (loadWidth !== undefined) {
    arity(2);
    const readOrder = order === 'Rel' ? null : order;
    const load: Expr = { kind: 'load', annot: tags(false, readOrder), addr: memOperand(1), pos };
    return assign(r(0), cast(loadWidth, load));
  }
  const storeWidth = STORES[mnemonic];
  if (storeWidth !== undefined) {
    arity(2);
    const writeOrder = order === 'Acq' ? null : order;
    const value = cast(storeWidth, reg(r(0)));
    return [{ kind: 'store', annot: tags(false, writeOrder), addr: memOperand(1), value, pos }];
  }
  if (mnemonic === 'lr') {
    arity(2);
    return [{ kind: 'loadReserve', reg: r(0), annot: tags(true, order), addr: memOperand(1), pos }];
  }
  if (mnemonic === 'sc') {
    arity(3);
    const status = r(0);
    return [
      {
        kind: 'storeConditional',
        status: isZero(status) ? null : status,
        success: 0,
        annot: tags(true, order),
        addr: memOperand(2),
        value: reg(r(1)),
        pos,
      },
    ];
  }
  const amoOp = AMO_OPS[mnemonic];
  if (amoOp !== undefined) {
    arity(3);
    // herd7 gives the read the acquire side of the ordering and the write the release side.
    const readOrder = order === 'Rel' ? null : order;
    const writeOrder = order === 'Acq' ? null : order;
    const value = reg(r(1));
    const addr = memOperand(2);
    const read = tags(true, readOrder);
    const write = tags(true, writeOrder);
    const rmw: Expr =
      amoOp === 'xchg'
        ? { kind: 'xchg', annot: read, writeAnnot: write, addr, value, pair: ['rmw', 'amo'], pos }
        : {
            kind: 'atomicOp',
            annot: read,
            writeAnnot: write,
            addr,
            op: amoOp,
            operand: value,
            ret: 'old',
            pair: ['rmw', 'amo'],
            pos,
          };
    const dst = r(0);
    return isZero(dst) ? [{ kind: 'eval', value: rmw, pos }] : assign(dst, rmw);
  }
  const rrr = ALU_RRR[mnemonic];
  if (rrr !== undefined) {
    arity(3);
    const [op, w] = rrr;
    return assign(r(0), (w ? word : bin)(op, reg(r(1)), reg(r(2))));
  }
  const rri = ALU_RRI[mnemonic];
  if (rri !== undefined) {
    arity(3);
    const [op, w] = rri;
    return assign(r(0), (w ? word : bin)(op, reg(r(1)), konst(imm(2))));
  }
  const cond = BRANCHES[mnemonic];
  if (cond !== undefined) {
    arity(3);
    return [{ kind: 'goto', label: args[2]!, test: bin(cond, reg(r(0)), reg(r(1))), pos }];
  }
  if (mnemonic === 'bgeu') {
    arity(3);
    return [{ kind: 'goto', label: args[2]!, test: bin('<=u', reg(r(1)), reg(r(0))), pos }];
  }
  // The compare-with-zero branches (beqz, bnez, bltz, bgez, ...), as the JITs write them.
  const zeroCond = BRANCHES[mnemonic.replace(/z$/, '')];
  if (zeroCond !== undefined && mnemonic.endsWith('z')) {
    arity(2);
    return [{ kind: 'goto', label: args[1]!, test: bin(zeroCond, reg(r(0)), konst(0n)), pos }];
  }
  switch (mnemonic) {
    case 'li':
      arity(2);
      return assign(r(0), konst(imm(1)));
    case 'lui':
      arity(2);
      return assign(r(0), konst(BigInt.asIntN(32, imm(1) << 12n)));
    case 'mv':
      arity(2);
      return assign(r(0), reg(r(1)));
    case 'sext':
      arity(2);
      if (suffix[0] !== 'w') return unsupported();
      return assign(r(0), cast('sext32', reg(r(1))));
    case 'neg':
      arity(2);
      return assign(r(0), bin('-', konst(0n), reg(r(1))));
    case 'not':
      arity(2);
      return assign(r(0), bin('^', reg(r(1)), konst(-1n)));
    case 'j':
      arity(1);
      return [{ kind: 'goto', label: args[0]!, pos }];
    default:
      return unsupported();
  }
}

const riscv: AsmDialect = {
  arch: 'RISCV',
  register: riscvRegister,
  lower,
  // herd7 prints registers by number and operands without spaces after the commas.
  hashText: (text) =>
    text
      .replace(/\s*,\s*/g, ',')
      .replace(/^\S+/, (mnemonic) => mnemonic.toLowerCase())
      .replace(/\b[a-z]\w*\b/gi, (word, offset: number) =>
        offset === 0 ? word : (riscvRegister(word) ?? word),
      )
      // lr/sc print their address with a zero displacement (AMOs do not).
      .replace(/^((?:lr|sc)\S*\s.*,)\(/, '$10('),
};

export function parseRiscvLitmus(text: string, file: string): LitmusTest {
  return parseAsmLitmus(text, file, riscv);
}
