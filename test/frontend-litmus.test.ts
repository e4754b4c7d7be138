// The reader shared by the assembly dialects (src/frontend/litmus): what it refuses
// before any dialect sees an instruction.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OrdoError } from '../src/diagnostics.js';
import { parsePpcLitmus } from '../src/frontend/ppc/index.js';
import { parseRiscvLitmus } from '../src/frontend/riscv/index.js';

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
