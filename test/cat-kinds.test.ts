// Values found fixed for a path combination (an operand fixed and empty absorbs the rest)
// and the kind-determined operands that make skipping them on later candidates sound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateModel } from '../src/cat/index.js';
import { watchedSlots, type KindNode } from '../src/cat/kinds.js';
import { CatError } from '../src/cat/values.js';
import { Relation } from '../src/relations/index.js';
import { catFolder, compositions, mkInput, threeEvents } from './support/cat-models.js';

const { load: loadSource } = catFolder('kinds');

/** Whether the (single) definition of a top-level name is marked kind-determined. */
function determined(m: ReturnType<typeof loadSource>, name: string): boolean {
  const g = m.program.finalGlobals.get(name);
  assert.ok(g && g.kind === 'slot', `no global ${name}`);
  for (const ins of m.program.code) {
    if (ins.t === 'glet' && ins.slots.includes(g.s))
      return (ins.e[ins.slots.indexOf(g.s)] as KindNode).kindDetermined === true;
  }
  return assert.fail(`no definition of ${name}`);
}

test('relational operators over inputs and calls of top-level functions are kind-determined', () => {
  const m = loadSource(
    [
      '"t"',
      'let f(r) = r ; po',
      'let g(a, b) = a | b',
      'let ops = ((rf ; po) | (rf & loc) | (rf \\ po))^-1+',
      'let called = f(rf) & g(rf, po)',
      'let local = let y = rf and z = R & W in (y ; po) & (W * z)',
      'with s from {rf, po}',
      'let onfork = s ; rf',
      'let rec x = rf | (x ; po)',
      'let onrec = x ; po',
    ].join('\n') + '\n',
  );
  assert.equal(determined(m, 'ops'), true);
  assert.equal(determined(m, 'called'), true);
  // `let ... in` binding names to kind-determined values (cos-opt.cat's rmwco).
  assert.equal(determined(m, 'local'), true);
  // Names bound by `with` and `let rec` are watched at run time: they count as determined.
  assert.equal(determined(m, 'onfork'), true);
  assert.equal(determined(m, 'onrec'), true);
});

test('branches, tuple bindings, tuples and calls of computed functions are not kind-determined', () => {
  const m = loadSource(
    [
      '"t"',
      'let f(r) = r ; po',
      'let branch = if rf = 0 then rf else R',
      'let local = let y = (if rf = 0 then rf else R) in y ; po',
      'let pair = let (y, z) = (rf, po) in y ; z',
      'let guarded = try rf with R',
      'let added = po ++ {}',
      'let pick = if rf = 0 then f else f',
      'let computed = pick(rf)',
      'let onbranch = branch ; po',
    ].join('\n') + '\n',
  );
  for (const name of ['branch', 'local', 'pair', 'guarded', 'added', 'computed', 'onbranch'])
    assert.equal(determined(m, name), false, name);
});

test('a global that is the same for every candidate is kind-determined whatever defines it', () => {
  // `try` is not followed, but its value does not depend on the candidate.
  const m = loadSource('"t"\nlet S = try R with W\nlet onS = [S] ; rf\n');
  assert.equal(determined(m, 'onS'), true);
});

test('the watched globals are the names of `with` and the values of `let rec`, not functions', () => {
  const m = loadSource(
    '"t"\nlet a = rf\nwith s from {rf, po}\nlet rec x = rf | (x ; po) and h(r) = h(r)\n',
  );
  const watched = watchedSlots(m.program);
  const slotOf = (name: string) => {
    const g = m.program.finalGlobals.get(name);
    assert.ok(g && g.kind === 'slot');
    return g.s;
  };
  assert.equal(watched[slotOf('s')], 1);
  assert.equal(watched[slotOf('x')], 1);
  assert.equal(watched[slotOf('h')], 0);
  assert.equal(watched[slotOf('a')], 0);
});

