import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runTestText } from '../src/api/run.js';
import { formatStates } from '../src/report/herd-text.js';

// Ordo's own LKMM (the default model) is used throughout.

const oota = `C oota-copies
{}
P0(int *x, int *y) { int r1; r1 = *x; *y = r1; }
P1(int *x, int *y) { int r1; r1 = *y; *x = r1; }
exists (~0:r1=0 \\/ ~1:r1=0)
`;

test('an out-of-thin-air cycle of plain copies is kept with an undetermined value, as herd7 does', () => {
  const r = runTestText(join('mem', 'oota.litmus'), oota);
  assert.deepEqual(formatStates(r), ['0:r1=S8; 1:r1=S8;', '0:r1=0; 1:r1=0;']);
  assert.equal(r.positive, 1);
  assert.equal(r.negative, 3);
  assert.ok(r.flags.includes('data-race'));
});

test('a cycle through a computed value has no solution and no execution', () => {
  const text = oota.replace('*y = r1;', '*y = r1 + 1;');
  const r = runTestText(join('mem', 'oota2.litmus'), text);
  // Of the four reads-from choices, the one where each thread reads the other's write
  // needs r1 = r1 + 1: it has no solution, so only three executions remain.
  assert.deepEqual(formatStates(r), ['0:r1=0; 1:r1=0;', '0:r1=0; 1:r1=1;']);
  assert.equal(r.positive + r.negative, 3);
});

test('reads take values from writes of any thread; final memory comes from the chosen final write', () => {
  const text = `C two-writers
{}
P0(int *x) { WRITE_ONCE(*x, 1); }
P1(int *x) { WRITE_ONCE(*x, 2); }
P2(int *x) { int r0; r0 = READ_ONCE(*x); }
exists (x=1 /\\ 2:r0=2)
`;
  const r = runTestText('two-writers.litmus', text);
  assert.deepEqual(formatStates(r), [
    '2:r0=0; [x]=1;',
    '2:r0=0; [x]=2;',
    '2:r0=1; [x]=1;',
    '2:r0=1; [x]=2;',
    '2:r0=2; [x]=1;',
    '2:r0=2; [x]=2;',
  ]);
  assert.equal(r.observation, 'Sometimes');
});

test('a -max-executions limit stops the run and says so', () => {
  const text = `C limited
{}
P0(int *x) { WRITE_ONCE(*x, 1); }
P1(int *x) { int r0; r0 = READ_ONCE(*x); }
exists (1:r0=1)
`;
  const r = runTestText('limited.litmus', text, { maxExecutions: 1 });
  assert.match(r.limit ?? '', /more than 1 candidate executions/);
});
