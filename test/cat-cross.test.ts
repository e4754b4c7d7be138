// Ordo's built-in `unions-of-choices` (cat's `cross`, models/lib/cross.cat) and the
// product sets it makes (src/cat/values.ts, ProductSet): the same sets, the same errors,
// as the cat definition of cross.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateModel, type CatOutcome } from '../src/cat/index.js';
import { CatError, ProductSet, mkValSet, sameValue, type V } from '../src/cat/values.js';
import { PRIMITIVES } from '../src/cat/primitives.js';
import { pruneStats } from '../src/cat/interp.js';
import { rejectsEveryCandidate } from '../src/cat/candidate-bounds.js';
import { Relation } from '../src/relations/index.js';
import { catFolder, mkInput } from './support/cat-models.js';
import { beginRun, endRun } from '../src/limits.js';
import { LimitError } from '../src/diagnostics.js';

const { load } = catFolder('cross');

/** Six events, each alone in a set E0..E5, so that `Ea * Eb` is the pair (a, b). */
const N = 6;
const INPUT = mkInput(
  Array.from({ length: N }, (_, i) => ({ kind: 'W' as const, thread: i % 2, loc: 'x' })),
  [],
  { sets: Object.fromEntries(Array.from({ length: N }, (_, i) => [`E${i}`, [i]])) },
);

/** cat's cross, as herd's library defines it (written here independently of ours). */
const CAT_CROSS = `
let cat-cross =
  let rec go(acc, so-far, rest) = match rest with
    || {} -> so-far ++ acc
    || opts ++ later ->
        let rec each(acc, os) = match os with
          || {} -> acc
          || o ++ os2 -> each(go(acc, o | so-far, later), os2)
        end in
        each(acc, opts)
  end in
  fun s -> go({}, 0, s)
`;

/** The line of the models' `with c from fn(set)` (elementsOf). */
const CALL_LINE = `"t"\n${CAT_CROSS}\n`.split('\n').length;

/**
 * The elements of `fn(set)`, one fork branch each (sorted as the fork takes them), as
 * lists of pairs; or the CatError the model raised.
 */
function elementsOf(fn: string, set: string, pruneForbidden = false): string[] | CatError {
  const m = load(`"t"\n${CAT_CROSS}\nwith c from ${fn}(${set})\n`);
  let out: CatOutcome[];
  try {
    out = evaluateModel(m, INPUT, { capture: ['c'], pruneForbidden });
  } catch (err) {
    if (err instanceof CatError) return err;
    throw err;
  }
  if (out.length === 1 && !out[0].allowed) return []; // `with` over the empty set
  return out.map((o) => JSON.stringify((o.values!.get('c') as Relation).pairs()));
}

/** Pseudo-random numbers in [0, 2^31), the same on every run. */
function random(seed: number): (below: number) => number {
  let x = seed;
  return (below) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return Math.floor((x / 2147483648) * below);
  };
}

/** A relation written in cat: the union of its pairs, `0` when it has none. */
function relationText(pairs: Array<[number, number]>): string {
  return pairs.length === 0 ? '0' : pairs.map(([a, b]) => `(E${a} * E${b})`).join(' | ');
}

/**
 * A random set of sets of relations in cat. Disjoint: each member's relations draw their
 * pairs from a region of its own (rows of its own), so the supports are disjoint; else
 * from anywhere (supports overlap, unions repeat).
 */
function randomSets(next: (below: number) => number, disjoint: boolean): string {
  const members: string[] = [];
  const count = next(4);
  for (let m = 0; m < count; m++) {
    const options: string[] = [];
    const size = next(10) === 0 ? 0 : 1 + next(3);
    for (let o = 0; o < size; o++) {
      const pairs: Array<[number, number]> = [];
      const many = next(3);
      for (let p = 0; p < many; p++) {
        const row = disjoint ? (m * 2 + next(2)) % N : next(N);
        pairs.push([row, next(N)]);
      }
      options.push(relationText(pairs));
    }
    members.push(`{${options.join(', ')}}`);
  }
  return `{${members.join(', ')}}`;
}

