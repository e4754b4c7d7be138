// Limits hold wherever the work is (parsing, event generation, enumeration, model
// evaluation), and inputs nested beyond what Ordo can follow stop with the depth limit
// naming the file, never with a crash. Each case below once crashed or ran unbounded.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTest, runTestText } from '../src/api/run.js';
import { loadModel } from '../src/cat/index.js';
import { LimitError, limitExitStatus } from '../src/diagnostics.js';
import { beginRun, checkLimits, endRun, limitClock } from '../src/limits.js';
import { corpusPath } from './support/corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'ordo-limits-'));

const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const oneThread = (name: string, body: string, init = '', cond = 'exists (x=1)') =>
  `C ${name}\n{${init}}\nP0(int *x)\n{\n${body}\n}\n${cond}\n`;

test('700 statements in one thread run (the call stack ran out)', () => {
  const body = Array.from({ length: 700 }, (_, i) => `  WRITE_ONCE(*x, ${i % 3});`).join('\n');
  const r = runTestText('w700.litmus', oneThread('w700', body, '', 'exists (x=2)'));
  assert.equal(r.limit, undefined);
  assert.deepEqual(r.states, [[0]]);
  assert.equal(r.observation, 'Never');
});

test('an if nested 1,000 deep and a 1,000-term expression run', () => {
  const n = 1000;
  const nested = `  int r0 = READ_ONCE(*x);\n${'  if (r0) {\n'.repeat(n)}  WRITE_ONCE(*x, 2);\n${'  }\n'.repeat(n)}`;
  const r1 = runTestText('if1000.litmus', oneThread('if1000', nested));
  assert.equal(r1.limit, undefined);
  assert.equal(r1.observation, 'Never');
  const sum = Array.from({ length: n }, () => 'r0').join(' + ');
  const r2 = runTestText(
    'expr1000.litmus',
    oneThread(
      'expr1000',
      `  int r0 = READ_ONCE(*x);\n  WRITE_ONCE(*x, ${sum} + 1);`,
      '',
      'exists (x=1)',
    ),
  );
  assert.equal(r2.limit, undefined);
  assert.equal(r2.observation, 'Always');
});

test('nesting beyond the deep stack is the depth limit, naming the test', () => {
  // 20,000 levels exhausted the main thread's stack; the deep-stack retry follows them.
  const n = 20000;
  const nested = `${'  if (1) {\n'.repeat(n)}  WRITE_ONCE(*x, 1);\n${'  }\n'.repeat(n)}`;
  const ok = runTest(write('deep-if.litmus', oneThread('deepif', nested)));
  assert.equal(ok.limit, undefined, ok.limit);
  assert.equal(ok.observation, 'Always');
  // Three million parentheses are too deep even there (one million is borderline).
  const m = 3000000;
  const parens = `  WRITE_ONCE(*x, ${'('.repeat(m)}1${')'.repeat(m)});`;
  const file = write('deep-parens.litmus', oneThread('deepparens', parens));
  const r = runTest(file);
  assert.equal(r.limitKind, 'depth');
  assert.ok(r.limit?.includes(file), r.limit);
  assert.equal(r.name, 'deepparens');
  assert.notEqual(limitExitStatus('depth'), limitExitStatus('time'));
});

const sb = write(
  'sb.litmus',
  `C sb
{}
P0(int *x, int *y) { int r0; WRITE_ONCE(*x, 1); r0 = READ_ONCE(*y); }
P1(int *x, int *y) { int r0; WRITE_ONCE(*y, 1); r0 = READ_ONCE(*x); }
exists (0:r0=0 /\\ 1:r0=0)
`,
);

