// The reader shared by the assembly dialects (src/frontend/litmus): what it refuses
// before any dialect sees an instruction.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OrdoError } from '../src/diagnostics.js';
import { parsePpcLitmus } from '../src/frontend/ppc/index.js';
import { parseRiscvLitmus } from '../src/frontend/riscv/index.js';
import { runTestText } from '../src/api/run.js';
import { formatHerdReport } from '../src/report/herd-text.js';

test("a row missing its ';' is refused at its line, not lowered across the line break", () => {
  // Found by the fuzzer (seed 77, cases 98 and 120): an internal error in every dialect.
  const ppc = [
    'PPC missing-semicolon',
    '{ 0:r2=x; 1:r2=x; }',
    ' P0           | P1           ;',
    ' li r1,1      | lwz r3,0(r2) ;',
    ' stw r1,0(r2) | sync',
    '                lwz r4,0(r2) ;',
    'exists (1:r3=1)',
  ].join('\n');
  assert.throws(
    () => parsePpcLitmus(ppc, 't.litmus'),
    (err: unknown) =>
      err instanceof OrdoError &&
      /^t\.litmus:5:\d+: 'sync' runs on to the next line: is a ';' missing\?$/.test(err.format()),
  );
  const riscv = [
    'RISCV missing-semicolon',
    '{ 0:x6=x; }',
    ' P0 ;',
    ' "a spliced comment line"',
    ' sw x5,0(x6) ;',
    'exists (x=0)',
  ].join('\n');
  assert.throws(() => parseRiscvLitmus(riscv, 't.litmus'), /runs on to the next line/);
});

test('a thread named twice in the header is refused at the second name (fuzz seed 61130, case 359)', () => {
  // Found by the fuzzer: the two columns' code was merged into one thread (an internal
  // error in the trace stage, or a silent one-thread answer).
  const ppc = [
    'PPC dup',
    '{ 0:r2=x; }',
    ' P0           | P0           ;',
    ' lwz r1,0(r2) | li r3,1      ;',
    'exists (0:r1=1)',
  ].join('\n');
  assert.throws(
    () => parsePpcLitmus(ppc, 't.litmus'),
    (err: unknown) =>
      err instanceof OrdoError &&
      err.format() === 't.litmus:3:17: Syntax error: thread P0 is named twice in the header.',
  );
});

test('a program of 20,000 rows is read in linear time (fuzz seed 1796006823, case 843)', () => {
  // Each cell's position was found by scanning all the text before it: 5,000 rows took a
  // second of CPU, 20,000 about sixteen, before any limit was checked.
  const rows = Array.from({ length: 20000 }, () => ' li r1,1 ;').join('\n');
  const text = `PPC long\n{ 0:r2=x; }\n P0 ;\n${rows}\n stw r1,0(r2) ;\nexists (x=1)\n`;
  const r = runTestText('long.litmus', text, { timeout: 5 });
  assert.equal(r.limit, undefined);
  assert.equal(r.observation, 'Always');
});

test('a whole array is a column and a condition value: x={1,2}, printed before the cells', () => {
  const text = [
    'AArch64 swap-array',
    '{ int v[2] = {1,2}; int w[2]; 0:X2=v; x=3; }',
    ' P0 ;',
    ' LDR W0,[X2] ;',
    ' LDR W1,[X2,#4] ;',
    ' STR W0,[X2,#4] ;',
    ' STR W1,[X2] ;',
    'locations [w[1]; x; w;]',
    'forall (v={2,1} /\\ not (v={1,2}))',
  ].join('\n');
  const r = runTestText('swap.litmus', text, {});
  const report = formatHerdReport(r);
  // herd7's order: registers, whole locations and arrays by name, then array elements.
  assert.match(report, /^States 1\nv=\{2,1\}; w=\{0,0\}; \[x\]=3; w\[1\]=0;\nOk$/m);
  assert.match(report, /^Condition forall \(v=\{2,1\} \/\\ not \(v=\{1,2\}\)\)$/m);
  assert.equal(r.observation, 'Always');
});

test('only a declared array is compared with {...}, with one value per element', () => {
  const test = (init: string, cond: string) =>
    `AArch64 t\n{ ${init} 0:X2=x; }\n P0 ;\n STR WZR,[X2] ;\nexists (${cond})\n`;
  assert.throws(
    () => runTestText('t.litmus', test('', 'x={0,0}'), {}),
    (err: unknown) =>
      err instanceof OrdoError &&
      /^t\.litmus:5:9: Syntax error: '\[x\]' is not an array of the initial state/.test(
        err.format(),
      ),
  );
  assert.throws(
    () => runTestText('t.litmus', test('int x[2];', 'x={0,0,0}'), {}),
    /'x' has 2 elements but the condition gives 3/,
  );
  assert.throws(
    () => runTestText('t.litmus', test('int x[2];', 'x=0'), {}),
    /'x' is an array: compare it with '\{v0,v1,...\}'/,
  );
});
