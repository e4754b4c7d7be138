// The strengthening edits of a BPF litmus test: a plain load becomes load_acquire, a plain
// store store_release, a non-fetching atomic (`lock *(uN *)(..) op= rS`) the fetching one
// (fully ordered), and a barrier instruction (smp_mb, smp_rmb, smp_wmb) goes between two
// accesses of a thread. The program is a table of columns, one per thread: an edit
// rewrites one cell of a row, or inserts a row holding one instruction in its thread's
// column, so the rest of the table is left as written.

import { parseBpfLitmusDetailed, ppInstr, type Cell, type Instr } from '../frontend/bpf/index.js';
import { propLocations } from '../frontend/herd-hash.js';
import { assertNever } from '../diagnostics.js';
import type { Edit, EditKind, LineChange } from './edits.js';
import { rowCells } from './columns.js';

/** A new row shaped like `template`, empty but for `text` in the `column`th cell. */
function rowWith(template: string, column: number, text: string): string {
  return rowCells(template)
    .map(([s, e], k) => {
      const cell = template.slice(s, e);
      if (k !== column) return ' '.repeat(e - s);
      // Indented as the template's cell (one space where it is empty).
      const indent = cell.trim() === '' ? ' ' : /^\s*/.exec(cell)![0];
      return `${indent}${text} `.padEnd(e - s);
    })
    .join('|')
    .concat(';');
}

const ACCESS_KINDS = new Set<Instr['kind']>(['load', 'store', 'atomic', 'xchg', 'cmpxchg']);

const reads = (i: Instr): boolean => i.kind !== 'store';
const writes = (i: Instr): boolean => i.kind !== 'load';

/** The registers a cell's text names, r0..r10 / w0..w10 read as rN. */
function registersIn(text: string): Set<string> {
  return new Set([...text.matchAll(/\b[rw](\d+)\b/g)].map((m) => `r${m[1]}`));
}

const BARRIER_WHAT: Record<'mb' | 'rmb' | 'wmb', string> = {
  mb: 'insert smp_mb',
  rmb: 'insert smp_rmb',
  wmb: 'insert smp_wmb',
};

/** Every strengthening edit of a BPF test, thread by thread, in program order. */
export function bpfStrengtheningEdits(source: string, file: string): Edit[] {
  const { test, columns } = parseBpfLitmusDetailed(source, file);
  const lines = source.split('\n');
  const observed = new Set(
    [...test.locations, ...propLocations(test.condition.prop)]
      .filter((l) => l.kind === 'reg')
      .map((l) => `${l.kind === 'reg' ? l.thread : ''}:${l.name}`),
  );
  const edits: Edit[] = [];
  columns.forEach((cells: Cell[], column) => {
    const thread = test.threads[column].id;
    const placed = cells.filter((c) => c.instr?.pos);
    const cellText = (c: Cell): string => {
      const line = lines[c.instr!.pos!.line - 1];
      const [s, e] = rowCells(line)[column] ?? [0, 0];
      return line.slice(s, e);
    };
    // Registers the thread names anywhere (its cells and its initial values): a fresh one
    // is free to hold a value an edit needs in a register.
    const used = new Set<string>();
    for (const c of placed) for (const r of registersIn(cellText(c))) used.add(r);
    for (const e of test.init) if (e.thread === thread) used.add(e.name);
    const fresh = (): string | null => {
      for (let n = 0; n <= 9; n++) if (!used.has(`r${n}`)) return `r${n}`;
      return null;
    };
    let previous: { instr: Instr; index: number } | null = null;
    const accesses: Instr[] = [];
    const all = placed.map((c) => c.instr!).filter((i) => ACCESS_KINDS.has(i.kind));
    placed.forEach((cell, index) => {
      const instr = cell.instr!;
      if (!ACCESS_KINDS.has(instr.kind)) return;
      const line = instr.pos!.line - 1;
      const at = { thread, line, slot: `access:${line}:${column}` };
      const rewrite = (kind: EditKind, what: string, after: Instr, before?: string): void => {
        const changes: LineChange[] = [{ line, op: 'cell', column, text: ppInstr(after) }];
        if (before !== undefined)
          changes.unshift({ line, op: 'before', text: rowWith(lines[line], column, before) });
        edits.push({ ...at, kind, what, place: { kind: 'access', line }, changes });
      };
      // An instruction inserted before this one must not be skipped by a jump to its label.
      const unlabelled = cell.labels.length === 0;
      switch (instr.kind) {
        case 'load':
          if (!instr.acquire)
            rewrite('acquire', 'load -> load_acquire', { ...instr, acquire: true });
          break;
        case 'store':
          if (instr.release) break;
          if ('reg' in instr.src)
            rewrite('release', 'store -> store_release', { ...instr, release: true });
          else {
            // store_release takes its value in a register.
            const r = unlabelled ? fresh() : null;
            if (r)
              rewrite(
                'release',
                'store -> store_release',
                { ...instr, release: true, src: { reg: r } },
                `${r} = ${instr.src.imm}`,
              );
          }
          break;
        case 'atomic': {
          if (instr.fetch) break;
          // The fetching form returns the old value in its source register: use the
          // register itself where nothing reads it later, else a copy in a fresh one.
          const later = placed
            .slice(index + 1)
            .map(cellText)
            .join(' ');
          const dead =
            !registersIn(later).has(instr.src) && !observed.has(`${thread}:${instr.src}`);
          const what = 'non-fetching atomic -> fetching atomic';
          if (dead) rewrite('fetch-atomic', what, { ...instr, fetch: true, dst: instr.src });
          else {
            const r = unlabelled ? fresh() : null;
            if (r)
              rewrite(
                'fetch-atomic',
                what,
                { ...instr, fetch: true, src: r, dst: r },
                `${r} = ${instr.src}`,
              );
          }
          break;
        }
        case 'xchg':
        case 'cmpxchg':
          // Already fully ordered.
          break;
        case 'mov':
        case 'alu':
        case 'barrier':
        case 'call':
        case 'goto':
        case 'jcond':
          // Not accesses: left out above.
          break;
        default:
          assertNever(instr);
      }
      // A barrier between this access and the previous one, where no jump or label lies
      // between them (the barrier goes just before this access's row).
      const between = placed.slice(previous ? previous.index + 1 : 0, index);
      const straight =
        previous !== null &&
        unlabelled &&
        between.every((c) => c.labels.length === 0 && !['goto', 'jcond'].includes(c.instr!.kind));
      if (straight) {
        const fences: Array<'mb' | 'rmb' | 'wmb'> = ['mb'];
        const later = all.slice(accesses.length);
        if (accesses.some(reads) && later.some(reads)) fences.push('rmb');
        if (accesses.some(writes) && later.some(writes)) fences.push('wmb');
        for (const fence of fences)
          edits.push({
            kind: fence,
            what: BARRIER_WHAT[fence],
            thread,
            line,
            slot: `gap:${line}:${column}`,
            place: { kind: 'gap', line },
            changes: [{ line, op: 'before', text: rowWith(lines[line], column, `smp_${fence}`) }],
          });
      }
      accesses.push(instr);
      previous = { instr, index };
    });
  });
  return edits;
}