test('unions-of-choices gives the set cat cross gives, on random sets of sets of relations', () => {
  const next = random(4242);
  let products = 0;
  let folded = 0;
  for (let c = 0; c < 120; c++) {
    const set = randomSets(next, c % 2 === 0);
    const expected = elementsOf('cat-cross', set);
    const actual = elementsOf('unions-of-choices', set);
    assert.ok(!(expected instanceof CatError), `cat cross failed on ${set}`);
    assert.deepEqual(actual, expected, set);
    if (c % 2 === 0 && expected.length > 1) products++;
    if (c % 2 === 1 && new Set(expected).size < 2) folded++;
  }
  // The draws cover products of several elements, and sets with equal unions.
  assert.ok(products > 20, `${products} products`);
  assert.ok(folded > 5, `${folded} folded`);
});

test('unions-of-choices: no member gives {0}, an empty member gives {}', () => {
  assert.deepEqual(elementsOf('unions-of-choices', '{}'), ['[]']);
  assert.deepEqual(elementsOf('cat-cross', '{}'), ['[]']);
  for (const set of ['{{}}', '{{E0 * E1, E1 * E2}, {}}', '{{}, {E0 * E1}}', '{0}', '{W}']) {
    // `0` and an event set with no element are no choice: `{W}` only when W is empty, and
    // here it is not: see the errors below.
    if (set === '{W}') continue;
    assert.deepEqual(elementsOf('unions-of-choices', set), [], set);
    assert.deepEqual(elementsOf('cat-cross', set), [], set);
  }
  // A member with relations, one with one choice, one empty relation as a choice.
  const set = '{{E0 * E1, E1 * E0}, {E2 * E3}, {0, E4 * E5}}';
  assert.deepEqual(elementsOf('unions-of-choices', set), elementsOf('cat-cross', set));
  assert.equal((elementsOf('unions-of-choices', set) as string[]).length, 4);
});

test('unions-of-choices rejects, at the call, what cat cross rejects', () => {
  for (const set of [
    '{W}', // a member holds events
    '{po}', // a member holds pairs
    '{{W, R}}', // a member holds event sets
    'W', // the set's members are events
    'po',
    '{{{E0 * E1}}}', // a member holds sets
  ]) {
    const ours = elementsOf('unions-of-choices', set);
    const theirs = elementsOf('cat-cross', set);
    assert.ok(theirs instanceof CatError, `cat cross accepts ${set}`);
    assert.ok(ours instanceof CatError, `unions-of-choices accepts ${set}`);
    assert.equal(ours.where?.line, CALL_LINE, set);
    assert.match(ours.message, /unions-of-choices/);
  }
  // Members after an empty one are never reached: no error, no element. (`{}` sorts
  // first; a set cannot hold both sets of relations and other sets.)
  assert.deepEqual(elementsOf('unions-of-choices', '{{}, W}'), []);
  assert.deepEqual(elementsOf('cat-cross', '{{}, W}'), []);
});

const prim = PRIMITIVES.find(([name]) => name === 'unions-of-choices')![1];
const CTX = {
  n: N,
  events: [],
  checkLimits: () => {},
  inputSet: () => null,
  relation: () => null,
};
const LOC = { file: 't', line: 1, col: 1 };

function rel(...pairs: Array<[number, number]>): Relation {
  return Relation.fromPairs(N, pairs);
}
function set(...items: V[]): V {
  return mkValSet(items);
}
function unions(members: Relation[][]): V {
  return prim(set(...members.map((m) => set(...m))), CTX, LOC);
}

