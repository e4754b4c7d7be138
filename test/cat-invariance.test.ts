// Values shared between `with` paths must be exactly those that cannot differ between them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateModel } from '../src/cat/index.js';
import { catFolder, messagePassing, mkInput, type Ev } from './support/cat-models.js';
import type { MemoNode } from '../src/cat/invariance.js';

const { load: loadSource } = catFolder('inv');

const fourEvents: Ev[] = [
  { kind: 'W', thread: -1, loc: 'x', value: 0 },
  { kind: 'W', thread: 0, loc: 'x', value: 1 },
  { kind: 'R', thread: 1, loc: 'x', value: 1 },
  { kind: 'F', thread: 1, annot: ['MB'] },
];
const input = mkInput(fourEvents, [[1, 2]]);

function flagsPerPath(src: string): string[][] {
  const m = loadSource(src);
  // The order of a set's elements (hence of the paths) is the interpreter's business.
  return evaluateModel(m, input)
    .map((o) => o.flags)
    .sort((a, b) => a.length - b.length);
}

test('an expression using the forked name is recomputed on every path', () => {
  const flags = flagsPerPath(
    '"t"\nlet inv = po ; [F]\nwith s from {R, W}\nlet v = [s] ; po\nflag ~empty v as nonempty\nflag ~empty inv as fence\n',
  );
  assert.deepEqual(flags, [['fence'], ['nonempty', 'fence']]);
});

test('a function whose body reads a forked name is not shared across paths', () => {
  const flags = flagsPerPath(
    '"t"\nwith s from {R, W}\nlet f(r) = [s] ; r\nflag ~empty f(po) as hit\n',
  );
  assert.deepEqual(flags, [[], ['hit']]);
});

test('a recursive definition after a fork is recomputed per path', () => {
  const src =
    '"t"\nwith s from {R, 0}\nlet rec c = [s] | (c ; po)\nflag ~empty c & (R * R) as self\n';
  // With s = R the relation holds the identity on the read; with s = {} it is empty.
  const flags = flagsPerPath(src.replace('{R, 0}', '{R, emptyset}'));
  assert.deepEqual(flags, [[], ['self']]);
});

test('a function applied to a forked value is not shared across paths', () => {
  const flags = flagsPerPath(
    '"t"\nlet g(r) = r ; po\nwith s from {rf, 0}\nflag ~empty g(s) as hit\n',
  );
  assert.deepEqual(flags, [[], ['hit']]);
});

// Per-combination sharing: candidates with the same fixed part (events, po, tags ...) share
// what the model computed from it, and nothing computed from reads-from or values.

const threeEvents = [
  { kind: 'W' as const, thread: -1, loc: 'x', value: 0 },
  { kind: 'W' as const, thread: 0, loc: 'x', value: 1 },
  { kind: 'R' as const, thread: 1, loc: 'x', value: 1 },
];

test('only what depends on the fixed part is marked for sharing between candidates', () => {
  const m = loadSource(
    '"t"\nlet fixed = po ; po\nlet onrf = rf ; po\nlet byvalue = different-values(loc)\n',
  );
  const marks = (name: string) => {
    const g = m.program.finalGlobals.get(name);
    assert.ok(g && g.kind === 'slot');
    for (const ins of m.program.code) {
      if (ins.t !== 'glet' || !ins.slots.includes(g.s)) continue;
      const node = ins.e[0] as MemoNode;
      return { stage: node.stageId !== undefined, memo: node.memoId !== undefined };
    }
    assert.fail(`no definition of ${name}`);
  };
  // `po ; po` is per combination; `rf ; po` and the value-reading primitive only per
  // candidate (shared by the paths of one evaluation).
  assert.deepEqual(marks('fixed'), { stage: true, memo: false });
  assert.deepEqual(marks('onrf'), { stage: false, memo: true });
  assert.deepEqual(marks('byvalue'), { stage: false, memo: true });
});

