// `explain`: the check that rejects each execution giving an outcome, with a cycle that
// really is in that execution (every edge re-checked against the execution's relations,
// every spelled-out step against the checked relation), a witness for an allowed outcome,
// the racing pair of a data race, and the checks to skip.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explain, type Explanation } from '../src/api/index.js';
import { corpusPath, kernelOptions } from './support/corpus.js';

/** Re-check every reported cycle and offending pair against its execution. */
function assertCyclesReal(e: Explanation): number {
  let cycles = 0;
  for (const x of e.executions) {
    const rel = x.execution.relations;
    for (const c of x.rejectedBy) {
      if (c.test !== 'acyclic') {
        assert.ok(c.pairs.length > 0, `${c.check}: no offending pair`);
        if (c.test === 'irreflexive') for (const [a, b] of c.pairs) assert.equal(a, b);
        continue;
      }
      assert.ok(c.cycle.length > 0, `${c.check}: no cycle`);
      cycles++;
      const checked = new Set(c.pairs.map(([a, b]) => `${a} ${b}`));
      c.cycle.forEach((edge, i) => {
        const next = c.cycle[(i + 1) % c.cycle.length];
        assert.equal(edge.to, next.from, `${c.check}: the cycle is broken after edge ${i}`);
        const pairs = rel[edge.relation];
        assert.ok(pairs, `${c.check}: relation ${edge.relation} not recorded`);
        assert.ok(
          pairs.some(([a, b]) => a === edge.from && b === edge.to),
          `${c.check}: ${edge.from} -${edge.relation}-> ${edge.to} is not in the execution`,
        );
      });
      // Each step of the checked relation, spelled out as a path, joins a pair of it.
      const steps = [...new Set(c.cycle.map((edge) => edge.step))];
      for (const step of steps) {
        const path = c.cycle.filter((edge) => edge.step === step);
        const pair = `${path[0].from} ${path[path.length - 1].to}`;
        assert.ok(
          checked.has(pair),
          `${c.check}: step ${step} (${pair}) is not in the checked relation`,
        );
      }
    }
  }
  return cycles;
}

const forbidden: Array<[string, string]> = [
  ['kernel/SB+fencembonceonces.litmus', 'propagation'],
  ['kernel/MP+pooncerelease+poacquireonce.litmus', 'happens-before'],
  ['kernel/MP+onceassign+derefonce.litmus', 'happens-before'],
  ['kernel/doc-rcu/RCU+sync+free.litmus', 'rcu'],
  ['kernel/doc-rcu/RCU+sync+read.litmus', 'rcu'],
];

for (const [rel, check] of forbidden) {
  for (const [setup, opts] of [
    ["the kernel's model", () => kernelOptions()],
    ["Ordo's LKMM", () => ({})],
  ] as const) {
    test(`explain ${rel} (${setup}): forbidden by ${check}, with a real cycle or pair`, async () => {
      const e = await explain(corpusPath('tests', rel), opts());
      assert.equal(e.verdict, 'forbidden');
      assert.ok(e.executions.length > 0);
      for (const x of e.executions) {
        assert.equal(x.execution.allowed, false);
        assert.ok(
          x.rejectedBy.some((c) => c.check === check),
          `rejected by ${x.rejectedBy.map((c) => c.check).join(', ')}`,
        );
      }
      assertCyclesReal(e);
      assert.ok(e.skipToAllow.some((s) => s.includes(check)));
    });
  }
}

test('explain shows cycles for SB and MP (acyclic checks), each edge in the execution', async () => {
  let cycles = 0;
  for (const rel of [
    'kernel/SB+fencembonceonces.litmus',
    'kernel/MP+pooncerelease+poacquireonce.litmus',
  ]) {
    cycles += assertCyclesReal(await explain(corpusPath('tests', rel), kernelOptions()));
  }
  assert.ok(cycles >= 2);
});

test('explain LB+poonceonces: allowed, with a witness giving the outcome', async () => {
  const e = await explain(corpusPath('tests', 'kernel', 'LB+poonceonces.litmus'), {
    ...kernelOptions(),
  });
  assert.equal(e.verdict, 'allowed');
  assert.equal(e.executions.length, 1);
  const w = e.executions[0];
  assert.equal(w.execution.allowed, true);
  assert.equal(w.execution.conditionHolds, true);
  assert.deepEqual(w.rejectedBy, []);
  assert.deepEqual(e.skipToAllow, []);
});

test('explain a data race: the racing pair is a write and an access of another thread', async () => {
  const e = await explain(
    corpusPath('tests', 'lkmm-dev', 'plain', 'C-data-race-of-execution.litmus'),
    {
      ...kernelOptions(),
      state: '1:r1=17',
    },
  );
  assert.equal(e.verdict, 'allowed');
  const race = e.executions[0].flags.find((f) => f.flag === 'data-race');
  assert.ok(race, 'no data-race flag');
  assert.ok(race.pairs.length > 0);
  const events = e.executions[0].execution.events;
  for (const [a, b] of race.pairs) {
    assert.equal(events[a].location, events[b].location);
    assert.notEqual(events[a].thread, events[b].thread);
    assert.ok(events[a].kind === 'W' || events[b].kind === 'W');
  }
});

test('explain --state: an unknown column or unreadable state is an error', async () => {
  const file = corpusPath('tests', 'kernel', 'SB+fencembonceonces.litmus');
  await assert.rejects(explain(file, { state: '7:r9=1' }), /7:r9 is not in the test's final state/);
  await assert.rejects(explain(file, { state: 'nonsense' }), /cannot read "nonsense"/);
});