test('disjoint supports make a product; its items are the sorted set of the unions', () => {
  const a = [rel([0, 1]), rel([1, 0]), rel()];
  const b = [rel([2, 3]), rel([3, 2], [2, 4])];
  const c = [rel([5, 5])];
  const s = unions([a, b, c]);
  assert.ok(s instanceof ProductSet);
  assert.equal(s.size, 6);
  const all: V[] = [];
  for (const x of a) for (const y of b) all.push(x.union(y).union(c[0]));
  const expected = mkValSet(all).items;
  assert.equal(s.items.length, 6);
  s.items.forEach((x, i) => assert.ok(sameValue(x, expected[i]), `element ${i}`));
  // A relation of the single choice overlapping a member's support: duplicates, folded.
  const overlapping = unions([[rel([0, 1]), rel([0, 1], [2, 3])], [rel([2, 3])]]);
  assert.ok(!(overlapping instanceof ProductSet));
  assert.equal((overlapping as { items: V[] }).items.length, 1);
  // Overlapping members: unions repeat, and are folded.
  const shared = unions([
    [rel([0, 1]), rel([1, 2])],
    [rel([0, 1]), rel([0, 1], [1, 2])],
  ]);
  assert.ok(!(shared instanceof ProductSet));
  assert.equal((shared as { items: V[] }).items.length, 2);
});

test('sameValue of products: the same set however its choices are grouped, exactly', () => {
  const a = [rel([0, 1]), rel([1, 0])];
  const b = [rel([2, 3]), rel([3, 2])];
  const twoByTwo = unions([a, b]);
  const again = unions([a.map((r) => r.clone()), b.map((r) => r.clone())]);
  const fourInOne = unions([a.flatMap((x) => b.map((y) => x.union(y)))]);
  const plain = mkValSet(a.flatMap((x) => b.map((y) => x.union(y))));
  assert.ok(twoByTwo instanceof ProductSet && fourInOne instanceof ProductSet);
  assert.ok(sameValue(twoByTwo, again));
  assert.ok(sameValue(twoByTwo, fourInOne));
  assert.ok(sameValue(fourInOne, twoByTwo));
  assert.ok(sameValue(twoByTwo, plain) && sameValue(plain, twoByTwo));
  // Another union of elements: told apart by the cheap comparison.
  const crossed = unions([[a[0].union(b[0]), a[1].union(b[1]), a[0].union(b[1]), rel([4, 4])]]);
  const other = unions([[a[0].union(b[0]), a[1].union(b[1]), a[0].union(b[1]), a[1].union(b[0])]]);
  assert.ok(sameValue(other, twoByTwo));
  assert.ok(!sameValue(crossed, twoByTwo));
  // The same size, the same union and intersection of elements, another set: told apart
  // only by the elements.
  const swapped = unions([[a[0].union(b[0]), a[1].union(b[1]), a[0].union(b[1]), rel([1, 0])]]);
  assert.ok(!sameValue(swapped, twoByTwo) && !sameValue(twoByTwo, swapped));
  // Another size.
  assert.ok(!sameValue(unions([a, b, [rel([4, 5]), rel([5, 4])]]), twoByTwo));
});

/** Eight events alternating between two threads, each alone in a set E0..E7. */
const M = 8;
const WIDE = Array.from({ length: M }, (_, i) => ({
  kind: 'W' as const,
  thread: i % 2,
  loc: 'x',
}));
const WIDE_SETS = { sets: Object.fromEntries(Array.from({ length: M }, (_, i) => [`E${i}`, [i]])) };

/**
 * A random product in cat: `members` sets of 2-3 relations, member m's pairs starting at
 * events 2m and 2m + 1 only (disjoint supports).
 */
function randomProduct(next: (below: number) => number, members: number): string {
  const sets: string[] = [];
  for (let m = 0; m < members; m++) {
    const options = new Set<string>();
    const size = 2 + next(2);
    while (options.size < size) {
      const pairs: Array<[number, number]> = [];
      const many = 1 + next(3);
      for (let p = 0; p < many; p++) pairs.push([2 * m + next(2), next(M)]);
      options.add(relationText(pairs));
    }
    sets.push(`{${[...options].join(', ')}}`);
  }
  return `{${sets.join(', ')}}`;
}

