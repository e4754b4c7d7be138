// The interpreter gives an operation's last value again when its operands are the same
// objects as last time (Evaluator.lastOf), and a value equal to the last one as the last
// one (Evaluator.remember): after a fork, nodes whose operands the fork did not change
// are not computed again, and those whose operands it changed are.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateModel } from '../src/cat/index.js';
import { Relation, type EventSet } from '../src/relations/index.js';
import { catFolder, compositions, mkInput, threeEvents } from './support/cat-models.js';

const { load: loadSource } = catFolder('reuse');

/** Counts the inversions of bit-matrix relations done by `run`. */
function inversions(run: () => void): number {
  const inverse = Relation.prototype.inverse;
  let count = 0;
  Relation.prototype.inverse = function (this: Relation) {
    count++;
    return inverse.call(this);
  };
  try {
    run();
  } finally {
    Relation.prototype.inverse = inverse;
  }
  return count;
}

test('after a fork, an operation whose operands are unchanged is not computed again', () => {
  // `x \ x` is a new empty relation on each path, equal to the last: given as the last
  // one, the union and the inversion above it meet the same operands on every path.
  const m = loadSource(
    '"t"\nwith x from {po, rf, loc}\nlet y = ((x \\ x) | rf)^-1\nacyclic y ; x as c\n',
  );
  let outcomes = 0;
  const count = inversions(() => {
    outcomes = evaluateModel(m, mkInput(threeEvents, [[1, 2]])).length;
  });
  assert.equal(outcomes, 3);
  assert.equal(count, 1);
});

test('after a fork, an operation whose operand changed is computed again', () => {
  // The flag fires where x shares a pair with rf: rf and loc do, po (empty here) not.
  const m = loadSource('"t"\nwith x from {po, rf, loc}\nflag ~empty x^-1 & rf^-1 as shared\n');
  const fired = evaluateModel(m, mkInput(threeEvents, [[1, 2]])).map((o) =>
    o.flags.includes('shared'),
  );
  assert.equal(fired.length, 3);
  assert.equal(fired.filter((f) => f).length, 2);
});

test('a sequence whose operands are unchanged gives its last value, filters included', () => {
  // `[W] ; (x \ x | rf) ; [R]` has the same operands on every path: one composition, and
  // the same value object each time (its acyclicity is then tested once, see testOnce).
  const m = loadSource(
    '"t"\nwith x from {po, rf, loc}\nlet s = [W] ; ((x \\ x) | rf) ; [R]\nflag ~empty s as seen\n',
  );
  const restrict = Relation.prototype.restrict;
  let count = 0;
  Relation.prototype.restrict = function (this: Relation, d, r) {
    count++;
    return restrict.call(this, d, r);
  };
  let flags: boolean[];
  try {
    flags = evaluateModel(m, mkInput(threeEvents, [[1, 2]])).map((o) => o.flags.includes('seen'));
  } finally {
    Relation.prototype.restrict = restrict;
  }
  assert.deepEqual(flags, [true, true, true]);
  assert.equal(count, 2); // [W] then [R], on the first path only
});

test('a sequence whose later operands are unchanged composes them once', () => {
  // x changes on each path, `(x \ x) | rf` and rf^-1 do not (given as the last value,
  // see above; a part reading x, so not grouped as fork-invariant by invariance.ts):
  // their composition is made on the second path and kept, then composed with x alone.
  const body = 'let s = x ; ((x \\ x) | rf) ; rf^-1\nflag ~empty s as some\n';
  const forked = loadSource(`"t"\nwith x from {po, rf, loc}\n${body}`);
  const input = mkInput(threeEvents, [[1, 2]]);
  let flags: boolean[] = [];
  const count = compositions(() => {
    flags = evaluateModel(forked, input).map((o) => o.flags.includes('some'));
  });
  assert.equal(count, 5); // 2 on the first path, 2 on the second (one the kept part), 1
  // The same answers as without a fork, one model per alternative.
  const alone = ['po', 'rf', 'loc'].map((x) =>
    evaluateModel(loadSource(`"t"\nlet x = ${x}\n${body}`), input)[0].flags.includes('some'),
  );
  assert.deepEqual(flags, alone);
  assert.ok(alone.some((f) => f) && !alone.every((f) => f), 'the flag tells the paths apart');
});

test('after a fork, a union or sequence whose first operands only are unchanged gives the new value', () => {
  // rf^-1, rf and [W] are the same objects on every path, x is not: the operands kept
  // from last time are taken up to x, then x's own value is combined with them.
  const body = 'let u = rf^-1 | x\nlet s = [W] ; rf ; x\nlet t = [W] ; rf ; [R] ; x ; [W]\n';
  const capture = ['u', 's', 't'];
  const input = mkInput(threeEvents, [[1, 2]]);
  const pairs = (o: { values?: Map<string, Relation | EventSet> }) =>
    capture.map((name) => (o.values!.get(name) as Relation).pairs());
  const forked = evaluateModel(loadSource(`"t"\nwith x from {po, rf, loc}\n${body}`), input, {
    capture,
  }).map(pairs);
  const alone = ['po', 'rf', 'loc'].map((x) =>
    pairs(evaluateModel(loadSource(`"t"\nlet x = ${x}\n${body}`), input, { capture })[0]),
  );
  assert.deepEqual(forked, alone);
  assert.notDeepEqual(alone[0], alone[1], 'the values tell the paths apart');
});

test('a union meeting an empty relation not marked so marks it, and copies nothing', () => {
  // `addr` (none here) and `data` are given unmarked (test/support/cat-models.ts): the
  // union is rf itself, and the empty operands are known empty from then on.
  const m = loadSource('"t"\nlet u = addr | rf | data\nlet w = rf | addr\n');
  const input = mkInput(threeEvents, [[1, 2]]);
  const addr = input.relations.get('addr')!;
  const data = input.relations.get('data')!;
  assert.ok(!addr.knownEmpty && !data.knownEmpty);
  const [out] = evaluateModel(m, input, { capture: ['u', 'w'] });
  assert.equal(out.values!.get('u'), input.relations.get('rf'));
  assert.equal(out.values!.get('w'), input.relations.get('rf'));
  assert.ok(addr.knownEmpty && data.knownEmpty);
});