test('a sequence with an empty operand fixed for the combination is not composed again', () => {
  // No event is both a read and a write: `[R & W]` is empty for every candidate, so `z`
  // is too, whatever rf is; the next candidate of the combination reuses it without
  // computing `a` (one composition) again.
  const m = loadSource('"t"\nlet a = rf ; loc\nlet z = a ; [R & W]\nflag ~empty z as z\n');
  const fixedPart = {};
  const candidate = (rf: Array<[number, number]>) => ({ ...mkInput(threeEvents, rf), fixedPart });
  const allowed = [{ allowed: true, flags: [] }];
  const first = compositions(() =>
    assert.deepEqual(evaluateModel(m, candidate([[1, 2]])), allowed),
  );
  const second = compositions(() =>
    assert.deepEqual(evaluateModel(m, candidate([[0, 2]])), allowed),
  );
  assert.equal(first, 1);
  assert.equal(second, 0);
  // Another combination (another fixed part) computes it afresh.
  const third = compositions(() =>
    evaluateModel(m, { ...mkInput(threeEvents, [[1, 2]]), fixedPart: {} }),
  );
  assert.equal(third, first);
});

test('an operand bound by `let ... in`, fixed and empty, fixes the value for the combination', () => {
  // cos-opt.cat's `rmwco`: `_RMW` is empty for every candidate (no event is both a read
  // and a write), so `z` is too, and the next candidate does not compose `a` again.
  const m = loadSource(
    '"t"\nlet a = rf ; loc\nlet z = let e = R & W in a ; [e]\nflag ~empty z as z\n',
  );
  const fixedPart = {};
  const candidate = (rf: Array<[number, number]>) => ({ ...mkInput(threeEvents, rf), fixedPart });
  const allowed = [{ allowed: true, flags: [] }];
  const first = compositions(() =>
    assert.deepEqual(evaluateModel(m, candidate([[1, 2]])), allowed),
  );
  const second = compositions(() =>
    assert.deepEqual(evaluateModel(m, candidate([[0, 2]])), allowed),
  );
  assert.equal(first, 1);
  assert.equal(second, 0);
});

/** Counts the acyclicity tests of bit-matrix relations done by `run`. */
function acyclicityTests(run: () => void): number {
  const isAcyclic = Relation.prototype.isAcyclic;
  let count = 0;
  Relation.prototype.isAcyclic = function (this: Relation) {
    count++;
    return isAcyclic.call(this);
  };
  try {
    run();
  } finally {
    Relation.prototype.isAcyclic = isAcyclic;
  }
  return count;
}

test('a test of a value kept for the combination is not examined again', () => {
  // `c` is the same for both candidates (as LKMM's `cobase` in the RCU family), `d` not.
  const m = loadSource(
    '"t"\nlet c = (W * R) & loc\nlet d = rf ; [R]\nacyclic c as kept\nacyclic d as redone\n',
  );
  const fixedPart = {};
  const candidate = (rf: Array<[number, number]>) => ({ ...mkInput(threeEvents, rf), fixedPart });
  const first = acyclicityTests(() => evaluateModel(m, candidate([[1, 2]])));
  const second = acyclicityTests(() => evaluateModel(m, candidate([[0, 2]])));
  assert.equal(first, 2);
  assert.equal(second, 1);
  // The verdict follows the value: a cycle in the new candidate's `d` rejects it.
  const cyclic = loadSource('"t"\nlet d = rf | rf^-1\nacyclic d as redone\n');
  const outcomes = (rf: Array<[number, number]>) =>
    evaluateModel(cyclic, candidate(rf)).map((o) => o.allowed);
  assert.deepEqual(outcomes([]), [true]);
  assert.deepEqual(outcomes([[1, 2]]), [false]);
});

test('an operand empty for one candidate only does not fix the value for the others', () => {
  // rf is empty in the first candidate, not in the second: what it absorbs there must be
  // recomputed for the second.
  const m = loadSource(
    '"t"\nlet a = rf ; (po | loc)\nlet b = rf & loc\nflag ~empty a as a\nflag ~empty b as b\n',
  );
  const fixedPart = {};
  const flags = (rf: Array<[number, number]>) =>
    evaluateModel(m, { ...mkInput(threeEvents, rf), fixedPart }).map((o) => o.flags);
  assert.deepEqual(flags([]), [[]]);
  assert.deepEqual(flags([[1, 2]]), [['a', 'b']]);
});

