// Final states as rows (one value per column): the condition tested on a row agrees with
// the condition tested on the state it stands for, and the set of distinct states keeps
// rows as a map keyed by their values' keys would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  holds,
  rowTest,
  stateOfRow,
  stateValueKey,
  type StateValue,
} from '../src/outcomes/final-state.js';
import { StateRowSet } from '../src/outcomes/state-set.js';
import type { Prop, StateLoc } from '../src/program/ir.js';

const r0: StateLoc = { kind: 'reg', thread: 0, name: 'r0' };
const r1: StateLoc = { kind: 'reg', thread: 1, name: 'r0' };
const x: StateLoc = { kind: 'mem', name: 'x' };
const a: StateLoc = { kind: 'array', name: 'a', length: 2 };
const missing: StateLoc = { kind: 'mem', name: 'y' };
const columns = [r0, r1, x, a];

const eq = (loc: StateLoc, value: number): Prop => ({ kind: 'eq', loc, value });

/** Propositions over every form, including a location that is not a column. */
const props: Prop[] = [
  { kind: 'true' },
  { kind: 'false' },
  eq(r0, 1),
  eq(missing, 0),
  eq(missing, 1),
  { kind: 'eqLoc', loc: r0, other: r1 },
  { kind: 'eqLoc', loc: x, other: missing },
  { kind: 'eqArray', loc: a, values: [1, 2] },
  { kind: 'not', arg: eq(x, 2) },
  { kind: 'and', args: [eq(r0, 1), eq(r1, 1), eq(x, 2)] },
  { kind: 'or', args: [eq(r0, 0), { kind: 'eqArray', loc: a, values: [0, 0] }] },
  { kind: 'implies', left: eq(r0, 1), right: eq(x, 1) },
];

/** Every row with values 0..2 in the registers and x, and a in {0,0} or {1,2}. */
function rows(): StateValue[][] {
  const out: StateValue[][] = [];
  for (let i = 0; i < 3 ** 3 * 2; i++) {
    const d = (k: number) => Math.floor(i / 3 ** k) % 3;
    out.push([d(0), d(1), d(2), i < 27 ? [0, 0] : [1, 2]]);
  }
  return out;
}

test('a condition tested on rows agrees with it tested on the states', () => {
  const all = rows();
  for (const p of props) {
    const onRow = rowTest(p, columns);
    const verdicts = all.map((row) => onRow(row));
    assert.deepEqual(
      verdicts,
      all.map((row) => holds(p, stateOfRow(row, columns))),
      JSON.stringify(p),
    );
    // Every proposition but the constants tells some rows apart.
    if (p.kind !== 'true' && p.kind !== 'false' && JSON.stringify(p).indexOf('"y"') < 0)
      assert.ok(verdicts.includes(true) && verdicts.includes(false), JSON.stringify(p));
  }
});

test('the state set keeps the rows whose values differ in key, the first of equal ones', () => {
  // Values of every kind, with pairs of different values whose keys are equal (a number
  // and a bigint of the same integer, 0 and -0), and values whose keys differ by little.
  const pool: StateValue[] = [
    0,
    -0,
    1,
    -1,
    1n,
    2 ** 40,
    2n ** 40n,
    2n ** 70n,
    2 ** 70,
    1.5,
    NaN,
    { addr: 'x' },
    { addr: 'x', offset: 0 },
    { addr: 'x', offset: 4 },
    { addr: 'y' },
    { undetermined: 1 },
    { undetermined: 2 },
    [1, 2],
    [1n, 2],
    [2, 1],
  ];
  // A small generator of its own: the same rows on every run.
  let seed = 12345;
  const next = (k: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % k;
  };
  const rows: StateValue[][] = [];
  for (let i = 0; i < 5000; i++) rows.push([pool[next(pool.length)], pool[next(4)], pool[next(6)]]);
  const set = new StateRowSet();
  const byKey = new Map<string, StateValue[]>();
  for (const row of rows) {
    set.add(row);
    const key = row.map(stateValueKey).join(' ');
    if (!byKey.has(key)) byKey.set(key, row);
  }
  assert.equal(set.size, byKey.size);
  // The rows a map keyed by the joined keys keeps (copies of them), in the same order.
  const kept = set.values();
  const expected = [...byKey.values()];
  assert.equal(kept.length, expected.length);
  kept.forEach((row, i) => assert.deepStrictEqual(row, expected[i]));
  // Equal keys, other values: 1 and 1n, 0 and -0 are one state.
  const small = new StateRowSet();
  small.add([1, 0]);
  small.add([1n, -0]);
  small.add([1, 1]);
  assert.equal(small.size, 2);
  // A row filled again after it was added (the run reuses one row per candidate): the
  // set kept the values it had.
  const reused = new StateRowSet();
  const scratch: StateValue[] = [1, 2];
  reused.add(scratch);
  scratch[1] = 3;
  reused.add(scratch);
  assert.deepStrictEqual(reused.values(), [
    [1, 2],
    [1, 3],
  ]);
  // Past its first table: every row still found again after the table grew.
  const many = new StateRowSet();
  for (let round = 0; round < 2; round++)
    for (let i = 0; i < 3000; i++) many.add([i % 50, Math.floor(i / 50), 0]);
  assert.equal(many.size, 3000);
});
