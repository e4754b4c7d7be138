// Small hand-built candidate executions for the cat tests, and the folder their models are
// written to.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, type CompiledModel, type ModelConfig } from '../../src/cat/index.js';
import { EventSet, Relation } from '../../src/relations/index.js';
import type { ModelEvent, ModelInput } from '../../src/cat/input.js';
import { findArchitecture } from '../../src/arch/index.js';

export interface Ev {
  kind: 'R' | 'W' | 'F';
  thread: number; // -1 for initial writes
  loc?: string;
  value?: number;
  annot?: string[];
}

/** An initial write of x, a write of x in thread 0, and a read of x in thread 1. */
export const threeEvents: Ev[] = [
  { kind: 'W', thread: -1, loc: 'x', value: 0 },
  { kind: 'W', thread: 0, loc: 'x', value: 1 },
  { kind: 'R', thread: 1, loc: 'x', value: 1 },
];

/** Counts the compositions of bit-matrix relations (Relation.seq) done by `run`. */
export function compositions(run: () => void): number {
  const seq = Relation.prototype.seq;
  let count = 0;
  Relation.prototype.seq = function (this: Relation, o: Relation) {
    count++;
    return seq.call(this, o);
  };
  try {
    run();
  } finally {
    Relation.prototype.seq = seq;
  }
  return count;
}

/**
 * Build a ModelInput from events (in po order per thread), rf pairs and the final
 * write per location (indices into evs). Sets: R, W, M, F, IW, FW, one set per
 * annotation, and the C architecture's always-defined sets; relations: po, rf, loc, int, ext, id, and empty addr/data/ctrl/rmw/amo.
 */
export function mkInput(
  evs: Ev[],
  rf: Array<[number, number]>,
  extra: {
    co?: Array<[number, number]>;
    rmw?: Array<[number, number]>;
    sets?: Record<string, number[]>;
  } = {},
): ModelInput {
  const n = evs.length;
  const events: ModelEvent[] = evs.map((e, id) => ({
    id,
    thread: e.thread,
    loc: e.loc ?? null,
    value: e.value ?? null,
  }));
  const set = (pred: (e: Ev) => boolean) =>
    EventSet.of(
      n,
      evs.flatMap((e, i) => (pred(e) ? [i] : [])),
    );
  const sets = new Map<string, EventSet>();
  // The sets the C architecture always defines (lock events and the like), empty here.
  for (const name of findArchitecture('C')!.sets) sets.set(name, new EventSet(n));
  sets.set(
    'R',
    set((e) => e.kind === 'R'),
  );
  sets.set(
    'W',
    set((e) => e.kind === 'W'),
  );
  sets.set(
    'M',
    set((e) => e.kind !== 'F'),
  );
  sets.set(
    'F',
    set((e) => e.kind === 'F'),
  );
  sets.set(
    'IW',
    set((e) => e.thread < 0),
  );
  sets.set('RMW', EventSet.of(n, (extra.rmw ?? []).flat()));
  // Final writes: the last write per location in thread order (tests keep it simple).
  const lastW = new Map<string, number>();
  evs.forEach((e, i) => {
    if (e.kind === 'W' && e.loc) lastW.set(e.loc, i);
  });
  sets.set('FW', EventSet.of(n, lastW.values()));
  const annots = new Set(evs.flatMap((e) => e.annot ?? []));
  for (const a of annots)
    sets.set(
      a,
      set((e) => (e.annot ?? []).includes(a)),
    );
  for (const [k, v] of Object.entries(extra.sets ?? {})) sets.set(k, EventSet.of(n, v));
  const po = new Relation(n),
    loc = new Relation(n),
    int = new Relation(n),
    ext = new Relation(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const a = evs[i],
        b = evs[j];
      if (a.thread >= 0 && a.thread === b.thread && i < j) po.add(i, j);
      if (a.loc && a.loc === b.loc) loc.add(i, j);
      if (a.thread === b.thread) int.add(i, j);
      else ext.add(i, j);
    }
  }
  const relations = new Map<string, Relation>([
    ['po', po],
    ['rf', Relation.fromPairs(n, rf)],
    ['loc', loc],
    ['int', int],
    ['ext', ext],
    ['id', Relation.identity(n)],
    ['addr', new Relation(n)],
    ['data', new Relation(n)],
    ['ctrl', new Relation(n)],
    ['rmw', Relation.fromPairs(n, extra.rmw ?? [])],
    ['amo', new Relation(n)],
  ]);
  if (extra.co) relations.set('co', Relation.fromPairs(n, extra.co));
  return { events, sets, relations };
}

