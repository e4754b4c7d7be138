// The States lines of herd7's report (src/report/herd-text.ts): formatStates, which labels
// each column once and formats each distinct plain value once, prints exactly what
// formatStateRow prints state by state.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatStateRow, formatStates } from '../src/report/herd-text.js';
import type { StateValue } from '../src/api/run.js';
import type { StateLoc } from '../src/program/ir.js';

const columns: StateLoc[] = [
  { kind: 'reg', thread: 0, name: 'r0' },
  { kind: 'mem', name: 'x' },
  { kind: 'mem', name: 'v[1]' },
  { kind: 'array', name: 'a', length: 2 },
];

const states: StateValue[][] = [
  [0, 1, 2, [1, 2]],
  [1, 1, 2, [1, 3]],
  [1n, { addr: 'y' }, { addr: 'y', offset: 4 }, [0, 0]],
  [{ undetermined: 3 }, 1, 2, [1, 2]],
  [0, 1, 2, [1, 2]],
];

test('formatStates prints every column kind and value as herd7 does', () => {
  assert.deepEqual(formatStates({ columns, states }), [
    '0:r0=0; [x]=1; v[1]=2; a={1,2};',
    '0:r0=1; [x]=1; v[1]=2; a={1,3};',
    '0:r0=1; [x]=y; v[1]=y+4; a={0,0};',
    '0:r0=S3; [x]=1; v[1]=2; a={1,2};',
    '0:r0=0; [x]=1; v[1]=2; a={1,2};',
  ]);
});

test('formatStates agrees with formatStateRow on each state', () => {
  assert.deepEqual(
    formatStates({ columns, states }),
    states.map((row) => formatStateRow(columns, row)),
  );
});
