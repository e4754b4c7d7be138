// Values shared between `with` paths must be exactly those that cannot differ between them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, evaluateModel } from '../src/cat/index.js';
import { mkInput } from './support/cat-models.js';

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