/** Store buffering: P0: W x=1; [F]; R y   P1: W y=1; [F]; R x, both reads from the initial writes. */
export function storeBuffering(annot: string, fence: string | null): ModelInput {
  const evs: Ev[] = [
    { kind: 'W', thread: -1, loc: 'x', value: 0 },
    { kind: 'W', thread: -1, loc: 'y', value: 0 },
    { kind: 'W', thread: 0, loc: 'x', value: 1, annot: [annot] },
  ];
  if (fence) evs.push({ kind: 'F', thread: 0, annot: [fence] });
  evs.push({ kind: 'R', thread: 0, loc: 'y', value: 0, annot: [annot] });
  evs.push({ kind: 'W', thread: 1, loc: 'y', value: 1, annot: [annot] });
  if (fence) evs.push({ kind: 'F', thread: 1, annot: [fence] });
  evs.push({ kind: 'R', thread: 1, loc: 'x', value: 0, annot: [annot] });
  const idx = (pred: (e: Ev) => boolean) => evs.findIndex(pred);
  const r0 = idx((e) => e.kind === 'R' && e.thread === 0);
  const r1 = idx((e) => e.kind === 'R' && e.thread === 1);
  return mkInput(evs, [
    [1, r0],
    [0, r1],
  ]);
}

/**
 * Message passing, the execution its test asks about: thread 0 writes x then y; thread 1
 * reads y (from thread 0's write) then x (the initial write).
 */
export function messagePassing(): ModelInput {
  return mkInput(
    [
      { kind: 'W', thread: -1, loc: 'x', value: 0 },
      { kind: 'W', thread: -1, loc: 'y', value: 0 },
      { kind: 'W', thread: 0, loc: 'x', value: 1 },
      { kind: 'W', thread: 0, loc: 'y', value: 1 },
      { kind: 'R', thread: 1, loc: 'y', value: 1 },
      { kind: 'R', thread: 1, loc: 'x', value: 0 },
    ],
    [
      [3, 4],
      [0, 5],
    ],
  );
}

/** A test file's folder of cat files: the models it writes, loaded from there. */
export interface CatFolder {
  /** The folder, fresh under the system's temporary folder. */
  dir: string;
  /** Writes `src` into the folder as `name` (a new m<n>.cat by default); returns its path. */
  write(src: string, name?: string): string;
  /**
   * Writes a model into the folder and loads it. `src` is either the whole model text or
   * the lines that follow its title (the title `"t"` is then added first). Includes are
   * looked up in `includeDirs` only (none by default).
   */
  load(src: string | string[], cfg?: Partial<Omit<ModelConfig, 'catFile'>>): CompiledModel;
}

/** A fresh folder (named ordo-<prefix>-...) for the cat models of one test file. */
export function catFolder(prefix: string): CatFolder {
  const dir = mkdtempSync(join(tmpdir(), `ordo-${prefix}-`));
  let counter = 0;
  const write = (src: string, name = `m${counter++}.cat`): string => {
    const p = join(dir, name);
    writeFileSync(p, src);
    return p;
  };
  const load = (
    src: string | string[],
    cfg: Partial<Omit<ModelConfig, 'catFile'>> = {},
  ): CompiledModel => {
    const text = typeof src === 'string' ? src : ['"t"', ...src].join('\n') + '\n';
    return loadModel({ variants: [], includeDirs: [], ...cfg, catFile: write(text) });
  };
  return { dir, write, load };
}
