// A cache on disk for what does not change between runs: a model parsed and compiled, a
// macro file parsed. The kernel's scripts start one Ordo per test, and in a fresh process
// most of the time went to parsing and compiling the same model files again, in code the
// JIT had not warmed up yet.
//
// Entries live in $ORDO_CACHE_DIR, else $XDG_CACHE_HOME/ordo, else ~/.cache/ordo;
// ORDO_CACHE_DIR=off (or an empty value) turns the cache off. Every entry names the inputs
// it was made from with a digest of their contents, and the digest of the code that made
// it, so an edited model file or a new Ordo makes a fresh entry rather than reusing a
// stale one. Entries are written to a temporary file and renamed into place, so
// concurrent processes never see half an entry; anything unreadable or malformed is
// ignored and rebuilt. The cache is an accelerator only: any failure falls back to doing
// the work.

import { createHash } from 'node:crypto';
import {
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  writeFileSync,
  unlinkSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { deserialize, serialize } from 'node:v8';
import { join } from 'node:path';

const FORMAT = 2;

/**
 * Entries kept: every new build of Ordo and every edited model makes new ones, so the
 * oldest are dropped when a write takes the directory past this many.
 */
const MAX_ENTRIES = 64;

/** The cache directory, or null when the cache is off. */
export function cacheDir(): string | null {
  const env = process.env.ORDO_CACHE_DIR;
  if (env !== undefined) return env === '' || env === 'off' ? null : env;
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg) return join(xdg, 'ordo');
  const home = homedir();
  return home ? join(home, '.cache', 'ordo') : null;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const codeDigests = new Map<string, string>();

/**
 * Digest of the code in a directory (its .js or .ts files): part of every key, so that
 * entries made by another build of Ordo are never read.
 */
export function codeDigest(dir: string): string {
  // With the cache off no entry is read or written, so no key needs the digest (and the
  // playground, which has no cache, has no code files to read either).
  if (cacheDir() === null) return '';
  let d = codeDigests.get(dir);
  if (d === undefined) {
    const h = createHash('sha256');
    for (const f of readdirSync(dir)
      .filter((n) => /\.(js|ts)$/.test(n))
      .sort())
      h.update(f)
        .update('\0')
        .update(readFileSync(join(dir, f), 'utf8'))
        .update('\0');
    d = h.digest('hex');
    codeDigests.set(dir, d);
  }
  return d;
}

/** Entries are written with v8.serialize (structured clone), read with v8.deserialize. */
const ENTRY_SUFFIX = '.v8';

interface Entry {
  format: number;
  key: string;
  value: unknown;
}

function entryPath(dir: string, kind: string, key: string): string {
  return join(dir, `${kind}-${sha256(key).slice(0, 32)}${ENTRY_SUFFIX}`);
}

/** The value stored under `key`, or undefined (absent, off, unreadable, or made for another key). */
export function readCache(kind: string, key: string): unknown {
  const dir = cacheDir();
  if (!dir) return undefined;
  try {
    // (Through a Uint8Array: @types/node 20's Buffer does not type-check as one under TS 5.9.)
    const entry = deserialize(new Uint8Array(readFileSync(entryPath(dir, kind, key)))) as Entry;
    return entry.format === FORMAT && entry.key === key ? entry.value : undefined;
  } catch {
    return undefined;
  }
}

/** Store `value` (anything structured clone can copy) under `key`; never throws. */
export function writeCache(kind: string, key: string, value: unknown): void {
  const dir = cacheDir();
  if (!dir) return;
  const path = entryPath(dir, kind, key);
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    const entry: Entry = { format: FORMAT, key, value };
    writeFileSync(tmp, new Uint8Array(serialize(entry)));
    renameSync(tmp, path);
    prune(dir);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
  }
}

/** Drop the least recently written entries beyond MAX_ENTRIES (another process may race: fine). */
function prune(dir: string): void {
  // Entries of the JSON format before it (.json) count too, so they do not linger.
  const entries = readdirSync(dir).filter((n) => n.endsWith(ENTRY_SUFFIX) || n.endsWith('.json'));
  if (entries.length <= MAX_ENTRIES) return;
  const dated = entries.map((n) => {
    try {
      return { n, t: statSync(join(dir, n)).mtimeMs };
    } catch {
      return { n, t: 0 };
    }
  });
  dated.sort((a, b) => a.t - b.t);
  for (const { n } of dated.slice(0, entries.length - MAX_ENTRIES)) {
    try {
      unlinkSync(join(dir, n));
    } catch {
      // already gone
    }
  }
}

// ------------------------------------------------------------------------ object graphs

/**
 * Objects that cannot be written as data (functions inside, identity that matters) are
 * stored by name: `nameOf` gives the name of such an object (undefined for plain data),
 * `byName` gives the object back when reading.
 */
