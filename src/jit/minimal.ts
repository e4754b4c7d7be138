// jit-check --minimal: which ordering a mapping pays for that the given tests never need.
// Each barrier lowering (smp_mb, smp_rmb, smp_wmb) is weakened to nothing, and each
// load_acquire / store_release lowering to the plain load / store of the same size, one
// at a time; the tests whose lowering changes are checked again. A weakening that makes
// none of them unsound is one the tests cannot tell from the mapping: "don't penalise
// x86", answered from tests (only as good as the tests given).

import type { TestResult } from '../api/run.js';
import { checkTest, type JitCheckOptions } from './check.js';
import { findEntry, type Mapping, type MappingEntry, type MappingLine } from './mapping.js';

export interface Weakening {
  mapping: string;
  /** The entry weakened, as its key reads: `store_release u32`. */
  entry: string;
  /** What it was weakened to: `nothing`, `load u32`, `store u32 reg`. */
  weakened: string;
  /** How many tests' lowering it changes. */
  tested: number;
  /** True when no such test becomes unsound. */
  safe: boolean;
  /** The tests that become unsound. */
  breaks: string[];
}

function entryName(e: MappingEntry): string {
  return [e.operation, ...e.slots.map((s) => s.join(','))].join(' ');
}

/** The weaker body of an entry, and its name; null when the entry is not a candidate. */
function weaker(m: Mapping, e: MappingEntry): { body: MappingLine[]; name: string } | null {
  if (e.operation === 'smp_mb' || e.operation === 'smp_rmb' || e.operation === 'smp_wmb')
    return { body: [], name: 'nothing' };
  const size = e.slots[0]?.[0];
  if (size === undefined) return null;
  if (e.operation === 'load_acquire') {
    const plain = findEntry(m, ['load', size]);
    return plain ? { body: plain.body, name: `load ${size}` } : null;
  }
  if (e.operation === 'store_release') {
    const plain = findEntry(m, ['store', size, 'reg']);
    return plain ? { body: plain.body, name: `store ${size} reg` } : null;
  }
  return null;
}

const sameBody = (a: MappingLine[], b: MappingLine[]): boolean =>
  a
    .filter((l) => l.text !== '')
    .map((l) => l.text)
    .join('\n') ===
  b
    .filter((l) => l.text !== '')
    .map((l) => l.text)
    .join('\n');

export function weakenings(
  mappings: Mapping[],
  bpfRuns: Map<string, TestResult>,
  opts: JitCheckOptions,
): Weakening[] {
  const out: Weakening[] = [];
  for (const m of mappings) {
    const originals = new Map(
      [...bpfRuns].map(([file, bpf]) => [file, checkTest(file, bpf, m, opts).lowered]),
    );
    for (const e of m.entries) {
      const w = weaker(m, e);
      if (!w || sameBody(e.body, w.body)) continue;
      const weakened: Mapping = {
        ...m,
        entries: m.entries.map((x) => (x === e ? { ...x, body: w.body } : x)),
      };
      let tested = 0;
      const breaks: string[] = [];
      for (const [file, bpf] of bpfRuns) {
        const r = checkTest(file, bpf, weakened, opts);
        if (r.lowered === undefined || r.lowered === originals.get(file)) continue;
        tested++;
        if (r.verdict === 'UNSOUND') breaks.push(r.test);
      }
      out.push({
        mapping: m.name,
        entry: entryName(e),
        weakened: w.name,
        tested,
        safe: breaks.length === 0,
        breaks,
      });
    }
  }
  return out;
}