test('candidates sharing a fixed part get their own reads-from and values', () => {
  const m = loadSource(
    '"t"\nlet fixed = po | loc\nflag ~empty (rf & fixed) as rfloc\nflag ~empty different-values(rf) as differs\n',
  );
  const fixedPart = {};
  const withRf = (rf: Array<[number, number]>, readValue: number) => {
    const evs = threeEvents.map((e, i) => (i === 2 ? { ...e, value: readValue } : e));
    return { ...mkInput(evs, rf), fixedPart };
  };
  const flags = (rf: Array<[number, number]>, v: number) =>
    evaluateModel(m, withRf(rf, v)).map((o) => o.flags);
  // The same fixed part three times: the shared `fixed` must not carry rf or values along.
  assert.deepEqual(flags([[1, 2]], 1), [['rfloc']]);
  assert.deepEqual(flags([[0, 2]], 1), [['rfloc', 'differs']]);
  assert.deepEqual(flags([], 0), [[]]);
});

// Per-fixpoint sharing: inside a top-level `let rec`, what reads none of its variables is
// computed once per fixpoint, and a sequence is regrouped so that its invariant runs are.

/** The nodes of a global's definition that carry a loop id, and the definition itself. */
function definition(m: ReturnType<typeof loadSource>, name: string) {
  const g = m.program.finalGlobals.get(name);
  assert.ok(g && g.kind === 'slot');
  for (const ins of m.program.code) {
    if ((ins.t === 'grec' || ins.t === 'glet') && ins.slots.includes(g.s))
      return ins.e[ins.slots.indexOf(g.s)];
  }
  assert.fail(`no definition of ${name}`);
}

test('a sequence inside a fixpoint is regrouped around the recursion variable', () => {
  const m = loadSource(
    '"t"\nwith s from {rf, po}\nlet rec x = s | (s ; s ; x ; po ; s)\nflag ~empty x as any\n',
  );
  const body = definition(m, 'x');
  assert.equal(body.t, 'union');
  const seq = body.t === 'union' ? body.a[1] : body;
  assert.equal(seq.t, 'seq');
  if (seq.t !== 'seq') return;
  // (s ; s) ; x ; (po ; s): the outer runs read the forked s but not x, so they are
  // computed once per fixpoint and not at every step.
  assert.equal(seq.a.length, 3);
  assert.deepEqual(
    seq.a.map((a) => a.t),
    ['seq', 'glob', 'seq'],
  );
  assert.ok((seq.a[0] as MemoNode).loopId !== undefined);
  assert.ok((seq.a[2] as MemoNode).loopId !== undefined);
  assert.equal((seq as MemoNode).loopId, undefined);
});

test('values shared by the steps of a fixpoint are not carried to the next path', () => {
  // On the path s = rf the fixpoint reaches rf's pair (1,2); on the path s = {} nothing.
  // A loop value kept from one path would leak into the other.
  const m = loadSource(
    '"t"\nwith s from {rf, 0}\nlet rec x = (s ; po?) | (x ; (s ; po?))\nflag ~empty x as reach\n',
  );
  const flags = evaluateModel(m, input)
    .map((o) => o.flags)
    .sort((a, b) => a.length - b.length);
  assert.deepEqual(flags, [[], ['reach']]);
});

test('regrouped sequences keep their value', () => {
  const mp = messagePassing();
  // The fixpoint's step `x ; [M] ; (po | s) ; [M]` is regrouped as x ; ([M] ; (po | s) ; [M]);
  // its result must be the closed form, which is not empty.
  const src =
    '"t"\nwith s from {rf}\nlet step = [M] ; (po | s) ; [M]\nlet rec x = ([W] ; s) | (x ; [M] ; (po | s) ; [M])\nlet closed = [W] ; s ; step*\nflag ~empty x as some\nflag ~empty x \\ closed as extra\nflag ~empty closed \\ x as missing\nflag ~empty (x ; 0 ; po) as never\n';
  const flags = evaluateModel(loadSource(src), mp).map((o) => o.flags);
  assert.deepEqual(flags, [['some']]);
});

