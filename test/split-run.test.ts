// -j N for one test: the candidates are dealt out in shares, one per thread, and the
// shares' results are joined. Each share must get a disjoint part of the candidates, all
// of them between the shares, and the joined report must be the one thread's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseCLitmus } from '../src/frontend/c/index.js';
import { loadSetup, runTestText, type TestResult } from '../src/api/run.js';
import { buildTraces, enumerateCandidates, initialMemory } from '../src/executions/enumerate.js';
import { formatValue } from '../src/events/symbolic.js';
import { corpusPath, kernelOptions } from './support/corpus.js';
import { parseHerdArgs } from '../src/cli/herd-options.js';

/** Every candidate of the test's share, as its reads-from and register values. */
function candidates(text: string, share?: { index: number; count: number }): string[] {
  const litmus = parseCLitmus(text, 'shares.litmus', loadSetup({}).macros);
  const memory = initialMemory(litmus);
  const traces = buildTraces(litmus, memory, 1 << 14);
  const seen: string[] = [];
  enumerateCandidates(
    litmus,
    traces,
    memory,
    { deadline: Infinity, ...(share ? { share } : {}) },
    (cand) => {
      const regs = [...cand.registers].flatMap(([t, m]) =>
        [...m].map(([r, v]) => `${t}:${r}=${formatValue(v)}`),
      );
      seen.push(`${JSON.stringify(cand.readsFrom)} ${regs.join(' ')}`);
      return true;
    },
  );
  return seen;
}

const TWO_PATHS = `C shares
{}
P0(int *x, int *y) { int r0; r0 = READ_ONCE(*y); if (r0 == 1) { WRITE_ONCE(*x, 2); } else { WRITE_ONCE(*x, 1); } }
P1(int *x, int *y) { int r1; r1 = READ_ONCE(*x); WRITE_ONCE(*y, 1); }
P2(int *x) { int r2; r2 = READ_ONCE(*x); }
exists (1:r1=2)
`;

test('the shares of a candidate space are disjoint and cover it', () => {
  const all = candidates(TWO_PATHS);
  assert.ok(all.length >= 6, `a space worth splitting (${all.length} candidates)`);
  for (const count of [2, 3]) {
    const shares = Array.from({ length: count }, (_, index) =>
      candidates(TWO_PATHS, { index, count }),
    );
    for (const part of shares) assert.ok(part.length > 0 && part.length < all.length);
    const joined = shares.flat();
    assert.equal(joined.length, all.length);
    assert.deepEqual([...joined].sort(), [...all].sort());
  }
});

/** A result without its timing, which differs from run to run. */
function comparable(r: TestResult): Omit<TestResult, 'seconds'> {
  const { seconds: _seconds, ...rest } = r;
  return rest;
}

test('a test split over threads reports what one thread does (states, counts, flags)', () => {
  // Four states, both positive and negative executions, and a flag.
  const file = corpusPath('tests', 'lkmm-dev', 'kernel', 'C-srcu-nest-4.litmus');
  const text = readFileSync(file, 'utf8');
  const one = runTestText(file, text, kernelOptions());
  assert.equal(one.states.length, 4);
  assert.ok(one.positive > 0 && one.negative > 0 && one.flags.length > 0);
  // Each share alone sees part of the executions; together, all of them.
  const shares = [0, 1].map((index) =>
    runTestText(file, text, { ...kernelOptions(), share: { index, count: 2, deadline: Infinity } }),
  );
  for (const part of shares) assert.ok(part.positive + part.negative < one.positive + one.negative);
  assert.equal(shares[0].positive + shares[1].positive, one.positive);
  assert.equal(shares[0].negative + shares[1].negative, one.negative);
  for (const threads of [2, 3]) {
    const split = runTestText(file, text, { ...kernelOptions(), threads });
    assert.deepEqual(comparable(split), comparable(one), `-j ${threads}`);
  }
});

test('-max-executions stops a -j run where it stops one thread', () => {
  const file = corpusPath('tests', 'lkmm-dev', 'kernel', 'C-srcu-nest-4.litmus');
  const text = readFileSync(file, 'utf8');
  const one = runTestText(file, text, { ...kernelOptions(), maxExecutions: 3 });
  assert.ok(one.limit, 'the limit is reached');
  const split = runTestText(file, text, { ...kernelOptions(), maxExecutions: 3, threads: 2 });
  assert.deepEqual(comparable(split), comparable(one));
});

test('-j takes a positive whole number of threads', () => {
  assert.equal(parseHerdArgs(['-j', '2', 'T.litmus']).opts.threads, 2);
  for (const bad of ['0', '-1', '1.5', 'two'])
    assert.throws(() => parseHerdArgs(['-j', bad, 'T.litmus']), /-j takes a positive whole number/);
});
