import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventSet, Relation } from '../src/relations/index.js';

function naiveClosure(n: number, pairs: Array<[number, number]>): Set<string> {
  const m: boolean[][] = Array.from({ length: n }, () => new Array<boolean>(n).fill(false));
  for (const [a, b] of pairs) m[a][b] = true;
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++)
      if (m[i][k]) for (let j = 0; j < n; j++) if (m[k][j]) m[i][j] = true;
  const s = new Set<string>();
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (m[i][j]) s.add(`${i},${j}`);
  return s;
}

function rand(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

test('EventSet basics across word boundaries', () => {
  const n = 40;
  const a = EventSet.of(n, [0, 5, 31, 32, 39]);
  const b = EventSet.of(n, [5, 32, 33]);
  assert.deepEqual(a.toArray(), [0, 5, 31, 32, 39]);
  assert.equal(a.size(), 5);
  assert.deepEqual(a.union(b).toArray(), [0, 5, 31, 32, 33, 39]);
  assert.deepEqual(a.inter(b).toArray(), [5, 32]);
  assert.deepEqual(a.diff(b).toArray(), [0, 31, 39]);
  const c = a.complement();
  assert.equal(c.size(), n - 5);
  assert.ok(!c.has(39) && c.has(38) && !c.has(0));
  assert.equal(EventSet.full(n).size(), n);
  assert.ok(new EventSet(n).isEmpty());
  assert.ok(a.equals(a.clone()));
  const d = a.clone();
  d.delete(0);
  d.add(1);
  assert.deepEqual(d.toArray(), [1, 5, 31, 32, 39]);
  assert.ok(!d.equals(a));
  assert.ok(a.inter(b).isSubsetOf(a));
  assert.equal(EventSet.full(32).complement().size(), 0);
});

test('Relation construction, set operations and complement', () => {
  const n = 35;
  const r = Relation.fromPairs(n, [
    [0, 1],
    [1, 2],
    [34, 0],
  ]);
  assert.ok(r.has(0, 1) && r.has(34, 0) && !r.has(1, 0));
  assert.equal(r.size(), 3);
  assert.deepEqual(r.pairs(), [
    [0, 1],
    [1, 2],
    [34, 0],
  ]);
  const id = Relation.identity(n);
  assert.equal(id.size(), n);
  assert.equal(r.union(id).size(), n + 3);
  assert.ok(r.inter(id).isEmpty());
  assert.deepEqual(r.union(id).diff(id).pairs(), r.pairs());
  assert.equal(r.complement().size(), n * n - 3);
  assert.ok(!r.complement().has(0, 1) && r.complement().has(1, 0));
  const a = EventSet.of(n, [0, 1]),
    b = EventSet.of(n, [2, 34]);
  assert.deepEqual(Relation.cartesian(a, b).pairs(), [
    [0, 2],
    [0, 34],
    [1, 2],
    [1, 34],
  ]);
  assert.deepEqual(Relation.idOn(b).pairs(), [
    [2, 2],
    [34, 34],
  ]);
  assert.deepEqual(r.inverse().pairs(), [
    [0, 34],
    [1, 0],
    [2, 1],
  ]);
  assert.deepEqual(r.domain().toArray(), [0, 1, 34]);
  assert.deepEqual(r.range().toArray(), [0, 1, 2]);
  assert.deepEqual(r.restrict(EventSet.of(n, [0, 1]), null).pairs(), [
    [0, 1],
    [1, 2],
  ]);
  assert.deepEqual(r.restrict(null, EventSet.of(n, [0, 2])).pairs(), [
    [1, 2],
    [34, 0],
  ]);
  const c = r.clone();
  c.delete(0, 1);
  assert.ok(!c.has(0, 1) && r.has(0, 1));
  assert.ok(r.equals(r.clone()) && !r.equals(c));
});

test('Relation composition, closures and cycles', () => {
  const n = 4;
  const r = Relation.fromPairs(n, [
    [0, 1],
    [1, 2],
    [2, 3],
  ]);
  assert.deepEqual(r.seq(r).pairs(), [
    [0, 2],
    [1, 3],
  ]);
  assert.equal(r.plus().size(), 6);
  assert.equal(r.star().size(), 10);
  assert.equal(r.opt().size(), 7);
  assert.ok(r.isAcyclic() && r.isIrreflexive());
  const cyc = r.union(Relation.fromPairs(n, [[3, 1]]));
  assert.ok(!cyc.isAcyclic());
  assert.ok(cyc.isIrreflexive());
  assert.ok(!cyc.plus().isIrreflexive());
  assert.ok(!Relation.fromPairs(n, [[2, 2]]).isAcyclic());
  assert.ok(new Relation(0).isAcyclic());
});

/**
 * Asserts that the relation of `pairs` has the naive transitive closure, and is acyclic
 * exactly when that closure has no loop; returns the relation.
 */
function checkClosureAndAcyclicity(
  n: number,
  pairs: Array<[number, number]>,
  label: string,
): Relation {
  const r = Relation.fromPairs(n, pairs);
  const want = naiveClosure(n, pairs);
  const got = new Set(
    r
      .plus()
      .pairs()
      .map(([a, b]) => `${a},${b}`),
  );
  assert.deepEqual(got, want, label);
  // The closures copy the words before adding a pair: the operand keeps its own.
  r.star();
  assert.deepEqual(r.pairs(), Relation.fromPairs(n, pairs).pairs(), label);
  const acyclic = [...want].every((p) => {
    const [a, b] = p.split(',');
    return a !== b;
  });
  assert.equal(r.isAcyclic(), acyclic, label);
  return r;
}

test('closure and acyclicity agree with a naive implementation (n up to 150)', () => {
  const rnd = rand(42);
  for (const n of [5, 31, 32, 33, 64, 70, 150]) {
    for (let trial = 0; trial < 5; trial++) {
      const pairs: Array<[number, number]> = [];
      const density = 1.5 / n;
      const dag = trial % 2 === 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          if ((dag ? i < j : i !== j) && rnd() < density) pairs.push([i, j]);
        }
      const r = checkClosureAndAcyclicity(n, pairs, `n=${n} trial=${trial}`);
      if (dag) assert.ok(r.isAcyclic());
    }
  }
});

