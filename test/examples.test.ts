// The protocol examples in examples/: each litmus test's verdict under Ordo's LKMM, as
// explained in examples/README.md. Every example also states its verdict on the
// `Result:` line of its header comment; that line must agree with the table here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTest } from '../src/api/run.js';

const examples = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'examples');

/** Observation, positive and negative counts, flags. */
const EXPECTED: Record<string, [string, number, number, string[]]> = {
  // The scheduler and sys_membarrier(): rq->curr read by the membarrier caller.
  'sched-incoming+mb': ['Never', 0, 3, []],
  'sched-incoming+nomb': ['Sometimes', 1, 3, []],
  'sched-outgoing+mb': ['Never', 0, 3, []],
  'sched-outgoing+nomb': ['Sometimes', 1, 3, []],
  // Patching a tail-call site.
  'tailcall-install+sync': ['Never', 0, 2, []],
  'tailcall-install+nosync': ['Sometimes', 1, 2, []],
  'tailcall-remove+sync': ['Never', 0, 2, []],
  'tailcall-remove+nosync': ['Sometimes', 1, 2, []],
  // Waiting for running BPF programs before draining a map.
  'map-drain+sync-rcu': ['Never', 0, 2, []],
  'map-drain+sync-rcu+unmarked': ['Sometimes', 1, 2, []],
  'map-drain+memb': ['Never', 0, 2, []],
  'map-drain+memb+barrier': ['Sometimes', 1, 2, []],
  'map-drain+nowait': ['Sometimes', 1, 2, []],
  'map-drain+memb-private': ['Never', 0, 2, []],
  'map-drain+memb-private+unregistered': ['Sometimes', 1, 2, ['membarrier-unregistered']],
};

test('every example has an expected verdict, and every expected verdict an example', () => {
  const files = readdirSync(examples)
    .filter((f) => f.endsWith('.litmus'))
    .map((f) => f.replace(/\.litmus$/, ''));
  assert.deepEqual([...files].sort(), Object.keys(EXPECTED).sort());
});

for (const [name, [observation, positive, negative, flags]] of Object.entries(EXPECTED)) {
  test(`example ${name}: ${observation}`, () => {
    const file = join(examples, `${name}.litmus`);
    const r = runTest(file);
    assert.equal(r.name, name);
    assert.equal(r.observation, observation);
    assert.equal(r.positive, positive);
    assert.equal(r.negative, negative);
    assert.deepEqual(r.flags, flags);
    const declared = /Result:\s*(\w+)/.exec(readFileSync(file, 'utf8'));
    assert.equal(declared?.[1], observation, 'the Result: line of the example');
  });
}
