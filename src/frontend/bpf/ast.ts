// BPF assembly as herd7's litmus dialect writes it: the instruction forms Ordo reads and
// writes (the C-to-BPF translator builds these and prints them with `ppInstr`).

import type { SourcePos } from '../../program/ir.js';

/** Register names as herd7 prints them: r0 ... r9, and fp for r10. */
export type Reg = string;

export type Size = 'u8' | 'u16' | 'u32' | 'u64';

/** ALU operators of `rD op= src`. */
export type AluOp = '+=' | '-=' | '*=' | '/=' | '%=' | '&=' | '|=' | '^=' | '<<=' | '>>=';

/** Operators of the atomic instructions (`lock ... op= rS`, `atomic_fetch_op`). */
export type AtomicOp = 'add' | 'and' | 'or' | 'xor';

/** Branch conditions herd7's BPF dialect accepts. */
export type CondOp = '==' | '!=' | '<' | '>=';

/**
 * Ordo's barrier instructions (an extension of herd7's dialect, proposed for the BPF ISA):
 * `smp_mb`, `smp_rmb`, `smp_wmb`, with the meaning of the kernel's fences of those names.
 */
export type BarrierKind = 'mb' | 'rmb' | 'wmb';

/** Helper functions `call` may name (Ordo's extension: herd7's dialect has no call). */
export type HelperName = 'bpf_spin_lock' | 'bpf_spin_unlock';

/** A register or an immediate. */
export type Operand = { reg: Reg } | { imm: number };

/** A memory operand `(rB + OFF)`. */
export interface MemRef {
  base: Reg;
  off: number;
}

export type Instr =
  /** `rD = src` */
  | { kind: 'mov'; dst: Reg; src: Operand; pos?: SourcePos }
  /** `rD op= src` */
  | { kind: 'alu'; op: AluOp; dst: Reg; src: Operand; pos?: SourcePos }
  /** `rD = *(uN *)(rB + OFF)`, or `rD = load_acquire((uN *)(rB + OFF))` */
  | { kind: 'load'; size: Size; dst: Reg; mem: MemRef; acquire: boolean; pos?: SourcePos }
  /** `*(uN *)(rB + OFF) = src`, or `store_release((uN *)(rB + OFF), rS)` */
  | { kind: 'store'; size: Size; mem: MemRef; src: Operand; release: boolean; pos?: SourcePos }
  /**
   * `lock *(uN *)(rB + OFF) op= rS` (fetch false), or
   * `rD = atomic_fetch_op((uN *)(rB + OFF), rS)` (fetch true: the old value goes to rS;
   * herd7 ignores rD, which the dialect writes equal to rS).
   */
  | {
      kind: 'atomic';
      op: AtomicOp;
      size: Size;
      mem: MemRef;
      src: Reg;
      fetch: boolean;
      dst?: Reg;
      pos?: SourcePos;
    }
  /** `rS = xchg_64(rB + OFF, rS)` / `xchg_32_32`: the old value goes to rS. */
  | { kind: 'xchg'; size: 'u32' | 'u64'; mem: MemRef; src: Reg; dst?: Reg; pos?: SourcePos }
  /** `r0 = cmpxchg_64(rB + OFF, r0, rS)` / `cmpxchg32_32`: compares with r0, returns the old value in r0. */
  | {
      kind: 'cmpxchg';
      size: 'u32' | 'u64';
      mem: MemRef;
      src: Reg;
      dst?: Reg;
      expected?: Reg;
      pos?: SourcePos;
    }
  /** `smp_mb`, `smp_rmb`, `smp_wmb` */
  | { kind: 'barrier'; barrier: BarrierKind; pos?: SourcePos }
  /** `call bpf_spin_lock` / `call bpf_spin_unlock`: the lock's address in r1, 0 back in r0. */
  | { kind: 'call'; helper: HelperName; pos?: SourcePos }
  | { kind: 'goto'; label: string; pos?: SourcePos }
  /** `if rX op src goto L` */
  | { kind: 'jcond'; cond: CondOp; left: Reg; right: Operand; label: string; pos?: SourcePos };

/** One cell of a thread's column: optional labels, then an optional instruction. */
export interface Cell {
  labels: { name: string; pos: SourcePos }[];
  instr: Instr | null;
}

// ------------------------------------------------------------------------- printing

function ppOperand(o: Operand): string {
  return 'reg' in o ? o.reg : String(o.imm);
}

function ppOff(off: number): string {
  return off < 0 ? `- ${-off}` : `+ ${off}`;
}

function ppMem(m: MemRef): string {
  return `(${m.base} ${ppOff(m.off)})`;
}

