// JIT mappings: what a kernel BPF JIT emits for each BPF instruction, as data
// (models/jit/*.jit). This file reads one mapping file; the format is documented in the
// README ("ordo jit-check") and in the shipped files' headers.
//
//   arch riscv64                      header keys, one per line
//   register r1 x10                   BPF register -> the target's register
//   load u32:                         an entry: an operation and its variants ...
//       lwu {dst},0({base})           ... then the target instructions, indented

import { OrdoError } from '../diagnostics.js';
import type { SourcePos } from '../program/ir.js';

/** One slot of an entry's key: the values it covers (`add,and` or `u32`). */
export type KeySlot = readonly string[];

export interface MappingLine {
  text: string;
  pos: SourcePos;
}

export interface MappingEntry {
  /** The operation: `load`, `atomic_fetch`, `smp_mb`, ... */
  operation: string;
  slots: KeySlot[];
  body: MappingLine[];
  pos: SourcePos;
}

export interface Mapping {
  /** The name `--mapping` selects: the file's name without `.jit`. */
  name: string;
  file: string;
  /** The architecture `--arch` names: x86_64, arm64, riscv64, ppc64. */
  arch: string;
  /** The first word of the lowered litmus test (X86_64, AArch64, RISCV, PPC). */
  litmus: string;
  kernel: string;
  source: string;
  summary: string;
  /** BPF register (r0..r9, fp) -> the target's register as herd prints it. */
  registers: Map<string, string>;
  /** A target register no JIT uses, set to 1 when a thread never had to retry. */
  successFlag: string | null;
  entries: MappingEntry[];
}

/** The operations an entry may describe, and the slots each one's key has. */
const OPERATIONS: Record<string, readonly (readonly string[])[]> = {
  mov: [['reg', 'imm']],
  alu: [
    ['add', 'sub', 'mul', 'div', 'mod', 'and', 'or', 'xor', 'lsh', 'rsh'],
    ['reg', 'imm'],
  ],
  load: [['u8', 'u16', 'u32', 'u64']],
  store: [
    ['u8', 'u16', 'u32', 'u64'],
    ['reg', 'imm'],
  ],
  load_acquire: [['u8', 'u16', 'u32', 'u64']],
  store_release: [['u8', 'u16', 'u32', 'u64']],
  atomic: [
    ['add', 'and', 'or', 'xor'],
    ['u32', 'u64'],
  ],
  atomic_fetch: [
    ['add', 'and', 'or', 'xor'],
    ['u32', 'u64'],
  ],
  xchg: [['u32', 'u64']],
  cmpxchg: [['u32', 'u64']],
  smp_mb: [],
  smp_rmb: [],
  smp_wmb: [],
  bpf_spin_lock: [],
  bpf_spin_unlock: [],
  goto: [],
  if: [
    ['==', '!=', '<', '>='],
    ['reg', 'imm'],
  ],
};

/**
 * Placeholders an instruction template may use. A register placeholder may end in `:w`:
 * the 32-bit view of the register (AArch64's W3 for X3).
 */
export const PLACEHOLDERS = new Set([
  'dst',
  'src',
  'base',
  'imm',
  'label',
  'left',
  'right',
  'r0',
  'r1',
  'op',
  'retry',
  'done',
  'L1',
  'L2',
  'L3',
]);

const HEADER_KEYS = ['arch', 'litmus', 'kernel', 'source', 'summary'] as const;
const BPF_REGISTERS = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'fp'];

