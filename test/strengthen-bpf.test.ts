// `strengthen` on BPF tests: each edit kind rewrites one cell of the program table (or
// inserts a row in one thread's column), the edited tests run, and on herd's BPF
// translations of the kernel's tests the cheapest fix forbids the outcome.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runTestText, type RunOptions } from '../src/api/run.js';
import { applyEdits, type Edit } from '../src/strengthen/edits.js';
import { bpfStrengtheningEdits } from '../src/strengthen/bpf-edits.js';
import { replaceCell, rowCells } from '../src/strengthen/columns.js';
import { costFunction } from '../src/strengthen/costs.js';
import { strengthen, type StrengthenOptions } from '../src/strengthen/search.js';
import { FirstWitness } from '../src/strengthen/cycles.js';
import { corpusPath, herdBpfCat } from './support/corpus.js';

const bpfTest = (name: string): string => corpusPath('tests', 'herd-bpf', `${name}.litmus`);

function options(cost = 'changes', extra: Partial<StrengthenOptions> = {}): StrengthenOptions {
  return {
    cost: costFunction(cost),
    maxChanges: 3,
    maxCandidates: 5000,
    outcome: { kind: 'condition' },
    run: {},
    ...extra,
  };
}

function allowed(file: string, text: string, run: RunOptions = {}): boolean {
  const witness = new FirstWitness({ kind: 'condition' });
  runTestText(file, text, run, witness);
  return witness.allowed;
}

const ATOMIC_MP = `BPF atomic-mp
{
0:r2=x; 0:r4=y; 0:r1=1;
1:r2=x; 1:r4=y;
}
 P0                             | P1                     ;
 *(u32 *)(r2 + 0) = 1           | r5 = *(u32 *)(r4 + 0)  ;
 lock *(u32 *)(r4 + 0) += r1    | r6 = *(u32 *)(r2 + 0)  ;
exists (1:r5=1 /\\ 1:r6=0)
`;

const kinds = (edits: Edit[], thread: number): string[] =>
  edits.filter((e) => e.thread === thread).map((e) => e.kind);

test('program rows split into cells at | but not at |=', () => {
  const row = ' lock *(u32 *)(r4 + 0) |= r1 | r6 = 1 ;';
  assert.deepEqual(
    rowCells(row).map(([s, e]) => row.slice(s, e).trim()),
    ['lock *(u32 *)(r4 + 0) |= r1', 'r6 = 1'],
  );
  assert.equal(replaceCell(' a    | b ;', 1, 'cc'), ' a    | cc ;');
});

test('BPF edits: acquire, release, fetching atomic and barriers, each in its own cell or row', () => {
  const edits = bpfStrengtheningEdits(ATOMIC_MP, 'atomic-mp.litmus');
  assert.deepEqual(kinds(edits, 0), ['release', 'fetch-atomic', 'mb', 'wmb']);
  assert.deepEqual(kinds(edits, 1), ['acquire', 'acquire', 'mb', 'rmb']);
  const text = (kind: Edit['kind'], thread: number): string =>
    applyEdits(ATOMIC_MP, [edits.find((e) => e.kind === kind && e.thread === thread)!]);
  assert.match(
    text('acquire', 1),
    /\| r5 = load_acquire\(\(u32 \*\)\(r4 \+ 0\)\)\s*;\n lock /,
    'the cell is rewritten, the row kept',
  );
  // store_release takes a register: the value goes to a register the thread does not use.
  assert.match(
    text('release', 0),
    /\n r0 = 1\s*\|\s*;\n store_release\(\(u32 \*\)\(r2 \+ 0\), r0\)\s*\| r5 = \*\(u32 \*\)\(r4 \+ 0\)\s*;/,
  );
  // r1 is read by nothing after the atomic: the fetching form returns the old value in it.
  assert.match(text('fetch-atomic', 0), / r1 = atomic_fetch_add\(\(u32 \*\)\(r4 \+ 0\), r1\)/);
  assert.match(text('rmb', 1), /\n\s*\| smp_rmb\s*;\n \s*lock .*\| r6 =/);
  for (const e of edits) runTestText('atomic-mp.litmus', applyEdits(ATOMIC_MP, [e]));
  // Two edits on one row in different threads both apply.
  const both = applyEdits(ATOMIC_MP, [
    edits.find((e) => e.kind === 'fetch-atomic')!,
    edits.filter((e) => e.kind === 'acquire')[1],
  ]);
  assert.match(both, /atomic_fetch_add.*\| r6 = load_acquire/);
});