/** The instruction in the dialect's usual spelling (as the catalogue tests write it). */
export function ppInstr(i: Instr): string {
  switch (i.kind) {
    case 'mov':
      return `${i.dst} = ${ppOperand(i.src)}`;
    case 'alu':
      return `${i.dst} ${i.op} ${ppOperand(i.src)}`;
    case 'load':
      return i.acquire
        ? `${i.dst} = load_acquire((${i.size} *)${ppMem(i.mem)})`
        : `${i.dst} = *(${i.size} *)${ppMem(i.mem)}`;
    case 'store':
      return i.release
        ? `store_release((${i.size} *)${ppMem(i.mem)}, ${ppOperand(i.src)})`
        : `*(${i.size} *)${ppMem(i.mem)} = ${ppOperand(i.src)}`;
    case 'atomic': {
      if (!i.fetch) {
        const op = { add: '+=', and: '&=', or: '|=', xor: '^=' }[i.op];
        return `lock *(${i.size} *)${ppMem(i.mem)} ${op} ${i.src}`;
      }
      return `${i.dst ?? i.src} = atomic_fetch_${i.op}((${i.size} *)${ppMem(i.mem)}, ${i.src})`;
    }
    case 'xchg':
      return `${i.dst ?? i.src} = ${i.size === 'u64' ? 'xchg_64' : 'xchg_32_32'}(${i.mem.base} ${ppOff(i.mem.off)}, ${i.src})`;
    case 'cmpxchg':
      return `${i.dst ?? 'r0'} = ${i.size === 'u64' ? 'cmpxchg_64' : 'cmpxchg32_32'}(${i.mem.base} ${ppOff(i.mem.off)}, ${i.expected ?? 'r0'}, ${i.src})`;
    case 'barrier':
      return `smp_${i.barrier}`;
    case 'call':
      return `call ${i.helper}`;
    case 'goto':
      return `goto ${i.label}`;
    case 'jcond':
      return `if ${i.left} ${i.cond} ${ppOperand(i.right)} goto ${i.label}`;
  }
}

const WIDTH: Record<Size, string> = { u8: '8', u16: '16', u32: '32', u64: '64' };

/**
 * The instruction as herd7 prints it for its digest of a test (`Hash=`): spacing differs
 * from the dialect's (`*(u32 *) (r1 + 0)` for a load), the old value of an atomic goes to
 * its source register, and `label` renames branch targets.
 */
export function ppInstrHerd(i: Instr, label: (name: string) => string): string {
  const w = (s: Size) => WIDTH[s];
  switch (i.kind) {
    case 'mov':
      return `${i.dst} = ${ppOperand(i.src)}`;
    case 'alu':
      return `${i.dst} ${i.op} ${ppOperand(i.src)}`;
    case 'load':
      return i.acquire
        ? `${i.dst} = load_acquire((u${w(i.size)} *) ${ppMem(i.mem)})`
        : `${i.dst} = *(u${w(i.size)} *) ${ppMem(i.mem)}`;
    case 'store':
      return i.release
        ? `store_release ((u${w(i.size)} *)${ppMem(i.mem)}, ${ppOperand(i.src)})`
        : `*(u${w(i.size)} *)${ppMem(i.mem)} = ${ppOperand(i.src)}`;
    case 'atomic': {
      if (!i.fetch) {
        const op = { add: '+=', and: '&=', or: '|=', xor: '^=' }[i.op];
        return `lock *(u${w(i.size)} *)${ppMem(i.mem)} ${op} ${i.src}`;
      }
      return `${i.src} = atomic_fetch_${i.op}((u${w(i.size)} *)${ppMem(i.mem)}, ${i.src})`;
    }
    case 'xchg':
      return `${i.src} = ${i.size === 'u64' ? 'xchg_64' : 'xchg32_32'}(${i.mem.base} ${ppOff(i.mem.off)}, ${i.src})`;
    case 'cmpxchg':
      return `r0 = ${i.size === 'u64' ? 'cmpxchg_64' : 'cmpxchg32_32'}(${i.mem.base} ${ppOff(i.mem.off)}, r0, ${i.src})`;
    case 'barrier':
      // Not herd7's: its BPF dialect has no barrier instruction (such a test is refused
      // by herd7 anyway); the spelling only has to be stable.
      return `smp_${i.barrier}`;
    case 'call':
      return `call ${i.helper}`;
    case 'goto':
      return `goto ${label(i.label)}`;
    case 'jcond':
      return `if ${i.left} ${i.cond} ${ppOperand(i.right)} goto ${label(i.label)}`;
  }
}

/**
 * Each thread's code as herd7 writes it for its digest: labels renamed L00, L01, ... in
 * the sorted order of all the test's label names, a label on a line of its own, empty
 * cells dropped.
 */
export function herdHashCode(columns: Cell[][]): string[][] {
  const names = new Set<string>();
  for (const column of columns)
    for (const cell of column) {
      for (const l of cell.labels) names.add(l.name);
      if (cell.instr && (cell.instr.kind === 'goto' || cell.instr.kind === 'jcond'))
        names.add(cell.instr.label);
    }
  const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const renamed = new Map(sorted.map((n, k) => [n, `L${String(k).padStart(2, '0')}`]));
  const label = (n: string) => renamed.get(n)!;
  return columns.map((column) =>
    column.flatMap((cell) => [
      ...cell.labels.map((l) => `${label(l.name)}:`),
      ...(cell.instr ? [ppInstrHerd(cell.instr, label)] : []),
    ]),
  );
}

export function ppCell(c: Cell): string {
  const parts = c.labels.map((l) => `${l.name}:`);
  if (c.instr) parts.push(ppInstr(c.instr));
  return parts.join(' ');
}

/**
 * Lay threads out as herd7's column format: a `P0 | P1 ;` header, then one row per
 * instruction index, cells padded so the `|` line up.
 */
export function ppColumns(threads: string[][]): string {
  const rows = Math.max(0, ...threads.map((t) => t.length));
  const header = threads.map((_, i) => `P${i}`);
  const widths = threads.map((t, i) => Math.max(header[i]!.length, ...t.map((s) => s.length)));
  const line = (cells: string[]) =>
    ' ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' ;';
  const out = [line(header)];
  for (let r = 0; r < rows; r++) out.push(line(threads.map((t) => t[r] ?? '')));
  return out.join('\n');
}
