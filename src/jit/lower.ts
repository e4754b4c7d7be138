// Lowering a BPF litmus test through a JIT mapping into the target architecture's litmus
// test: each BPF instruction becomes the instructions its mapping entry lists, with BPF
// registers renamed to the JIT's registers, so registers, branches and dependencies are
// kept exactly as the JIT keeps them.
//
// Retry loops. A store-conditional that fails makes the JIT's code branch back and try
// again; in the mapping that branch targets {retry}. The lowered test sends it to the end
// of the thread instead, past an instruction that sets the mapping's success flag, and
// its `filter` keeps only executions where every thread set its flag: those where every
// store-conditional succeeded at once. A loop that succeeds after failures only adds
// reads whose values are discarded, so no final state is lost; this is how litmus tests
// of LL/SC code are usually written.

import { OrdoError } from '../diagnostics.js';
import type { InitEntry, LitmusTest, Prop, SourcePos, StateLoc } from '../program/ir.js';
import { forEachPropLocation, mapPropLocations } from '../program/ir.js';
import { ppProp, ppValue } from '../frontend/c/state.js';
import { ppColumns, type Cell, type Instr } from '../frontend/bpf/ast.js';
import { findEntry, type Mapping } from './mapping.js';

const ALU_NAMES: Record<string, string> = {
  '+=': 'add',
  '-=': 'sub',
  '*=': 'mul',
  '/=': 'div',
  '%=': 'mod',
  '&=': 'and',
  '|=': 'or',
  '^=': 'xor',
  '<<=': 'lsh',
  '>>=': 'rsh',
};

/** What an instruction's mapping entry is looked up by, and the values of its placeholders. */
interface Request {
  key: string[];
  regs: Record<string, string>;
  values: Record<string, string>;
}

function request(i: Instr): Request {
  switch (i.kind) {
    case 'mov':
      return 'reg' in i.src
        ? { key: ['mov', 'reg'], regs: { dst: i.dst, src: i.src.reg }, values: {} }
        : { key: ['mov', 'imm'], regs: { dst: i.dst }, values: { imm: String(i.src.imm) } };
    case 'alu': {
      const op = ALU_NAMES[i.op]!;
      return 'reg' in i.src
        ? { key: ['alu', op, 'reg'], regs: { dst: i.dst, src: i.src.reg }, values: { op } }
        : {
            key: ['alu', op, 'imm'],
            regs: { dst: i.dst },
            values: { op, imm: String(i.src.imm) },
          };
    }
    case 'load':
      return {
        key: [i.acquire ? 'load_acquire' : 'load', i.size],
        regs: { dst: i.dst, base: i.mem.base },
        values: {},
      };
    case 'store':
      if (i.release)
        return {
          key: ['store_release', i.size],
          regs: { base: i.mem.base, ...('reg' in i.src ? { src: i.src.reg } : {}) },
          values: {},
        };
      return 'reg' in i.src
        ? { key: ['store', i.size, 'reg'], regs: { base: i.mem.base, src: i.src.reg }, values: {} }
        : {
            key: ['store', i.size, 'imm'],
            regs: { base: i.mem.base },
            values: { imm: String(i.src.imm) },
          };
    case 'atomic':
      return {
        key: [i.fetch ? 'atomic_fetch' : 'atomic', i.op, i.size],
        regs: { base: i.mem.base, src: i.src },
        values: { op: i.op },
      };
    case 'xchg':
      return { key: ['xchg', i.size], regs: { base: i.mem.base, src: i.src }, values: {} };
    case 'cmpxchg':
      return {
        key: ['cmpxchg', i.size],
        regs: { base: i.mem.base, src: i.src, r0: 'r0' },
        values: {},
      };
    case 'barrier':
      return { key: [`smp_${i.barrier}`], regs: {}, values: {} };
    case 'call':
      return { key: [i.helper], regs: { r1: 'r1', r0: 'r0' }, values: {} };
    case 'goto':
      return { key: ['goto'], regs: {}, values: { label: i.label } };
    case 'jcond':
      return 'reg' in i.right
        ? {
            key: ['if', i.cond, 'reg'],
            regs: { left: i.left, right: i.right.reg },
            values: { label: i.label },
          }
        : {
            key: ['if', i.cond, 'imm'],
            regs: { left: i.left },
            values: { label: i.label, imm: String(i.right.imm) },
          };
  }
}

/** The key as a user reads it in an error: `atomic_fetch and u32`. */
export function describeKey(key: readonly string[]): string {
  return key.join(' ');
}

export interface LoweredTest {
  /** The target architecture's litmus test, as text. */
  text: string;
  /** Which target register holds each BPF register of the test's observed columns. */
  registerOf(bpfRegister: string): string;
}

/**
 * Lowers a BPF test. `columns` are its cells as parsed (parseBpfLitmusDetailed). An
 * instruction the mapping has no entry for is an error at the instruction, naming the
 * entry it needs and the mapping file.
 */
