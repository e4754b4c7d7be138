// Sets of values grown one `++` at a time (src/cat/values.ts valSetAdd): large sets of
// relations grow without a copy per element, and must still be the sets the copies made.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventSet, Relation } from '../src/relations/index.js';
import {
  EMPTY,
  UNV,
  compareV,
  mkValSet,
  sameValue,
  valSetAdd,
  type V,
  type VValSet,
} from '../src/cat/values.js';
import { PRIMITIVES, readsEventValues } from '../src/cat/primitives.js';

const N = 12;

/** The relation with the pairs of the bits of k (k < 2^20): distinct relations for distinct k. */
function relationOf(k: number): Relation {
  const r = new Relation(N);
  for (let b = 0; b < 20; b++) if ((k >> b) & 1) r.add(b % N, Math.floor(b / N) + 1);
  return r;
}

/** A set grown from {} by adding these relations one by one, as `r ++ S` does. */
function grown(from: VValSet, rels: Relation[]): VValSet {
  let s = from;
  for (const r of rels) s = valSetAdd(s, r);
  return s;
}

/** Pseudo-random numbers, the same on every run. */
function numbers(count: number, seed: number): number[] {
  const out: number[] = [];
  let x = seed;
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(x % 5000);
  }
  return out;
}

function sameItems(actual: V[], expected: V[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((x, i) => assert.equal(compareV(x, expected[i]), 0, `element ${i}`));
}

test('a large set grown element by element is the sorted set of its distinct elements', () => {
  const ks = numbers(3000, 7); // with repeats
  const rels = ks.map(relationOf);
  const s = grown({ k: 'valset', items: [] }, rels);
  sameItems(s.items, mkValSet(rels).items);
  assert.ok(s.items.length < rels.length, 'the repeats are in the set once');
});

test('of equal relations added, the set keeps the first one, as the copying add did', () => {
  const first = relationOf(5);
  const again = relationOf(5);
  const rels = [...numbers(100, 3).map((k) => relationOf(k + 10)), first, again];
  const s = grown({ k: 'valset', items: [] }, rels);
  const kept = s.items.filter((x) => compareV(x, first) === 0);
  assert.equal(kept.length, 1);
  assert.equal(kept[0], first);
  // And one already in the set before the growth started stays the one kept.
  const base = grown({ k: 'valset', items: [] }, numbers(40, 9).map(relationOf));
  const old = base.items[3];
  const more = grown(base, [relationOf(4999), (old as Relation).union(new Relation(N))]);
  assert.equal(more.items.filter((x) => compareV(x, old) === 0)[0], old);
});

test('two sets grown from one version each have their own elements', () => {
  const common = grown({ k: 'valset', items: [] }, numbers(50, 11).map(relationOf));
  const a = relationOf(100_001 % 5000);
  const b = relationOf(4321);
  const left = grown(common, [relationOf(17), a]);
  const right = grown(grown(common, [relationOf(17)]), [b]);
  const has = (s: VValSet, r: Relation) => s.items.some((x) => compareV(x, r) === 0);
  assert.ok(has(left, a) && !has(left, b), 'the left set has a only');
  assert.ok(has(right, b) && !has(right, a), 'the right set has b only');
  // The common version is unchanged by both.
  sameItems(common.items, mkValSet(numbers(50, 11).map(relationOf)).items);
  // Reading a version in between, then growing it further, keeps both right.
  const middle = grown(common, [relationOf(18)]);
  const middleItems = middle.items.slice();
  const after = grown(middle, [relationOf(19)]);
  sameItems(middle.items, middleItems);
  assert.equal(after.items.length, middleItems.length + 1);
});

test('values that are not relations join a grown set as before', () => {
  const s = grown({ k: 'valset', items: [] }, numbers(60, 5).map(relationOf));
  // A tag among relations is the model's type error, raised by the `++` itself.
  assert.throws(() => valSetAdd(s, { k: 'tag', enumName: 'x', name: 'a' }), /heterogeneous/);
  // The empty value is equal to the empty relation: no new element when that one is in.
  const withEmpty = valSetAdd(s, new Relation(N));
  assert.equal(valSetAdd(withEmpty, { k: 'empty' }).items.length, withEmpty.items.length);
});

test('relations agreeing on their first rows are still sorted by all of their words', () => {
  // Every relation has the same first nine rows; they differ in the last rows only.
  const n = 40;
  const rels = numbers(500, 13).map((k) => {
    const r = new Relation(n);
    for (let a = 0; a < 9; a++) r.add(a, (a * 7) % n);
    for (let b = 0; b < 13; b++) if ((k >> b) & 1) r.add(30 + (b % 10), b + 1);
    return r;
  });
  const s = grown({ k: 'valset', items: [] }, rels);
  sameItems(s.items, mkValSet(rels).items);
  for (let i = 1; i < s.items.length; i++) assert.ok(compareV(s.items[i - 1], s.items[i]) < 0);
});

test('sameValue: equal content is the same value, and kinds are never confused', () => {
  const r = relationOf(5);
  const tag = (enumName: string, name: string): V => ({ k: 'tag', enumName, name });
  const tuple = (...items: V[]): V => ({ k: 'tuple', items });
  // Equal content in other objects.
  assert.ok(sameValue(r, relationOf(5)));
  assert.ok(sameValue(EventSet.of(N, [1, 3]), EventSet.of(N, [3, 1])));
  assert.ok(sameValue({ k: 'event', e: 2 }, { k: 'event', e: 2 }));
  assert.ok(sameValue({ k: 'pair', a: 1, b: 2 }, { k: 'pair', a: 1, b: 2 }));
  assert.ok(sameValue(tag('scopes', 'wg'), tag('scopes', 'wg')));
  assert.ok(sameValue(tuple(r, tag('a', 'b')), tuple(relationOf(5), tag('a', 'b'))));
  assert.ok(sameValue(mkValSet([r, relationOf(9)]), mkValSet([relationOf(9), relationOf(5)])));
  assert.ok(sameValue(EMPTY, { k: 'empty' }));
  assert.ok(sameValue(UNV, { k: 'unv' }));
  // Other content, or the same content of another kind.
  assert.ok(!sameValue(r, relationOf(6)));
  assert.ok(!sameValue({ k: 'pair', a: 1, b: 2 }, { k: 'pair', a: 2, b: 1 }));
  assert.ok(!sameValue(tag('scopes', 'wg'), tag('regions', 'wg')));
  assert.ok(!sameValue(tuple(r), tuple(r, r)));
  assert.ok(!sameValue(tuple(r), mkValSet([r])));
  assert.ok(!sameValue(mkValSet([r]), mkValSet([r, relationOf(9)])));
  assert.ok(!sameValue(EMPTY, new Relation(N)), '{} is not an empty relation');
  assert.ok(!sameValue(new Relation(N), new EventSet(N)));
  assert.ok(!sameValue(EMPTY, UNV));
  assert.ok(!sameValue({ k: 'event', e: 2 }, { k: 'pair', a: 2, b: 2 }));
  // Functions: only the same object (their bodies are not compared).
  const body = { t: 'zero' } as const;
  const f: V = {
    k: 'clo',
    id: 1,
    pat: { tuple: false, size: 1 },
    body,
    frame: null,
    name: 'f',
  } as V;
  const g: V = { ...f } as V;
  assert.ok(sameValue(f, f));
  assert.ok(!sameValue(f, g));
  assert.ok(!sameValue(tuple(f), tuple(g)));
});

test('readsEventValues names the built-ins whose value depends on event values', () => {
  const readers = PRIMITIVES.filter(([name, fn]) =>
    readsEventValues({ k: 'prim', name, fn, id: 0 } as V),
  ).map(([name]) => name);
  assert.deepEqual(readers, ['different-values']);
  assert.ok(!readsEventValues(relationOf(1)));
  assert.ok(!readsEventValues({ k: 'tag', enumName: 'x', name: 'different-values' }));
});
