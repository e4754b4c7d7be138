// Final states as rows (one value per column): the condition tested on a row agrees with
// the condition tested on the state it stands for, and rows are told apart by their keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  holds,
  rowKey,
  rowTest,
  stateOfRow,
  type StateValue,
} from '../src/outcomes/final-state.js';
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

test('rows with other values have other keys, equal rows the same key', () => {
  const all = rows();
  const keys = all.map(rowKey);
  assert.equal(new Set(keys).size, all.length);
  assert.equal(rowKey([1, 2, 0, [1, 2]]), rowKey([1, 2, 0, [1, 2]]));
  // An array's elements are not confused with columns.
  assert.notEqual(rowKey([1, [2, 3]]), rowKey([1, 2, 3]));
});