test('a cat expression nested too deeply or endless recursion in a model names the cat file', () => {
  const deep = write(
    'deep.cat',
    `"deep"\nlet r = ${'('.repeat(1000000)}po${')'.repeat(1000000)}\nacyclic r as x\n`,
  );
  const recursive = write('recursive.cat', '"rec"\nlet rec f(x) = f(x)\nacyclic f(po) as x\n');
  const procedure = write('procedure.cat', '"proc"\nprocedure p(x) = call p(x) end\ncall p(po)\n');
  for (const model of [deep, recursive, procedure]) {
    const r = runTest(sb, { model });
    assert.equal(r.limitKind, 'depth', model);
    assert.ok(r.limit?.includes(model), r.limit);
  }
});

test('a 20,000-term exists is read in linear time (it took 40 s under -timeout 3)', () => {
  const terms = Array.from({ length: 20000 }, (_, i) => `x=${i}`).join(' \\/ ');
  const r = runTestText(
    'ex.litmus',
    oneThread('ex', '  WRITE_ONCE(*x, 1);', '', `exists (${terms})`),
    { timeout: 30 },
  );
  assert.equal(r.limit, undefined);
  assert.equal(r.observation, 'Always');
});

test('the time limit holds while a huge test is being read', () => {
  const terms = Array.from({ length: 400000 }, (_, i) => `x=${i}`).join(' \\/ ');
  const r = runTestText(
    'huge.litmus',
    oneThread('huge', '  WRITE_ONCE(*x, 1);', '', `exists (${terms})`),
    {
      timeout: 0.05,
    },
  );
  assert.equal(r.limitKind, 'time');
  assert.equal(r.name, 'huge');
  assert.equal(r.conditionText, '', 'stopped before the condition was read');
});

const manyVariables = (n: number) =>
  oneThread(
    'init',
    '  WRITE_ONCE(*x, 1);',
    Array.from({ length: n }, (_, i) => ` v${i}=1;`).join(''),
  );

test('the time limit holds inside relation operations over thousands of events', () => {
  const r = runTestText('init.litmus', manyVariables(10000), { timeout: 0.3 });
  assert.equal(r.limitKind, 'time');
});

test('-max-memory counts resident memory, relations outside the V8 heap included', () => {
  const r = runTestText('init.litmus', manyVariables(4000), { maxMemoryMb: 1 });
  assert.equal(r.limitKind, 'memory');
  assert.match(r.limit ?? '', /resident/);
});

const l1g2 = corpusPath('tests', 'lkmm-dev', 'kernel', 'C-ManfredSpraul-L1G2xchg.litmus');
test('-max-executions counts candidates tried, resolved or not', () => {
  const r = runTest(l1g2, { maxExecutions: 1000 });
  assert.equal(r.limitKind, 'executions');
  assert.match(r.limit ?? '', /more than 1000 candidate executions tried/);
});

test('a limit once reached is thrown by every later check, so no stage can swallow it', () => {
  beginRun({ deadline: limitClock() - 1, maxResidentBytes: 0, concurrentRuns: 1 });
  try {
    let swallowed = 0;
    // The clock is read every 64 calls: the first reading finds the deadline passed.
    for (let i = 0; i < 64 && swallowed === 0; i++) {
      try {
        checkLimits();
      } catch (err) {
        assert.ok(err instanceof LimitError);
        swallowed++; // as a stage judging a value would: "undecided", and on it goes
      }
    }
    assert.equal(swallowed, 1);
    assert.throws(() => checkLimits(), LimitError, 'the very next check');
  } finally {
    endRun();
  }
  checkLimits(); // a new run (or none) starts clean
});

// The fuzzer's "repeat a line" cases (seed 1795998203) that ran on past -timeout 2: a
// thread reading one location k times has up to (writes+1)^k reads-from choices. The limit
// was checked while the path conditions were judged, and taken for an undecided value.
const repeatedReads = (k: number) =>
  [
    'C repeated-reads',
    '{}',
    'P0(int *x0, int *x1) { WRITE_ONCE(*x0, 2); smp_store_release(x1, 2); }',
    'P1(int *x0, int *x1) {',
    '  int r2; int r3 = 0;',
    ...Array.from({ length: k }, () => '  r2 = READ_ONCE(*x1);'),
    '  if (r2 >= 0) r3 = READ_ONCE(*x0);',
    '}',
    'exists (1:r2=2 /\\ 1:r3=0)',
  ].join('\n');