/** Reads a mapping file's text; every error names FILE:LINE:COL. */
export function parseMapping(text: string, file: string, name: string): Mapping {
  const fail: (message: string, line: number, col: number) => never = (message, line, col) => {
    throw new OrdoError(message, { file, line, col });
  };
  const header = new Map<string, string>();
  const registers = new Map<string, string>();
  let successFlag: string | null = null;
  const entries: MappingEntry[] = [];
  let current: MappingEntry | null = null;
  const lines = text.split('\n');
  for (const [k, raw] of lines.entries()) {
    const lineNo = k + 1;
    const noComment = raw.replace(/\s+#.*$/, '').replace(/^#.*$/, '');
    if (noComment.trim() === '') continue;
    const indent = /^\s*/.exec(noComment)![0].length;
    if (indent > 0) {
      if (!current)
        fail('An indented instruction outside an entry (start one with `OPERATION:`).', lineNo, 1);
      const text = noComment.trim();
      for (const m of text.matchAll(/\{([^}]*)\}/g)) {
        if (!PLACEHOLDERS.has(m[1]!.replace(/:w$/, '')))
          fail(
            `Unknown placeholder {${m[1]}}; known: ${[...PLACEHOLDERS].map((p) => `{${p}}`).join(' ')}.`,
            lineNo,
            indent + m.index + 1,
          );
      }
      current.body.push({
        text: text === '(none)' ? '' : text,
        pos: { file, line: lineNo, col: indent + 1 },
      });
      continue;
    }
    current = null;
    const words = noComment.trim().split(/\s+/);
    const key = words[0]!;
    if (key.endsWith(':') || words[words.length - 1]!.endsWith(':')) {
      current = entryHeader(noComment.trim(), lineNo, fail, file);
      for (const e of entries) {
        if (overlaps(e, current))
          fail(
            `This entry covers instructions that the entry at line ${e.pos.line} already covers.`,
            lineNo,
            1,
          );
      }
      entries.push(current);
      continue;
    }
    const value = noComment.trim().slice(key.length).trim();
    if ((HEADER_KEYS as readonly string[]).includes(key)) {
      if (header.has(key)) fail(`'${key}' is given twice.`, lineNo, 1);
      if (value === '') fail(`'${key}' needs a value.`, lineNo, key.length + 1);
      header.set(key, value);
      continue;
    }
    if (key === 'register') {
      const [bpf, target, extra] = words.slice(1);
      if (!bpf || !target || extra !== undefined)
        fail('Expected `register BPF_REGISTER TARGET_REGISTER`.', lineNo, 1);
      if (!BPF_REGISTERS.includes(bpf))
        fail(`'${bpf}' is not a BPF register (r0 to r9, fp).`, lineNo, raw.indexOf(bpf) + 1);
      if (registers.has(bpf)) fail(`Register ${bpf} is mapped twice.`, lineNo, 1);
      registers.set(bpf, target);
      continue;
    }
    if (key === 'success-flag') {
      if (words.length !== 2) fail('Expected `success-flag TARGET_REGISTER`.', lineNo, 1);
      successFlag = words[1]!;
      continue;
    }
    fail(
      `Unknown key '${key}': expected ${[...HEADER_KEYS, 'register', 'success-flag'].join(', ')} or an entry \`OPERATION ...:\`.`,
      lineNo,
      1,
    );
  }
  for (const k of HEADER_KEYS) if (!header.has(k)) fail(`The mapping has no '${k}' line.`, 1, 1);
  for (const e of entries)
    if (e.body.length === 0)
      fail(
        'This entry has no instructions (indent them below it; write (none) for none).',
        e.pos.line,
        1,
      );
  const used = new Set(
    entries.flatMap((e) => e.body.flatMap((l) => [...l.text.matchAll(/\{retry\}/g)])),
  );
  if (used.size > 0 && successFlag === null)
    fail('The mapping uses {retry} but names no success-flag register.', 1, 1);
  return {
    name,
    file,
    arch: header.get('arch')!,
    litmus: header.get('litmus')!,
    kernel: header.get('kernel')!,
    source: header.get('source')!,
    summary: header.get('summary')!,
    registers,
    successFlag,
    entries,
  };
}

function entryHeader(
  text: string,
  line: number,
  fail: (m: string, l: number, c: number) => never,
  file: string,
): MappingEntry {
  if (!text.endsWith(':')) fail("An entry's first line ends with ':'.", line, text.length);
  const words = text.slice(0, -1).trim().split(/\s+/);
  const operation = words[0]!;
  const shape = OPERATIONS[operation];
  if (!shape)
    fail(
      `Unknown BPF operation '${operation}'; known: ${Object.keys(OPERATIONS).join(', ')}.`,
      line,
      1,
    );
  const args = words.slice(1);
  if (args.length !== shape.length)
    fail(
      `'${operation}' takes ${shape.length} argument${shape.length === 1 ? '' : 's'} (${shape.map((s) => s.join('|')).join(' ')}), not ${args.length}.`,
      line,
      1,
    );
  const slots = args.map((a, i) => {
    const values = a.split(',');
    for (const v of values)
      if (!shape[i]!.includes(v))
        fail(
          `'${v}' is not one of ${shape[i]!.join(', ')} in '${operation}'.`,
          line,
          text.indexOf(a) + 1,
        );
    return values;
  });
  return { operation, slots, body: [], pos: { file, line, col: 1 } };
}

function overlaps(a: MappingEntry, b: MappingEntry): boolean {
  return (
    a.operation === b.operation && a.slots.every((s, i) => s.some((v) => b.slots[i]!.includes(v)))
  );
}

/** The entry covering an instruction's key (`['atomic_fetch', 'add', 'u32']`), if any. */
export function findEntry(mapping: Mapping, key: readonly string[]): MappingEntry | undefined {
  return mapping.entries.find(
    (e) => e.operation === key[0] && e.slots.every((s, i) => s.includes(key[i + 1]!)),
  );
}
