// Turning command-line operands into the sorted list of tests of a batch: files as given,
// directories searched recursively for `*.litmus`, and `@LIST` files holding one path per
// line (relative to the list file's directory; blank lines and `#` comments skipped; a
// list may name directories and other `@LIST`s).

import { readdirSync, statSync } from 'node:fs';
import { readSourceFile } from '../source.js';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { OrdoError } from '../diagnostics.js';

export interface BatchTest {
  /** The path handed to the runner (as the user spelled it, joined with directory entries). */
  file: string;
  /** The path relative to the common root of the inputs, with `/` separators. */
  path: string;
}

export interface ExpandedInputs {
  /** Absolute common root of the inputs. */
  root: string;
  /** Sorted by `path`, without duplicates. */
  tests: BatchTest[];
}

function walk(dir: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new OrdoError(`cannot read directory ${dir}`);
  }
  for (const name of names.sort()) {
    const p = join(dir, name);
    const isTest = name.endsWith('.litmus');
    let st;
    try {
      st = statSync(p);
    } catch {
      // A dangling link named *.litmus is a test that cannot be read: the run says so.
      if (isTest) out.push(p);
      continue;
    }
    // Whatever is named *.litmus is a test, so that a directory, FIFO or device of that
    // name is reported as an error for its path (the reader refuses it without blocking)
    // rather than skipped silently or walked.
    if (isTest) out.push(p);
    else if (st.isDirectory()) walk(p, out);
  }
}

/** Every `*.litmus` file below dir, recursively, in sorted order. */
export function listLitmusFiles(dir: string): string[] {
  const out: string[] = [];
  walk(dir, out);
  return out;
}

/** Common ancestor directory of absolute paths. */
export function commonRoot(dirs: string[]): string {
  if (dirs.length === 0) return process.cwd();
  let parts = dirs[0].split(sep);
  for (const d of dirs.slice(1)) {
    const q = d.split(sep);
    let i = 0;
    while (i < parts.length && i < q.length && parts[i] === q[i]) i++;
    parts = parts.slice(0, i);
  }
  const root = parts.join(sep);
  return root === '' ? sep : root;
}

/**
 * Expand operands into tests. The common root is the deepest directory holding every
 * operand: the directory of each file, the parent of each directory (so that
 * `ordo run litmus-tests --save DIR` writes `DIR/litmus-tests/X.litmus.out`, the kernel
 * scripts' layout). Entries of an @LIST count as operands themselves.
 */
export function expandInputs(operands: string[], cwd = process.cwd()): ExpandedInputs {
  const files: string[] = [];
  const anchors: string[] = [];
  const seenLists = new Set<string>();
  const add = (operand: string, base: string | null, origin: string): void => {
    if (operand.startsWith('@')) {
      const listFile = base ? join(base, operand.slice(1)) : operand.slice(1);
      const abs = resolve(cwd, listFile);
      if (seenLists.has(abs)) throw new OrdoError(`list file ${listFile} includes itself`);
      seenLists.add(abs);
      let text: string;
      try {
        text = readSourceFile(abs);
      } catch (err) {
        throw new OrdoError(
          `cannot read list file ${listFile}${origin}: ${(err as Error).message}`,
        );
      }
      const listDir = dirname(listFile);
      text.split('\n').forEach((raw, i) => {
        const line = raw.trim();
        if (line === '' || line.startsWith('#')) return;
        add(
          line,
          isAbsolute(line) || line.startsWith('@/') ? null : listDir,
          ` (${listFile}:${i + 1})`,
        );
      });
      seenLists.delete(abs);
      return;
    }
    const p = base ? join(base, operand) : operand;
    const abs = resolve(cwd, p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new OrdoError(`no such file or directory: ${p}${origin}`);
    }
    if (st.isDirectory()) {
      anchors.push(dirname(abs));
      walk(p, files);
    } else {
      anchors.push(dirname(abs));
      files.push(p);
    }
  };
  for (const op of operands) add(op, null, '');
  const root = commonRoot(anchors);
  const byPath = new Map<string, BatchTest>();
  for (const f of files) {
    const path = relative(root, resolve(cwd, f)).split(sep).join('/');
    if (!byPath.has(path)) byPath.set(path, { file: f, path });
  }
  const tests = [...byPath.values()].sort((a, b) => comparePaths(a.path, b.path));
  return { root, tests };
}

/** The batch order: plain code-unit comparison, independent of locale. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Parse `K/N` (1 <= K <= N). */
export function parseShard(spec: string): { k: number; n: number } {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  if (!m) throw new OrdoError(`--shard takes K/N, e.g. 2/4, not ${spec}`);
  const k = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1 || k < 1 || k > n) throw new OrdoError(`--shard ${spec}: need 1 <= K <= N`);
  return { k, n };
}

/**
 * The K-th (1-based) of N slices of a sorted list: every N-th test starting at K-1, so that
 * slow neighbours (tests of one family sort together) spread over the shards. Slices are
 * disjoint, cover the list, and depend only on the list.
 */
export function shardSlice<T>(sorted: T[], k: number, n: number): T[] {
  return sorted.filter((_, i) => i % n === k - 1);
}