test('a transitive relation is its own closure; its star is a new relation', () => {
  // Strict total orders on random groups of events (coherence orders, per location), for
  // one-, two- and many-word rows (both closures).
  const rnd = rand(11);
  for (const n of [6, 32, 40, 64, 70, 150]) {
    const pairs: Array<[number, number]> = [];
    const groups = Array.from({ length: 4 }, () => [] as number[]);
    for (let i = 0; i < n; i++) groups[Math.floor(rnd() * 4)].push(i);
    for (const g of groups) {
      g.sort(() => rnd() - 0.5);
      for (let a = 0; a < g.length; a++)
        for (let b = a + 1; b < g.length; b++) pairs.push([g[a], g[b]]);
    }
    const order = Relation.fromPairs(n, pairs);
    assert.equal(order.plus(), order, `n=${n}: the order itself`);
    const star = order.star();
    assert.notEqual(star, order);
    assert.equal(star.size(), pairs.length + n);
    assert.equal(order.size(), pairs.length, `n=${n}: star leaves the order as it was`);
    // One pair short of transitive: a new relation, the order unchanged.
    const [a, b] = pairs[0];
    const c = pairs.find(([x]) => x === b)?.[1];
    if (c === undefined) continue;
    const holed = order.clone();
    holed.delete(a, c);
    const closed = holed.plus();
    assert.notEqual(closed, holed);
    assert.ok(closed.has(a, c) && !holed.has(a, c), `n=${n}`);
  }
});

test('closure and acyclicity stay right on dense relations and self-loops, sizes in any order', () => {
  // The closure only walks the events with a successor and both use reused buffers:
  // sizes go down after going up, so a buffer is longer than the relation.
  const rnd = rand(7);
  for (const n of [150, 3, 70, 33, 1, 64]) {
    for (const density of [0.02, 0.2, 0.6]) {
      const pairs: Array<[number, number]> = [];
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) if (rnd() < density) pairs.push([i, j]);
      checkClosureAndAcyclicity(n, pairs, `n=${n} density=${density}`);
    }
  }
});

