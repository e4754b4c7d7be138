// Power litmus front-end: herd7's `PPC` dialect (`lwz r1,0(r2)`, `stwx r4,r3,r5`,
// `lwsync`, `cmpw r1,r1` / `beq L`).
//
// What the model sees, as in herd7's PPC architecture:
//   loads and stores (any size)      plain reads and writes, no tag
//   lwarx / stwcx. (ldarx / stdcx.)  a reservation pair tagged X, related by rmw when the
//                                    store succeeds (cr0.eq = 1); it may always fail
//   sync (hwsync), lwsync, isync, eieio
//                                    a fence event in SYNC, LWSYNC, ISYNC, EIEIO
// A branch makes every later event control-dependent on the reads its condition came
// from. Comparisons write the hidden condition-register bits `cr0.lt`, `cr0.gt`, `cr0.eq`.

import { OrdoError } from '../../diagnostics.js';
import type { BinaryOp, Expr, LitmusTest, SourcePos, Stmt } from '../../program/ir.js';
import { parseAsmLitmus, type AsmDialect, type InstructionCell } from '../litmus/asm.js';

const FENCES: Record<string, string> = {
  sync: 'SYNC',
  hwsync: 'SYNC',
  lwsync: 'LWSYNC',
  isync: 'ISYNC',
  eieio: 'EIEIO',
};

/** Register-register ALU instructions: `op rD,rA,rB`. */
const ALU_RRR: Record<string, BinaryOp> = {
  add: '+',
  sub: '-',
  mullw: '*',
  mulld: '*',
  divw: '/',
  divd: '/',
  and: '&',
  or: '|',
  xor: '^',
  slw: '<<',
  srw: '>>',
  sld: '<<',
  srd: '>>',
};

/** Immediate ALU instructions: `op rD,rA,imm`. */
const ALU_RRI: Record<string, BinaryOp> = {
  addi: '+',
  mulli: '*',
  ori: '|',
  xori: '^',
  'andi.': '&',
};

/** Loads: register-indirect with displacement (`d(rA)`) or indexed (`rA,rB`). */
const LOADS = new Set(['lwz', 'lwa', 'ld', 'lbz', 'lhz', 'lha']);
const LOADS_X = new Set(['lwzx', 'lwax', 'ldx', 'lbzx', 'lhzx', 'lhax']);
const STORES = new Set(['stw', 'std', 'stb', 'sth']);
const STORES_X = new Set(['stwx', 'stdx', 'stbx', 'sthx']);

/** Conditional branches and the condition-register bit each tests (and whether set or clear). */
const BRANCHES: Record<string, { bit: 'lt' | 'gt' | 'eq'; when: boolean }> = {
  beq: { bit: 'eq', when: true },
  bne: { bit: 'eq', when: false },
  blt: { bit: 'lt', when: true },
  bge: { bit: 'lt', when: false },
  bgt: { bit: 'gt', when: true },
  ble: { bit: 'gt', when: false },
};

function ppcRegister(name: string): string | null {
  const m = /^r(\d+)$/i.exec(name);
  return m && Number(m[1]) < 32 ? `r${Number(m[1])}` : null;
}

function fail(message: string, pos: SourcePos): never {
  throw new OrdoError(message, pos);
}

const reg = (name: string): Expr => ({ kind: 'reg', name });
const konst = (value: number): Expr => ({ kind: 'const', value });
const bin = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'binop', op, left, right });

/** A 32-bit mask with bits mb..me set, bit 0 being the most significant (IBM numbering). */
function mask32(mb: number, me: number): number {
  let m = 0;
  for (let i = 0; i < 32; i++) {
    const inRange = mb <= me ? i >= mb && i <= me : i >= mb || i <= me;
    if (inRange) m |= 1 << (31 - i);
  }
  return m >>> 0;
}

/** `rotl32(v, sh)` as an expression on the low 32 bits of v. */
function rotl32(v: Expr, sh: number): Expr {
  const low = bin('&', v, konst(0xffffffff));
  if (sh === 0) return low;
  return bin(
    '&',
    bin('|', bin('<<', low, konst(sh)), bin('>>', low, konst(32 - sh))),
    konst(0xffffffff),
  );
}

