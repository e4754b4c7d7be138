// Skipping the alternatives of a `with` fork that every branch rejects, found by
// evaluating the rest of the model once over bounds (src/cat/bounds.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateModel } from '../src/cat/index.js';
import { pruneStats, type CatOutcome } from '../src/cat/interp.js';
import { CatError } from '../src/cat/values.js';
import { noteFork, worthSearching } from '../src/cat/bounds.js';
import type { CIns } from '../src/cat/resolved.js';
import { catFolder, mkInput, threeEvents } from './support/cat-models.js';

const { load: loadSource } = catFolder('bounds');

/** A fork over nine relations: rf with one more pair of M * M each (every one holds rf). */
const nineAlternatives = [
  'let single p = p ++ 0',
  'let with-rf p = rf | single p',
  'let alternatives = map with-rf (M * M)',
];

/** The model's outcomes with and without pruning, and how many alternatives were skipped. */
function bothWays(lines: string[]): { pruned: CatOutcome[]; whole: CatOutcome[]; skipped: number } {
  const m = loadSource(lines);
  const input = mkInput(threeEvents, [[1, 2]]);
  const before = pruneStats.skipped;
  const pruned = evaluateModel(m, input, { pruneForbidden: 'always' });
  const skipped = pruneStats.skipped - before;
  const whole = evaluateModel(m, mkInput(threeEvents, [[1, 2]]));
  return { pruned, whole, skipped };
}

function allowedCount(outcomes: CatOutcome[]): number {
  return outcomes.filter((o) => o.allowed).length;
}

test('a fork whose every branch fails a monotone check is skipped whole, with the same verdict', () => {
  // Every alternative holds rf, and rf | rf^-1 is cyclic: each branch fails `cycle`.
  const { pruned, whole, skipped } = bothWays([
    ...nineAlternatives,
    'with x from alternatives',
    'flag ~empty x as seen',
    'acyclic (x | rf^-1) as cycle',
  ]);
  assert.equal(whole.length, 9);
  assert.equal(allowedCount(whole), 0);
  assert.equal(skipped, 9);
  assert.equal(pruned.length, 9);
  assert.equal(allowedCount(pruned), 0);
  assert.ok(pruned.every((o) => o.failedCheck === 'cycle' && o.flags.length === 0));
});

test('skipping some branches keeps every allowed one and its flags', () => {
  // Branches adding a pair into the initial write fail; the others are allowed and flagged.
  const { pruned, whole } = bothWays([
    ...nineAlternatives,
    'with x from alternatives',
    'flag ~empty x as seen',
    'empty x & (M * IW) as into-init',
  ]);
  assert.equal(allowedCount(whole), 6);
  assert.deepEqual(
    pruned.filter((o) => o.allowed),
    whole.filter((o) => o.allowed),
  );
});

test('the right of a difference is bounded by the other end: no branch is lost', () => {
  // With x = M * M the check holds; the alternatives' intersection (rf) would make it fail
  // everywhere if the lower bound were used on the right of `\`.
  const { pruned, whole } = bothWays([
    ...nineAlternatives,
    'with x from (M * M) ++ alternatives',
    'empty (M * M) \\ x as everything',
  ]);
  assert.equal(allowedCount(whole), 1);
  assert.equal(allowedCount(pruned), 1);
});

test('a negated check is skipped when the upper bound already fails it', () => {
  const { pruned, whole, skipped } = bothWays([
    ...nineAlternatives,
    'with x from alternatives',
    '~empty x \\ (M * M) as outside',
  ]);
  assert.equal(allowedCount(whole), 0);
  assert.equal(allowedCount(pruned), 0);
  assert.equal(skipped, 9);
  // Three branches add a pair into the initial write: the intersection (rf) has none, but
  // only the upper bound says whether every branch lacks one.
  const into = bothWays([
    ...nineAlternatives,
    'with x from alternatives',
    '~empty x & (M * IW) as into-init',
  ]);
  assert.equal(allowedCount(into.whole), 3);
  assert.equal(allowedCount(into.pruned), 3);
});

test('a check on a value the bounds cannot follow prunes nothing', () => {
  // A condition on the fork's name: which branch it takes differs between branches.
  const { pruned, whole, skipped } = bothWays([
    ...nineAlternatives,
    'with x from alternatives',
    'let y = if x = rf then 0 else x | rf^-1',
    'acyclic y as cycle',
  ]);
  assert.equal(skipped, 0);
  assert.equal(allowedCount(whole), 1);
  assert.equal(allowedCount(pruned), 1);
});

test('an error a branch raises before the failing check is still raised', () => {
  // The flag unites a relation and an event set: every branch stops with that error.
  const m = loadSource([
    ...nineAlternatives,
    'with x from alternatives',
    'flag ~empty x | W as mixed',
    'acyclic (x | rf^-1) as cycle',
  ]);
  const input = mkInput(threeEvents, [[1, 2]]);
  assert.throws(() => evaluateModel(m, input, { pruneForbidden: 'always' }), CatError);
});

test('a fixpoint over the fork is bounded by the fixpoints of its ends', () => {
  // The closure computed by `let rec` of every branch holds rf ; rf^-1's cycle.
  const { pruned, whole, skipped } = bothWays([
    ...nineAlternatives,
    'with x from alternatives',
    'let rec t = x | rf^-1 | (t ; t)',
    'irreflexive t as loop',
  ]);
  assert.equal(allowedCount(whole), 0);
  assert.equal(allowedCount(pruned), 0);
  assert.equal(skipped, 9);
});

test('a later fork over a set that does not depend on the first is bounded by its own ends', () => {
  // y = rf^-1 closes a cycle with every x, y = 0 with none: only the intersection of y's
  // alternatives may stand for y in the lower bound.
  const { pruned, whole } = bothWays([
    ...nineAlternatives,
    'with x from alternatives',
    'with y from {0, rf^-1}',
    'acyclic x | y as cycle',
  ]);
  assert.ok(allowedCount(whole) > 0);
  assert.equal(allowedCount(pruned), allowedCount(whole));
});

test('a fork is searched only once its branches are expected to take long, and while that pays', () => {
  // The policy reads the times the evaluator reports (noteFork); here they are given.
  const fork: CIns = {
    t: 'with',
    slot: 0,
    set: { t: 'zero' },
    loc: { file: 'f', line: 1, col: 1 },
  };
  // Never searched before a fork was run branch by branch.
  assert.equal(worthSearching(fork, 1000), false);
  noteFork(fork, false, 10, 1);
  // 0.1 ms per alternative: 100 alternatives are not worth a search, 1000 are.
  assert.equal(worthSearching(fork, 100), false);
  assert.equal(worthSearching(fork, 1000), true);
  // Searched forks that cost more per alternative than plain ones stop the searches.
  for (let i = 0; i < 3; i++) noteFork(fork, true, 10, 50);
  assert.equal(worthSearching(fork, 1000), false);
  // Cheaper ones keep them.
  for (let i = 0; i < 20; i++) noteFork(fork, true, 10, 0.1);
  assert.equal(worthSearching(fork, 1000), true);
});