test('100 repeated reads before a condition stop at the time limit (fuzz cases 5715, 9796)', () => {
  const r = runTestText('repeated-reads.litmus', repeatedReads(100), { timeout: 0.3 });
  assert.equal(r.limitKind, 'time');
  assert.equal(r.name, 'repeated-reads');
});

test('-max-executions counts the reads-from choices the path conditions reject', () => {
  // The branch not taken (r2 < 0) is contradicted only at the last of the 100 reads: 2^100
  // rejected choices and not one complete candidate.
  const r = runTestText('repeated-reads.litmus', repeatedReads(100), { maxExecutions: 1000 });
  assert.equal(r.limitKind, 'executions');
});

test('1,000 repeated reads beside conditional writes stop at the time limit (fuzz 1788, 5578)', () => {
  const text = [
    'C repeated-reads-wwc',
    '{}',
    'P0(int *x, int *y) { int r1; r1 = READ_ONCE(*x); if (r1 >= 0) WRITE_ONCE(*y, 1); }',
    'P1(int *x) { WRITE_ONCE(*x, 2); }',
    'P2(int *x, int *y) {',
    '  int r3; int r4;',
    ...Array.from({ length: 1000 }, () => '  r3 = READ_ONCE(*x);'),
    '  r4 = READ_ONCE(*y);',
    '  if (r3 < 0) WRITE_ONCE(*y, -1);',
    '  if (r4 < 0) WRITE_ONCE(*x, -1);',
    '}',
    'exists (0:r1=2 /\\ x=2)',
  ].join('\n');
  const r = runTestText('wwc.litmus', text, { timeout: 0.3 });
  assert.equal(r.limitKind, 'time');
});

test('100 repeated atomic increments in a critical section stop at the time limit (fuzz 6286)', () => {
  const text = [
    'C repeated-rmw',
    '{ atomic_t y; }',
    'P0(int *x, atomic_t *y, spinlock_t *lck) {',
    '  int r2; spin_lock(lck); r2 = atomic_inc_return(y); WRITE_ONCE(*x, 1); spin_unlock(lck);',
    '}',
    'P1(int *x, atomic_t *y, spinlock_t *lck) {',
    '  int r0; int r2; r0 = READ_ONCE(*x); spin_lock(lck);',
    ...Array.from({ length: 100 }, () => '  r2 = atomic_inc_return(y);'),
    '  spin_unlock(lck);',
    '}',
    'exists (1:r2=1)',
  ].join('\n');
  const r = runTestText('rmw.litmus', text, { timeout: 0.3 });
  assert.equal(r.limitKind, 'time');
});

// Fuzz case 4571: bpf.cat with `include "cos-opt.cat"` repeated 5,000 times compiled for
// seconds, and was then written to (and later read from) the disk cache by one native call
// each, without a limit check anywhere.
const repeatedIncludes = (name: string): string => {
  write(
    `${name}-part.cat`,
    'let com = rf | co | fr\nlet mine = po & loc\nacyclic mine | com as c\n',
  );
  return write(
    `${name}.cat`,
    `"${name}"\n${`include "${join(dir, `${name}-part.cat`)}"\n`.repeat(5000)}acyclic po | rf as sc\n`,
  );
};

test('a model including a file 5,000 times is compiled under the run limits (fuzz 4571)', () => {
  const model = repeatedIncludes('includes5000');
  // Compiling stops as soon as the run's deadline has passed ...
  beginRun({ deadline: limitClock() - 1, maxResidentBytes: 0, concurrentRuns: 1 });
  try {
    assert.throws(
      () => loadModel({ catFile: model, variants: [], includeDirs: [dir] }),
      LimitError,
    );
  } finally {
    endRun();
  }
  // ... and a run under it reports its time limit.
  const r = runTestText('mp.litmus', repeatedReads(100), { model, timeout: 0.2 });
  assert.equal(r.limitKind, 'time');
});

