// The architectures Ordo reads, one record each: everything the rest of the pipeline
// needs to know about an architecture lives here (its litmus front-end, its default
// model, the event sets and relations herd7 defines for it). Adding an architecture is
// adding its front-end folder under src/frontend/ and its record below.

import { join } from 'node:path';
import { OrdoError } from '../diagnostics.js';
import type { EventKind } from '../events/traces.js';
import type { LitmusTest } from '../program/ir.js';
import { parseBpfLitmus } from '../frontend/bpf/index.js';
import { parseCLitmus, type MacroTable } from '../frontend/c/index.js';
import { parseX86Litmus, parseX86_64Litmus } from '../frontend/x86/index.js';
import { parsePpcLitmus } from '../frontend/ppc/index.js';
import { parseRiscvLitmus } from '../frontend/riscv/index.js';
import { BARRIER_OPTIONS, parseAarch64Litmus } from '../frontend/aarch64/index.js';
import { modelsDir } from './paths.js';

/** What a front-end may need besides the text: the C macro table of the run. */
export interface ParseContext {
  macros: MacroTable;
}

export interface Architecture {
  /** The first word of a litmus file of this architecture. */
  name: string;
  parse(text: string, file: string, context: ParseContext): LitmusTest;
  /** Ordo's own model for it (a .cfg or .cat file), used when no model is given. */
  defaultModel: string;
  /**
   * Event sets herd7 defines for this architecture even when no event is in them, so a
   * model may use them unguarded: annotation tags and fence sets.
   */
  sets: readonly string[];
  /** herd7's order of this architecture's registers in a report (default: by name). */
  compareRegisters?: (a: string, b: string) => number;
  /** Sets an event of each kind belongs to, besides the universal R, W, M and F. */
  kindSets: Partial<Record<EventKind, readonly string[]>>;
  /**
   * Ordo's extensions of herd7's dialect: the event set each extension's events are in,
   * and the instruction as written. herd7's own model for the architecture never names
   * these sets, so it would silently ignore the events; a test using one is refused
   * under a model that does not name its set.
   */
  extensions?: readonly { set: string; instruction: string }[];
}

/** The lock and SRCU events of the C dialect, as herd7's LKMM bell file names them. */
const C_KIND_SETS: Architecture['kindSets'] = {
  LKR: ['LKR', 'LK'],
  LKW: ['LKW', 'LK'],
  UL: ['UL'],
  LF: ['LF'],
  RL: ['RL'],
  RU: ['RU'],
  SRCU: ['SRCU'],
};

/** Annotation and fence sets of herd7's x86 architectures. */
const X86_SETS = ['X', 'NT', 'MFENCE', 'SFENCE', 'LFENCE'];

