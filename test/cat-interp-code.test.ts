// The interpreter runs each node of a model as code made for it the first time it is met
// (Evaluator.compileExp): the code is kept on the node, where the compiled model's cache
// on disk does not see it, and gives what the node's marks (invariance.ts) promise.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateModel } from '../src/cat/index.js';
import { EMPTY, UNV } from '../src/cat/values.js';
import type { RExp } from '../src/cat/resolved.js';
import { encodeGraph } from '../src/disk-cache.js';
import { Relation } from '../src/relations/index.js';
import { catFolder, mkInput, threeEvents } from './support/cat-models.js';

const { load: loadSource } = catFolder('code');

/** Every expression node reachable from v (a program, an instruction, a node). */
function nodes(v: unknown, into = new Set<object>()): Set<object> {
  if (v === null || typeof v !== 'object' || into.has(v)) return into;
  if (v instanceof Relation) return into;
  into.add(v);
  const values = v instanceof Map ? [...v.values()] : Object.values(v);
  for (const x of values) nodes(x, into);
  return into;
}

test('a node evaluated keeps its code out of the cache: the model still stores as plain data', () => {
  const m = loadSource(
    '"t"\nlet a = (po | rf)^-1 ; loc\nwith x from {po, rf}\nacyclic a | x as c\n',
  );
  evaluateModel(m, mkInput(threeEvents, [[1, 2]]));
  const withCode = [...nodes(m.program)].filter((n) => Object.getOwnPropertySymbols(n).length > 0);
  assert.ok(withCode.length >= 5, 'the nodes evaluated carry their code');
  // Stored as the cache stores it: no function met, and the copy has no trace of code.
  // (Built-ins hold functions: stored by name, as the cache does.)
  const opaque = {
    nameOf: (v: object) =>
      v === EMPTY || v === UNV || (v as { k?: string }).k === 'prim' ? 'named' : undefined,
    byName: () => EMPTY,
  };
  const stored = encodeGraph(m.program, opaque);
  for (const n of nodes(stored.graph)) assert.deepEqual(Object.getOwnPropertySymbols(n), []);
});

test('a node gives the same values when met again, its code made once', () => {
  // Two candidates, one model: the second evaluation runs the code the first one made.
  const m = loadSource('"t"\nlet a = (po | rf)^-1 ; loc\nflag ~empty a & rf^-1 as back\n');
  const first = evaluateModel(m, mkInput(threeEvents, [[1, 2]]));
  const codes = new Map<object, unknown>();
  for (const n of nodes(m.program))
    for (const s of Object.getOwnPropertySymbols(n))
      codes.set(n, (n as Record<symbol, unknown>)[s]);
  const second = evaluateModel(m, mkInput(threeEvents, []));
  for (const [n, code] of codes)
    for (const s of Object.getOwnPropertySymbols(n))
      assert.equal((n as Record<symbol, unknown>)[s], code, (n as RExp).t);
  assert.deepEqual(
    [first, second].map((os) => os.map((o) => o.flags.includes('back'))),
    [[true], [false]],
  );
});