function lower(cell: InstructionCell): Stmt[] {
  const pos = cell.pos;
  const m = /^(\S+)\s*(.*)$/.exec(cell.text.trim())!;
  const mnemonic = m[1]!.toLowerCase();
  const args = m[2]!.trim() === '' ? [] : m[2]!.split(',').map((a) => a.trim());
  const unsupported = (): never => fail(`Unsupported PPC instruction '${cell.text}'.`, pos);
  const arity = (n: number) => {
    if (args.length !== n)
      fail(`'${mnemonic}' takes ${n} operand${n === 1 ? '' : 's'} in '${cell.text}'.`, pos);
  };
  const r = (i: number): string => {
    const name = ppcRegister(args[i]!);
    return name ?? fail(`Bad register '${args[i]}' in '${cell.text}'.`, pos);
  };
  const imm = (i: number): number => {
    const t = args[i]!;
    if (!/^-?(0x[0-9a-f]+|\d+)$/i.test(t)) fail(`Bad immediate '${t}' in '${cell.text}'.`, pos);
    return t.startsWith('-') ? -Number(t.slice(1)) : Number(t);
  };
  /** `d(rA)` as an address expression. */
  const displaced = (i: number): Expr => {
    const d = /^(-?(?:0x[0-9a-f]+|\d+))\((r\d+)\)$/i.exec(args[i]!);
    if (!d) return fail(`Bad memory operand '${args[i]}' in '${cell.text}'.`, pos);
    const base = ppcRegister(d[2]!) ?? fail(`Bad register '${d[2]}' in '${cell.text}'.`, pos);
    const off = Number(d[1]);
    return off === 0 ? reg(base) : bin('+', reg(base), konst(off));
  };
  const assign = (dst: string, value: Expr): Stmt => ({ kind: 'assign', reg: dst, value, pos });
  const compare = (a: Expr, b: Expr): Stmt[] => [
    assign('cr0.lt', bin('<', a, b)),
    assign('cr0.gt', bin('>', a, b)),
    assign('cr0.eq', bin('==', a, b)),
  ];

  if (mnemonic === 'nop') return [];
  if (FENCES[mnemonic] !== undefined) {
    arity(0);
    return [{ kind: 'fence', annot: [FENCES[mnemonic]!], pos }];
  }
  if (LOADS.has(mnemonic)) {
    arity(2);
    return [assign(r(0), { kind: 'load', annot: [], addr: displaced(1), pos })];
  }
  if (LOADS_X.has(mnemonic)) {
    arity(3);
    return [assign(r(0), { kind: 'load', annot: [], addr: bin('+', reg(r(1)), reg(r(2))), pos })];
  }
  if (STORES.has(mnemonic)) {
    arity(2);
    return [{ kind: 'store', annot: [], addr: displaced(1), value: reg(r(0)), pos }];
  }
  if (STORES_X.has(mnemonic)) {
    arity(3);
    const addr = bin('+', reg(r(1)), reg(r(2)));
    return [{ kind: 'store', annot: [], addr, value: reg(r(0)), pos }];
  }
  if (ALU_RRR[mnemonic] !== undefined) {
    arity(3);
    return [assign(r(0), bin(ALU_RRR[mnemonic]!, reg(r(1)), reg(r(2))))];
  }
  if (ALU_RRI[mnemonic] !== undefined) {
    arity(3);
    return [assign(r(0), bin(ALU_RRI[mnemonic]!, reg(r(1)), konst(imm(2))))];
  }
  const branch = BRANCHES[mnemonic];
  if (branch) {
    arity(1);
    const bit = reg(`cr0.${branch.bit}`);
    const test: Expr = branch.when ? bit : { kind: 'unop', op: '!', arg: bit };
    return [{ kind: 'goto', label: args[0]!, test, pos }];
  }
  switch (mnemonic) {
    case 'li':
      arity(2);
      return [assign(r(0), konst(imm(1)))];
    case 'lis':
      arity(2);
      return [assign(r(0), konst(imm(1) * 65536))];
    case 'addis':
      arity(3);
      return [assign(r(0), bin('+', reg(r(1)), konst(imm(2) * 65536)))];
    case 'subf':
      arity(3);
      return [assign(r(0), bin('-', reg(r(2)), reg(r(1))))];
    case 'mr':
      arity(2);
      return [assign(r(0), reg(r(1)))];
    case 'extsw':
      arity(2);
      // Values are kept as signed numbers already: sign extension keeps them.
      return [assign(r(0), reg(r(1)))];
    case 'clrldi': {
      arity(3);
      const n = imm(2);
      if (n !== 32) return unsupported();
      return [assign(r(0), bin('&', reg(r(1)), konst(0xffffffff)))];
    }
    case 'rlwinm': {
      arity(5);
      const rotated = rotl32(reg(r(1)), imm(2));
      return [assign(r(0), bin('&', rotated, konst(mask32(imm(3), imm(4)))))];
    }
    case 'cmpw':
    case 'cmpd':
    case 'cmplw':
    case 'cmpld':
      arity(2);
      return compare(reg(r(0)), reg(r(1)));
    case 'cmpwi':
    case 'cmpdi':
    case 'cmplwi':
    case 'cmpldi':
      arity(2);
      return compare(reg(r(0)), konst(imm(1)));
    case 'b':
      arity(1);
      return [{ kind: 'goto', label: args[0]!, pos }];
    case 'lwarx':
    case 'ldarx': {
      arity(3);
      return [
        {
          kind: 'loadReserve',
          reg: r(0),
          annot: ['X'],
          addr: bin('+', reg(r(1)), reg(r(2))),
          pos,
        },
      ];
    }
    case 'stwcx.':
    case 'stdcx.': {
      arity(3);
      return [
        {
          kind: 'storeConditional',
          status: 'cr0.eq',
          success: 1,
          annot: ['X'],
          addr: bin('+', reg(r(1)), reg(r(2))),
          value: reg(r(0)),
          pos,
        },
      ];
    }
    default:
      return unsupported();
  }
}

const ppc: AsmDialect = {
  arch: 'PPC',
  register: ppcRegister,
  lower,
  // herd7 prints operands without spaces after the commas, and two spaces after a
  // conditional branch's mnemonic.
  hashText: (text) => text.replace(/\s*,\s*/g, ',').replace(/^(b(?:eq|ne|lt|ge|gt|le))\s+/, '$1  '),
};

export function parsePpcLitmus(text: string, file: string): LitmusTest {
  return parseAsmLitmus(text, file, ppc);
}
