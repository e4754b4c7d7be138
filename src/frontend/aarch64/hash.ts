// How herd7 spells an AArch64 instruction in the text it digests for `Hash=`: it parses
// the instruction and prints it back in its compatibility form. Registers are upper
// case, operands are separated by bare commas, immediates are `#` and a decimal number,
// zero offsets and zero shifts are dropped, and a post-indexed address is `[Xn]#k`.
// An instruction printed as a value uses the same spelling but for the two places where
// the compatibility form differs (ADR, LDXP).

import { splitOperands, SYMBOLIC_REGISTER } from '../litmus/asm.js';

const REGISTER = /^(?:[XW](?:[12]?\d|30)|XZR|WZR|W?SP)$/i;

/** `#imm` as herd7 prints it (decimal), or null when `text` is no immediate. */
function immediate(text: string): string | null {
  const t = text.trim().replace(/^#/, '');
  if (!/^[-+]?(0x[0-9a-f]+|\d+)$/i.test(t)) return null;
  const v = BigInt(t.replace(/^[-+]/, ''));
  return `#${t.startsWith('-') ? -v : v}`;
}

function isZero(imm: string | null): boolean {
  return imm === '#0';
}

/** `LSL #k`, `SXTW`, `UXTW #2`... with herd7's spelling; `LSL 0` and friends kept as parsed. */
function modifier(text: string): { op: string; amount: string | null } {
  const m = /^([A-Za-z]+)(?:\s+(#?[-+]?\w+)|\s*(#[-+]?\w+))?$/.exec(text.trim());
  if (!m) return { op: text.trim(), amount: null };
  const amount = m[2] ?? m[3];
  return { op: m[1]!.toUpperCase(), amount: amount === undefined ? null : immediate(amount) };
}

/**
 * An address operand, with the post-index immediate that may follow it, joined to the
 * brackets by `postJoin` (nothing in the digest, a comma in herd7's ordinary printer).
 */
function address(text: string, post: string | undefined, postJoin: string): string {
  const m = /^\[(.*)\](!?)$/.exec(text.trim());
  if (!m) return text;
  const parts = m[1]!.split(',').map((p) => p.trim());
  const base = parts[0]!.toUpperCase();
  if (post !== undefined) return `[${base}]${postJoin}${immediate(post) ?? post}`;
  if (parts.length === 1) return `[${base}]`;
  const offset = immediate(parts[1]!);
  if (offset !== null) {
    if (m[2] === '!') return `[${base},${offset}]!`;
    return isZero(offset) ? `[${base}]` : `[${base},${offset}]`;
  }
  const index = parts[1]!.toUpperCase();
  if (parts.length === 2) return `[${base},${index}]`;
  const { op, amount } = modifier(parts[2]!);
  if (amount === null || isZero(amount))
    return op === 'LSL' ? `[${base},${index}]` : `[${base},${index},${op}]`;
  return `[${base},${index},${op} ${amount}]`;
}

/** The condition a CSINC/CSINV with two zero registers tests, inverted (CSET's). */
const INVERSE: Record<string, string> = {
  EQ: 'NE',
  NE: 'EQ',
  CS: 'CC',
  HS: 'CC',
  CC: 'CS',
  LO: 'CS',
  MI: 'PL',
  PL: 'MI',
  VS: 'VC',
  VC: 'VS',
  HI: 'LS',
  LS: 'HI',
  GE: 'LT',
  LT: 'GE',
  GT: 'LE',
  LE: 'GT',
};

/** herd7's spelling of one AArch64 instruction in the text it digests, from its text. */
export function aarch64HashText(text: string): string {
  return spelling(text, true);
}

/**
 * herd7's spelling of an instruction printed as a value (`instr:"ADR X1,.+0"`): its
 * ordinary printer, which differs from the digest's compatibility one for ADR, LDXP,
 * post-indexed addresses (`[X1],#4`) and NEG.
 */
export function aarch64ValueText(text: string): string {
  return spelling(text, false);
}

function spelling(text: string, digest: boolean): string {
  const m = /^(\S+)\s*(.*)$/.exec(text.trim());
  if (!m) return text;
  const mnemonic = m[1]!.toUpperCase();
  const args = splitOperands(m[2]!);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('[')) {
      const next = args[i + 1];
      const post = next !== undefined && immediate(next) !== null ? next : undefined;
      // In the digest, a pair's post-indexed address is printed after a space.
      const pairPost = digest && post !== undefined && /^(LD|ST)N?P(SW)?$/.test(mnemonic);
      out.push((pairPost ? ' ' : '') + address(a, post, digest ? '' : ','));
      if (post !== undefined) i++;
      continue;
    }
    if (REGISTER.test(a)) {
      out.push(a.toUpperCase());
      continue;
    }
    // A symbolic register is printed with the width of the instruction's first register.
    if (SYMBOLIC_REGISTER.test(a)) {
      out.push(`${out[0]?.startsWith('W') ? 'W' : 'X'}${a}`);
      continue;
    }
    const imm = immediate(a);
    if (imm !== null) {
      out.push(imm);
      continue;
    }
    const mod = modifier(a);
    if (/^(LSL|LSR|ASR|ROR|[SU]XT[BHWX])$/.test(mod.op)) {
      if (mod.amount === null) out.push(mod.op);
      else if (WIDE_MOVES.has(mnemonic)) {
        // herd7 joins a wide move's shift with one comma too many, and keeps it when zero.
        out.push(`,${mod.op} ${mod.amount}`);
      } else if (!(isZero(mod.amount) && /^(LSL|LSR|ASR|ROR)$/.test(mod.op))) {
        // A zero shift of an operand (register or immediate) is not printed.
        out.push(`${mod.op} ${mod.amount}`);
      }
      continue;
    }
    out.push(/^[A-Za-z]{2}$/.test(a) ? a.toUpperCase() : a);
  }
  // CSINC/CSINV Rd,ZR,ZR,cond are CSET/CSETM Rd,inverse(cond).
  if ((mnemonic === 'CSINC' || mnemonic === 'CSINV') && out.length === 4) {
    if (/ZR$/.test(out[1]!) && /ZR$/.test(out[2]!) && INVERSE[out[3]!]) {
      return `${mnemonic === 'CSINC' ? 'CSET' : 'CSETM'} ${out[0]},${INVERSE[out[3]!]}`;
    }
  }
  if (mnemonic === 'LDUR') return `LDUR ${out.join(', ')}`;
  // herd7's compatibility printer, the digest's, calls ADR `ADDR` and prints an exclusive
  // pair load's first register as a W register, whatever its width.
  if (digest && mnemonic === 'ADR') return `ADDR ${out.join(',')}`;
  if (digest && (mnemonic === 'LDXP' || mnemonic === 'LDAXP') && out.length >= 1)
    return `${mnemonic} ${[out[0]!.replace(/^X(ZR|\d+)$/, 'W$1'), ...out.slice(1)].join(',')}`;
  // The bit-field moves print their registers as X registers, whatever the width.
  if (mnemonic === 'UBFM' || mnemonic === 'SBFM')
    return `${mnemonic} ${out.map((o) => o.replace(/^W(ZR|\d+)$/, 'X$1')).join(',')}`;
  // herd7 reads these aliases as the instruction they stand for and prints that; its
  // ordinary printer (values) prints a subtraction from ZR back as NEG.
  if (mnemonic === 'REV64') return `REV ${out.join(',')}`;
  if (mnemonic === 'SUBS' && out.length >= 3 && /^[XW]ZR$/.test(out[0]!))
    return `CMP ${out.slice(1).join(',')}`;
  const negated = (mnemonic === 'SUB' || mnemonic === 'SUBS') && out.length >= 3;
  if (!digest && negated && /^[XW]ZR$/.test(out[1]!) && REGISTER.test(out[2]!))
    return `${mnemonic === 'SUB' ? 'NEG' : 'NEGS'} ${[out[0], ...out.slice(2)].join(',')}`;
  const negation = mnemonic === 'NEG' || mnemonic === 'NEGS';
  if (digest && negation && out.length >= 2 && REGISTER.test(out[1]!))
    return `${mnemonic === 'NEG' ? 'SUB' : 'SUBS'} ${out[0]},${out[0]!.startsWith('W') ? 'WZR' : 'XZR'},${out.slice(1).join(',')}`;
  return out.length === 0 ? mnemonic : `${mnemonic} ${out.join(',')}`;
}

/** The wide moves, whose optional shift herd7 prints after an extra comma. */
const WIDE_MOVES = new Set(['MOVZ', 'MOVN', 'MOVK']);