test('a recursive function is not shared between the calls made after its fixpoint', () => {
  const m = loadSource(
    '"t"\nlet rec f(r) = r ; po\nwith s from {rf, po}\nflag ~empty f(s) as hit\n',
  );
  const body = definition(m, 'f');
  const seen: MemoNode[] = [];
  const walk = (e: unknown): void => {
    if (!e || typeof e !== 'object') return;
    if ('t' in e) seen.push(e as MemoNode);
    for (const v of Object.values(e)) if (typeof v === 'object') walk(v);
  };
  walk(body);
  assert.ok(seen.every((n) => n.loopId === undefined));
  // f(rf) = rf ; po holds (1,3); f(po) = po ; po is empty (thread 1 has one po pair).
  const flags = evaluateModel(m, input)
    .map((o) => o.flags)
    .sort((a, b) => a.length - b.length);
  assert.deepEqual(flags, [[], ['hit']]);
});

// Function values and fixpoints are judged by what they read, wherever they are written.

/** The sharing marks of the instruction or expression defining a global. */
function marksOf(m: ReturnType<typeof loadSource>, name: string) {
  const g = m.program.finalGlobals.get(name);
  assert.ok(g && g.kind === 'slot');
  for (const ins of m.program.code) {
    if ((ins.t !== 'grec' && ins.t !== 'glet') || !ins.slots.includes(g.s)) continue;
    const node = (ins.t === 'grec' ? ins : ins.e[ins.slots.indexOf(g.s)]) as MemoNode;
    return { stage: node.stageId !== undefined, memo: node.memoId !== undefined };
  }
  assert.fail(`no definition of ${name}`);
}

test('a curried function applied to fixed values is shared between candidates', () => {
  const m = loadSource(
    '"t"\nlet pick s = fun r -> [s] ; r\nlet fixed = pick R (po ; po)\nlet onrf = pick R (rf ; po)\nlet byvalue = let g = different-values in g(loc ; loc)\nwith c from {rf}\nlet forked = pick W (c ; po)\n',
  );
  assert.deepEqual(marksOf(m, 'fixed'), { stage: true, memo: false });
  assert.deepEqual(marksOf(m, 'onrf'), { stage: false, memo: true });
  // A value-reading primitive bound to a local name still reads values.
  assert.deepEqual(marksOf(m, 'byvalue'), { stage: false, memo: true });
  assert.deepEqual(marksOf(m, 'forked'), { stage: false, memo: false });
});

test('a fixpoint is shared at the level of what its definition reads', () => {
  const m = loadSource(
    '"t"\nlet rec fixed = po | (fixed ; po)\nlet rec onrf = rf | (onrf ; po)\nlet rec f r = r | f(r ; po) \\ r\nwith c from {rf}\nlet rec forked = c | (forked ; po)\n',
  );
  assert.deepEqual(marksOf(m, 'fixed'), { stage: true, memo: false });
  assert.deepEqual(marksOf(m, 'onrf'), { stage: false, memo: true });
  assert.deepEqual(marksOf(m, 'forked'), { stage: false, memo: false });
});

test('a shared fixpoint gives each candidate its own value', () => {
  const m = loadSource(
    '"t"\nlet rec fixed = po | (fixed ; po)\nlet rec onrf = rf | (onrf ; po)\nflag ~empty fixed as po\nflag ~empty onrf & (W * F) as rfpo\n',
  );
  const fixedPart = {};
  const flags = (rf: Array<[number, number]>) =>
    evaluateModel(m, { ...mkInput(fourEvents, rf), fixedPart }).map((o) => o.flags);
  // Events: 0 init x, 1 W x (thread 0), 2 R x (thread 1), 3 F (thread 1, after the read).
  assert.deepEqual(flags([[1, 2]]), [['po', 'rfpo']]);
  assert.deepEqual(flags([]), [['po']]);
  assert.deepEqual(flags([[0, 2]]), [['po', 'rfpo']]);
});
