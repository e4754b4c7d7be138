// Ordo's BPF barrier instructions under Ordo's BPF model (the kernel's fences' meaning),
// and their refusal under a model that does not know them (herd's bpf.cat).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTestText } from '../src/api/run.js';
import { OrdoError } from '../src/diagnostics.js';
import { corpusPath } from './support/corpus.js';

/** A two-thread BPF test: r2 and r4 hold x and y in P0, y and x in P1. */
function twoThreads(p0: string[], p1: string[], cond: string): string {
  const rows = Math.max(p0.length, p1.length);
  const lines = ['BPF t', '{ 0:r2=x; 0:r4=y; 1:r2=y; 1:r4=x; }', ' P0 | P1 ;'];
  for (let i = 0; i < rows; i++) lines.push(` ${p0[i] ?? ''} | ${p1[i] ?? ''} ;`);
  lines.push(cond, '');
  return lines.join('\n');
}

const observation = (text: string): string => runTestText('t.litmus', text, {}).observation;

const write = (reg: string, v: number) => [`r1 = ${v}`, `*(u32 *)(${reg} + 0) = r1`];
const read = (dst: string, reg: string) => [`${dst} = *(u32 *)(${reg} + 0)`];

test('smp_mb forbids store buffering; one smp_mb does not', () => {
  const sb = (f0: string[], f1: string[]) =>
    twoThreads(
      [...write('r2', 1), ...f0, ...read('r3', 'r4')],
      [...write('r2', 1), ...f1, ...read('r3', 'r4')],
      'exists (0:r3=0 /\\ 1:r3=0)',
    );
  assert.equal(observation(sb(['smp_mb'], ['smp_mb'])), 'Never');
  assert.equal(observation(sb(['smp_mb'], [])), 'Sometimes');
  // smp_rmb and smp_wmb do not order a write before a read.
  assert.equal(observation(sb(['smp_wmb'], ['smp_rmb'])), 'Sometimes');
});

test('smp_wmb and smp_rmb forbid message passing together, not alone', () => {
  const mp = (f0: string[], f1: string[]) =>
    twoThreads(
      [...write('r2', 1), ...f0, ...write('r4', 1)],
      [...read('r3', 'r2'), ...f1, ...read('r5', 'r4')],
      'exists (1:r3=1 /\\ 1:r5=0)',
    );
  assert.equal(observation(mp(['smp_wmb'], ['smp_rmb'])), 'Never');
  assert.equal(observation(mp(['smp_wmb'], [])), 'Sometimes');
  assert.equal(observation(mp([], ['smp_rmb'])), 'Sometimes');
  assert.equal(observation(mp(['smp_mb'], ['smp_mb'])), 'Never');
});

test("smp_wmb is cumulative as LKMM's wmb: W+RWC-like chains", () => {
  // WRC: P0 writes x; P1 reads x, smp_wmb, writes y; P2 reads y, smp_rmb, reads x.
  // LKMM allows it (wmb does not order P1's read before its write); so must BPF.
  const wrc = [
    'BPF t',
    '{ 0:r2=x; 1:r2=x; 1:r4=y; 2:r2=y; 2:r4=x; }',
    ' P0 | P1 | P2 ;',
    ' r1 = 1 | r3 = *(u32 *)(r2 + 0) | r3 = *(u32 *)(r2 + 0) ;',
    ' *(u32 *)(r2 + 0) = r1 | smp_wmb | smp_rmb ;',
    ' | r1 = 1 | r5 = *(u32 *)(r4 + 0) ;',
    ' | *(u32 *)(r4 + 0) = r1 | ;',
    'exists (1:r3=1 /\\ 2:r3=1 /\\ 2:r5=0)',
    '',
  ].join('\n');
  assert.equal(observation(wrc), 'Sometimes');
  // With smp_mb on P1 instead (A-cumulative), it is forbidden.
  assert.equal(observation(wrc.replace('| smp_wmb |', '| smp_mb |')), 'Never');
});

test("herd's bpf.cat does not know the barriers: the test is refused at the instruction", () => {
  const text = twoThreads(
    [...write('r2', 1), 'smp_mb', ...read('r3', 'r4')],
    [...write('r2', 1), 'smp_wmb', ...read('r3', 'r4')],
    'exists (0:r3=0 /\\ 1:r3=0)',
  );
  const herdBpf = corpusPath('models', 'herd-lib', 'bpf.cat');
  assert.throws(
    () => runTestText('t.litmus', text, { model: herdBpf }),
    (e: unknown) =>
      e instanceof OrdoError &&
      /^t\.litmus:6:\d+: smp_mb is Ordo's extension of the BPF dialect, and the model .*bpf\.cat never names its event set MB/.test(
        e.format(),
      ),
  );
});