test('a fetching atomic whose old value would clobber an observed register uses a copy', () => {
  const observed = ATOMIC_MP.replace('exists', 'locations [0:r1;]\nexists');
  const edit = bpfStrengtheningEdits(observed, 'atomic-mp.litmus').find(
    (e) => e.kind === 'fetch-atomic',
  )!;
  const text = applyEdits(observed, [edit]);
  assert.match(text, /\n r0 = r1\s*\|\s*;\n r0 = atomic_fetch_add\(\(u32 \*\)\(r4 \+ 0\), r0\)/);
  const finals = runTestText('atomic-mp.litmus', text).states.map((s) => s.join());
  const before = runTestText('atomic-mp.litmus', observed).states.map((s) => s.join());
  assert.deepEqual(
    [...new Set(finals.map((s) => s.split(',')[0]))],
    [...new Set(before.map((s) => s.split(',')[0]))],
    "0:r1's final values are unchanged",
  );
});

test('BPF: the fetching atomic with an acquire (or barriers) forbids message passing', () => {
  const result = strengthen('atomic-mp.litmus', ATOMIC_MP, options());
  assert.ok(result.solutions.length > 0);
  for (const s of result.solutions) assert.equal(allowed('atomic-mp.litmus', s.text), false);
  assert.ok(
    result.solutions.some((s) => s.edits.map((e) => e.kind).includes('fetch-atomic')),
    'a solution uses the fetching atomic',
  );
});

/**
 * herd's BPF translations of the kernel's tests, and their fixed variants (which use
 * fetching atomics where the kernel's use smp_mb: BPF had no barrier instruction).
 */
const FIXED: Array<[string, string]> = [
  ['MP+poonceonces', 'MP+pooncerelease+poacquireonce'],
  ['SB+poonceonces', 'SB+fencembonceonces'],
  ['LB+poonceonces', 'LB+release-oa+acquire'],
  ['IRIW+poonceonces+OnceOnce', 'IRIW+fencembonceonces+OnceOnce'],
  ['R+poonceonces', 'R+fencembonceonces'],
  ['WRC+poonceonces+Once', 'WRC+pooncerelease+fencermbonceonce+Once'],
];

const ORDERING =
  /\b(load_acquire|store_release|atomic_fetch_\w+|xchg\w*|cmpxchg\w*|smp_mb|smp_rmb|smp_wmb)\b/g;
const primitives = (text: string): number => (text.match(ORDERING) ?? []).length;

for (const [unordered, fixed] of FIXED)
  test(`BPF ${unordered}: pruned and exhaustive agree; the cheapest fix forbids the outcome with no more primitives than ${fixed}`, () => {
    const file = bpfTest(unordered);
    const source = readFileSync(file, 'utf8');
    assert.equal(allowed(file, source), true);
    const pruned = strengthen(file, source, options());
    const exhaustive = strengthen(file, source, options('changes', { prune: false }));
    const keys = (r: typeof pruned): string[] =>
      r.solutions.map((s) => s.edits.map((e) => `${e.slot}=${e.kind}`).join(' ')).sort();
    assert.deepEqual(keys(pruned), keys(exhaustive));
    const [cheapest] = pruned.solutions;
    assert.ok(cheapest);
    assert.equal(allowed(file, cheapest.text), false);
    const added = primitives(cheapest.text) - primitives(source);
    assert.ok(added > 0 && added <= primitives(readFileSync(bpfTest(fixed), 'utf8')));
  });

test('BPF MP under --cost x86_64: acquire and release cost nothing', () => {
  const file = bpfTest('MP+poonceonces');
  const [cheapest] = strengthen(file, readFileSync(file, 'utf8'), options('x86_64')).solutions;
  assert.equal(cheapest.cost, 0);
  assert.deepEqual(cheapest.edits.map((e) => e.kind).sort(), ['acquire', 'release']);
});

test("barriers herd's bpf.cat does not name are left out, with the model's reason", () => {
  const file = bpfTest('SB+poonceonces');
  const run: RunOptions = { model: herdBpfCat() };
  const result = strengthen(file, readFileSync(file, 'utf8'), options('changes', { run }));
  assert.ok(result.refused.length > 0);
  assert.ok(result.refused.every((r) => ['mb', 'rmb', 'wmb'].includes(r.edit.kind)));
  for (const s of result.solutions) {
    assert.ok(!s.edits.some((e) => ['mb', 'rmb', 'wmb'].includes(e.kind)));
    assert.equal(allowed(file, s.text, run), false);
  }
});
