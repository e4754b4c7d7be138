// The candidate space is pruned while reads-from is chosen: a path condition is checked as
// soon as the values it needs are known, so a contradicted branch costs one choice, not
// every completion of it. These tests count the enumerator's work directly and check that
// pruning keeps exactly the candidates the full resolution keeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCLitmus } from '../src/frontend/c/index.js';
import { loadSetup } from '../src/api/run.js';
import {
  buildTraces,
  enumerateCandidates,
  initialMemory,
  observedLocations,
  type EnumerationStats,
} from '../src/executions/enumerate.js';
import { formatValue } from '../src/events/symbolic.js';
import {
  filterRegisterChecks,
  finalState,
  holds,
  sortColumns,
} from '../src/outcomes/final-state.js';

function enumerate(
  text: string,
  early: 'filter early' | 'filter at the leaf' = 'filter at the leaf',
): { stats: EnumerationStats; outcomes: string[] } {
  const test = parseCLitmus(text, 'pruning.litmus', loadSetup({}).macros);
  const filterColumns = sortColumns(observedLocations(test, true));
  const memory = initialMemory(test);
  const traces = buildTraces(test, memory, 1 << 14);
  const stats: EnumerationStats = { combinations: 0, readsFromLeaves: 0 };
  const outcomes: string[] = [];
  enumerateCandidates(
    test,
    traces,
    memory,
    {
      deadline: Infinity,
      registerChecks:
        test.filter && early === 'filter early'
          ? filterRegisterChecks(test.filter, filterColumns)
          : [],
    },
    (cand) => {
      // What the run does with every candidate it is given: the whole filter decides.
      if (test.filter && !holds(test.filter, finalState(cand, filterColumns, memory))) return true;
      const regs = [...cand.registers.entries()]
        .flatMap(([t, m]) =>
          [...m].filter(([r]) => /^r\d+$/.test(r)).map(([r, v]) => `${t}:${r}=${formatValue(v)}`),
        )
        .sort();
      outcomes.push(regs.join(' '));
      return true;
    },
    stats,
  );
  return { stats, outcomes: outcomes.sort() };
}

/** k reads of x, each followed by an empty `if` on its value: 2^k paths, 2^k real executions. */
function emptyIfs(k: number): string {
  const regs = Array.from({ length: k }, (_, i) => `r${i}`);
  const body = regs.map((r) => `${r} = READ_ONCE(*x); if (${r} == 1) {}`).join(' ');
  return `C empty-ifs
{}
P0(int *x) { WRITE_ONCE(*x, 1); }
P1(int *x) { int ${regs.join(', ')}; ${body} }
exists (1:r0=1)
`;
}

test('a contradicted branch condition is cut at the read that decides it', () => {
  const k = 4;
  const { stats, outcomes } = enumerate(emptyIfs(k));
  // One path per combination of branch outcomes, each compatible with exactly one
  // reads-from choice: 2^k leaves, where checking at the leaf would reach 4^k.
  assert.equal(stats.combinations, 2 ** k);
  assert.equal(stats.readsFromLeaves, 2 ** k);
  assert.equal(outcomes.length, 2 ** k);
  assert.equal(new Set(outcomes).size, 2 ** k);
});

test('a condition on a value another thread has not read yet waits for that read', () => {
  // P0's branch depends on y, whose only write stores what P1 reads from x: the condition
  // cannot be decided when P0's read is chosen, only once P1's read is.
  const { outcomes } = enumerate(`C waits
{}
P0(int *x, int *y) { int r0; r0 = READ_ONCE(*y); if (r0 == 2) { WRITE_ONCE(*x, 3); } }
P1(int *x, int *y) { int r1; r1 = READ_ONCE(*x); WRITE_ONCE(*y, r1 + 2); }
exists (0:r0=2)
`);
  // r0 = 2 needs r1 = 0 (the initial x); r0 = 0 is the initial y; r1 = 3 needs r0 = 2,
  // whose write of y stores 5, not 2: that cycle has no solution.
  assert.deepEqual(outcomes, ['0:r0=0 1:r1=0', '0:r0=2 1:r1=0']);
});

test('an equality assumed by a path prunes writes of other values', () => {
  const { stats, outcomes } = enumerate(`C equals
{}
P0(int *x) { WRITE_ONCE(*x, 1); WRITE_ONCE(*x, 2); }
P1(int *x) { int r0; r0 = READ_ONCE(*x); if (r0 == 2) { WRITE_ONCE(*x, 3); } }
exists (1:r0=2)
`);
  // Two paths for P1; the taken branch admits only the write of 2, the other the rest.
  assert.equal(stats.readsFromLeaves, 3);
  assert.deepEqual(outcomes, ['1:r0=0', '1:r0=1', '1:r0=2']);
});

test("the filter's register conjuncts cut reads-from choices, keeping the same executions", () => {
  // P1 reads x twice; the filter keeps r0 = 1 and r1 <> 0 (a register-only conjunct each)
  // and x = 2 (a memory conjunct, judged at the leaf with the final writes).
  const text = `C filtered
{}
P0(int *x) { WRITE_ONCE(*x, 1); WRITE_ONCE(*x, 2); }
P1(int *x) { int r0; int r1; r0 = READ_ONCE(*x); r1 = READ_ONCE(*x); }
filter (1:r0=1 /\\ ~1:r1=0 /\\ x=2)
exists (1:r1=2)
`;
  const late = enumerate(text, 'filter at the leaf');
  const early = enumerate(text, 'filter early');
  assert.deepEqual(early.outcomes, late.outcomes);
  assert.deepEqual(early.outcomes, ['1:r0=1 1:r1=1', '1:r0=1 1:r1=2']);
  // Each read has 3 writes to choose from; r0 = 1 leaves 1, and then r1 <> 0 leaves 2.
  assert.equal(late.stats.readsFromLeaves, 9);
  assert.equal(early.stats.readsFromLeaves, 2);
});
