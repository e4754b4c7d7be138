// BPF litmus front-end: reads herd7's `BPF` litmus dialect (eBPF assembly in columns)
// into the program IR.
//
// Event annotations follow herd7's BPF architecture, so a cat model sees the same sets:
//   plain loads and stores           no tag
//   load_acquire / store_release     AQ / RL
//   lock *(uN *)(r + 0) op= r        X   (atomic, unordered; one read-write event)
//   atomic_fetch_op, xchg            SC, X (fully ordered; one read-write event)
//   cmpxchg                          SC, X on its read and write, related by rmw and amo;
//                                    a failing cmpxchg is one plain read.
//   smp_mb / smp_rmb / smp_wmb       a fence event tagged MB / RMB / WMB (Ordo's
//                                    extension: herd7's dialect has no barrier)
//   call bpf_spin_lock               a compare-and-swap of the lock word at r1 from 0 to 1,
//                                    its read and write tagged LOCK and related by rmw,
//                                    that must succeed (the thread spins until it does;
//                                    a path where it fails never ends and is dropped);
//                                    r0 = 0 after it (the helper's return value)
//   call bpf_spin_unlock             a write of 0 to the lock word at r1 tagged UNLOCK;
//                                    r0 = 0 after it (Ordo's extensions too)

import { OrdoError } from '../../diagnostics.js';
import type {
  Annot,
  BinaryOp,
  Expr,
  InitEntry,
  LitmusTest,
  Prop,
  SourcePos,
  StateLoc,
  Stmt,
  Thread,
} from '../../program/ir.js';
import { COMPOUND_ASSIGNMENT, mapPropLocations } from '../../program/ir.js';
import { ppProp } from '../c/state.js';
import { canonicalLocation, readLitmusFrame } from '../litmus/frame.js';
import {
  herdHashCode,
  type BarrierKind,
  type Cell,
  type Instr,
  type MemRef,
  type Operand,
} from './ast.js';
import { herdHash, propLocations } from '../herd-hash.js';
import { ProgramParser, canonicalReg } from './program.js';

export * from './ast.js';
export { canonicalReg } from './program.js';

/** Tags of the events each kind of access makes (herd7's BPF annotation sets). */
export const BPF_TAGS = {
  plain: [] as string[],
  acquire: ['AQ'],
  release: ['RL'],
  atomic: ['X'],
  ordered: ['SC', 'X'],
  lock: ['LOCK'],
  unlock: ['UNLOCK'],
} as const;

/** The tag of each barrier instruction's fence event (sets herd7's bpf.cat never names). */
export const BARRIER_TAGS: Record<BarrierKind, string> = { mb: 'MB', rmb: 'RMB', wmb: 'WMB' };

export interface ParsedBpf {
  test: LitmusTest;
  /** The instruction cells of each thread, as written (for tools that reprint tests). */
  columns: Cell[][];
}

export function parseBpfLitmus(text: string, file: string): LitmusTest {
  return parseBpfLitmusDetailed(text, file).test;
}

