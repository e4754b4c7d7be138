// Where herd7 finds a configuration, model, bell, macro or included cat file, and Ordo
// with it (herdtools7 lib/myLib.ml): a name that is a plain relative path ("lock.cat",
// "dir/x.cat") is looked up in the current directory, then each -I directory in order,
// then $HERDLIB, then the library (for Ordo: its own models); a name starting with `/`,
// `./` or `../` is taken as it is. The including file's own directory is NOT searched,
// as in herd7, so the same command finds the same files with both tools.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OrdoError, UsageError, type Location } from '../diagnostics.js';

/** The package root: <root>/src/config or <root>/dist/src/config. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'models', 'lib', 'stdlib.cat'))) return dir;
    dir = dirname(dir);
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

const root = packageRoot();

/** Ordo's own model library, searched last: models/lib (herd's standard files), then each models/ folder. */
export const ORDO_LIBRARY: readonly string[] = ordoLibrary();

function ordoLibrary(): string[] {
  const models = join(root, 'models');
  let dirs: string[] = [];
  try {
    dirs = readdirSync(models, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'lib')
      .map((d) => d.name)
      .sort();
  } catch {
    // no models folder: only what the user names can be found
  }
  return ['lib', ...dirs].map((d) => join(models, d));
}

/** Ordo's own model directory named `name` (models/NAME at the package root). */
export function ordoModelDir(name: string): string {
  return join(root, 'models', name);
}

/** Herd's "implicit" names: not absolute and not starting with ./ or ../ . */
function isImplicit(name: string): boolean {
  return !isAbsolute(name) && !/^\.\.?([\\/]|$)/.test(name);
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The directories searched for an implicit name, in herd7's order. */
export function searchDirs(includeDirs: readonly string[]): string[] {
  const herdlib = process.env.HERDLIB;
  return ['.', ...includeDirs, ...(herdlib ? [herdlib] : []), ...ORDO_LIBRARY];
}

/**
 * The file herd7 would open for `name`, or null. Failing a regular file, the first thing of
 * another kind by that name (a directory, a FIFO ...), so that reading it reports what it
 * is rather than "no such file".
 */
export function findHerdFile(name: string, includeDirs: readonly string[]): string | null {
  if (!isImplicit(name)) return isFile(name) || existsSync(name) ? resolve(name) : null;
  let other: string | null = null;
  for (const dir of searchDirs(includeDirs)) {
    const p = resolve(dir, name);
    if (isFile(p)) return p;
    if (other === null && existsSync(p)) other = p;
  }
  return other;
}

/**
 * As findHerdFile, or an error naming the file and where it was asked for: a place in a
 * cfg or cat file, or the command-line option that named it.
 */
export function requireHerdFile(
  name: string,
  includeDirs: readonly string[],
  askedBy: Location | string,
): string {
  const found = findHerdFile(name, includeDirs);
  if (found) return found;
  const looked = isImplicit(name)
    ? `looked in ${['.', ...includeDirs, ...(process.env.HERDLIB ? ['$HERDLIB'] : [])].join(', ')} and Ordo's models`
    : 'no such file';
  if (typeof askedBy === 'string')
    throw new UsageError(`cannot find file "${name}" named by ${askedBy} (${looked})`);
  // herd7 does not look beside the asking file; say so when that is where the file is.
  const beside = dirname(resolve(askedBy.file));
  const hint =
    isImplicit(name) && isFile(join(beside, name)) ? `; it is in ${beside}: add -I ${beside}` : '';
  throw new OrdoError(`cannot find file "${name}" (${looked}${hint})`, askedBy);
}