test('a watched name changing kind drops the values fixed with the old kind', () => {
  // Path 1: s = {} makes `[R & W] ; s` the polymorphic {} and the union a set. Path 2:
  // s = rf makes it an (empty) relation, and the union mixes a relation with a set: an
  // error herd reports, which a value kept from path 1 would hide.
  const m = loadSource(
    '"t"\nwith s from {{}, rf}\nlet u = ([R & W] ; s) | R\nflag ~empty u as u\n',
  );
  const input = { ...mkInput(threeEvents, [[1, 2]]), fixedPart: {} };
  assert.throws(() => evaluateModel(m, input), CatError);
});

test('an operand whose kind may change with the candidate is evaluated on every candidate', () => {
  // The branch gives a relation when rf is empty and a set otherwise: the second
  // candidate's sequence is an error, which an absorbed value from the first would hide.
  const m = loadSource('"t"\nlet u = [R & W] ; (if rf = 0 then po else R)\nflag ~empty u as u\n');
  const fixedPart = {};
  const candidate = (rf: Array<[number, number]>) => ({ ...mkInput(threeEvents, rf), fixedPart });
  assert.deepEqual(evaluateModel(m, candidate([])), [{ allowed: true, flags: [] }]);
  assert.throws(() => evaluateModel(m, candidate([[1, 2]])), CatError);
});

// Calls of a function that reads nothing per candidate but its parameter: a call with the
// same argument as the last one at that place (in the combination) reuses its value.

test('a call with the same argument as the last candidate reuses its value', () => {
  // `rf & (W * W)` is empty for every candidate here (rf goes to reads), but depends on rf.
  const m = loadSource('"t"\nlet f(r) = r ; loc ; loc ; loc\nflag ~empty f(rf & (W * W)) as f\n');
  const fixedPart = {};
  const candidate = (rf: Array<[number, number]>) => ({ ...mkInput(threeEvents, rf), fixedPart });
  const first = compositions(() => evaluateModel(m, candidate([[1, 2]])));
  const second = compositions(() => evaluateModel(m, candidate([[0, 2]])));
  assert.ok(first > 0);
  assert.equal(second, 0);
});

test('a call with another argument, or of a function reading rf, is made again', () => {
  // f(rf) and g([IW]) both hold exactly when the read takes the initial write.
  const m = loadSource(
    '"t"\nlet f(r) = r ; loc\nlet g(r) = r ; rf\nflag ~empty f(rf) & (IW * M) as f\nflag ~empty g([IW]) as g\n',
  );
  const fixedPart = {};
  const flags = (rf: Array<[number, number]>) =>
    evaluateModel(m, { ...mkInput(threeEvents, rf), fixedPart }).map((o) => o.flags);
  assert.deepEqual(flags([[1, 2]]), [[]]);
  assert.deepEqual(flags([[0, 2]]), [['f', 'g']]);
});

test('a sequence with an empty fixed operand is the empty relation, whatever follows', () => {
  // The operands after the empty one are evaluated but not composed: the value is still
  // an empty relation (so that mixing it with a set is the error it is in herd).
  const m = loadSource('"t"\nlet z = [R & W] ; rf ; loc\nflag ~empty z as z\n');
  assert.deepEqual(evaluateModel(m, mkInput(threeEvents, [[1, 2]])), [
    { allowed: true, flags: [] },
  ]);
  const mixed = loadSource('"t"\nlet z = [R & W] ; rf\nflag ~empty z | R as u\n');
  assert.throws(() => evaluateModel(mixed, mkInput(threeEvents, [[1, 2]])), CatError);
});

// Final writes (and the other inputs the enumerator may change, but rf) count as fixed
// while they stay as the combination's first candidate had them.

test('values from the final writes are kept while they stay the same, recomputed after', () => {
  // `e` reads FW through a built-in: with FW as the first candidate's, its value is kept
  // and the next candidate composes nothing; FW = {0} makes `init-final` fire.
  const m = loadSource(
    [
      '"t"',
      'let d = domain((FW * M) ; loc)',
      'let e = (d * M) ; loc',
      'flag ~empty e & (IW * M) as init-final',
    ].join('\n') + '\n',
  );
  const fixedPart = {};
  const flags = (fw: number[]) =>
    evaluateModel(m, { ...mkInput(threeEvents, [[1, 2]], { sets: { FW: fw } }), fixedPart }).map(
      (o) => o.flags,
    );
  assert.ok(compositions(() => assert.deepEqual(flags([1]), [[]])) > 0);
  assert.equal(
    compositions(() => assert.deepEqual(flags([1]), [[]])),
    0,
  );
  assert.deepEqual(flags([0]), [['init-final']]);
  // From now on FW varies in this combination: nothing computed from it is kept.
  assert.deepEqual(flags([1]), [[]]);
  assert.deepEqual(flags([0]), [['init-final']]);
});

