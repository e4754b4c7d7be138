import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { deserialize, serialize } from 'node:v8';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  NotCacheable,
  cacheDir,
  decodeGraph,
  encodeGraph,
  readCache,
  writeCache,
} from '../src/disk-cache.js';
import { testCacheDir } from './support/private-cache.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'ordo.js');

const plain = { nameOf: () => undefined, byName: (): never => assert.fail('no names') };

/** Runs `fn` with ORDO_CACHE_DIR set to `value`, then restores it. */
function withCacheDir<T>(value: string | undefined, fn: () => T): T {
  const saved = process.env.ORDO_CACHE_DIR;
  if (value === undefined) delete process.env.ORDO_CACHE_DIR;
  else process.env.ORDO_CACHE_DIR = value;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.ORDO_CACHE_DIR;
    else process.env.ORDO_CACHE_DIR = saved;
  }
}

test('an object graph survives encoding: shared objects stay shared, Maps and cycles too', () => {
  const leaf = { k: 'tag', name: 'x' };
  const cyclic: { self?: unknown; n: number } = { n: Infinity };
  cyclic.self = cyclic;
  const graph = { a: [leaf, leaf], m: new Map([['key', leaf]]), cyclic, skipped: undefined };
  const back = decodeGraph(
    deserialize(new Uint8Array(serialize(encodeGraph(graph, plain)))),
    plain,
  ) as {
    a: unknown[];
    m: Map<string, unknown>;
    cyclic: { self: unknown; n: number };
  };
  assert.deepEqual(back.a[0], leaf);
  assert.equal(back.a[0], back.a[1]);
  assert.equal(back.m.get('key'), back.a[0]);
  assert.equal(back.cyclic.self, back.cyclic);
  assert.equal(back.cyclic.n, Infinity);
  assert.equal('skipped' in back, false);
});

test('objects stored by name come back as the object the name gives, once per name', () => {
  const fnHolder = { run: () => 1 };
  const opaque = {
    nameOf: (v: object) => (v === fnHolder ? 'runner' : undefined),
    byName: (name: string) => ({ name, revived: true }),
  };
  const back = decodeGraph(encodeGraph([fnHolder, fnHolder], opaque), {
    nameOf: opaque.nameOf,
    byName: (() => {
      const made = new Map<string, object>();
      return (n: string) => made.get(n) ?? (made.set(n, opaque.byName(n)), made.get(n)!);
    })(),
  }) as object[];
  assert.deepEqual(back[0], { name: 'runner', revived: true });
  assert.equal(back[0], back[1]);
});

test('opaque objects come back in every slot: Map values, arrays, shared objects, the root', () => {
  const prim = { run: () => 1 };
  const revived = { name: 'prim' };
  const opaque = {
    nameOf: (v: object) => (v === prim ? 'prim' : undefined),
    byName: (name: string) => (name === 'prim' ? revived : assert.fail(name)),
  };
  const shared = { p: prim, q: [1, prim] };
  const graph = {
    a: shared,
    b: shared,
    m: new Map<string, unknown>([
      ['k', prim],
      ['s', shared],
    ]),
  };
  const stored = (g: unknown) =>
    deserialize(new Uint8Array(serialize(encodeGraph(g, opaque)))) as unknown;
  const back = decodeGraph(stored(graph), opaque) as typeof graph;
  assert.equal(back.a, back.b);
  assert.equal(back.a.p, revived);
  assert.deepEqual(back.a.q, [1, revived]);
  assert.equal(back.m.get('k'), revived);
  assert.equal(back.m.get('s'), back.a);
  assert.equal(decodeGraph(stored(prim), opaque), revived);
});

test('functions and class instances are refused, so nothing half-stored is cached', () => {
  assert.throws(() => encodeGraph({ f: () => 0 }, plain), NotCacheable);
  assert.throws(() => encodeGraph({ d: new Date() }, plain), NotCacheable);
});

test('graphs of more than 100,000 objects are not cached (one native call would read them)', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => ({ i }));
  assert.equal((encodeGraph(many(99_000), plain).graph as unknown[]).length, 99_000);
  assert.throws(() => encodeGraph(many(100_000), plain), NotCacheable);
});

