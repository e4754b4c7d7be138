import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertCText, judgeC, Untranslatable, defaultMacrosFile } from '../src/c2bpf/index.js';
import { parseBpfLitmus } from '../src/frontend/bpf/index.js';
import { corpusPath } from './support/corpus.js';

const corpus = corpusPath();

function c(body0: string, body1 = '', cond = 'exists (0:r0=1)', init = ''): string {
  const p1 = body1 ? `\nP1(int *x, int *y)\n{\n  int r0; int r1;\n${body1}\n}\n` : '';
  return `C t\n{ ${init} }\nP0(int *x, int *y)\n{\n  int r0; int r1; int r2;\n${body0}\n}\n${p1}\n${cond}\n`;
}

/** Translates, checks the result parses as BPF, and returns the program rows of P0. */
function translate(text: string): { text: string; rows: string[] } {
  const t = convertCText(text, 't.litmus', defaultMacrosFile);
  parseBpfLitmus(t.text, 't-BPF.litmus');
  const lines = t.text.split('\n');
  const start = lines.findIndex((l) => /^\s*P0\b/.test(l));
  const rows: string[] = [];
  for (let i = start + 1; i < lines.length && lines[i]!.trim() !== ''; i++)
    rows.push(lines[i]!.split('|')[0]!.replace(/;\s*$/, '').trim());
  return { text: t.text, rows };
}

function refused(text: string): Untranslatable {
  try {
    convertCText(text, 't.litmus', defaultMacrosFile);
  } catch (e) {
    assert.ok(e instanceof Untranslatable, `expected Untranslatable, got ${e}`);
    return e;
  }
  assert.fail('expected a refusal');
}

test('ONCE accesses become plain BPF loads and stores; registers are mapped', () => {
  const { text, rows } = translate(c('  WRITE_ONCE(*x, 1);\n  r0 = READ_ONCE(*y);'));
  assert.match(text, /0:r1=x; 0:r2=y;/);
  assert.deepEqual(rows, ['*(u64 *)(r1 + 0) = 1', 'r3 = *(u64 *)(r2 + 0)']);
  assert.match(text, /0:r0 -> 0:r3/);
  assert.match(text, /exists \(0:r3=1\)/);
});

test('acquire and release', () => {
  const { rows } = translate(c('  smp_store_release(x, 1);\n  r0 = smp_load_acquire(y);'));
  assert.deepEqual(rows, [
    'r4 = 1',
    'store_release((u64 *)(r1 + 0), r4)',
    'r3 = load_acquire((u64 *)(r2 + 0))',
  ]);
});

test('address, data and control dependencies', () => {
  // Address: the loaded pointer is the next load's base register.
  const addr = translate(
    c('  r0 = READ_ONCE(*x);\n  r1 = READ_ONCE(*r0);', '', 'exists (0:r1=0)', 'x=y;'),
  );
  assert.deepEqual(addr.rows, ['r2 = *(u64 *)(r1 + 0)', 'r3 = *(u64 *)(r2 + 0)']);
  // Data: the stored value register comes from the load.
  const data = translate(c('  r0 = READ_ONCE(*x);\n  WRITE_ONCE(*y, r0 + 1);'));
  assert.deepEqual(data.rows, [
    'r3 = *(u64 *)(r1 + 0)',
    'r4 = r3',
    'r4 += 1',
    '*(u64 *)(r2 + 0) = r4',
  ]);
  // Control: a branch on the loaded register.
  const ctrl = translate(
    c(
      '  r0 = READ_ONCE(*x);\n  if (r0 == 1)\n    WRITE_ONCE(*y, 1);\n  else\n    WRITE_ONCE(*y, 2);',
    ),
  );
  assert.deepEqual(ctrl.rows, [
    'r3 = *(u64 *)(r1 + 0)',
    'if r3 != 1 goto L0_0',
    '*(u64 *)(r2 + 0) = 1',
    'goto L0_1',
    'L0_0: *(u64 *)(r2 + 0) = 2',
    'L0_1:',
  ]);
  // > and <= become >= and < with the immediate shifted, or swapped operands.
  const gt = translate(
    c('  r0 = READ_ONCE(*x);\n  if (r0 > 2 && r0 <= r1)\n    WRITE_ONCE(*y, 1);'),
  );
  assert.deepEqual(gt.rows.slice(1, 3), ['if r3 < 3 goto L0_0', 'if r4 < r3 goto L0_0']);
});

test("fences become Ordo's barrier instructions", () => {
  const { text, rows } = translate(c('  WRITE_ONCE(*x, 1);\n  smp_mb();\n  r0 = READ_ONCE(*y);'));
  assert.doesNotMatch(text, /scratch/);
  assert.deepEqual(rows, ['*(u64 *)(r1 + 0) = 1', 'smp_mb', 'r3 = *(u64 *)(r2 + 0)']);
  assert.deepEqual(
    translate(c('  r0 = READ_ONCE(*x);\n  smp_rmb();\n  r1 = READ_ONCE(*y);')).rows,
    ['r3 = *(u64 *)(r1 + 0)', 'smp_rmb', 'r4 = *(u64 *)(r2 + 0)'],
  );
  assert.deepEqual(translate(c('  WRITE_ONCE(*x, 1);\n  smp_wmb();\n  WRITE_ONCE(*y, 1);')).rows, [
    '*(u64 *)(r1 + 0) = 1',
    'smp_wmb',
    '*(u64 *)(r2 + 0) = 1',
  ]);
  // smp_mb__before_atomic right before an RMW is a full barrier too.
  const b = translate(c('  WRITE_ONCE(*x, 1);\n  smp_mb__before_atomic();\n  atomic_inc(y);'));
  assert.deepEqual(b.rows.slice(0, 2), ['*(u64 *)(r1 + 0) = 1', 'smp_mb']);
});