test('a built-in reading event values is evaluated on every candidate', () => {
  // The same argument (fixed for the combination), another read value: the initial write
  // and the read differ in value only when the read takes 1.
  const m = loadSource('"t"\nflag ~empty different-values(loc & (W * R)) & (IW * M) as differs\n');
  const fixedPart = {};
  const flags = (readValue: number, rf: Array<[number, number]>) => {
    const evs = threeEvents.map((e, i) => (i === 2 ? { ...e, value: readValue } : e));
    return evaluateModel(m, { ...mkInput(evs, rf), fixedPart }).map((o) => o.flags);
  };
  assert.deepEqual(flags(1, [[1, 2]]), [['differs']]);
  assert.deepEqual(flags(0, [[0, 2]]), [[]]);
  assert.deepEqual(flags(1, [[1, 2]]), [['differs']]);
});

test('a fork of one alternative binds a fixed name while its set stays the same', () => {
  // One coherence order per candidate, as in the RCU family: what is built from it is
  // kept while the set is the first candidate's, and computed again once it differs.
  const m = loadSource(
    '"t"\nwith s from {rf ; loc}\nlet e = s ; loc\nflag ~empty e & (IW * M) as from-init\n',
  );
  const fixedPart = {};
  const flags = (rf: Array<[number, number]>) =>
    evaluateModel(m, { ...mkInput(threeEvents, rf), fixedPart }).map((o) => o.flags);
  const first = compositions(() => assert.deepEqual(flags([[1, 2]]), [[]]));
  const second = compositions(() => assert.deepEqual(flags([[1, 2]]), [[]]));
  assert.equal(second, first - 1);
  assert.deepEqual(flags([[0, 2]]), [['from-init']]);
  assert.equal(
    compositions(() => assert.deepEqual(flags([[1, 2]]), [[]])),
    first,
  );
});

test('a fork found with more alternatives drops the values kept from its one alternative', () => {
  // Reading from the initial write, the set has one relation; reading from the other
  // write, two (rf and {}): no path may read back what `e` was with the initial rf.
  const m = loadSource(
    [
      '"t"',
      'with s from {rf, rf & (IW * M)}',
      'let e = s ; loc',
      'flag ~empty e & (IW * M) as from-init',
    ].join('\n') + '\n',
  );
  const fixedPart = {};
  const flags = (rf: Array<[number, number]>, part: object) =>
    evaluateModel(m, { ...mkInput(threeEvents, rf), fixedPart: part }).map((o) => o.flags);
  assert.deepEqual(flags([[0, 2]], fixedPart), [['from-init']]);
  assert.deepEqual(flags([[0, 2]], fixedPart), [['from-init']]);
  assert.deepEqual(flags([[1, 2]], fixedPart), flags([[1, 2]], {}));
  assert.deepEqual(flags([[1, 2]], {}), [[], []]);
});

test('a `let ... in` whose body reads only fixed values is kept for the combination', () => {
  // `b` comes from the final writes (the same for both candidates here), `c` from rf
  // (`kept` binds it too, but reads only `b`).
  const m = loadSource(
    [
      '"t"',
      'let kept = let c = rf and b = FW * M in b ; loc',
      'let redone = let c = rf in c ; loc',
      'flag ~empty kept & (IW * M) as init-final',
      'flag ~empty redone & (IW * M) as from-init',
    ].join('\n') + '\n',
  );
  const fixedPart = {};
  const flags = (rf: Array<[number, number]>) =>
    evaluateModel(m, { ...mkInput(threeEvents, rf, { sets: { FW: [1] } }), fixedPart }).map(
      (o) => o.flags,
    );
  const first = compositions(() => assert.deepEqual(flags([[1, 2]]), [[]]));
  // Only `redone` composes again, and sees the new rf.
  const second = compositions(() => assert.deepEqual(flags([[0, 2]]), [['from-init']]));
  assert.equal(second, first - 1);
});
