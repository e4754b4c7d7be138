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
// from. Comparisons write the hidden condition-register bit `cr0.eq` and the values compared,
// from which a branch computes `cr0.lt` and `cr0.gt`.

import { OrdoError } from '../../diagnostics.js';
import type { BinaryOp, Expr, LitmusTest, SourcePos, Stmt, WidthCast } from '../../program/ir.js';
import {
  parseAsmLitmus,
  SYMBOLIC_REGISTER,
  type AsmDialect,
  type InstructionCell,
} from '../litmus/asm.js';

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
  sld: '<<',
  srd: '>>>',
  srad: '>>',
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
/** Each load's width and how it extends to 64 bits (`z` zero, `a` algebraic); null: 64 bits. */
const LOAD_WIDTH: Record<string, WidthCast | null> = {
  lbz: 'zext8',
  lhz: 'zext16',
  lha: 'sext16',
  lwz: 'zext32',
  lwa: 'sext32',
  ld: null,
};
/** Each store's width: the low bits of the register it writes; null: 64 bits. */
const STORE_WIDTH: Record<string, WidthCast | null> = {
  stb: 'zext8',
  sth: 'zext16',
  stw: 'zext32',
  std: null,
};

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
  if (SYMBOLIC_REGISTER.test(name)) return name;
  const m = /^r(\d+)$/i.exec(name);
  return m && Number(m[1]) < 32 ? `r${Number(m[1])}` : null;
}

function fail(message: string, pos: SourcePos): never {
  throw new OrdoError(message, pos);
}

const reg = (name: string): Expr => ({ kind: 'reg', name });
const konst = (value: bigint): Expr => ({ kind: 'const', value });
const cast = (op: WidthCast | null, arg: Expr): Expr => (op ? { kind: 'unop', op, arg } : arg);
const bin = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'binop', op, left, right });

/**
 * The 64-bit mask of rlwinm/rlwimi: bits mb+32..me+32 set, bit 0 being the most
 * significant (IBM numbering), wrapping around when mb > me.
 */
function mask64(mb: number, me: number): bigint {
  let m = 0n;
  const [b, e] = [mb + 32, me + 32];
  for (let i = 0; i < 64; i++) {
    const inRange = b <= e ? i >= b && i <= e : i >= b || i <= e;
    if (inRange) m |= 1n << BigInt(63 - i);
  }
  return BigInt.asIntN(64, m);
}

/** ROTL32 of the low word of v, as Power defines it: the rotated word in both halves. */
function rotl32(v: Expr, sh: number): Expr {
  const low = cast('zext32', v);
  const rotated =
    sh === 0
      ? low
      : cast(
          'zext32',
          bin('|', bin('<<', low, konst(BigInt(sh))), bin('>>>', low, konst(BigInt(32 - sh)))),
        );
  return bin('|', rotated, bin('<<', rotated, konst(32n)));
}