test('spin_lock and spin_unlock become bpf_spin_lock and bpf_spin_unlock calls, lock in r1', () => {
  const { rows } = translate(c('  spin_lock(x);\n  WRITE_ONCE(*y, 1);\n  spin_unlock(x);'));
  // r1 is kept for the call's argument: the addresses go to r2 and r3.
  assert.deepEqual(rows, [
    'r1 = r2',
    'call bpf_spin_lock',
    '*(u64 *)(r3 + 0) = 1',
    'r1 = r2',
    'call bpf_spin_unlock',
  ]);
});

test('atomic RMWs', () => {
  assert.deepEqual(translate(c('  atomic_add(2, x);')).rows, [
    'r3 = 2',
    'lock *(u64 *)(r1 + 0) += r3',
  ]);
  assert.deepEqual(translate(c('  atomic_sub(2, x);')).rows, [
    'r3 = -2',
    'lock *(u64 *)(r1 + 0) += r3',
  ]);
  assert.deepEqual(translate(c('  atomic_andnot(3, x);')).rows, [
    'r3 = -4',
    'lock *(u64 *)(r1 + 0) &= r3',
  ]);
  assert.deepEqual(translate(c('  r0 = atomic_fetch_or(4, x);')).rows, [
    'r3 = 4',
    'r3 = atomic_fetch_or((u64 *)(r1 + 0), r3)',
    'r2 = r3',
  ]);
  assert.deepEqual(translate(c('  r0 = atomic_add_return(1, x);')).rows, [
    'r3 = 1',
    'r4 = r3',
    'r3 = atomic_fetch_add((u64 *)(r1 + 0), r3)',
    'r3 += r4',
    'r2 = r3',
  ]);
  assert.deepEqual(translate(c('  r0 = xchg(x, 5);')).rows, [
    'r3 = 5',
    'r3 = xchg_64(r1 + 0, r3)',
    'r2 = r3',
  ]);
  assert.deepEqual(translate(c('  r0 = cmpxchg(x, 1, 2);')).rows, [
    'r0 = 1',
    'r3 = 2',
    'r0 = cmpxchg_64(r1 + 0, r0, r3)',
    'r3 = r0',
    'r2 = r3',
  ]);
});

test('refusals name the construct', () => {
  const cases: Array<[string, RegExp]> = [
    ['  r0 = spin_trylock(x);', /spin_trylock: BPF has no trylock helper/],
    ['  rcu_read_lock();\n  r0 = READ_ONCE(*x);\n  rcu_read_unlock();', /rcu_read_lock\(\)/],
    ['  synchronize_rcu();', /synchronize_rcu\(\)/],
    ['  r0 = srcu_read_lock(x);', /SRCU/],
    ['  *x = 1;', /plain write/],
    ['  r0 = *x;', /plain read/],
    ['  r0 = xchg_relaxed(x, 1);', /xchg_relaxed/],
    ['  r0 = cmpxchg_acquire(x, 1, 2);', /cmpxchg_acquire/],
    ['  r0 = atomic_add_unless(x, 1, 2);', /atomic_add_unless/],
    ['  r0 = READ_ONCE(*x);\n  r1 = r0 == 1;', /== used as a value/],
    ['  smp_mb__before_atomic();\n  WRITE_ONCE(*x, 1);', /not directly followed by an atomic RMW/],
  ];
  for (const [body, re] of cases) assert.match(refused(c(body)).message, re, body);
});

test('the register budget is enforced', () => {
  const locs = Array.from({ length: 11 }, (_, i) => `v${i}`);
  const text = `C t\n{ }\nP0(${locs.map((l) => `int *${l}`).join(', ')})\n{\n${locs.map((l) => `  WRITE_ONCE(*${l}, 1);`).join('\n')}\n}\nexists (${locs[0]}=1)\n`;
  assert.match(refused(text).message, /more BPF registers/);
});

const kernel = join(corpus, 'tests', 'kernel');

test('judge on kernel tests', () => {
  for (const name of [
    'SB+fencembonceonces',
    'MP+pooncerelease+poacquireonce',
    'LB+fencembonceonce+ctrlonceonce',
    'CoRR+poonceonce+Once',
  ]) {
    const r = judgeC(join(kernel, `${name}.litmus`), { timeout: 60 });
    assert.notEqual(r.verdict, 'fail', `${name}: ${r.message}`);
    assert.equal(r.lkmm.observation, r.bpf.observation, name);
  }
});

test('judge names the outcome BPF allows and LKMM forbids', () => {
  // A "translation" that drops the fences: BPF allows the SB outcome LKMM forbids.
  const dir = mkdtempSync(join(tmpdir(), 'ordo-judge-'));
  const bpfFile = join(dir, 'sb.litmus');
  writeFileSync(
    bpfFile,
    `BPF SB-nofence
{ 0:r1=x; 0:r2=y; 1:r1=x; 1:r2=y; }
 P0                    | P1                    ;
 *(u32 *)(r1 + 0) = 1  | *(u32 *)(r2 + 0) = 1  ;
 r0 = *(u32 *)(r2 + 0) | r0 = *(u32 *)(r1 + 0) ;
exists (0:r0=0 /\\ 1:r0=0)
`,
  );
  const r = judgeC(
    join(kernel, 'SB+fencembonceonces.litmus'),
    { timeout: 60 },
    { file: bpfFile, text: readFileSync(bpfFile, 'utf8') },
  );
  assert.equal(r.verdict, 'fail');
  assert.deepEqual(r.bpfOnly, ['0:r0=0; 1:r0=0;']);
  assert.match(
    r.message,
    /LKMM Never, BPF Sometimes: BPF allows 0:r0=0; 1:r0=0; which LKMM forbids/,
  );
});
