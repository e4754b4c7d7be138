// Values shared between `with` paths must be exactly those that cannot differ between them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, evaluateModel } from '../src/cat/index.js';
import { mkInput } from './support/cat-models.js';
import type { MemoNode } from '../src/cat/invariance.js';

const dir = mkdtempSync(join(tmpdir(), 'ordo-inv-'));
let counter = 0;

const input = mkInput(
  [
    { kind: 'W', thread: -1, loc: 'x', value: 0 },
    { kind: 'W', thread: 0, loc: 'x', value: 1 },
    { kind: 'R', thread: 1, loc: 'x', value: 1 },
    { kind: 'F', thread: 1, annot: ['MB'] },
  ],
  [[1, 2]],
);

function flagsPerPath(src: string): string[][] {
  const p = join(dir, `m${counter++}.cat`);
  writeFileSync(p, src);
  const m = loadModel({ catFile: p, variants: [], includeDirs: [] });
  // The order of a set's elements (hence of the paths) is the interpreter's business.
  return evaluateModel(m, input)
    .map((o) => o.flags)
    .sort((a, b) => a.length - b.length);
}

test('an expression using the forked name is recomputed on every path', () => {
  const flags = flagsPerPath(
    '"t"\nlet inv = po ; [F]\nwith s from {R, W}\nlet v = [s] ; po\nflag ~empty v as nonempty\nflag ~empty inv as fence\n',
  );
  assert.deepEqual(flags, [['fence'], ['nonempty', 'fence']]);
});

test('a function whose body reads a forked name is not shared across paths', () => {
  const flags = flagsPerPath(
    '"t"\nwith s from {R, W}\nlet f(r) = [s] ; r\nflag ~empty f(po) as hit\n',
  );
  assert.deepEqual(flags, [[], ['hit']]);
});

test('a recursive definition after a fork is recomputed per path', () => {
  const src =
    '"t"\nwith s from {R, 0}\nlet rec c = [s] | (c ; po)\nflag ~empty c & (R * R) as self\n';
  // With s = R the relation holds the identity on the read; with s = {} it is empty.
  const flags = flagsPerPath(src.replace('{R, 0}', '{R, emptyset}'));
  assert.deepEqual(flags, [[], ['self']]);
});

test('a function applied to a forked value is not shared across paths', () => {
  const flags = flagsPerPath(
    '"t"\nlet g(r) = r ; po\nwith s from {rf, 0}\nflag ~empty g(s) as hit\n',
  );
  assert.deepEqual(flags, [[], ['hit']]);
});

// Per-combination sharing: candidates with the same fixed part (events, po, tags ...) share
// what the model computed from it, and nothing computed from reads-from or values.

function loadSource(src: string) {
  const p = join(dir, `m${counter++}.cat`);
  writeFileSync(p, src);
  return loadModel({ catFile: p, variants: [], includeDirs: [] });
}

const threeEvents = [
  { kind: 'W' as const, thread: -1, loc: 'x', value: 0 },
  { kind: 'W' as const, thread: 0, loc: 'x', value: 1 },
  { kind: 'R' as const, thread: 1, loc: 'x', value: 1 },
];

test('only what depends on the fixed part is marked for sharing between candidates', () => {
  const m = loadSource(
    '"t"\nlet fixed = po ; po\nlet onrf = rf ; po\nlet byvalue = different-values(loc)\n',
  );
  const marks = (name: string) => {
    const g = m.program.finalGlobals.get(name);
    assert.ok(g && g.kind === 'slot');
    for (const ins of m.program.code) {
      if (ins.t !== 'glet' || !ins.slots.includes(g.s)) continue;
      const node = ins.e[0] as MemoNode;
      return { stage: node.stageId !== undefined, memo: node.memoId !== undefined };
    }
    assert.fail(`no definition of ${name}`);
  };
  // `po ; po` is per combination; `rf ; po` and the value-reading primitive only per
  // candidate (shared by the paths of one evaluation).
  assert.deepEqual(marks('fixed'), { stage: true, memo: false });
  assert.deepEqual(marks('onrf'), { stage: false, memo: true });
  assert.deepEqual(marks('byvalue'), { stage: false, memo: true });
});

test('candidates sharing a fixed part get their own reads-from and values', () => {
  const m = loadSource(
    '"t"\nlet fixed = po | loc\nflag ~empty (rf & fixed) as rfloc\nflag ~empty different-values(rf) as differs\n',
  );
  const fixedPart = {};
  const withRf = (rf: Array<[number, number]>, readValue: number) => {
    const evs = threeEvents.map((e, i) => (i === 2 ? { ...e, value: readValue } : e));
    return { ...mkInput(evs, rf), fixedPart };
  };
  const flags = (rf: Array<[number, number]>, v: number) =>
    evaluateModel(m, withRf(rf, v)).map((o) => o.flags);
  // The same fixed part three times: the shared `fixed` must not carry rf or values along.
  assert.deepEqual(flags([[1, 2]], 1), [['rfloc']]);
  assert.deepEqual(flags([[0, 2]], 1), [['rfloc', 'differs']]);
  assert.deepEqual(flags([], 0), [[]]);
});