function lower(cell: InstructionCell): Stmt[] {
  const pos = cell.pos;
  const m = /^(\S+)\s*(.*)$/.exec(cell.text.trim())!;
  // A branch-prediction hint (`bne-`, `beq+`) does not change what the branch does.
  const mnemonic = m[1]!.toLowerCase().replace(/^(b\w*)[+-]$/, '$1');
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
  const imm = (i: number): bigint => {
    const t = args[i]!;
    if (!/^-?(0x[0-9a-f]+|\d+)$/i.test(t)) fail(`Bad immediate '${t}' in '${cell.text}'.`, pos);
    return BigInt.asIntN(64, t.startsWith('-') ? -BigInt(t.slice(1)) : BigInt(t));
  };
  const small = (i: number): number => Number(imm(i));
  // Addresses carry their instruction's position, for errors about the value they take.
  /** `d(rA)` as an address expression. */
  const displaced = (i: number): Expr => {
    const d = /^(-?(?:0x[0-9a-f]+|\d+))\((r\d+|%\w+)\)$/i.exec(args[i]!);
    if (!d) return fail(`Bad memory operand '${args[i]}' in '${cell.text}'.`, pos);
    const base = ppcRegister(d[2]!) ?? fail(`Bad register '${d[2]}' in '${cell.text}'.`, pos);
    const off = BigInt.asIntN(64, d[1]!.startsWith('-') ? -BigInt(d[1]!.slice(1)) : BigInt(d[1]!));
    return { ...(off === 0n ? reg(base) : bin('+', reg(base), konst(off))), pos };
  };
  /** `rA,rB` as an address expression. */
  const indexedAt = (i: number): Expr => ({ ...bin('+', reg(r(i)), reg(r(i + 1))), pos });
  const assign = (dst: string, value: Expr): Stmt => ({ kind: 'assign', reg: dst, value, pos });
  // cr0.lt and cr0.gt are computed by the branch that reads them, from the two values
  // compared: an address can be compared for equality only (a NULL check of a pointer).
  const compare = (a: Expr, b: Expr): Stmt[] => [
    assign('cr0.eq', bin('==', a, b)),
    assign('cr0.left', a),
    assign('cr0.right', b),
  ];

  if (mnemonic === 'nop') return [];
  if (FENCES[mnemonic] !== undefined) {
    arity(0);
    return [{ kind: 'fence', annot: [FENCES[mnemonic]!], pos }];
  }
  // `lwzx rD,rA,rB` is the indexed form of `lwz`.
  const indexed = /x$/.test(mnemonic);
  const access = indexed ? mnemonic.slice(0, -1) : mnemonic;
  const loadWidth = access in LOAD_WIDTH ? LOAD_WIDTH[access] : undefined;
  if (loadWidth !== undefined) {
    arity(indexed ? 3 : 2);
    const addr = args.length === 3 ? indexedAt(1) : displaced(1);
    return [assign(r(0), cast(loadWidth, { kind: 'load', annot: [], addr, pos }))];
  }
  const storeWidth = access in STORE_WIDTH ? STORE_WIDTH[access] : undefined;
  if (storeWidth !== undefined) {
    arity(indexed ? 3 : 2);
    const addr = args.length === 3 ? indexedAt(1) : displaced(1);
    return [{ kind: 'store', annot: [], addr, value: cast(storeWidth, reg(r(0))), pos }];
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
    const bit =
      branch.bit === 'eq'
        ? reg('cr0.eq')
        : bin(branch.bit === 'lt' ? '<' : '>', reg('cr0.left'), reg('cr0.right'));
    const test: Expr = branch.when ? bit : { kind: 'unop', op: '!', arg: bit };
    return [{ kind: 'goto', label: args[0]!, test, pos }];
  }
  switch (mnemonic) {
    case 'li':
      arity(2);
      return [assign(r(0), konst(imm(1)))];
    case 'lis':
      arity(2);
      return [assign(r(0), konst(BigInt.asIntN(32, imm(1) << 16n)))];
    case 'addis':
      arity(3);
      return [assign(r(0), bin('+', reg(r(1)), konst(BigInt.asIntN(32, imm(2) << 16n))))];
    case 'slw':
      arity(3);
      return [assign(r(0), cast('zext32', bin('<<', reg(r(1)), bin('&', reg(r(2)), konst(63n)))))];
    case 'srw':
      arity(3);
      return [assign(r(0), bin('>>>', cast('zext32', reg(r(1))), bin('&', reg(r(2)), konst(63n))))];
    case 'extsb':
      arity(2);
      return [assign(r(0), cast('sext8', reg(r(1))))];
    case 'extsh':
      arity(2);
      return [assign(r(0), cast('sext16', reg(r(1))))];
    case 'subf':
      arity(3);
      return [assign(r(0), bin('-', reg(r(2)), reg(r(1))))];
    case 'mr':
      arity(2);
      return [assign(r(0), reg(r(1)))];
    case 'extsw':
      arity(2);
      return [assign(r(0), cast('sext32', reg(r(1))))];
    case 'clrldi': {
      arity(3);
      const n = small(2);
      if (n < 0 || n > 63) return unsupported();
      return [
        assign(r(0), bin('&', reg(r(1)), konst(BigInt.asIntN(64, (1n << BigInt(64 - n)) - 1n)))),
      ];
    }
    case 'rlwinm': {
      arity(5);
      const rotated = rotl32(reg(r(1)), small(2));
      return [assign(r(0), bin('&', rotated, konst(mask64(small(3), small(4)))))];
    }
    case 'rlwimi': {
      // Rotate and insert under the mask, keeping rA's other bits.
      arity(5);
      const m = mask64(small(3), small(4));
      const rotated = rotl32(reg(r(1)), small(2));
      return [assign(r(0), bin('|', bin('&', rotated, konst(m)), bin('&', reg(r(0)), konst(~m))))];
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
          addr: indexedAt(1),
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
          addr: indexedAt(1),
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
  hashText: (text) =>
    /^exts[bhw]\b/.test(text)
      ? // herd7 prints the sign extensions with a space after the comma (checked on A008).
        text.replace(/\s*,\s*/g, ', ')
      : text
          .replace(/\s*,\s*/g, ',')
          .replace(/^(b(?:eq|ne|lt|ge|gt|le))\s+/, '$1  ')
          // hwsync is sync, which herd7 prints by that name (checked on A002).
          .replace(/^hwsync$/, 'sync')
          // herd7 prints the rotate-and-mask instructions with a space before the mask's
          // first bit: `rlwinm r3,r4,5, 0,31` (checked on A011, A013, A014).
          .replace(/^(rlwi(?:nm|mi)\s+[^,]*,[^,]*,[^,]*),/, '$1, '),
};

export function parsePpcLitmus(text: string, file: string): LitmusTest {
  return parseAsmLitmus(text, file, ppc);
}
