// The library's calls: structured results (states as columns and values), executions on
// request with their relations and rejecting checks, and cancellation of a long run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTest, runTestText } from '../src/api/index.js';
import { runTestText as runTestSync } from '../src/api/run.js';
import { decideStats } from '../src/cat/interp.js';
import { defaultShape, rcuCycleTest } from '../tools/rcu-family.js';
import { corpusPath, kernelOptions } from './support/corpus.js';

const SB = `C SB
{}
P0(int *x, int *y) { int r0; WRITE_ONCE(*x, 1); r0 = READ_ONCE(*y); }
P1(int *x, int *y) { int r1; WRITE_ONCE(*y, 1); r1 = READ_ONCE(*x); }
exists (0:r0=0 /\\ 1:r1=0)
`;

test('a result gives its final states as values per column, in herd7 order', async () => {
  const r = await runTestText('SB.litmus', SB);
  assert.deepEqual(r.columns, [
    { kind: 'reg', thread: 0, name: 'r0' },
    { kind: 'reg', thread: 1, name: 'r1' },
  ]);
  assert.deepEqual(r.states, [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
  assert.equal(r.executions, undefined);
});

test('executions on request: every allowed one with its events and relations', async () => {
  const r = await runTestText('SB.litmus', SB, { executions: { which: 'all' } });
  const xs = r.executions ?? [];
  assert.equal(xs.length, 4);
  assert.equal(xs.filter((x) => x.conditionHolds).length, 1);
  for (const x of xs) {
    assert.equal(x.allowed, true);
    assert.equal(x.events.filter((e) => !e.init).length, 4);
    assert.equal(x.relations.po.length, 2);
    assert.equal(x.relations.rf.length, 2);
  }
  const witness = xs.find((x) => x.conditionHolds)!;
  assert.deepEqual(witness.state, [0, 0]);
  assert.equal(
    witness.relations.fr.filter(([a, b]) => !witness.events[a].init && !witness.events[b].init)
      .length,
    2,
  );
});

test('rejected executions carry every check that rejects them', async () => {
  const r = await runTest(corpusPath('tests', 'kernel', 'SB+fencembonceonces.litmus'), {
    ...kernelOptions(),
    executions: { which: 'rejected' },
  });
  const xs = r.executions ?? [];
  assert.ok(xs.length > 0);
  for (const x of xs) {
    assert.equal(x.allowed, false);
    assert.ok(x.failures.length > 0);
    for (const f of x.failures) assert.ok(f.pairs.length > 0, f.check);
  }
  assert.ok(xs.some((x) => x.conditionHolds && x.failures.some((f) => f.check === 'propagation')));
});

test('an AbortSignal stops a long run: the call rejects with AbortError', async () => {
  const slow = corpusPath('tests', 'lkmm-dev', 'kernel', 'C-ManfredSpraul-L1G2xchg.litmus');
  const controller = new AbortController();
  const pending = runTest(slow, { ...kernelOptions(), signal: controller.signal });
  setTimeout(() => controller.abort(), 300);
  await assert.rejects(pending, (err: Error) => err.name === 'AbortError');
});

test('evaluations that share nothing across candidates give the same answer', () => {
  // The RCU cycle of 8 processes: 256 candidates in one path combination, every one
  // allowed, where the evaluations share the most (checks decided, values kept).
  const text = rcuCycleTest(defaultShape(8));
  const judged = decideStats.judged;
  const shared = runTestSync('rcu8.litmus', text, kernelOptions());
  assert.equal(decideStats.judged, judged + 1);
  const alone = runTestSync('rcu8.litmus', text, {
    ...kernelOptions(),
    shareAcrossCandidates: false,
  });
  // Nothing judged for the combination: each candidate evaluated every check itself.
  assert.equal(decideStats.judged, judged + 1);
  assert.equal(shared.states.length, 256);
  assert.deepEqual(
    [alone.states, alone.positive, alone.negative, alone.flags],
    [shared.states, shared.positive, shared.negative, shared.flags],
  );
});
