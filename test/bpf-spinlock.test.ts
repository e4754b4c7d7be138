// bpf_spin_lock / bpf_spin_unlock under Ordo's BPF model: LKMM's spin_lock()/spin_unlock()
// (mutual exclusion, acquire and release, po-unlock-lock-po), and their refusal under a
// model that does not know them (herd's bpf.cat).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTestText } from '../src/api/run.js';
import { OrdoError } from '../src/diagnostics.js';
import { corpusPath } from './support/corpus.js';

/** A test whose threads all hold r1 = lock, r2 = x, r4 = y. */
function locked(threads: string[][], cond: string): string {
  const init = threads.map((_, t) => `${t}:r1=lock; ${t}:r2=x; ${t}:r4=y;`).join(' ');
  const lines = ['BPF t', `{ ${init} }`, ` ${threads.map((_, t) => `P${t}`).join(' | ')} ;`];
  const rows = Math.max(...threads.map((t) => t.length));
  for (let i = 0; i < rows; i++) lines.push(` ${threads.map((t) => t[i] ?? '').join(' | ')} ;`);
  lines.push(cond, '');
  return lines.join('\n');
}

const run = (text: string) => runTestText('t.litmus', text, {});

test('mutual exclusion: two critical sections never interleave', () => {
  const section = [
    'call bpf_spin_lock',
    'r3 = *(u32 *)(r2 + 0)',
    'r3 += 1',
    '*(u32 *)(r2 + 0) = r3',
    'call bpf_spin_unlock',
  ];
  const r = run(locked([section, section], 'exists (x=1)'));
  // Both increments happen, whatever the order: x ends at 2.
  assert.equal(r.observation, 'Never');
  assert.deepEqual(r.states, [[2]]);
});

test('a lock handover orders the sections: message passing through a lock is forbidden', () => {
  const writer = [
    'call bpf_spin_lock',
    'r3 = 1',
    '*(u32 *)(r2 + 0) = r3',
    '*(u32 *)(r4 + 0) = r3',
    'call bpf_spin_unlock',
  ];
  const reader = [
    'call bpf_spin_lock',
    'r3 = *(u32 *)(r4 + 0)',
    'r5 = *(u32 *)(r2 + 0)',
    'call bpf_spin_unlock',
  ];
  assert.equal(run(locked([writer, reader], 'exists (1:r3=1 /\\ 1:r5=0)')).observation, 'Never');
  // Without the lock in the reader, its loads are unordered.
  const bare = ['r3 = *(u32 *)(r4 + 0)', 'r5 = *(u32 *)(r2 + 0)'];
  assert.equal(run(locked([writer, bare], 'exists (1:r3=1 /\\ 1:r5=0)')).observation, 'Sometimes');
});

test('po-unlock-lock-po: unlock then lock orders the sections around them, as in LKMM', () => {
  // P0 writes x in one critical section and y in the next; a reader with smp_rmb cannot
  // see y without x (LKMM: Never, through po-unlock-lock-po).
  const p0 = [
    'call bpf_spin_lock',
    'r3 = 1',
    '*(u32 *)(r2 + 0) = r3',
    'call bpf_spin_unlock',
    'call bpf_spin_lock',
    '*(u32 *)(r4 + 0) = r3',
    'call bpf_spin_unlock',
  ];
  const reader = ['r3 = *(u32 *)(r4 + 0)', 'smp_rmb', 'r5 = *(u32 *)(r2 + 0)'];
  assert.equal(run(locked([p0, reader], 'exists (1:r3=1 /\\ 1:r5=0)')).observation, 'Never');
  // It is not a full barrier: store buffering against a thread with smp_mb stays allowed
  // (LKMM: Sometimes; smp_mb__after_unlock_lock() would be needed).
  const p0sb = [
    'call bpf_spin_lock',
    'r3 = 1',
    '*(u32 *)(r2 + 0) = r3',
    'call bpf_spin_unlock',
    'call bpf_spin_lock',
    'r5 = *(u32 *)(r4 + 0)',
    'call bpf_spin_unlock',
  ];
  const p1 = ['r3 = 1', '*(u32 *)(r4 + 0) = r3', 'smp_mb', 'r5 = *(u32 *)(r2 + 0)'];
  assert.equal(run(locked([p0sb, p1], 'exists (0:r5=0 /\\ 1:r5=0)')).observation, 'Sometimes');
});

test("herd's bpf.cat does not know bpf_spin_lock: the test is refused at the call", () => {
  const section = ['call bpf_spin_lock', 'call bpf_spin_unlock'];
  const text = locked([section], 'exists (x=0)');
  const herdBpf = corpusPath('models', 'herd-lib', 'bpf.cat');
  assert.throws(
    () => runTestText('t.litmus', text, { model: herdBpf }),
    (e: unknown) =>
      e instanceof OrdoError &&
      /^t\.litmus:4:2: call bpf_spin_lock is Ordo's extension of the BPF dialect, and the model .*bpf\.cat never names its event set LOCK/.test(
        e.format(),
      ),
  );
});