/** The allowed outcomes' flags, sorted, and the number of outcomes. */
function summary(out: CatOutcome[]): { outcomes: number; allowed: string[] } {
  return {
    outcomes: out.length,
    allowed: out
      .filter((o) => o.allowed)
      .map((o) => o.flags.join('+'))
      .sort(),
  };
}

test('a pruned fork over a product gives the outcomes of the fork over its elements', () => {
  const next = random(777);
  const skippedBefore = pruneStats.skipped;
  let pruned = 0;
  for (let c = 0; c < 40; c++) {
    const product = randomProduct(next, 3 + next(2));
    const rel = relationText([
      [next(M), next(M)],
      [next(M), next(M)],
    ]);
    const body = [
      `acyclic x | po | (${rel}) as order`,
      `flag ~empty x & ext as crosses`,
      `empty x & (${relationText([[next(M), next(M)]])}) as avoids`,
      `flag ~empty x & int as stays`,
    ].join('\n');
    const input = mkInput(WIDE, [], WIDE_SETS);
    const overProduct = load(`"t"\nwith x from unions-of-choices(${product})\n${body}\n`);
    // `| {}` makes an ordinary set of the same elements.
    const overSet = load(`"t"\nwith x from (unions-of-choices(${product}) | {})\n${body}\n`);
    const before = pruneStats.skipped;
    const lazy = summary(evaluateModel(overProduct, input, { pruneForbidden: 'always' }));
    if (pruneStats.skipped > before) pruned++;
    assert.deepEqual(lazy, summary(evaluateModel(overSet, input, { pruneForbidden: 'always' })));
    assert.deepEqual(lazy, summary(evaluateModel(overProduct, input)), product);
  }
  // The draws make forks whose groups fail.
  assert.ok(pruned > 5, `${pruned} forks pruned`);
  assert.ok(pruneStats.skipped > skippedBefore);
});

test('a partial choice is rejected over a product exactly when every alternative fails', () => {
  const next = random(991);
  let rejected = 0;
  let passed = 0;
  for (let c = 0; c < 60; c++) {
    // At most 8 alternatives: a search makes at most 15 bound runs, within its budget,
    // and single alternatives are exact, so it must find every verdict.
    const product = randomProduct(next, 2);
    const m = load(
      [
        '"t"',
        `with x from unions-of-choices(${product})`,
        'empty x & rf as clash',
        'acyclic x | rf as order',
      ].join('\n') + '\n',
    );
    const rf: Array<[number, number]> = [];
    for (let p = 0; p < 3; p++) rf.push([next(M), next(M)]);
    const lower = mkInput(WIDE, rf, WIDE_SETS);
    const rejectsAll = rejectsEveryCandidate(
      m.program,
      lower,
      { rf: lower.relations.get('rf')!, FW: lower.sets.get('FW')! },
      {},
    );
    const someAllowed = evaluateModel(m, lower).some((o) => o.allowed);
    assert.equal(rejectsAll, !someAllowed, `${product} with rf ${JSON.stringify(rf)}`);
    if (rejectsAll) rejected++;
    else passed++;
  }
  assert.ok(rejected > 5 && passed > 5, `${rejected} rejected, ${passed} passed`);
});

