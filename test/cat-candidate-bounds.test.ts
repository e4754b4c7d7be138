// Judging every candidate of a partial reads-from choice at once, over bounds of rf and FW
// (src/cat/candidate-bounds.ts, BoundRun.overInputs in src/cat/bounds.ts). Each test
// also runs the model on every candidate between the bounds: a `true` must mean that none
// of them is allowed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateModel } from '../src/cat/index.js';
import { rejectsEveryCandidate } from '../src/cat/candidate-bounds.js';
import { Relation } from '../src/relations/index.js';
import { catFolder, mkInput, type Ev } from './support/cat-models.js';
import { corpusPath } from './support/corpus.js';

const { load: loadSource } = catFolder('candidate-bounds');

/** x: the initial write 0, a write 1 (thread 0); reads 2 and 3 (threads 1 and 2). */
const events: Ev[] = [
  { kind: 'W', thread: -1, loc: 'x', value: 0 },
  { kind: 'W', thread: 0, loc: 'x', value: 1 },
  { kind: 'R', thread: 1, loc: 'x', value: 0 },
  { kind: 'R', thread: 2, loc: 'x', value: 0 },
];
const READS = [2, 3];
const WRITES = [0, 1];
const sets = { Two: [2] };

type Pair = [number, number];

/**
 * The verdict over bounds when the reads of `chosen` have their writes and the others may
 * read any write, and whether the model allows some candidate between those bounds.
 */
function judge(lines: string[], chosen: Pair[]): { rejectsAll: boolean; someAllowed: boolean } {
  const m = loadSource(lines);
  const lower = mkInput(events, chosen, { sets });
  const open = READS.filter((r) => !chosen.some(([, c]) => c === r));
  const upper = Relation.fromPairs(events.length, [
    ...chosen,
    ...open.flatMap((r) => WRITES.map((w): Pair => [w, r])),
  ]);
  const rejectsAll = rejectsEveryCandidate(
    m.program,
    lower,
    { rf: upper, FW: lower.sets.get('FW')! },
    {},
  );
  // Every completion of the choice: each open read takes each write.
  let completions: Pair[][] = [chosen];
  for (const r of open)
    completions = completions.flatMap((c) => WRITES.map((w): Pair[] => [...c, [w, r]]));
  const someAllowed = completions.some((rf) =>
    evaluateModel(m, mkInput(events, rf, { sets })).some((o) => o.allowed),
  );
  return { rejectsAll, someAllowed };
}

test('a check the chosen pairs fail rejects every candidate; one only a later choice fails does not', () => {
  const model = ['empty rf & (IW * R) as from-init'];
  // Read 2 reads the initial write: every candidate fails.
  assert.deepEqual(judge(model, [[0, 2]]), { rejectsAll: true, someAllowed: false });
  // Read 2 reads write 1: read 3 may still read write 1 too (allowed).
  assert.deepEqual(judge(model, [[1, 2]]), { rejectsAll: false, someAllowed: true });
});

test('what a check reads through the right of `\\` takes the largest rf', () => {
  // Every read reads some write in every candidate: never rejected, although the
  // chosen pairs alone leave read 3 unread.
  const model = ['empty R \\ range(rf) as unread'];
  assert.deepEqual(judge(model, [[1, 2]]), { rejectsAll: false, someAllowed: true });
});

test('a function passed to a top-level function is applied over the bounds, not over the chosen pairs', () => {
  // The same check as above, through a function the host defined (app1) called with a
  // closure of the bound run: the host must not apply it to its own, partial, rf.
  const passed = [
    'let app1(h) = h(R)',
    'let unread = app1(fun s -> s \\ range(rf))',
    'empty unread as all-read',
  ];
  assert.deepEqual(judge(passed, [[1, 2]]), { rejectsAll: false, someAllowed: true });
  const composed = [
    'let compose(h) = fun y -> h(y)',
    'let g = compose(fun s -> s \\ range(rf))',
    'empty g(R) as all-read',
  ];
  assert.deepEqual(judge(composed, [[1, 2]]), { rejectsAll: false, someAllowed: true });
});

test('a fork on a set that does not depend on rf is searched, alternative by alternative', () => {
  // Alternatives: the pairs from the initial write, and those from write 1; a candidate
  // fails an alternative holding one of its rf pairs.
  const model = [
    'let from-init = [IW] ; loc ; [R]',
    'let from-one = [W \\ IW] ; loc ; [R]',
    'with x from {from-init, from-one}',
    'empty x & rf as clash',
  ];
  // Both reads chosen, one from each write: each alternative meets rf.
  assert.deepEqual(
    judge(model, [
      [0, 2],
      [1, 3],
    ]),
    { rejectsAll: true, someAllowed: false },
  );
  // Only read 2 chosen: read 3 may read the initial write too, and `from-one` passes.
  assert.deepEqual(judge(model, [[0, 2]]), { rejectsAll: false, someAllowed: true });
});