export function lowerBpfTest(test: LitmusTest, columns: Cell[][], mapping: Mapping): LoweredTest {
  const regOf = (bpf: string, pos: SourcePos | undefined): string => {
    const r = mapping.registers.get(bpf);
    if (r === undefined)
      throw new OrdoError(
        `The mapping ${mapping.name} (${mapping.file}) has no register for BPF ${bpf}.`,
        pos ?? { file: test.file, line: 1, col: 1 },
      );
    return r;
  };
  const threads: string[][] = [];
  const flagged: number[] = [];
  columns.forEach((cells, thread) => {
    const out: string[] = [];
    let local = 0;
    let retries = false;
    const expand = (req: Request, pos: SourcePos | undefined): void => {
      const entry = findEntry(mapping, req.key);
      if (!entry)
        throw new OrdoError(
          `The mapping ${mapping.name} (${mapping.file}) has no entry for '${describeKey(req.key)}'.`,
          pos ?? { file: test.file, line: 1, col: 1 },
        );
      const labels = new Map<string, string>();
      const fill = (name: string): string => {
        if (name.endsWith(':w') && name.slice(0, -2) in req.regs)
          return wordView(regOf(req.regs[name.slice(0, -2)]!, pos));
        if (name in req.regs) return regOf(req.regs[name]!, pos);
        if (name in req.values) return req.values[name]!;
        if (name === 'retry') {
          retries = true;
          return `Retry${thread}`;
        }
        if (name === 'done' || /^L\d$/.test(name)) {
          if (!labels.has(name)) labels.set(name, `J${thread}_${local++}`);
          return labels.get(name)!;
        }
        const at = entry.body.find((l) => l.text.includes(`{${name}}`))?.pos ?? entry.pos;
        throw new OrdoError(
          `The placeholder {${name}} has no value for '${describeKey(req.key)}' (lowering ${test.file}).`,
          at,
        );
      };
      for (const line of entry.body) {
        if (line.text === '') continue;
        out.push(line.text.replace(/\{([^}]*)\}/g, (_, name: string) => fill(name)));
      }
    };
    for (const cell of cells) {
      for (const l of cell.labels) out.push(`${l.name}:`);
      if (cell.instr) expand(request(cell.instr), cell.instr.pos);
    }
    if (retries) {
      const flag = mapping.successFlag!;
      const set = findEntry(mapping, ['mov', 'imm']);
      if (!set)
        throw new OrdoError(
          `The mapping ${mapping.name} needs a 'mov imm' entry to set its success flag.`,
          { file: mapping.file, line: 1, col: 1 },
        );
      for (const line of set.body) out.push(line.text.replace('{dst}', flag).replace('{imm}', '1'));
      out.push(`Retry${thread}:`);
      flagged.push(thread);
    }
    threads.push(out);
  });

  const mapLoc = (l: StateLoc): StateLoc =>
    l.kind === 'reg' ? { ...l, name: regOf(l.name, undefined) } : l;
  const mapProp = (p: Prop): Prop => mapPropLocations(p, mapLoc);
  const init = test.init.map((e: InitEntry) =>
    e.thread === null
      ? `${e.name}=${ppValue(e.value)};`
      : `${e.thread}:${regOf(e.name, e.pos)}=${ppValue(e.value)};`,
  );
  const lines: string[] = [];
  lines.push(`${mapping.litmus} ${test.name}`);
  lines.push('(*');
  lines.push(` * ${test.name} lowered by ordo jit-check with the mapping ${mapping.name}:`);
  lines.push(` * ${mapping.summary}`);
  lines.push(` * (${mapping.source}, ${mapping.kernel}).`);
  lines.push(' *)');
  lines.push(`{ ${init.join(' ')} }`);
  lines.push(ppColumns(threads));
  const observed = observedColumns(test);
  if (observed.length)
    lines.push(`locations [${observed.map((l) => ppLoc(mapLoc(l))).join('; ')}]`);
  const flags = flagged.map((t) => `${t}:${mapping.successFlag}=1`);
  const filters = [...flags, ...(test.filter ? [`(${ppProp(mapProp(test.filter))})`] : [])];
  if (filters.length) lines.push(`filter (${filters.join(' /\\ ')})`);
  const q = test.condition.quantifier;
  lines.push(`${q === 'notExists' ? '~exists' : q} (${ppProp(mapProp(test.condition.prop))})`);
  return {
    text: lines.join('\n') + '\n',
    registerOf: (r) => regOf(r, undefined),
  };
}

/** The 32-bit view of a 64-bit register as AArch64 names it: X3 -> W3. */
function wordView(register: string): string {
  return register.replace(/^X/, 'W');
}

function ppLoc(l: StateLoc): string {
  return l.kind === 'reg' ? `${l.thread}:${l.name}` : l.name;
}

/** Every location the BPF test's states show: its `locations` and its condition's. */
function observedColumns(test: LitmusTest): StateLoc[] {
  const out: StateLoc[] = [];
  const seen = new Set<string>();
  const add = (l: StateLoc) => {
    const k = ppLoc(l);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(l);
    }
  };
  test.locations.forEach(add);
  forEachPropLocation(test.condition.prop, add);
  return out;
}