test('over open reads, a product fork is rejected only when every candidate fails', () => {
  const next = random(5150);
  let rejected = 0;
  for (let c = 0; c < 40; c++) {
    const product = randomProduct(next, 3 + next(2));
    const m = load(
      [
        '"t"',
        `with x from unions-of-choices(${product})`,
        'empty x & rf as clash',
        'acyclic x | rf as order',
      ].join('\n') + '\n',
    );
    // rf between the pairs chosen and those plus two open ones.
    const chosen: Array<[number, number]> = [[next(M), next(M)]];
    const open: Array<[number, number]> = [
      [next(M), next(M)],
      [next(M), next(M)],
    ];
    const lower = mkInput(WIDE, chosen, WIDE_SETS);
    const upper = Relation.fromPairs(M, [...chosen, ...open]);
    const rejectsAll = rejectsEveryCandidate(
      m.program,
      lower,
      { rf: upper, FW: lower.sets.get('FW')! },
      {},
    );
    const candidates = [[], [open[0]], [open[1]], open].map((extra) => [...chosen, ...extra]);
    const someAllowed = candidates.some((rf) =>
      evaluateModel(m, mkInput(WIDE, rf, WIDE_SETS)).some((o) => o.allowed),
    );
    if (rejectsAll) {
      rejected++;
      assert.ok(!someAllowed, `${product}: a candidate is allowed`);
    }
  }
  assert.ok(rejected > 5, `${rejected} rejected`);
});

test('pruned forks and searches read a product by its choices: its elements are never made', () => {
  const entry = PRIMITIVES.find(([name]) => name === 'unions-of-choices')!;
  const original = entry[1];
  const made: ProductSet[] = [];
  entry[1] = (v, ctx, loc) => {
    const s = original(v, ctx, loc);
    if (s instanceof ProductSet) made.push(s);
    return s;
  };
  const next = random(31337);
  try {
    for (let c = 0; c < 10; c++) {
      const product = randomProduct(next, 4);
      const m = load(
        [
          '"t"',
          `with x from unions-of-choices(${product})`,
          'empty x & rf as clash',
          `acyclic x | po | (${relationText([[next(M), next(M)]])}) as order`,
          'flag ~empty x & ext as crosses',
        ].join('\n') + '\n',
      );
      const input = mkInput(WIDE, [[next(M), next(M)]], WIDE_SETS);
      evaluateModel(m, input, { pruneForbidden: 'always' });
      rejectsEveryCandidate(
        m.program,
        input,
        { rf: input.relations.get('rf')!, FW: input.sets.get('FW')! },
        {},
      );
    }
  } finally {
    entry[1] = original;
  }
  assert.ok(made.length >= 10);
  // `items` sorts the elements once made, and keeps them.
  for (const s of made) assert.equal((s as unknown as { sorted: unknown }).sorted, null);
});

test('a product too large for an array by alternative is pruned by ranges, up to the limits', () => {
  // 40 choices of two relations: 2^40 alternatives. Each choice's relations share a pair,
  // so every alternative is non-empty and one bound run over the whole product rejects
  // it; the fork then rejects alternative after alternative until -max-executions.
  const events = 12;
  const pair = (p: number): [number, number] => [Math.floor(p / events), p % events];
  const choices = Array.from({ length: 40 }, (_, i) => {
    const shared = relationText([pair(2 * i)]);
    return `{${shared}, ${relationText([pair(2 * i), pair(2 * i + 1)])}}`;
  });
  const m = load(`"t"\nwith x from unions-of-choices({${choices.join(', ')}})\nempty x as never\n`);
  const input = mkInput(
    Array.from({ length: events }, (_, i) => ({ kind: 'W' as const, thread: i % 2, loc: 'x' })),
    [],
    { sets: Object.fromEntries(Array.from({ length: events }, (_, i) => [`E${i}`, [i]])) },
  );
  const before = { ...pruneStats };
  beginRun({ deadline: Infinity, maxResidentBytes: 0, concurrentRuns: 1, maxExecutions: 1000 });
  try {
    assert.throws(
      () => evaluateModel(m, input, { pruneForbidden: 'always' }),
      (err) => err instanceof LimitError && err.limit === 'executions',
    );
  } finally {
    endRun();
  }
  assert.equal(pruneStats.forks - before.forks, 1);
  assert.equal(pruneStats.alternatives - before.alternatives, 2 ** 40);
  assert.equal(pruneStats.skipped - before.skipped, 2 ** 40);
});