test('composition agrees with the naive product for rows of one, two and more words', () => {
  const rnd = rand(11);
  for (const n of [1, 31, 32, 33, 63, 64, 65, 100, 150]) {
    for (const density of [0.03, 0.3]) {
      const pairs = (): Array<[number, number]> => {
        const out: Array<[number, number]> = [];
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) if (rnd() < density) out.push([i, j]);
        return out;
      };
      const p = pairs(),
        q = pairs();
      const want = new Set<string>();
      for (const [a, b] of p) for (const [c, d] of q) if (b === c) want.add(`${a},${d}`);
      const got = Relation.fromPairs(n, p)
        .seq(Relation.fromPairs(n, q))
        .pairs()
        .map(([a, b]) => `${a},${b}`);
      assert.deepEqual(new Set(got), want, `n=${n} density=${density}`);
    }
  }
});

test('relations allocated side by side start empty and never share words', () => {
  // Small word arrays are views into shared blocks: relations of every size class
  // (heap-sized rows, block views across several blocks, arrays of their own) are made
  // interleaved, each given its own pairs, and must keep exactly those.
  const made: Array<{ r: Relation; pairs: Array<[number, number]> }> = [];
  const rnd = rand(3);
  for (let round = 0; round < 120; round++) {
    for (const n of [10, 40, 70, 100, 200]) {
      const r = round % 3 === 0 ? new Relation(n) : Relation.fromPairs(n, []).clone();
      assert.ok(r.isEmpty(), `n=${n} round=${round}: a new relation is empty`);
      const pairs: Array<[number, number]> = [];
      for (let k = 0; k < 3; k++) pairs.push([Math.floor(rnd() * n), Math.floor(rnd() * n)]);
      for (const [i, j] of pairs) r.add(i, j);
      made.push({ r, pairs });
    }
  }
  for (const { r, pairs } of made) {
    const want = new Set(pairs.map(([i, j]) => `${i},${j}`));
    assert.deepEqual(new Set(r.pairs().map(([i, j]) => `${i},${j}`)), want, `n=${r.n}`);
  }
  // A copy is independent of its original, both ways.
  const a = Relation.fromPairs(40, [[1, 2]]);
  const b = a.clone();
  b.add(3, 4);
  a.add(5, 6);
  assert.deepEqual(a.pairs(), [
    [1, 2],
    [5, 6],
  ]);
  assert.deepEqual(b.pairs(), [
    [1, 2],
    [3, 4],
  ]);
});

test('a relation marked known empty has no pair, and the operations mark what they see', () => {
  // knownEmpty lets operations skip their operands' words: a mark on a relation with a
  // pair would drop it. Results are compared with their pair count (size ignores the mark).
  const rnd = rand(5);
  for (const n of [3, 31, 40, 64, 70, 100]) {
    for (const density of [0, 0.01, 0.05]) {
      const make = (): Relation => {
        const r = new Relation(n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (rnd() < density) r.add(i, j);
        return r.markIfEmpty();
      };
      const a = make(),
        b = make();
      const s = EventSet.of(
        n,
        [...Array(n).keys()].filter(() => rnd() < 0.3),
      );
      const results = [a, b, a.seq(b), a.inter(b), a.diff(b), a.restrict(s, s), a.union(b)];
      results.push(a.plus(), a.inverse(), a.clone(), results[2].seq(a), results[3].inter(b));
      for (const r of results) {
        if (r.knownEmpty) assert.equal(r.size(), 0, `n=${n} density=${density}`);
        assert.equal(r.isEmpty(), r.size() === 0);
      }
      // The mark is exact where the operation writes its whole result.
      for (const r of results.slice(2, 6)) assert.equal(r.knownEmpty, r.size() === 0);
    }
  }
  const e = Relation.knownEmptyOf(40);
  assert.ok(e.knownEmpty && e.isEmpty());
  e.add(3, 39);
  assert.ok(!e.knownEmpty && !e.isEmpty());
  assert.deepEqual(e.seq(Relation.fromPairs(40, [[39, 0]])).pairs(), [[3, 0]]);
});
