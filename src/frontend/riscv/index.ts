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
import type { Annot, BinaryOp, Expr, LitmusTest, SourcePos, Stmt } from '../../program/ir.js';
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

const ALU_RRR: Record<string, BinaryOp> = {
  add: '+',
  addw: '+',
  sub: '-',
  subw: '-',
  and: '&',
  or: '|',
  xor: '^',
  sll: '<<',
  sllw: '<<',
  srl: '>>',
  sra: '>>',
  mul: '*',
  slt: '<',
};
const ALU_RRI: Record<string, BinaryOp> = {
  addi: '+',
  addiw: '+',
  andi: '&',
  ori: '|',
  xori: '^',
  slli: '<<',
  slliw: '<<',
  srli: '>>',
  srai: '>>',
  slti: '<',
};
const LOADS = new Set(['lw', 'ld', 'lb', 'lbu', 'lh', 'lhu', 'lwu']);
const STORES = new Set(['sw', 'sd', 'sb', 'sh']);
const AMO_OPS: Record<string, BinaryOp | 'xchg'> = {
  amoswap: 'xchg',
  amoadd: '+',
  amoand: '&',
  amoor: '|',
  amoxor: '^',
};
const BRANCHES: Record<string, BinaryOp> = { beq: '==', bne: '!=', blt: '<', bge: '>=' };

function fail(message: string, pos: SourcePos): never {
  throw new OrdoError(message, pos);
}

const reg = (name: string): Expr =>
  isZero(name) ? { kind: 'const', value: 0 } : { kind: 'reg', name };
const konst = (value: number): Expr => ({ kind: 'const', value });
const bin = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'binop', op, left, right });

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
  const imm = (i: number): number => {
    const t = args[i]!;
    if (!/^-?(0x[0-9a-f]+|\d+)$/i.test(t)) fail(`Bad immediate '${t}' in '${cell.text}'.`, pos);
    return t.startsWith('-') ? -Number(t.slice(1)) : Number(t);
  };
  const memOperand = (i: number): Expr => {
    const d = /^(-?(?:0x[0-9a-f]+|\d+))?\s*\(\s*(\w+)\s*\)$/i.exec(args[i]!);
    if (!d) return fail(`Bad memory operand '${args[i]}' in '${cell.text}'.`, pos);
    const base = riscvRegister(d[2]!) ?? fail(`Bad register '${d[2]}' in '${cell.text}'.`, pos);
    const off = d[1] ? Number(d[1]) : 0;
    return off === 0 ? reg(base) : bin('+', reg(base), konst(off));
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
  if (LOADS.has(mnemonic)) {
    arity(2);
    const readOrder = order === 'Rel' ? null : order;
    return assign(r(0), { kind: 'load', annot: tags(false, readOrder), addr: memOperand(1), pos });
  }
  if (STORES.has(mnemonic)) {
    arity(2);
    const writeOrder = order === 'Acq' ? null : order;
    return [
      { kind: 'store', annot: tags(false, writeOrder), addr: memOperand(1), value: reg(r(0)), pos },
    ];
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
  if (ALU_RRR[mnemonic] !== undefined) {
    arity(3);
    return assign(r(0), bin(ALU_RRR[mnemonic]!, reg(r(1)), reg(r(2))));
  }
  if (ALU_RRI[mnemonic] !== undefined) {
    arity(3);
    return assign(r(0), bin(ALU_RRI[mnemonic]!, reg(r(1)), konst(imm(2))));
  }
  const cond = BRANCHES[mnemonic];
  if (cond !== undefined) {
    arity(3);
    return [{ kind: 'goto', label: args[2]!, test: bin(cond, reg(r(0)), reg(r(1))), pos }];
  }
  switch (mnemonic) {
    case 'li':
      arity(2);
      return assign(r(0), konst(imm(1)));
    case 'lui':
      arity(2);
      return assign(r(0), konst(imm(1) * 4096));
    case 'mv':
    case 'sext':
      arity(2);
      return assign(r(0), reg(r(1)));
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
      ),
};

export function parseRiscvLitmus(text: string, file: string): LitmusTest {
  return parseAsmLitmus(text, file, riscv);
}