export function parseBpfLitmusDetailed(source: string, file: string): ParsedBpf {
  const frame = readLitmusFrame(source, file, 'BPF', (text, start, pos) =>
    new ProgramParser(text, file, start, pos.line, pos.col).parse(),
  );
  const { name, expectedResult, header, entries: rawInit, hashEntries, clauses } = frame;
  const prog = frame.program;

  const regOf = (name: string, pos: SourcePos | undefined): string => {
    const r = canonicalReg(name);
    if (!r) {
      throw new OrdoError(
        `Bad register '${name}': BPF registers are r0 to r10.`,
        pos ? { file: pos.file, line: pos.line, col: pos.col } : { file, line: 1, col: 1 },
      );
    }
    return r;
  };
  const init: InitEntry[] = rawInit.map((e) =>
    e.thread === null ? e : { ...e, name: regOf(e.name, e.pos) },
  );
  const canonLoc = (l: StateLoc): StateLoc => canonicalLocation(l, regOf, frame);
  const canonProp = (q: Prop): Prop => mapPropLocations(q, canonLoc);

  const prop = canonProp(clauses.condition.prop);
  const q = clauses.condition.quantifier;
  const condition = {
    quantifier: q,
    prop,
    text: `${q === 'exists' ? 'exists' : q === 'forall' ? 'forall' : '~exists'} (${ppProp(prop)})`,
  };

  const threads: Thread[] = prog.procs.map((pr, k) => ({
    id: pr.id,
    params: [],
    body: lowerColumn(prog.columns[k]!, pr.id, file),
    pos: pr.pos,
  }));

  const locations = clauses.locations.map(canonLoc);
  const hash = herdHash({
    header,
    init: hashEntries,
    code: herdHashCode(prog.columns),
    observed: [...locations, ...propLocations(prop)],
  });
  const test: LitmusTest = {
    arch: 'BPF',
    name,
    file,
    init,
    threads,
    locations,
    filter: clauses.filter ? canonProp(clauses.filter) : null,
    condition,
    hash,
  };
  if (expectedResult) test.expectedResult = expectedResult;
  return { test, columns: prog.columns };
}

// ------------------------------------------------------------------------- lowering

const ATOMIC: Record<string, BinaryOp> = { add: '+', and: '&', or: '|', xor: '^' };

function reg(name: string, pos?: SourcePos): Expr {
  return { kind: 'reg', name, pos };
}

function operand(o: Operand, pos?: SourcePos): Expr {
  return 'reg' in o ? reg(o.reg, pos) : { kind: 'const', value: o.imm, pos };
}

function address(m: MemRef, pos?: SourcePos): Expr {
  // Only offset 0 is accepted by the parser: the address is the base register's value.
  return reg(m.base, pos);
}

function lowerInstr(i: Instr): Stmt[] {
  const pos = i.pos;
  const tags = (a: readonly string[]): Annot => [...a];
  switch (i.kind) {
    case 'mov':
      return [{ kind: 'assign', reg: i.dst, value: operand(i.src, pos), pos }];
    case 'alu':
      return [
        {
          kind: 'assign',
          reg: i.dst,
          value: {
            kind: 'binop',
            op: COMPOUND_ASSIGNMENT[i.op]!,
            left: reg(i.dst, pos),
            right: operand(i.src, pos),
            pos,
          },
          pos,
        },
      ];
    case 'load':
      return [
        {
          kind: 'assign',
          reg: i.dst,
          pos,
          value: {
            kind: 'load',
            annot: tags(i.acquire ? BPF_TAGS.acquire : BPF_TAGS.plain),
            addr: address(i.mem, pos),
            pos,
          },
        },
      ];
    case 'store':
      return [
        {
          kind: 'store',
          annot: tags(i.release ? BPF_TAGS.release : BPF_TAGS.plain),
          addr: address(i.mem, pos),
          value: operand(i.src, pos),
          pos,
        },
      ];
    case 'atomic': {
      const amo: Expr = {
        kind: 'amo',
        annot: tags(i.fetch ? BPF_TAGS.ordered : BPF_TAGS.atomic),
        addr: address(i.mem, pos),
        op: ATOMIC[i.op]!,
        operand: reg(i.src, pos),
        pos,
      };
      // As in herd7, the old value goes to the operand register.
      return i.fetch
        ? [{ kind: 'assign', reg: i.src, value: amo, pos }]
        : [{ kind: 'eval', value: amo, pos }];
    }
    case 'xchg':
      return [
        {
          kind: 'assign',
          reg: i.src,
          pos,
          value: {
            kind: 'amo',
            annot: tags(BPF_TAGS.ordered),
            addr: address(i.mem, pos),
            op: 'xchg',
            operand: reg(i.src, pos),
            pos,
          },
        },
      ];
    case 'cmpxchg':
      // Compares with r0 and returns the old value in r0, whatever registers are written
      // in the destination and expected positions (herd7 reads them so).
      return [
        {
          kind: 'assign',
          reg: 'r0',
          pos,
          value: {
            kind: 'cmpxchg',
            annot: tags(BPF_TAGS.ordered),
            addr: address(i.mem, pos),
            expected: reg('r0', pos),
            desired: reg(i.src, pos),
            pair: ['rmw', 'amo'],
            failAnnot: tags(BPF_TAGS.plain),
            pos,
          },
        },
      ];
    case 'barrier':
      return [{ kind: 'fence', annot: [BARRIER_TAGS[i.barrier]], pos }];
    case 'call': {
      const lockWord = reg('r1', pos);
      const returnsZero: Stmt = {
        kind: 'assign',
        reg: 'r0',
        value: { kind: 'const', value: 0 },
        pos,
      };
      if (i.helper === 'bpf_spin_unlock')
        return [
          {
            kind: 'store',
            annot: tags(BPF_TAGS.unlock),
            addr: lockWord,
            value: { kind: 'const', value: 0, pos },
            pos,
          },
          returnsZero,
        ];
      // The lock is taken by a cmpxchg of the lock word from 0 to 1 that succeeds; a
      // path where it fails goes to the thread's spin loop, which never ends.
      const old = `${SPIN_TEMP}${pos?.line ?? 0}:${pos?.col ?? 0}`;
      return [
        {
          kind: 'assign',
          reg: old,
          pos,
          value: {
            kind: 'cmpxchg',
            annot: tags(BPF_TAGS.lock),
            addr: lockWord,
            expected: { kind: 'const', value: 0, pos },
            desired: { kind: 'const', value: 1, pos },
            pair: ['rmw'],
            failAnnot: tags(BPF_TAGS.lock),
            pos,
          },
        },
        {
          kind: 'goto',
          label: SPIN_LABEL,
          test: {
            kind: 'binop',
            op: '!=',
            left: reg(old, pos),
            right: { kind: 'const', value: 0 },
          },
          pos,
        },
        returnsZero,
      ];
    }
    case 'goto':
      return [{ kind: 'goto', label: i.label, pos }];
    case 'jcond':
      return [
        {
          kind: 'goto',
          label: i.label,
          pos,
          test: {
            kind: 'binop',
            op: i.cond,
            left: reg(i.left, pos),
            right: operand(i.right, pos),
            pos,
          },
        },
      ];
  }
}