test('a fork on a set computed from rf is searched once the pairs it reads are chosen', () => {
  // `mine` reads rf only into read 2: once read 2 has its write, both ends are equal and
  // the fork's set (made by a function the bounds do not follow) is fixed.
  const model = [
    'let mine = rf ; [Two]',
    'let alternatives r = {r, r^-1}',
    'with x from alternatives(mine)',
    'empty x as nothing',
  ];
  assert.deepEqual(judge(model, [[1, 2]]), { rejectsAll: true, someAllowed: false });
  // Read 2 not chosen: the set is not known.
  assert.deepEqual(judge(model, [[1, 3]]), { rejectsAll: false, someAllowed: false });
});

test('a fork on a set that still depends on the reads left is not judged', () => {
  const model = ['with x from {rf, rf^-1}', 'empty x & (W * R) as forward'];
  // `rf` fails in every candidate, `rf^-1` passes: not every alternative fails.
  assert.deepEqual(judge(model, [[1, 2]]), { rejectsAll: false, someAllowed: true });
});

test('event values are unknown: a value-reading primitive lies between nothing and its argument', () => {
  // The reads read 0: a candidate reading the initial write only has no pair of rf with
  // different values, and passes, though rf already has the pair (0, 2).
  const model = ['empty different-values(rf) as differ'];
  assert.deepEqual(judge(model, [[0, 2]]), { rejectsAll: false, someAllowed: true });
  // A flag on one does not keep a later check from rejecting.
  const flagged = ['flag ~empty different-values(po) as d', 'empty rf & (IW * R) as from-init'];
  assert.deepEqual(judge(flagged, [[0, 2]]), { rejectsAll: true, someAllowed: false });
});

test('a model reading herd`s pco is not judged over these bounds', () => {
  const model = ['empty rf & (IW * R) as from-init', 'acyclic pco as p'];
  const m = loadSource(model);
  const lower = mkInput(events, [[0, 2]], { sets });
  const verdict = rejectsEveryCandidate(
    m.program,
    lower,
    { rf: lower.relations.get('rf')!, FW: lower.sets.get('FW')! },
    {},
  );
  assert.equal(verdict, false);
});

test('a fork on a set of coherence orders grown by cross.cat is searched by its elements', () => {
  // Five writes after the initial one: 120 orders, added to the set one `++` at a time
  // (a set that large grows unsorted, values.ts: the search takes its elements as added).
  const evs: Ev[] = [
    { kind: 'W', thread: -1, loc: 'x', value: 0 },
    ...[1, 2, 3, 4, 5].map((v): Ev => ({ kind: 'W', thread: 0, loc: 'x', value: v })),
    { kind: 'R', thread: 1, loc: 'x', value: 0 },
    { kind: 'R', thread: 2, loc: 'x', value: 0 },
  ];
  const reads = [6, 7];
  const writes = [0, 1, 2, 3, 4, 5];
  const m = loadSource(
    [
      'include "cross.cat"',
      'with co from generate_orders(W, [IW] ; loc ; [W \\ IW])',
      // A read of a write that is not the last one in co.
      'empty co^-1 ; rf as reads-last',
    ],
    { includeDirs: [corpusPath('models', 'herd-lib')] },
  );
  const verdict = (chosen: Pair[]): { rejectsAll: boolean; someAllowed: boolean } => {
    const lower = mkInput(evs, chosen);
    const open = reads.filter((r) => !chosen.some(([, c]) => c === r));
    const upper = Relation.fromPairs(evs.length, [
      ...chosen,
      ...open.flatMap((r) => writes.map((w): Pair => [w, r])),
    ]);
    const rejectsAll = rejectsEveryCandidate(
      m.program,
      lower,
      { rf: upper, FW: lower.sets.get('FW')! },
      {},
    );
    let completions: Pair[][] = [chosen];
    for (const r of open)
      completions = completions.flatMap((c) => writes.map((w): Pair[] => [...c, [w, r]]));
    const someAllowed = completions.some((rf) =>
      evaluateModel(m, mkInput(evs, rf)).some((o) => o.allowed),
    );
    return { rejectsAll, someAllowed };
  };
  // The initial write is first in every order: a read of it fails on every one.
  assert.deepEqual(verdict([[0, 6]]), { rejectsAll: true, someAllowed: false });
  // A read of write 3: the orders ending with write 3 pass (read 7 reads it too).
  assert.deepEqual(verdict([[3, 6]]), { rejectsAll: false, someAllowed: true });
  // Reads of two different writes: one of them is not last in any order.
  assert.deepEqual(
    verdict([
      [2, 6],
      [4, 7],
    ]),
    { rejectsAll: true, someAllowed: false },
  );
});