test('-max-executions counts each coherence order a model tries, not only reads-from choices', () => {
  // No reads: one reads-from choice, two final writes, but 924 coherence orders of the
  // two chains of six writes, each a path through LKMM's `with co from ...`.
  const chain = (t: number) =>
    `P${t}(int *x) {\n${[1, 2, 3, 4, 5, 6].map((v) => `  WRITE_ONCE(*x, ${v + 10 * t});`).join('\n')}\n}`;
  const text = `C co-orders\n{}\n${chain(0)}\n${chain(1)}\nexists (x=6)\n`;
  const all = runTestText('co-orders.litmus', text);
  assert.equal(all.limit, undefined);
  assert.ok(all.positive + all.negative > 100, `${all.positive} + ${all.negative} executions`);
  const r = runTestText('co-orders.litmus', text, { maxExecutions: 50 });
  assert.equal(r.limitKind, 'executions');
  assert.ok(r.positive + r.negative <= 50, `${r.positive} + ${r.negative} executions`);
});

// One path per branch, each carrying the conditions of all the branches before it: the
// paths of an n-branch chain hold n^2/2 conditions (10,000 branches: about a minute).
const elseIfChain = (n: number) =>
  [
    `C else-if-${n}`,
    '{}',
    'P0(int *x, int *y) {',
    '  int r0 = READ_ONCE(*x);',
    `  ${Array.from({ length: n }, (_, i) => `if (r0 == ${i}) WRITE_ONCE(*y, ${i});`).join('\n  else ')}`,
    '  else WRITE_ONCE(*y, -1);',
    '}',
    'P1(int *x) { WRITE_ONCE(*x, 1); }',
    'exists (y=1)',
  ].join('\n');

test('an else-if chain on a read value runs, and at 10,000 branches stops at the time limit', () => {
  const r = runTestText('else-if.litmus', elseIfChain(300));
  assert.equal(r.limit, undefined);
  assert.deepEqual(r.states, [[0], [1]]);
  assert.equal(r.observation, 'Sometimes');
  const long = runTestText('else-if.litmus', elseIfChain(10000), { timeout: 0.5 });
  assert.equal(long.limitKind, 'time');
  assert.equal(long.name, 'else-if-10000');
});

// A model adding an element to a product of 2^n unions (cross of n choices between {} and
// [e], one per write): the product's unions are made one by one, and the clock is read
// every 1,024 of them. Fuzz (--cat-share, seed 1001, case 94) found the limit reached
// there reported as an error of the model's line, exit status 1, and caught by `try`.
const productModel = (name: string, body: string) =>
  write(
    `${name}.cat`,
    [
      `"${name}"`,
      'include "cross.cat"',
      'let rec choices(s) = match s with {} -> {} || e ++ rest -> {0, [e]} ++ choices(rest) end',
      'let orders = cross(choices(M))',
      body,
      'flag ~empty (match more with {} -> 0 || x ++ _ -> x end) as some',
      '',
    ].join('\n'),
  );

test('a limit reached while a set operation makes a product is a limit, not a model error', () => {
  const writes = Array.from({ length: 24 }, (_, i) => `WRITE_ONCE(*x, ${i + 1});`).join('\n');
  const text = oneThread('product', writes);
  for (const [name, body] of [
    ['add', 'let more = po ++ orders'],
    ['caught', 'let more = try po ++ orders with {}'],
  ]) {
    const model = productModel(name!, body!);
    const r = runTestText('product.litmus', text, { model, timeout: 0.3 });
    assert.equal(r.limitKind, 'time', `${name}: ${r.limit ?? 'no limit'}`);
  }
});