export interface Opaque {
  nameOf(value: object): string | undefined;
  byName(name: string): object;
}

/** Deepest nesting encodeGraph stores (see there). */
const MAX_CACHED_DEPTH = 2000;

/**
 * Most objects encodeGraph stores. Ordo's and herd's models have 1,000 to 4,000; a model
 * far beyond (5,000 includes of one file: 28 MB) would be written and read back by one
 * native call each (v8.serialize, v8.deserialize), seconds that no time limit can
 * interrupt. Such a model is compiled on every run instead, under the run's limits.
 */
const MAX_CACHED_OBJECTS = 100_000;

/** Thrown by `encodeGraph` for a value it cannot represent (the caller then skips caching). */
export class NotCacheable extends Error {}

/**
 * One step from an object to what it holds: a property name, an array index, or `[i]`,
 * the value of a Map's i-th entry (structured clone keeps a Map's order).
 */
type Step = string | number | [number];

/**
 * A graph ready for storage: a copy of it that structured clone (v8.serialize) can write,
 * with each opaque object replaced by a placeholder, and where those were: the path from
 * the root to the holding object and the step from it to the slot. Reading it back is
 * then one v8.deserialize (which keeps sharing, cycles, Maps and every number) and one
 * short walk per opaque object, instead of a walk over the whole graph in JavaScript.
 */
export interface EncodedGraph {
  graph: unknown;
  holes: Array<{ path: Step[]; slot: Step; name: string }>;
}

/**
 * Copy plain objects, arrays, Maps and primitives for storage, shared references kept
 * shared (and cycles intact); opaque objects become holes (see EncodedGraph). Throws
 * NotCacheable for what has no faithful copy (functions, class instances).
 */
export function encodeGraph(root: unknown, opaque: Opaque): EncodedGraph {
  const copies = new Map<object, unknown>();
  const holes: EncodedGraph['holes'] = [];
  // Each object is copied once, on its first path from the root: the path holes record.
  const copy = (v: unknown, path: Step[]): unknown => {
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint')
      throw new NotCacheable(typeof v);
    if (v === null || typeof v !== 'object') return v;
    const done = copies.get(v);
    if (done !== undefined) return done;
    if (copies.size >= MAX_CACHED_OBJECTS) throw new NotCacheable('too many objects');
    // Each hole keeps its whole path: deeper data (a cat expression of 100,000 terms)
    // would cost time and memory quadratic in its depth. Compiled on every run instead.
    if (path.length > MAX_CACHED_DEPTH) throw new NotCacheable('nested too deeply');
    const inner = (x: unknown, step: Step): unknown => {
      if (x !== null && typeof x === 'object') {
        const name = opaque.nameOf(x);
        if (name !== undefined) {
          holes.push({ path, slot: step, name });
          return null;
        }
      }
      return copy(x, [...path, step]);
    };
    if (v instanceof Map) {
      const m = new Map<unknown, unknown>();
      copies.set(v, m);
      let i = 0;
      for (const [k, x] of v) {
        if (k !== null && typeof k === 'object') throw new NotCacheable('object Map key');
        m.set(k, inner(x, [i++]));
      }
      return m;
    }
    if (Array.isArray(v)) {
      const a: unknown[] = [];
      copies.set(v, a);
      v.forEach((x, i) => a.push(inner(x, i)));
      return a;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) throw new NotCacheable('class instance');
    const o: Record<string, unknown> = {};
    copies.set(v, o);
    for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = inner(x, k);
    return o;
  };
  if (root !== null && typeof root === 'object') {
    const name = opaque.nameOf(root);
    if (name !== undefined) return { graph: null, holes: [{ path: [], slot: '', name }] };
  }
  return { graph: copy(root, []), holes };
}

/** The inverse of encodeGraph, in place on `data` (a fresh copy, as read from storage). */
export function decodeGraph(data: unknown, opaque: Opaque): unknown {
  const { graph, holes } = data as EncodedGraph;
  if (!Array.isArray(holes)) throw new Error('not an encoded graph');
  if (holes.length === 1 && holes[0].path.length === 0 && holes[0].slot === '')
    return opaque.byName(holes[0].name);
  const at = (holder: unknown, step: Step): unknown =>
    Array.isArray(step)
      ? [...(holder as Map<unknown, unknown>).values()][step[0]]
      : (holder as Record<string | number, unknown>)[step];
  for (const { path, slot, name } of holes) {
    const holder = path.reduce(at, graph);
    const value = opaque.byName(name);
    if (Array.isArray(slot)) {
      const m = holder as Map<unknown, unknown>;
      m.set([...m.keys()][slot[0]], value);
    } else (holder as Record<string | number, unknown>)[slot] = value;
  }
  return graph;
}