test('entries are read back under their key only; corrupt ones read as absent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-cache-'));
  withCacheDir(dir, () => {
    assert.equal(cacheDir(), dir);
    writeCache('unit', 'key-1', { answer: 42 });
    assert.deepEqual(readCache('unit', 'key-1'), { answer: 42 });
    assert.equal(readCache('unit', 'key-2'), undefined);
    // Nothing but finished entries is left behind.
    const files = readdirSync(dir);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^unit-[0-9a-f]+\.v8$/);
    const entry = join(dir, files[0]!);
    writeFileSync(entry, new Uint8Array(readFileSync(entry).subarray(0, 12)));
    assert.equal(readCache('unit', 'key-1'), undefined);
  });
});

test('ORDO_CACHE_DIR=off turns the cache off', () => {
  withCacheDir('off', () => {
    assert.equal(cacheDir(), null);
    writeCache('unit', 'k', 1);
    assert.equal(readCache('unit', 'k'), undefined);
  });
  withCacheDir('', () => assert.equal(cacheDir(), null));
});

const SB = `C SB
{}
P0(int *x, int *y)
{
	int r0;
	WRITE_ONCE(*x, 1);
	r0 = READ_ONCE(*y);
}
P1(int *x, int *y)
{
	int r0;
	WRITE_ONCE(*y, 1);
	r0 = READ_ONCE(*x);
}
exists (0:r0=0 /\\ 1:r0=0)
`;

test('a cached model gives the same report, and an edited model file is read afresh', () => {
  const work = mkdtempSync(join(tmpdir(), 'ordo-cache-e2e-'));
  const cache = join(work, 'cache');
  const models = join(work, 'lkmm');
  cpSync(join(root, 'models', 'lkmm'), models, { recursive: true });
  const testFile = join(work, 'SB.litmus');
  writeFileSync(testFile, SB);
  const run = (cacheSetting: string) => {
    const r = spawnSync(
      process.execPath,
      [bin, '-I', models, '-conf', join(models, 'lkmm.cfg'), testFile],
      {
        encoding: 'utf8',
        env: { ...process.env, ORDO_CACHE_DIR: cacheSetting },
      },
    );
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.replace(/^Time .*$/m, '');
  };
  const uncached = run('off');
  assert.equal(run(cache), uncached);
  const entries = readdirSync(cache);
  assert.ok(entries.some((f) => f.startsWith('model-')));
  assert.ok(entries.some((f) => f.startsWith('macros-')));
  assert.equal(run(cache), uncached);

  // Corrupt entries are ignored and rebuilt.
  for (const f of entries) writeFileSync(join(cache, f), 'not json');
  assert.equal(run(cache), uncached);
  assert.notEqual(readFileSync(join(cache, entries[0]!), 'utf8'), 'not json');

  // An edit to the model shows at once.
  appendFileSync(join(models, 'lkmm.cat'), '\nflag ~empty po as EditedModel\n');
  assert.match(run(cache), /^Flag EditedModel$/m);
});

test('the cache keeps a bounded number of entries, the latest among them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-cache-prune-'));
  withCacheDir(dir, () => {
    for (let i = 0; i < 70; i++) writeCache('unit', `key-${i}`, i);
    assert.ok(readdirSync(dir).length <= 64);
    assert.equal(readCache('unit', 'key-69'), 69);
  });
});

test("tests keep out of the user's cache: a private temporary ORDO_CACHE_DIR, inherited by the CLI", () => {
  assert.equal(cacheDir(), testCacheDir);
  assert.ok(testCacheDir.startsWith(tmpdir()), testCacheDir);
  assert.notEqual(testCacheDir, join(homedir(), '.cache', 'ordo'));
  const work = mkdtempSync(join(tmpdir(), 'ordo-cache-private-'));
  const testFile = join(work, 'SB.litmus');
  writeFileSync(testFile, SB);
  // The directory is this process's own: empty it, so what appears comes from the CLI.
  rmSync(testCacheDir, { recursive: true, force: true });
  mkdirSync(testCacheDir);
  const r = spawnSync(process.execPath, [bin, testFile], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(
    readdirSync(testCacheDir).some((f) => f.startsWith('model-')),
    'the subprocess wrote its model entry into the test cache directory',
  );
});