/** The spin loop a bpf_spin_lock that finds the lock held jumps to, and its temporaries. */
const SPIN_LABEL = 'spin:';
const SPIN_END = 'spin:end';
const SPIN_TEMP = 'spin:';

function lowerColumn(cells: Cell[], thread: number, file: string): Stmt[] {
  const body: Stmt[] = [];
  const defined = new Map<string, SourcePos>();
  const jumps: { label: string; pos?: SourcePos }[] = [];
  for (const c of cells) {
    for (const l of c.labels) {
      const prev = defined.get(l.name);
      if (prev) {
        throw new OrdoError(
          `Label ${l.name} is defined twice in P${thread} (first at line ${prev.line}).`,
          { file: l.pos.file, line: l.pos.line, col: l.pos.col },
        );
      }
      defined.set(l.name, l.pos);
      body.push({ kind: 'label', name: l.name, pos: l.pos });
    }
    if (!c.instr) continue;
    if (c.instr.kind === 'goto' || c.instr.kind === 'jcond')
      jumps.push({ label: c.instr.label, pos: c.instr.pos });
    body.push(...lowerInstr(c.instr));
  }
  if (body.some((s) => s.kind === 'goto' && s.label === SPIN_LABEL))
    // The thread's own code jumps over the loop.
    body.push(
      { kind: 'goto', label: SPIN_END },
      { kind: 'label', name: SPIN_LABEL },
      { kind: 'goto', label: SPIN_LABEL },
      { kind: 'label', name: SPIN_END },
    );
  for (const j of jumps) {
    if (!defined.has(j.label)) {
      const w = j.pos ?? { file, line: 1, col: 1 };
      throw new OrdoError(`Undefined label ${j.label} in P${thread}.`, {
        file: w.file,
        line: w.line,
        col: w.col,
      });
    }
  }
  return body;
}
