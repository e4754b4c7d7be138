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
import { join } from 'node:path';

const FORMAT = 1;

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

interface Entry {
  format: number;
  key: string;
  value: unknown;
}

function entryPath(dir: string, kind: string, key: string): string {
  return join(dir, `${kind}-${sha256(key).slice(0, 32)}.json`);
}

/** The value stored under `key`, or undefined (absent, off, unreadable, or made for another key). */
export function readCache(kind: string, key: string): unknown {
  const dir = cacheDir();
  if (!dir) return undefined;
  try {
    const entry = JSON.parse(readFileSync(entryPath(dir, kind, key), 'utf8')) as Entry;
    return entry.format === FORMAT && entry.key === key ? entry.value : undefined;
  } catch {
    return undefined;
  }
}

/** Store `value` (JSON data) under `key`; never throws. */
export function writeCache(kind: string, key: string, value: unknown): void {
  const dir = cacheDir();
  if (!dir) return;
  const path = entryPath(dir, kind, key);
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    const entry: Entry = { format: FORMAT, key, value };
    writeFileSync(tmp, JSON.stringify(entry));
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
  const entries = readdirSync(dir).filter((n) => n.endsWith('.json'));
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

/** Thrown by `encodeGraph` for a value it cannot represent (the caller then skips caching). */
export class NotCacheable extends Error {}

// Encoded forms (AST keys never start with '#'): {'#id': n, '#v': x} is the first
// occurrence of an object reached more than once, {'#ref': n} a later one; {'#map': [[k,
// v]...]} a Map, {'#named': s} an opaque object, {'#num': s} a non-finite number.

/**
 * Plain objects, arrays, Maps and primitives as JSON data, keeping shared references
 * shared (and cycles intact).
 */
export function encodeGraph(root: unknown, opaque: Opaque): unknown {
  const count = new Map<object, number>();
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    const n = count.get(v) ?? 0;
    count.set(v, n + 1);
    if (n > 0 || opaque.nameOf(v) !== undefined) return;
    if (v instanceof Map) {
      for (const [k, x] of v) {
        visit(k);
        visit(x);
      }
    } else if (Array.isArray(v)) v.forEach(visit);
    else for (const x of Object.values(v)) visit(x);
  };
  visit(root);
  const ids = new Map<object, number>();
  const enc = (v: unknown): unknown => {
    if (typeof v === 'number') return Number.isFinite(v) ? v : { '#num': String(v) };
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint')
      throw new NotCacheable(typeof v);
    if (v === null || typeof v !== 'object') return v;
    const named = opaque.nameOf(v);
    if (named !== undefined) return { '#named': named };
    const seen = ids.get(v);
    if (seen !== undefined) return { '#ref': seen };
    const shared = (count.get(v) ?? 0) > 1;
    let id = 0;
    if (shared) {
      id = ids.size;
      ids.set(v, id);
    }
    let body: unknown;
    if (v instanceof Map) body = { '#map': [...v].map(([k, x]) => [enc(k), enc(x)]) };
    else if (Array.isArray(v)) body = v.map(enc);
    else {
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new NotCacheable('class instance');
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = enc(x);
      body = o;
    }
    return shared ? { '#id': id, '#v': body } : body;
  };
  return enc(root);
}

/** The inverse of encodeGraph. */
export function decodeGraph(data: unknown, opaque: Opaque): unknown {
  const byId = new Map<number, unknown>();
  const dec = (d: unknown): unknown => {
    if (d === null || typeof d !== 'object') return d;
    if (Array.isArray(d)) return d.map(dec);
    const o = d as Record<string, unknown>;
    if ('#ref' in o) return byId.get(o['#ref'] as number);
    if ('#named' in o) return opaque.byName(o['#named'] as string);
    if ('#num' in o) return Number(o['#num']);
    if ('#id' in o) {
      const id = o['#id'] as number;
      const body = o['#v'] as unknown;
      // Create the shell first so that references inside (cycles) find it.
      if (Array.isArray(body)) {
        const arr: unknown[] = [];
        byId.set(id, arr);
        for (const x of body) arr.push(dec(x));
        return arr;
      }
      const b = body as Record<string, unknown>;
      if ('#map' in b) {
        const m = new Map<unknown, unknown>();
        byId.set(id, m);
        for (const [k, x] of b['#map'] as [unknown, unknown][]) m.set(dec(k), dec(x));
        return m;
      }
      const obj: Record<string, unknown> = {};
      byId.set(id, obj);
      for (const [k, x] of Object.entries(b)) obj[k] = dec(x);
      return obj;
    }
    if ('#map' in o)
      return new Map((o['#map'] as [unknown, unknown][]).map(([k, x]) => [dec(k), dec(x)]));
    const obj: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) obj[k] = dec(x);
    return obj;
  };
  return dec(data);
}