export const ARCHITECTURES: readonly Architecture[] = [
  {
    name: 'C',
    parse: (text, file, context) => parseCLitmus(text, file, context.macros),
    defaultModel: join(modelsDir, 'lkmm', 'lkmm.cfg'),
    sets: ['RMW', 'LKR', 'LKW', 'LK', 'UL', 'LF', 'RL', 'RU', 'SRCU'],
    kindSets: C_KIND_SETS,
  },
  {
    name: 'BPF',
    parse: (text, file) => parseBpfLitmus(text, file),
    defaultModel: join(modelsDir, 'bpf', 'bpf.cfg'),
    // herd7's BPF tags; bpf.cat uses SC and AQ unguarded.
    sets: ['RMW', 'SC', 'AQ', 'RL', 'X'],
    kindSets: {},
    extensions: [
      { set: 'MB', instruction: 'smp_mb' },
      { set: 'RMB', instruction: 'smp_rmb' },
      { set: 'WMB', instruction: 'smp_wmb' },
      { set: 'LOCK', instruction: 'call bpf_spin_lock' },
      { set: 'UNLOCK', instruction: 'call bpf_spin_unlock' },
    ],
  },
  {
    name: 'X86_64',
    parse: (text, file) => parseX86_64Litmus(text, file),
    defaultModel: join(modelsDir, 'x86', 'x86-tso.cat'),
    sets: X86_SETS,
    kindSets: {},
  },
  {
    name: 'X86',
    parse: (text, file) => parseX86Litmus(text, file),
    defaultModel: join(modelsDir, 'x86', 'x86-tso.cat'),
    sets: X86_SETS,
    kindSets: {},
  },
  {
    name: 'PPC',
    parse: (text, file) => parsePpcLitmus(text, file),
    defaultModel: join(modelsDir, 'ppc', 'power.cat'),
    // herd7's PPC fence sets and atomic tag; EX (exclusives) is empty, as herd7 has it.
    sets: ['SYNC', 'LWSYNC', 'ISYNC', 'EIEIO', 'X', 'EX'],
    compareRegisters: (a, b) => Number(a.slice(1)) - Number(b.slice(1)),
    kindSets: {},
  },
  {
    name: 'RISCV',
    parse: (text, file) => parseRiscvLitmus(text, file),
    defaultModel: join(modelsDir, 'riscv', 'rvwmo.cat'),
    // herd7's RISCV tags and fence sets; EX (exclusives) is empty, as herd7 has it.
    sets: [
      'X',
      'Acq',
      'Rel',
      'AcqRel',
      'Sc',
      'EX',
      ...['r', 'w', 'rw'].flatMap((p) => ['r', 'w', 'rw'].map((s) => `Fence.${p}.${s}`)),
      'Fence.tso',
      'Fence.i',
    ],
    compareRegisters: (a, b) => Number(a.slice(1)) - Number(b.slice(1)),
    kindSets: {},
  },
  {
    name: 'AArch64',
    parse: (text, file) => parseAarch64Litmus(text, file),
    defaultModel: join(modelsDir, 'aarch64', 'armv8.cat'),
    // herd7's AArch64 tags and barrier sets. Every access Ordo makes is explicit (Exp);
    // NExp (implicit accesses: translation walks, tag reads, instruction fetches) is empty.
    sets: [
      'Exp',
      'NExp',
      'A',
      'L',
      'Q',
      'X',
      'NoRet',
      'ISB',
      // Events of instructions and features Ordo does not model (cache and TLB
      // maintenance, memory tagging, faults, exceptions), empty sets as in herd7's
      // runs of tests without them; herd's aarch64.cat names them.
      ...['DC.CVAU', 'IC.IALLUIS', 'IC.IALLU', 'IC.IVAU', 'TLBI', 'TLBInXS', 'TLBIIS'],
      ...['T', 'TagCheck', 'FAULT', 'EXC-ENTRY', 'EXC-RET'],
      ...['DMB', 'DSB'].flatMap((kind) =>
        [...BARRIER_OPTIONS].map((option) => `${kind}.${option}`),
      ),
    ],
    // herd7 lists the zero register first, then X0..X30, then SP.
    compareRegisters: (a, b) => aarch64RegisterRank(a) - aarch64RegisterRank(b),
    kindSets: {},
  },
];

function aarch64RegisterRank(name: string): number {
  if (name === 'XZR') return -1;
  if (name === 'SP') return 31;
  return Number(name.slice(1));
}

const BY_NAME = new Map(ARCHITECTURES.map((a) => [a.name, a]));

/** The architecture named by the first word of a litmus file: 'C', 'BPF', 'X86_64', ... */
export function architectureName(text: string): string {
  const m = /^\s*(\S+)/.exec(text.replace(/^\uFEFF/, ''));
  return m ? m[1]! : '';
}

/** The record of a supported architecture, or undefined. */
export function findArchitecture(name: string): Architecture | undefined {
  return BY_NAME.get(name);
}

/** The record of the architecture of `text`; an error at the file's start when unsupported. */
export function architectureOf(text: string, file: string): Architecture {
  const name = architectureName(text);
  const arch = BY_NAME.get(name);
  if (arch) return arch;
  throw new OrdoError(
    name === ''
      ? 'Empty litmus file: expected a first line `ARCH name`.'
      : `unsupported litmus architecture ${name}`,
    { file, line: 1, col: 1 },
  );
}

/** The sets every architecture defines: herd7's universal event sets. */
export const UNIVERSAL_SETS = ['_', 'R', 'W', 'M', 'F', 'IW'] as const;
