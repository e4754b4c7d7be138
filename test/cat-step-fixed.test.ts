// Values found fixed for a path combination where the interpreter once gave up on them:
// inside a top-level fixpoint, an operation reading its variables that an operand fixed
// and empty absorbs (MemoNode.stepId: kept by the kinds of the variables' values), and a
// branch taken on values fixed for the combination.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateModel } from '../src/cat/index.js';
import { CatError } from '../src/cat/values.js';
import { catFolder, compositions, mkInput, threeEvents } from './support/cat-models.js';

const { load: loadSource } = catFolder('step-fixed');

test('inside a fixpoint, a sequence an empty fixed operand absorbs is not evaluated again', () => {
  // `[R & W]` is empty for every candidate, so `[R & W] ; (x ; loc) ; po` is whatever x
  // is: found so on the first candidate (where `x ; loc` is composed once, at the step
  // x holds a relation), the next candidate of the combination does not compose `x ; loc`.
  const m = loadSource('"t"\nlet rec x = rf | ([R & W] ; (x ; loc) ; po)\nflag ~empty x as x\n');
  const fixedPart = {};
  const candidate = (rf: Array<[number, number]>) => ({ ...mkInput(threeEvents, rf), fixedPart });
  const fired = [{ allowed: true, flags: ['x'] }];
  const first = compositions(() => assert.deepEqual(evaluateModel(m, candidate([[1, 2]])), fired));
  const second = compositions(() => assert.deepEqual(evaluateModel(m, candidate([[0, 2]])), fired));
  assert.equal(first, 1);
  assert.equal(second, 0);
  // Without reads-from, x is empty: the value kept is still right.
  assert.deepEqual(evaluateModel(m, candidate([])), [{ allowed: true, flags: [] }]);
});

test("a value kept at a fixpoint's first step is not given where a variable is of another kind", () => {
  // At the first step x is `{}` and `[R & W] ; x` is `{}`; at the second x is an event set,
  // which a sequence refuses: the value found fixed with x empty must not hide that.
  const m = loadSource('"t"\nlet rec x = W | ([R & W] ; x)\n');
  assert.throws(
    () => evaluateModel(m, { ...mkInput(threeEvents, [[1, 2]]), fixedPart: {} }),
    (err: unknown) => err instanceof CatError && /relation expected/.test(err.message),
  );
});

test('a branch on values fixed for the combination is fixed when the branch taken is', () => {
  // No event is both a read and a write: every candidate takes the `then` branch, so `y`
  // is the same for all of them and is composed on the first one only.
  const m = loadSource(
    '"t"\nlet z = if R & W = {} then loc else rf\nlet y = z ; loc\nflag ~empty y as y\n',
  );
  const fixedPart = {};
  const candidate = (rf: Array<[number, number]>) => ({ ...mkInput(threeEvents, rf), fixedPart });
  const first = compositions(() => evaluateModel(m, candidate([[1, 2]])));
  const second = compositions(() => evaluateModel(m, candidate([[0, 2]])));
  assert.equal(first, 1);
  assert.equal(second, 0);
});

test('a branch on a value that differs between candidates is not fixed', () => {
  // The branch taken follows rf: `y` is composed for each candidate.
  const m = loadSource(
    '"t"\nlet z = if rf = {} then loc else rf\nlet y = z ; loc\nflag ~empty y | z as z\n',
  );
  const fixedPart = {};
  const candidate = (rf: Array<[number, number]>) => ({ ...mkInput(threeEvents, rf), fixedPart });
  const fired = [{ allowed: true, flags: ['z'] }];
  const counts: number[] = [];
  for (const rf of [[[1, 2]], [], [[0, 2]]] as Array<Array<[number, number]>>)
    counts.push(compositions(() => assert.deepEqual(evaluateModel(m, candidate(rf)), fired)));
  assert.deepEqual(counts, [1, 1, 1]);
});
