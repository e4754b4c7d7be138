// The RCU scaling family's generator (tools/rcu-family.ts) and the comparison of Ordo's
// own LKMM with the kernel's files on it (tools/rcu-family-compare.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultShape, rcuCycleTest } from '../tools/rcu-family.js';
import {
  answerOf,
  modelDifference,
  ordoOnly,
  shapesOf,
  type ModelAnswer,
} from '../tools/rcu-family-compare.js';
import { OrdoError } from '../src/diagnostics.js';
import { kernelOptions } from './support/corpus.js';

test('SRCU letters give readers and updaters on one srcu_struct, RCU letters as before', () => {
  const text = rcuCycleTest('RSGY');
  assert.match(text, /^C C-RW-R\+RW-S\+RW-G\+RW-Y\n/);
  assert.match(text, /P1\(int \*x1, int \*x2, struct srcu_struct \*ssp\)/);
  assert.match(
    text,
    /r0 = srcu_read_lock\(ssp\);\n\tr1 = READ_ONCE\(\*x1\);\n\tWRITE_ONCE\(\*x2, 1\);\n\tsrcu_read_unlock\(ssp, r0\);/,
  );
  assert.match(
    text,
    /r1 = READ_ONCE\(\*x3\);\n\tsynchronize_srcu\(ssp\);\n\tWRITE_ONCE\(\*x0, 1\);/,
  );
  assert.match(text, /P0\(int \*x0, int \*x1\)\n\{\n\tint r1;\n\n\trcu_read_lock\(\);/);
  assert.throws(() => rcuCycleTest('RQ'), /not a word of R and G \(RCU\), S and Y \(SRCU\), M/);
  // Membarrier updaters (Ordo's LKMM only): P registers in its own thread first.
  const memb = rcuCycleTest('MPU');
  assert.match(memb, /r1 = READ_ONCE\(\*x0\);\n\tsmp_memb\(\);\n\tWRITE_ONCE\(\*x1, 1\);/);
  assert.match(
    memb,
    /P1[^]*\tmembarrier\(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED\);\n\tr1 = READ_ONCE\(\*x1\);\n\tmembarrier\(MEMBARRIER_CMD_PRIVATE_EXPEDITED\);\n[^]*P2/,
  );
  assert.doesNotMatch(memb.slice(memb.indexOf('P2(')), /REGISTER/);
  // O: a thread with no marker, its read then its write.
  assert.match(
    rcuCycleTest('OR'),
    /P0\(int \*x0, int \*x1\)\n\{\n\tint r1;\n\n\tr1 = READ_ONCE\(\*x0\);\n\tWRITE_ONCE\(\*x1, 1\);\n\}/,
  );
});

test('the shapes compared: default members, words given, seeded random words', () => {
  const o = {
    sizes: [3, 4],
    random: 5,
    seed: 7,
    longest: 6,
    shapes: ['SY'],
    letters: 'RGSY',
    timeout: 1,
    out: '',
  };
  const shapes = shapesOf(o);
  assert.deepEqual(shapes.slice(0, 3), [defaultShape(3), defaultShape(4), 'SY']);
  assert.deepEqual(shapesOf(o), shapes);
  for (const s of shapes.slice(3)) assert.match(s, /^[RGSY]{3,6}$/);
  assert.notDeepEqual(shapesOf({ ...o, seed: 8 }), shapes);
  const membarrier = shapesOf({ ...o, sizes: [], shapes: [], random: 20, letters: 'MPU' });
  for (const s of membarrier) assert.ok(/^[MPU]+$/.test(s) && ordoOnly(s), s);
  assert.ok(!ordoOnly('RGSY'));
});

test("Ordo's LKMM and the kernel's files answer an RCU and SRCU member alike; a difference is named", () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-rcu-compare-'));
  const file = join(dir, 'member.litmus');
  writeFileSync(file, rcuCycleTest('SSYRG'));
  const kernel = answerOf(file, kernelOptions());
  const ours = answerOf(file, {});
  assert.equal(kernel.states, 32);
  assert.ok(
    kernel.lines.some((l) => l.startsWith('Observation ')),
    kernel.lines.join('\n'),
  );
  assert.equal(modelDifference(ours, kernel), undefined);
  const other: ModelAnswer = { ...ours, lines: ours.lines.map((l) => l.replace(/^Ok$/, 'No')) };
  assert.match(
    modelDifference(other, kernel) ?? '',
    /^report differs: Ordo's LKMM No; kernel files Ok$/,
  );
  const refused: ModelAnswer = { lines: [], error: 'x: bad', cpuSeconds: 0 };
  assert.match(
    modelDifference(refused, kernel) ?? '',
    /^error differs: Ordo's LKMM x: bad; kernel files \(none\)$/,
  );
  assert.equal(modelDifference({ lines: [], limit: 'time', cpuSeconds: 1 }, kernel), undefined);
});

test('another build answers through its own runner; a membarrier member is flagged unregistered only for U', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-rcu-compare-'));
  const file = join(dir, 'member.litmus');
  writeFileSync(file, rcuCycleTest('RRU'));
  const ours = answerOf(file, {});
  assert.ok(ours.lines.includes('Flag membarrier-unregistered'), ours.lines.join('\n'));
  writeFileSync(file, rcuCycleTest('RRP'));
  const registered = answerOf(file, {});
  assert.ok(!registered.lines.some((l) => l.startsWith('Flag')), registered.lines.join('\n'));
  // A runner standing for another build: its answers are compared under their own names.
  const other = answerOf(file, {}, () => {
    throw new OrdoError('refused', { file, line: 1, col: 1 });
  });
  assert.match(
    modelDifference(registered, other, ["Ordo's LKMM", "the other build's"]) ?? '',
    /^error differs: Ordo's LKMM \(none\); the other build's refused$/,
  );
});
